/**
 * TLS versions and cipher suites per release line, when the spec does not name them. A rule table:
 * the first rule whose line range holds the version applies, and each says why.
 *
 * Every line offers TLS 1.3 and 1.2 only (1.0/1.1 are broken and off), ECDHE key exchange (forward
 * secrecy) and AEAD ciphers only (no CBC, no RSA key transport, no SHA-1 MACs). Erlang's `ciphers`
 * option applies to every version, so the TLS 1.3 suites must be in the list or 1.3 can never be
 * negotiated. ECDSA and RSA suites are both listed: generated certificates use ECDSA P-256 keys,
 * certificates from files may be RSA.
 */
import { atLeast, type RabbitVersion } from '../spec/version';
import type { TlsVersion } from '../spec/tls';

/** TLS 1.3 suites (RFC 8446 names, which OpenSSL and Erlang share). */
const TLS13_SUITES = ['TLS_AES_256_GCM_SHA384', 'TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256'] as const;
/** TLS 1.2 suites: ECDHE + AEAD, OpenSSL names. */
const TLS12_SUITES = [
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
] as const;

/** One release-line rule. */
export interface TlsDefaultsRule {
  /** Lowest version the rule applies to (inclusive). */
  readonly from: string;
  readonly reason: string;
  readonly versions: readonly TlsVersion[];
  readonly ciphers: readonly string[];
}

/** Newest line first: the first rule whose `from` the version reaches applies. */
export const TLS_DEFAULTS_RULES: readonly TlsDefaultsRule[] = [
  {
    from: '4.0',
    reason:
      '4.x requires Erlang 26+, whose ssl application has mature TLS 1.3 (session tickets, key update) and ' +
      'whose client defaults to verify_peer; TLS 1.3 first, 1.2 for older clients, ECDHE + AEAD only.',
    versions: ['tlsv1.3', 'tlsv1.2'],
    ciphers: [...TLS13_SUITES, ...TLS12_SUITES],
  },
  {
    from: '3.10',
    reason:
      '3.10-3.13 run on Erlang 23.2-26 (3.10.8 here on Debian\'s 25.2.3): TLS 1.3 server and client support ' +
      'exists on every one of them; 1.2 kept for clients on older runtimes; ECDHE + AEAD only.',
    versions: ['tlsv1.3', 'tlsv1.2'],
    ciphers: [...TLS13_SUITES, ...TLS12_SUITES],
  },
];

/** The rule for a version (throws on a version below every rule: spec validation keeps those out). */
export function tlsDefaultsFor(version: RabbitVersion): TlsDefaultsRule {
  const rule = TLS_DEFAULTS_RULES.find((r) => atLeast(version, r.from));
  if (!rule) throw new Error('no TLS defaults for this version');
  return rule;
}
