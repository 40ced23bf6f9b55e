/**
 * Certificates from files (`tls.certificates.files`): relative paths are resolved against the spec
 * file's folder, and every file is read and checked when the spec is loaded, so a missing,
 * unreadable, mismatched or expired certificate is refused with the field and the fix before
 * anything is synthesized (Terraform would otherwise fail at apply time, and a node at boot).
 * Parsing is node's own X.509 code (`crypto.X509Certificate`, `crypto.createPrivateKey`).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ClusterSpec } from './cluster';
import { SpecError, type SpecIssue } from './errors';

type FilesSource = { readonly caFile: string; readonly certFile: string; readonly keyFile: string };

function filesOf(spec: ClusterSpec): FilesSource | undefined {
  const c = spec.tls.certificates;
  return spec.tls.enabled && 'files' in c ? c.files : undefined;
}

/** The spec with `tls.certificates.files` paths made absolute against `baseDir`. */
export function withResolvedTlsFiles(spec: ClusterSpec, baseDir: string): ClusterSpec {
  const f = filesOf(spec);
  if (!f) return spec;
  const abs = (p: string): string => path.resolve(baseDir, p);
  return { ...spec, tls: { ...spec.tls, certificates: { files: { caFile: abs(f.caFile), certFile: abs(f.certFile), keyFile: abs(f.keyFile) } } } };
}

function read(file: string, field: string, issues: SpecIssue[]): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : code;
    issues.push({ path: `tls.certificates.files.${field}`, value: file, message: `cannot read the file (${why}); point it at a readable PEM file` });
    return undefined;
  }
}

/**
 * Every problem with the certificate files of a spec (empty when TLS is off or certificates are
 * generated): unreadable files, text that is no PEM certificate or key, a key that does not belong
 * to the certificate, a certificate the CA did not issue, an expired or not yet valid certificate.
 * @param now the time validity is checked at @default - the current time
 */
export function tlsFileIssues(spec: ClusterSpec, now: Date = new Date()): SpecIssue[] {
  const f = filesOf(spec);
  if (!f) return [];
  const issues: SpecIssue[] = [];
  const caText = read(f.caFile, 'caFile', issues);
  const certText = read(f.certFile, 'certFile', issues);
  const keyText = read(f.keyFile, 'keyFile', issues);
  const parse = <T>(text: string | undefined, field: string, file: string, what: string, fn: (t: string) => T): T | undefined => {
    if (text === undefined) return undefined;
    try {
      return fn(text);
    } catch {
      issues.push({ path: `tls.certificates.files.${field}`, value: file, message: `is not ${what}` });
      return undefined;
    }
  };
  const ca = parse(caText, 'caFile', f.caFile, 'a PEM certificate (-----BEGIN CERTIFICATE-----)', (t) => new crypto.X509Certificate(t));
  const cert = parse(certText, 'certFile', f.certFile, 'a PEM certificate (-----BEGIN CERTIFICATE-----)', (t) => new crypto.X509Certificate(t));
  const key = parse(keyText, 'keyFile', f.keyFile, 'an unencrypted PEM private key', (t) => crypto.createPrivateKey({ key: t, format: 'pem' }));
  if (cert) {
    if (new Date(cert.validTo) < now) issues.push({ path: 'tls.certificates.files.certFile', value: f.certFile, message: `expired on ${new Date(cert.validTo).toISOString()}; issue a new certificate` });
    if (new Date(cert.validFrom) > now) issues.push({ path: 'tls.certificates.files.certFile', value: f.certFile, message: `is not valid before ${new Date(cert.validFrom).toISOString()}` });
    if (key && !cert.checkPrivateKey(key)) issues.push({ path: 'tls.certificates.files.keyFile', value: f.keyFile, message: `is not the private key of ${f.certFile}; use the key the certificate was issued for` });
    if (ca && !(cert.checkIssued(ca) && cert.verify(ca.publicKey))) {
      issues.push({ path: 'tls.certificates.files.certFile', value: f.certFile, message: `was not issued by the CA in ${f.caFile}; clients verifying against that CA would refuse it` });
    }
  }
  if (ca && new Date(ca.validTo) < now) issues.push({ path: 'tls.certificates.files.caFile', value: f.caFile, message: `expired on ${new Date(ca.validTo).toISOString()}` });
  return issues;
}

/** Resolves and checks the certificate files of a loaded spec; throws a SpecError naming each problem. */
export function checkTlsFiles(spec: ClusterSpec, baseDir: string, source: string): ClusterSpec {
  const resolved = withResolvedTlsFiles(spec, baseDir);
  const issues = tlsFileIssues(resolved);
  if (issues.length > 0) throw new SpecError(source, issues);
  return resolved;
}
