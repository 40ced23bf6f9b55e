/**
 * TLS in haproxy.cfg. Passthrough: the AMQP and management frontends stay TCP and forward the
 * encrypted bytes; only the health checks speak TLS to the nodes (verified against the CA, with the
 * name every node certificate carries). Terminate: the frontends present the load balancer's
 * certificate, and the proxy opens a verified TLS connection to the node.
 */
import type { LoadBalancerTarget, LoadBalancerTlsInput } from '../../plan/load-balancer';

/** Client-certificate keywords of a terminating `bind` line. */
function clientVerify(tls: LoadBalancerTlsInput): string {
  if (tls.clientCertificates === 'none') return '';
  return ` ca-file ${tls.caFile} verify ${tls.clientCertificates === 'required' ? 'required' : 'optional'}`;
}

/** Suffix of a frontend `bind` line: the proxy's certificate when terminating. */
export function bindTls(tls: LoadBalancerTlsInput | undefined): string {
  if (!tls || tls.mode !== 'terminate') return '';
  return ` ssl crt ${tls.combinedFile} ssl-min-ver TLSv1.2${clientVerify(tls)}`;
}

/** How the proxy verifies a node: against the CA, for the name every node certificate carries. */
function verifyNode(tls: LoadBalancerTlsInput): string {
  return `verify required ca-file ${tls.caFile} verifyhost ${tls.nodeName}`;
}

/**
 * Suffix of an AMQP or management `server` line. Terminate: traffic is TLS to the node (checks too,
 * HAProxy's check-ssl follows ssl), with the proxy's certificate as client certificate when nodes
 * ask for one. Passthrough: only checks use TLS, when the checked port is a TLS listener.
 */
export function serverTls(tls: LoadBalancerTlsInput | undefined, checkedPortIsTls: boolean): string {
  if (!tls) return '';
  const sni = ` sni str(${tls.nodeName})`;
  if (tls.mode === 'terminate') return ` ssl ${verifyNode(tls)}${sni}${tls.clientCertificates === 'none' ? '' : ` crt ${tls.combinedFile}`}`;
  return checkedPortIsTls ? ` check-ssl ${verifyNode(tls)} check-sni ${tls.nodeName}${tls.clientCertificates === 'none' ? '' : ` crt ${tls.combinedFile}`}` : '';
}

/** Frontend/backend mode of the management proxy: TCP when TLS passes through, HTTP otherwise. */
export function managementMode(tls: LoadBalancerTlsInput | undefined): 'tcp' | 'http' {
  return tls?.mode === 'passthrough' && tls.managementTls ? 'tcp' : 'http';
}

/**
 * `global` lines for TLS in a Docker container: the TLS files are owner-only (root), so HAProxy
 * starts as root, reads them, binds, and then runs as the image's `haproxy` user. On Kubernetes
 * the pod runs as that user from the start (non-root, Pod Security `restricted`) and reads its
 * files through fsGroup; locally it runs as the caller.
 */
export function tlsGlobalLines(tls: LoadBalancerTlsInput | undefined, target: LoadBalancerTarget): string[] {
  if (!tls || target !== 'docker') return [];
  return ['# TLS files are root-only: read them at start, then drop to the unprivileged user.', 'user haproxy', 'group haproxy'];
}
