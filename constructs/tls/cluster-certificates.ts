import { Fn } from 'cdktf';
import { CertRequest } from '@cdktf/provider-tls/lib/cert-request';
import { LocallySignedCert } from '@cdktf/provider-tls/lib/locally-signed-cert';
import { PrivateKey } from '@cdktf/provider-tls/lib/private-key';
import { SelfSignedCert } from '@cdktf/provider-tls/lib/self-signed-cert';
import { Construct } from 'constructs';
import type { CertificateNames, TlsPlan } from '../../plan/tls';

/** Terraform references of one certificate, its key and the CA it chains to. */
export interface CertificateTokens {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/** Props of ClusterCertificates. */
export interface ClusterCertificatesProps {
  readonly clusterName: string;
  readonly tls: TlsPlan;
}

/** Uses of a leaf certificate: nodes authenticate each other (inter-node TLS) with the same one. */
const LEAF_USES = ['digital_signature', 'key_encipherment', 'server_auth', 'client_auth'];

/**
 * The cluster's TLS material as Terraform references. `generate`: an ECDSA P-256 CA and one
 * certificate per node (and one for the load balancer) with the names the plan lists, by
 * hashicorp/tls; the keys live in Terraform state (non-production, said by a plan warning).
 * `files`: the PEM files, read by Terraform at plan time (`file()`, keys marked sensitive).
 * Logical ids are pinned (`tls_ca`, `tls_node_<i>`, `tls_load_balancer`).
 */
export class ClusterCertificates extends Construct {
  private readonly nodeTokens: CertificateTokens[] = [];
  private lbTokens?: CertificateTokens;

  constructor(scope: Construct, id: string, props: ClusterCertificatesProps) {
    super(scope, id);
    const { tls } = props;
    const src = tls.source;
    if (src.kind === 'secret') throw new Error('ClusterCertificates: a Secret source is mounted by the Kubernetes constructs, not generated');
    if (src.kind === 'files') {
      const t = { caPem: Fn.file(src.caFile), certPem: Fn.file(src.certFile), keyPem: Fn.sensitive(Fn.file(src.keyFile)) };
      for (const _ of tls.nodes) this.nodeTokens.push(t);
      if (tls.loadBalancer) this.lbTokens = t;
      return;
    }
    const hours = src.validityDays * 24;
    const caKey = new PrivateKey(this, 'ca-key', { algorithm: 'ECDSA', ecdsaCurve: 'P256' });
    caKey.overrideLogicalId('tls_ca');
    const ca = new SelfSignedCert(this, 'ca', {
      privateKeyPem: caKey.privateKeyPem,
      isCaCertificate: true,
      validityPeriodHours: hours,
      allowedUses: ['cert_signing', 'crl_signing'],
      subject: [{ commonName: `${props.clusterName} CA (rmq-ha)` }],
    });
    ca.overrideLogicalId('tls_ca');
    const leaf = (logical: string, names: CertificateNames): CertificateTokens => {
      const key = new PrivateKey(this, `${logical}-key`, { algorithm: 'ECDSA', ecdsaCurve: 'P256' });
      key.overrideLogicalId(logical);
      const csr = new CertRequest(this, `${logical}-csr`, {
        privateKeyPem: key.privateKeyPem,
        dnsNames: [...names.dnsNames],
        ipAddresses: [...names.ipAddresses],
        subject: [{ commonName: names.dnsNames[0] ?? names.ipAddresses[0] }],
      });
      csr.overrideLogicalId(logical);
      const cert = new LocallySignedCert(this, `${logical}-cert`, {
        certRequestPem: csr.certRequestPem,
        caPrivateKeyPem: caKey.privateKeyPem,
        caCertPem: ca.certPem,
        validityPeriodHours: hours,
        allowedUses: LEAF_USES,
      });
      cert.overrideLogicalId(logical);
      return { caPem: ca.certPem, certPem: cert.certPem, keyPem: key.privateKeyPem };
    };
    for (const n of tls.nodes) this.nodeTokens.push(leaf(`tls_node_${n.index}`, n.names));
    if (tls.loadBalancer) this.lbTokens = leaf('tls_load_balancer', tls.loadBalancer.names);
  }

  /** Material of node `index`. */
  /** The CA certificate clients verify the cluster with (public: not sensitive). */
  public get caPem(): string {
    return this.nodeTokens[0].caPem;
  }

  public forNode(index: number): CertificateTokens {
    const t = this.nodeTokens[index];
    if (!t) throw new Error(`no certificate for node ${index}`);
    return t;
  }

  /** Material of the load balancer (terminate mode uses its certificate; both modes its CA). */
  public loadBalancer(): CertificateTokens {
    if (!this.lbTokens) throw new Error('the plan has no load balancer TLS');
    return this.lbTokens;
  }
}
