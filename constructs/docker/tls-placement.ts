import type { ContainerUpload } from '@cdktf/provider-docker/lib/container';
import type { TlsPaths } from '../../plan/tls';
import type { CertificateTokens } from '../tls/cluster-certificates';
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
  const files = [
    ['tls-ca.crt', t.caPem, paths.ca],
    ['tls-tls.crt', t.certPem, paths.cert],
    ['tls-tls.key', t.keyPem, paths.key],
  ] as const;
  return {
    uploads: files.map(([name, content]) => ({ file: `${STAGING_DIR}/${name}`, content, permissions: '0400' })),
    install: files.map(([name, , final]) => `install -D -o ${owner} -g ${owner} -m 0400 ${STAGING_DIR}/${name} ${final}`),
  };
}

/**
 * Load balancer containers: the CA (needed to verify nodes) and, when terminating, the proxy's
 * certificate and key (and HAProxy's combined file) uploaded 0400: the proxy reads them as root at
 * start (nginx's master; HAProxy before it drops to its user, see haproxy/private/tls.ts).
 */
export function loadBalancerTlsPlacement(t: CertificateTokens, paths: TlsPaths, combinedPath: string, terminate: boolean): ContainerUpload[] {
  const uploads: ContainerUpload[] = [{ file: paths.ca, content: t.caPem, permissions: '0400' }];
  if (terminate) {
    uploads.push(
      { file: paths.cert, content: t.certPem, permissions: '0400' },
      { file: paths.key, content: t.keyPem, permissions: '0400' },
      { file: combinedPath, content: `${t.certPem}\n${t.keyPem}`, permissions: '0400' },
    );
  }
  return uploads;
}
