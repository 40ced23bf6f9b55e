/**
 * Policy and permission patterns as RabbitMQ reads them, evaluated in linear time.
 *
 * RabbitMQ matches a policy pattern against a queue or exchange name with Erlang's `re` (PCRE),
 * without the `unicode` option: pattern and name are UTF-8 bytes. The toolkit decides which
 * objects a policy reaches (effective policies, overlaps, review) with RE2 (`re2js`), whose match
 * time is linear in the name: `^(a+)+$` cannot hang it. RE2's syntax is nearly a subset of PCRE's;
 * the differences are the two rule tables below, each checked against Erlang's `re:compile` in
 * test/pattern.integration.test.ts.
 */
import { RE2JS } from 're2js';

/** What a pattern is to the toolkit. */
export type PatternVerdict =
  /** Compiled by RE2 and read the same by PCRE: the toolkit can evaluate it. */
  | { readonly kind: 'ok'; readonly re: RE2JS; readonly note?: string; readonly noteNonAscii?: boolean }
  /** PCRE compiles it (RabbitMQ accepts it) but RE2 cannot evaluate it: warn, assume nothing about what it reaches. */
  | { readonly kind: 'pcre-only'; readonly feature: string }
  /** RabbitMQ would reject it (or the toolkit cannot tell): refused. */
  | { readonly kind: 'invalid'; readonly error: string };

/**
 * PCRE features RE2 does not have: RabbitMQ compiles these, the toolkit cannot evaluate them.
 * `test` sees the pattern and RE2's error message. Why each is PCRE-only is in `feature`.
 */
export const PCRE_ONLY: ReadonlyArray<{ readonly test: (pattern: string, re2Error: string) => boolean; readonly feature: string }> = [
  { test: (_p, e) => /unsupported Perl syntax: `\(\?[=!]`/.test(e), feature: 'lookahead (?= or (?!' },
  { test: (p, e) => /invalid named capture/.test(e) && /\(\?<[=!]/.test(p), feature: 'lookbehind (?<= or (?<!' },
  { test: (_p, e) => /unsupported Perl syntax: `\(\?>`/.test(e), feature: 'atomic group (?>' },
  { test: (_p, e) => /unsupported Perl syntax: `\(\?#`/.test(e), feature: 'comment (?#...)' },
  { test: (_p, e) => /unsupported Perl syntax: `\(\?x`/.test(e), feature: 'extended mode (?x)' },
  { test: (_p, e) => /unsupported Perl syntax: `\(\?\|`/.test(e), feature: 'branch reset (?|' },
  { test: (_p, e) => /invalid nested repetition operator: `[*+?}]\+`/.test(e), feature: 'possessive quantifier (*+ ++ ?+)' },
  { test: (_p, e) => /invalid escape sequence: `\\[1-9]`/.test(e), feature: 'backreference \\1-\\9' },
  { test: (_p, e) => /invalid escape sequence: `\\[ZGKhHeCNRX]`/.test(e), feature: 'PCRE escape (\\Z \\G \\K \\h \\e \\C \\N \\R \\X)' },
  { test: (_p, e) => /invalid escape sequence: `\\c`/.test(e), feature: 'control character escape \\cX' },
  {
    test: (_p, e) => {
      const m = /invalid repeat count: `\{(\d*),?(\d*)\}`/.exec(e);
      return m !== null && Math.max(Number(m[1] || 0), Number(m[2] || 0)) <= 65535;
    },
    feature: 'repeat count above 1000 (RE2 stops at 1000, PCRE at 65535)',
  },
];

/**
 * Patterns RE2 compiles that PCRE rejects or reads differently. `check` returns the problem, or
 * undefined. `fatal`: RabbitMQ would refuse the pattern, so the spec is refused. `nonAscii`: the
 * readings differ only on names with bytes above 0x7F.
 */
export const RE2_ONLY: ReadonlyArray<{ readonly check: (pattern: string) => string | undefined; readonly fatal: boolean; readonly nonAscii?: boolean }> = [
  {
    // RabbitMQ compiles patterns without `unicode`, so \x{...} is one byte: 0-FF.
    check: (p) => ([...p.matchAll(/\\x\{([0-9A-Fa-f]+)\}/g)].some((m) => parseInt(m[1], 16) > 0xff) ? '\\x{...} above \\x{ff} (RabbitMQ matches bytes, PCRE refuses the value as too large)' : undefined),
    fatal: true,
  },
  {
    // RE2 reads \v as the vertical tab character, PCRE as the class of vertical whitespace.
    check: (p) => (/(^|[^\\])(\\\\)*\\v/.test(p) ? '\\v means vertical tab to RE2 but any vertical whitespace to PCRE; write \\x0b or [\\n\\x0b\\f\\r]' : undefined),
    fatal: false,
  },
  {
    // RE2's \w \d \s \b and [[:alpha:]] are ASCII; Erlang's PCRE uses Latin-1 character tables,
    // so bytes 0xC0-0xFF (the lead bytes of UTF-8 letters such as é) count as letters there.
    check: (p) => (/\\[wWbBdDsS]|\[:\^?[a-z]+:\]/.test(p) ? '\\w, \\b, \\d, \\s and [[:class:]] are ASCII to rmq-ha (RE2) but Latin-1 to RabbitMQ (PCRE): they read names with non-ASCII characters differently' : undefined),
    fatal: false,
    nonAscii: true,
  },
];

const cache = new Map<string, PatternVerdict>();

/** Names and patterns as the bytes RabbitMQ sees, one character per byte (so RE2 matches bytes, as PCRE does). */
function asBytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** Classifies a pattern (memoized: the same patterns are asked about for every object). */
export function compilePattern(pattern: string): PatternVerdict {
  const hit = cache.get(pattern);
  if (hit !== undefined) return hit;
  const verdict = classify(pattern);
  if (cache.size > 1000) cache.clear();
  cache.set(pattern, verdict);
  return verdict;
}

function classify(pattern: string): PatternVerdict {
  let re: RE2JS;
  try {
    re = RE2JS.compile(asBytes(pattern));
  } catch (e) {
    const error = (e as Error).message.replace(/^error parsing regexp: /, '');
    const pcre = PCRE_ONLY.find((r) => r.test(pattern, error));
    return pcre ? { kind: 'pcre-only', feature: pcre.feature } : { kind: 'invalid', error };
  }
  for (const rule of RE2_ONLY) {
    const problem = rule.check(pattern);
    if (problem === undefined) continue;
    if (rule.fatal) return { kind: 'invalid', error: problem };
    return { kind: 'ok', re, note: problem, noteNonAscii: rule.nonAscii === true };
  }
  return { kind: 'ok', re };
}

/**
 * True when RabbitMQ's unanchored match of `pattern` finds `name`, computed in linear time.
 * False for a pattern the toolkit cannot evaluate (pcre-only) or that is invalid.
 */
export function patternMatches(pattern: string, name: string): boolean {
  const v = compilePattern(pattern);
  return v.kind === 'ok' && v.re.test(asBytes(name));
}
