/**
 * The TLS part of a plan, as plain data: the names each certificate must carry on this target,
 * where the CA, certificate and key go on each node and on the load balancer, and the resolved
 * versions and ciphers. Constructs generate or copy the material to these paths; the config
 * renderers refer to them.
 */
import { tlsDefaultsFor } from '../rabbitmq/tls-defaults';
import type { ClusterSpec } from '../spec/cluster';
import type { TlsVersion } from '../spec/tls';
import type { RabbitVersion } from '../spec/version';
import type { AddressTable, NodeAddress } from './addresses';
import { childName, SUFFIX } from './names';

/** File names of TLS material, cert-manager's Secret layout (the same on every target). */
export const TLS_FILE_NAMES = { ca: 'ca.crt', cert: 'tls.crt', key: 'tls.key' } as const;
/** HAProxy's certificate-and-key file (`crt`): the certificate followed by the key. */
export const COMBINED_FILE_NAME = 'tls-combined.pem';

/** Where the CA, certificate and key are on a machine. */
export interface TlsPaths {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

/** Names a certificate is issued for (subject alternative names). */
export interface CertificateNames {
  /** First entry is the common name. */
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
}

/** One node's TLS: its certificate names and file locations. */
export interface NodeTlsPlan {
  readonly index: number;
  readonly names: CertificateNames;
  readonly paths: TlsPaths;
  /** Erlang distribution options file (`-ssl_dist_optfile`), when inter-node TLS is on. */
  readonly interNodeConfigPath?: string;
}

/** The load balancer's TLS. */
export interface LoadBalancerTlsPlan {
  readonly mode: 'passthrough' | 'terminate';
  /** Names of the load balancer's own certificate (terminate mode). */
  readonly names: CertificateNames;
  readonly paths: TlsPaths;
  /** HAProxy reads certificate and key from one file (`crt`): certificate followed by key. */
  readonly combinedPath: string;
}

/** Where certificates come from. */
export type TlsSource =
  | { readonly kind: 'generate'; readonly validityDays: number }
  | { readonly kind: 'files'; readonly caFile: string; readonly certFile: string; readonly keyFile: string }
  | { readonly kind: 'secret'; readonly name: string };

/** TLS of a cluster plan; undefined in a plan when TLS is off. */
export interface TlsPlan {
  readonly source: TlsSource;
  /** Plain listeners off. */
  readonly required: boolean;
  readonly clientCertificates: 'none' | 'optional' | 'required';
  readonly management: boolean;
  readonly prometheus: boolean;
  readonly interNode: boolean;
  readonly versions: readonly TlsVersion[];
  readonly ciphers: readonly string[];
  /** Why these versions/ciphers (the release-line rule, or "from the spec"). */
  readonly defaultsReason: string;
  /** A name every node certificate carries besides its own, used by a terminating load balancer to verify any node. */
  readonly sharedNodeName: string;
  readonly nodes: readonly NodeTlsPlan[];
  readonly loadBalancer?: LoadBalancerTlsPlan;
}

function pathsUnder(dir: string): TlsPaths {
  return { ca: `${dir}/${TLS_FILE_NAMES.ca}`, cert: `${dir}/${TLS_FILE_NAMES.cert}`, key: `${dir}/${TLS_FILE_NAMES.key}` };
}

/** Directory of a node's TLS material (beside its rabbitmq.conf unless the address table says otherwise). */
export function nodeTlsDir(node: NodeAddress): string {
  return node.tlsDir ?? `${node.configDir}/tls`;
}

/** The name shared by every node certificate: a real DNS name for the set of nodes on each target. */
function sharedNodeName(spec: ClusterSpec, target: AddressTable['target']): string {
  const headless = childName(spec.name, SUFFIX.headless);
  if (target === 'kubernetes') return `${headless}.${spec.kubernetes.namespace}.svc.${spec.kubernetes.clusterDomain}`;
  // Docker: every node container carries this network alias too (DNS round robin over the nodes).
  if (target === 'docker') return headless;
  return 'localhost';
}

/** The names a Kubernetes Service is reached by from inside the cluster, longest first. */
function kubernetesServiceNames(spec: ClusterSpec, service: string): string[] {
  const ns = spec.kubernetes.namespace;
  return [`${service}.${ns}.svc.${spec.kubernetes.clusterDomain}`, `${service}.${ns}.svc`, `${service}.${ns}`, service];
}

/** Names of node `n`'s certificate: how peers, the load balancer and clients reach it. */
function nodeNames(spec: ClusterSpec, addresses: AddressTable, n: NodeAddress): CertificateNames {
  const shared = sharedNodeName(spec, addresses.target);
  if (addresses.target === 'kubernetes') {
    const fqdn = `${n.host}.svc.${spec.kubernetes.clusterDomain}`;
    // Clients reach a node through the client Service `<cluster>`, and through the load balancer's
    // Service when it passes TLS through (they then see the node's certificate).
    const passthrough = spec.loadBalancer.kind !== 'none' && spec.tls.loadBalancer.mode === 'passthrough';
    const services = [spec.name, ...(passthrough ? [childName(spec.name, SUFFIX.loadBalancer)] : [])].flatMap((svc) => kubernetesServiceNames(spec, svc));
    return { dnsNames: [fqdn, n.host, n.shortName, shared, ...services], ipAddresses: [] };
  }
  if (addresses.target === 'docker') {
    // Published ports: clients on the host connect to the bind address (or localhost).
    const host = spec.network.bindAddress === '0.0.0.0' ? '127.0.0.1' : spec.network.bindAddress;
    return { dnsNames: [n.host, shared, 'localhost'], ipAddresses: [host] };
  }
  return { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] };
}

function loadBalancerNames(spec: ClusterSpec, target: AddressTable['target']): CertificateNames {
  const lb = childName(spec.name, SUFFIX.loadBalancer);
  if (target === 'kubernetes') return { dnsNames: kubernetesServiceNames(spec, lb), ipAddresses: [] };
  if (target === 'docker') {
    const host = spec.network.bindAddress === '0.0.0.0' ? '127.0.0.1' : spec.network.bindAddress;
    return { dnsNames: [lb, 'localhost'], ipAddresses: [host] };
  }
  return { dnsNames: ['localhost'], ipAddresses: [spec.loadBalancer.bindAddress] };
}

/** Where each proxy keeps its TLS files in its image. */
const LB_TLS_DIRS = { haproxy: '/usr/local/etc/haproxy/tls', nginx: '/etc/nginx/tls' } as const;

function sourceOf(spec: ClusterSpec): TlsSource {
  const c = spec.tls.certificates;
  if ('generate' in c) return { kind: 'generate', validityDays: c.generate.validityDays };
  if ('files' in c) return { kind: 'files', ...c.files };
  return { kind: 'secret', name: c.secret.name };
}

/**
 * The TLS plan for an address table; undefined when TLS is off.
 * @param lbRuntimeDir local runs: the load balancer's directory (its TLS files go under it)
 */
export function planTls(spec: ClusterSpec, version: RabbitVersion, addresses: AddressTable, lbRuntimeDir?: string): TlsPlan | undefined {
  const tls = spec.tls;
  if (!tls.enabled) return undefined;
  const defaults = tlsDefaultsFor(version);
  const nodes = addresses.nodes.map((n): NodeTlsPlan => {
    if (!n.tlsPorts) throw new Error(`planTls: node ${n.nodeName} has no TLS ports in the address table`);
    return {
      index: n.index,
      names: nodeNames(spec, addresses, n),
      paths: pathsUnder(nodeTlsDir(n)),
      ...(tls.interNode ? { interNodeConfigPath: `${n.configDir}/inter_node_tls.config` } : {}),
    };
  });
  const lb = spec.loadBalancer;
  let loadBalancer: LoadBalancerTlsPlan | undefined;
  if (lb.kind !== 'none') {
    const dir = addresses.target === 'local' ? `${lbRuntimeDir}/tls` : LB_TLS_DIRS[lb.kind];
    loadBalancer = { mode: tls.loadBalancer.mode, names: loadBalancerNames(spec, addresses.target), paths: pathsUnder(dir), combinedPath: `${dir}/${COMBINED_FILE_NAME}` };
  }
  return {
    source: sourceOf(spec),
    required: tls.required,
    clientCertificates: tls.clientCertificates,
    management: tls.management,
    prometheus: tls.prometheus,
    interNode: tls.interNode,
    versions: tls.versions ?? defaults.versions,
    ciphers: tls.ciphers ?? defaults.ciphers,
    defaultsReason: tls.versions || tls.ciphers ? 'versions/ciphers from the spec' : defaults.reason,
    sharedNodeName: sharedNodeName(spec, addresses.target),
    nodes,
    loadBalancer,
  };
}

