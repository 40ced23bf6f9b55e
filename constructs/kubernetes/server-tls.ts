import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { Fn, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { TLS_FILE_NAMES, type TlsPlan } from '../../plan/tls';
import { loadBalancerNeedsCertificate } from '../../spec/tls';
import type { ClusterSpec } from '../../spec/cluster';
import { ClusterCertificates } from '../tls/cluster-certificates';
import { loadBalancerTlsFiles, nodeTlsFiles } from '../tls/tls-material';
import { loadBalancerLabels, objectMetadata } from './private/metadata';
import type { KubernetesNames } from './private/names';
import { existingTlsSecret, podTlsKey } from './private/tls-pod';

/** Props of ServerTls. */
export interface ServerTlsProps {
  readonly spec: ClusterSpec;
  readonly names: KubernetesNames;
  readonly tls: TlsPlan;
  readonly dependsOn: ITerraformDependable[];
}

/** Pod template annotation: sha256 of the CA, so new certificates (a new CA, e.g. another validity) roll the pods. */
export const TLS_CA_CHECKSUM_ANNOTATION = 'rmq-ha/tls-ca-sha256';

/**
 * The TLS material of a Kubernetes cluster. With `tls.certificates.generate` (hashicorp/tls: a CA
 * and a certificate per pod with the pod's names under the headless Service, the shared
 * `<cluster>-nodes.<ns>.svc.<domain>` name inter-node TLS and the load balancer verify, and one
 * for the load balancer) or `files` (read by Terraform), it creates:
 * - Secret `<cluster>-server-tls` (`kubernetes_secret_v1.server_tls`): `ca.crt` and
 *   `<pod>.tls.crt`/`<pod>.tls.key` for every pod (mounted per pod, private/tls-pod.ts);
 * - Secret `<cluster>-lb-tls` (`kubernetes_secret_v1.load_balancer_tls`), with a load balancer:
 *   `ca.crt`, and when it needs its own certificate (terminating, or HAProxy's checks where
 *   nodes ask for client certificates) its `tls.crt`, `tls.key` and HAProxy's `tls-combined.pem`.
 * With `tls.certificates.secret` nothing is created: the pods mount the named Secret.
 */
export class ServerTls extends Construct {
  public readonly certificates?: ClusterCertificates;
  public readonly serverSecret?: SecretV1;
  public readonly loadBalancerSecret?: SecretV1;
  /** Annotations for the RabbitMQ pod template (empty with an existing Secret: it is mounted whole and refreshed). */
  public readonly podAnnotations: Record<string, string>;

  constructor(scope: Construct, id: string, props: ServerTlsProps) {
    super(scope, id);
    const { spec, names, tls, dependsOn } = props;
    this.podAnnotations = {};
    if (existingTlsSecret(tls)) return;

    const certs = new ClusterCertificates(this, 'certificates', { clusterName: spec.name, tls });
    this.certificates = certs;
    const data: Record<string, string> = {};
    tls.nodes.forEach((n) => {
      const pod = `${names.statefulSet}-${n.index}`;
      for (const f of nodeTlsFiles(certs.forNode(n.index))) {
        // One CA for every pod: stored once.
        data[f.name === TLS_FILE_NAMES.ca ? f.name : podTlsKey(pod, f.name)] = f.content;
      }
    });
    this.serverSecret = new SecretV1(this, 'server', { metadata: objectMetadata(spec, names.serverTlsSecret), type: 'Opaque', data, dependsOn });
    this.serverSecret.overrideLogicalId('server_tls');
    this.podAnnotations = { [TLS_CA_CHECKSUM_ANNOTATION]: Fn.sha256(certs.forNode(0).caPem) };

    if (tls.loadBalancer) {
      const lbData: Record<string, string> = {};
      for (const f of loadBalancerTlsFiles(certs.loadBalancer(), loadBalancerNeedsCertificate(spec))) lbData[f.name] = f.content;
      this.loadBalancerSecret = new SecretV1(this, 'load-balancer', {
        metadata: objectMetadata(spec, names.loadBalancerTlsSecret, { labels: loadBalancerLabels(spec) }),
        type: 'Opaque',
        data: lbData,
        dependsOn,
      });
      this.loadBalancerSecret.overrideLogicalId('load_balancer_tls');
    }
  }
}
