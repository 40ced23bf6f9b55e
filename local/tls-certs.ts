/**
 * Certificates for local runs, made with Debian's `openssl` binary (node's crypto parses X.509
 * but cannot issue it): an ECDSA P-256 CA, and certificates it issues for the names of the plan.
 * Private keys are written owner-only (0600). Tests use the same helpers to make expired,
 * wrong-host and unknown-CA certificates.
 */
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CertificateNames } from '../plan/tls';

/** A CA on disk. */
export interface LocalCa {
  readonly certFile: string;
  readonly keyFile: string;
}

/** A certificate and its key on disk. */
export interface IssuedCertificate {
  readonly certFile: string;
  readonly keyFile: string;
}

function openssl(args: readonly string[], cwd?: string): void {
  const r = spawnSync('openssl', args, { encoding: 'utf8', timeout: 30000, cwd });
  if (r.error) throw new Error(`openssl ${args[0]}: ${(r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not installed (apt-get install -y openssl)' : r.error.message}`);
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
}

/** `subj` value for a common name (openssl's /CN= syntax; names are plan names, no slashes). */
function subject(cn: string): string {
  if (!/^[A-Za-z0-9 .*_-]+$/.test(cn)) throw new Error(`certificate common name ${JSON.stringify(cn)} has characters openssl -subj cannot take`);
  return `/CN=${cn}`;
}

/** Creates a CA (certificate and 0600 key) under `dir`. */
export function createLocalCa(dir: string, commonName: string, days: number): LocalCa {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = { certFile: path.join(dir, 'ca.crt'), keyFile: path.join(dir, 'ca.key') };
  fs.rmSync(ca.keyFile, { force: true });
  openssl([
    'req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', ca.keyFile, '-out', ca.certFile, '-days', String(days), '-subj', subject(commonName),
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  fs.chmodSync(ca.keyFile, 0o600);
  return ca;
}

/**
 * Issues a certificate for `names` (server and client use: nodes authenticate each other with it)
 * into `dir/tls.crt` and `dir/tls.key` (0600).
 * @param days validity; a negative number makes a certificate that has already expired (tests)
 */
export function issueLocalCertificate(ca: LocalCa, dir: string, names: CertificateNames, days: number): IssuedCertificate {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const out = { certFile: path.join(dir, 'tls.crt'), keyFile: path.join(dir, 'tls.key') };
  const csr = path.join(dir, 'tls.csr');
  const ext = path.join(dir, 'tls.ext');
  const san = [...names.dnsNames.map((d) => `DNS:${d}`), ...names.ipAddresses.map((ip) => `IP:${ip}`)].join(',');
  if (!/^[A-Za-z0-9.:,*-]+$/.test(san)) throw new Error(`certificate names ${JSON.stringify(san)} cannot be written into an openssl extension file`);
  fs.writeFileSync(ext, [`subjectAltName=${san}`, 'basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth,clientAuth', ''].join('\n'));
  fs.rmSync(out.keyFile, { force: true });
  try {
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', out.keyFile, '-out', csr, '-subj', subject(names.dnsNames[0] ?? names.ipAddresses[0])]);
    fs.chmodSync(out.keyFile, 0o600);
    const serial = `0x${crypto.randomBytes(16).toString('hex')}`;
    openssl(['x509', '-req', '-in', csr, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-set_serial', serial, '-days', String(days), '-extfile', ext, '-out', out.certFile]);
  } finally {
    fs.rmSync(csr, { force: true });
    fs.rmSync(ext, { force: true });
  }
  return out;
}

/** Copies a CA certificate, certificate and key to the given paths (key 0600, certificates 0644). */
export function placeTlsFiles(from: { readonly ca: string; readonly cert: string; readonly key: string }, to: { readonly ca: string; readonly cert: string; readonly key: string }): void {
  for (const p of [to.ca, to.cert, to.key]) fs.mkdirSync(path.dirname(p), { recursive: true, mode: 0o700 });
  fs.copyFileSync(from.ca, to.ca);
  fs.copyFileSync(from.cert, to.cert);
  fs.chmodSync(to.ca, 0o644);
  fs.chmodSync(to.cert, 0o644);
  fs.rmSync(to.key, { force: true });
  fs.writeFileSync(to.key, fs.readFileSync(from.key), { mode: 0o600 });
}
