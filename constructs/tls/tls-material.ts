/**
 * Which TLS files a node and a load balancer carry, with their Terraform contents: one list both
 * targets place (Docker uploads them, Kubernetes puts them into Secrets), so the two cannot drift.
 */
import { COMBINED_FILE_NAME, TLS_FILE_NAMES, type TlsPaths } from '../../plan/tls';
import type { CertificateTokens } from './cluster-certificates';

/** One TLS file: its name in the plan's layout (`ca.crt`, `tls.crt`, `tls.key`, `tls-combined.pem`) and content. */
export interface TlsFile {
  readonly name: string;
  readonly content: string;
  /** A private key (or a file holding one). */
  readonly secret: boolean;
}

/** A node's CA, certificate and key. */
export function nodeTlsFiles(t: CertificateTokens): TlsFile[] {
  return [
    { name: TLS_FILE_NAMES.ca, content: t.caPem, secret: false },
    { name: TLS_FILE_NAMES.cert, content: t.certPem, secret: false },
    { name: TLS_FILE_NAMES.key, content: t.keyPem, secret: true },
  ];
}

/**
 * A load balancer's files: the CA (to verify nodes) and, when it needs a certificate of its own
 * (spec/tls.ts `loadBalancerNeedsCertificate`), its certificate, key and the combined file
 * HAProxy reads (certificate followed by key).
 */
export function loadBalancerTlsFiles(t: CertificateTokens, ownCertificate: boolean): TlsFile[] {
  const ca: TlsFile = { name: TLS_FILE_NAMES.ca, content: t.caPem, secret: false };
  if (!ownCertificate) return [ca];
  return [
    ca,
    { name: TLS_FILE_NAMES.cert, content: t.certPem, secret: false },
    { name: TLS_FILE_NAMES.key, content: t.keyPem, secret: true },
    { name: COMBINED_FILE_NAME, content: `${t.certPem}\n${t.keyPem}`, secret: true },
  ];
}

/** Where a file of these lists goes, given the plan's paths (and the load balancer's combined file). */
export function tlsFilePath(name: string, paths: TlsPaths, combinedPath?: string): string {
  if (name === TLS_FILE_NAMES.ca) return paths.ca;
  if (name === TLS_FILE_NAMES.cert) return paths.cert;
  if (name === TLS_FILE_NAMES.key) return paths.key;
  if (name === COMBINED_FILE_NAME && combinedPath) return combinedPath;
  throw new Error(`no path for TLS file ${name}`);
}
