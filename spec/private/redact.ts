import { RE2JS } from 're2js';
import type { SpecIssue } from '../errors';

/** Marker shown instead of a value that is, or may hold, a secret. */
export const HIDDEN_VALUE = '(hidden: a secret value)';

/**
 * Rules for what an error message may show (error output reaches CI logs). Each rule with why.
 * A value is hidden when any rule matches its field path, or the message points at a secret field.
 */
export const SECRET_RULES: ReadonlyArray<{ readonly test: (path: string, message: string) => boolean; readonly why: string }> = [
  {
    test: (p) => /^credentials(\.|\[|$)/.test(p),
    why: 'everything under credentials is about the admin password and the Erlang cookie, misspelled keys included (adminPasswd: ...)',
  },
  {
    test: (p) => SECRET_KEY.test(p),
    why: 'a field whose name says password, secret, cookie, token or key material holds a secret wherever it is',
  },
  {
    test: (_p, m) => /did you mean[^?]*(pass|secret|cookie|token)/i.test(m),
    why: 'an unknown key that is a misspelling of a secret field holds the secret the user meant to write there',
  },
];

/** Field names that hold secrets. */
const SECRET_KEY = /pass(word|wd|phrase)?|pwd|secret|cookie|token|credential|api[-_]?key|private[-_]?key/i;

/**
 * `user:password@` (after an optional `scheme://`): the password part. Matched with RE2, linear
 * in the text: the backtracking equivalent took minutes on a 900 kB string without `@`.
 */
const URI_USERINFO = RE2JS.compile(`([^\\s:@/'"]*):[^\\s@/'"]*@`);

/** Replaces the password of every URI userinfo in `text` with `***`. */
export function maskUserinfo(text: string): string {
  if (!text.includes('@')) return text;
  return URI_USERINFO.matcher(text).replaceAll('$1:***@');
}

/** True for the shapes of a secret *source*, which name no secret: `{ variable: NAME }`, `{ generate: { length: N } }`. */
function isSecretSource(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  if (entries.length !== 1) return false;
  const [key, inner] = entries[0];
  if (key === 'variable') return typeof inner === 'string' && /^[A-Za-z0-9_-]{1,128}$/.test(inner);
  if (key === 'generate') {
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return false;
    return Object.entries(inner).every(([k, v]) => k === 'length' && typeof v === 'number');
  }
  return false;
}

/** A value with every string's URI password masked and every secret-named key's value hidden. */
function maskValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskUserinfo(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.slice(0, 20).map((v) => maskValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value).slice(0, 20)) out[k] = SECRET_KEY.test(k) && !isSecretSource(v) ? HIDDEN_VALUE : maskValue(v, depth + 1);
  return out;
}

/**
 * What an issue may show: the value hidden when it may be a secret (SECRET_RULES), except a
 * secret source (`{ variable: NAME }`) and the leaves of one (`...variable`, `...length`), which
 * are names and numbers; URI passwords masked in the value and the message.
 */
export function redactIssue(issue: SpecIssue): SpecIssue {
  const message = maskUserinfo(issue.message);
  const path = maskUserinfo(issue.path);
  const secret = SECRET_RULES.some((r) => r.test(issue.path, issue.message));
  const sourceLeaf = /\.(variable|generate\.length)$/.test(issue.path) && (typeof issue.value === 'string' || typeof issue.value === 'number');
  if (secret && issue.value !== undefined && !sourceLeaf && !isSecretSource(issue.value)) return { path, message, value: HIDDEN_VALUE };
  return { path, message, value: maskValue(issue.value) };
}
