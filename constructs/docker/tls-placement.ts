import type { ContainerUpload } from '@cdktf/provider-docker/lib/container';
import type { TlsPaths } from '../../plan/tls';
import type { CertificateTokens } from '../tls/cluster-certificates';
import { loadBalancerTlsFiles, nodeTlsFiles, tlsFilePath } from '../tls/tls-material';
import { STAGING_DIR } from './staged-files';

/** TLS material placed into a container: uploads, and start-script lines that install them. */
export interface TlsPlacement {
  readonly uploads: ContainerUpload[];
  /** Shell lines run as root before the image's entrypoint (empty when files go to their paths). */
  readonly install: string[];
}

/**
 * Node containers: CA, certificate and key uploaded root-only (0400) to the staging folder, then
 * installed owner-only (0400, the rabbitmq user) where rabbitmq.conf and inter_node_tls.config
 * name them. Nothing of it is readable by other users of the container.
 */
export function nodeTlsPlacement(t: CertificateTokens, paths: TlsPaths, owner: string): TlsPlacement {
  const files = nodeTlsFiles(t);
  return {
    uploads: files.map((f) => ({ file: `${STAGING_DIR}/tls-${f.name}`, content: f.content, permissions: '0400' })),
    install: files.map((f) => `install -D -o ${owner} -g ${owner} -m 0400 ${STAGING_DIR}/tls-${f.name} ${tlsFilePath(f.name, paths)}`),
  };
}

/**
 * Load balancer containers: the CA (needed to verify nodes) and, when it needs one (terminating,
 * or nodes asking for client certificates), the proxy's certificate and key (and HAProxy's
 * combined file) uploaded 0400: the proxy reads them as root at
 * start (nginx's master; HAProxy before it drops to its user, see haproxy/private/tls.ts).
 */
export function loadBalancerTlsPlacement(t: CertificateTokens, paths: TlsPaths, combinedPath: string, ownCertificate: boolean): ContainerUpload[] {
  return loadBalancerTlsFiles(t, ownCertificate).map((f) => ({ file: tlsFilePath(f.name, paths, combinedPath), content: f.content, permissions: '0400' }));
}
