import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compilePattern, patternMatches, PCRE_ONLY, RE2_ONLY } from '../spec/topology/pattern';
import { parseClusterSpec } from '../spec/parse';
import { buildPlan } from '../plan/plan';

/**
 * The pattern rules against the real consumer: Erlang's `re` (PCRE), as RabbitMQ calls it
 * (`re:compile(Pattern)` and `re:run(Name, Pattern, [{capture, none}])`, binaries, no `unicode`),
 * from Debian's erlang that rabbitmq-server runs on.
 */
const erlBinary = (s: string): string => `<<${[...Buffer.from(s, 'utf8')].join(',')}>>`;

function erlang(term: string, body: string): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-re-'));
  try {
    fs.writeFileSync(path.join(dir, 'in.term'), `${term}.\n`);
    const r = spawnSync('erl', ['-noshell', '-eval', `{ok,[L]}=file:consult("${dir}/in.term"),${body},halt().`], { encoding: 'utf8', timeout: 30000 });
    if (r.status !== 0) throw new Error(`erl failed: ${r.stderr}${r.stdout}`);
    return r.stdout.trim().split('\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Patterns with the verdict the toolkit gives; each rule table entry has at least one example. */
const CASES: ReadonlyArray<[string, 'ok' | 'pcre-only' | 'invalid']> = [
  ['^orders$', 'ok'], ['^(a+)+$', 'ok'], ['^orders\\.', 'ok'], ['.*', 'ok'], ['', 'ok'], ['a|', 'ok'],
  ['\\pL', 'ok'], ['(?P<n>x)', 'ok'], ['(?<n>x)', 'ok'], ['(?i)ORDERS', 'ok'], ['[[:word:]]+', 'ok'], ['\\Qa.b\\E', 'ok'],
  ['\\x{41}', 'ok'], ['^\\w+$', 'ok'], ['\\bx', 'ok'], ['\\d', 'ok'], ['\\x{e9}', 'ok'], ['\\v', 'ok'], ['a{1000}', 'ok'], ['é', 'ok'], ['\\z', 'ok'], ['(?s).', 'ok'],
  ['(?=a)', 'pcre-only'], ['(?!a)b', 'pcre-only'], ['(?<=a)b', 'pcre-only'], ['(?<!a)b', 'pcre-only'], ['(?>a+)', 'pcre-only'],
  ['(?#comment)a', 'pcre-only'], ['(?x) a b', 'pcre-only'], ['(?|a|b)', 'pcre-only'], ['a++', 'pcre-only'], ['a*+', 'pcre-only'],
  ['a?+', 'pcre-only'], ['(a)\\1', 'pcre-only'], ['\\Z', 'pcre-only'], ['\\G', 'pcre-only'], ['\\K', 'pcre-only'], ['\\h', 'pcre-only'],
  ['\\e', 'pcre-only'], ['\\C', 'pcre-only'], ['\\N', 'pcre-only'], ['\\R', 'pcre-only'], ['\\X', 'pcre-only'], ['\\cA', 'pcre-only'],
  ['a{1001}', 'pcre-only'], ['a{2,65535}', 'pcre-only'],
  ['[^]', 'invalid'], ['\\u0041', 'invalid'], ['[a-', 'invalid'], ['a**', 'invalid'], ['(', 'invalid'], ['\\x{100}', 'invalid'],
  ['\\x{263a}', 'invalid'], ['a{65536}', 'invalid'], ['.{0,70000}', 'invalid'], ['(?P=n)', 'invalid'], ['(?R)', 'invalid'], ['(?(1)a|b)', 'invalid'],
];

/** Names matched against every `ok` pattern, by PCRE and by the toolkit. */
const NAMES = ['orders', 'orders.dead', 'ORDERS', 'a', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaab', 'é', 'x.y', 'A', 'a.b', '', 'amq.gen-1', 'zz\u000b'];

describe('policy patterns: RE2 in the toolkit, PCRE in RabbitMQ', () => {
  test('every rule table entry has an example here', () => {
    for (const rule of PCRE_ONLY) expect(CASES.some(([p, v]) => v === 'pcre-only' && compilePattern(p).kind === 'pcre-only' && (compilePattern(p) as { feature: string }).feature === rule.feature)).toBe(true);
    expect(RE2_ONLY.length).toBe(3);
    expect(compilePattern('\\x{100}')).toMatchObject({ kind: 'invalid', error: expect.stringMatching(/above \\x\{ff\}/) });
    expect(compilePattern('\\v')).toMatchObject({ kind: 'ok', note: expect.stringMatching(/vertical/) });
  });

  test("the toolkit's verdicts agree with Erlang re:compile (ok and pcre-only compile, invalid does not)", () => {
    const got = erlang(`[${CASES.map(([p]) => erlBinary(p)).join(',')}]`, 'lists:foreach(fun(P)->io:format("~p~n",[element(1,re:compile(P))]) end,L)');
    expect(got).toHaveLength(CASES.length);
    const table = CASES.map(([p, v], i) => ({ pattern: p, toolkit: compilePattern(p).kind, expected: v, pcre: got[i] }));
    for (const row of table) {
      expect({ pattern: row.pattern, toolkit: row.toolkit }).toEqual({ pattern: row.pattern, toolkit: row.expected });
      expect({ pattern: row.pattern, pcre: row.pcre }).toEqual({ pattern: row.pattern, pcre: row.expected === 'invalid' ? 'error' : 'ok' });
    }
  });

  test('matching agrees with Erlang re:run on bytes, for every pattern the toolkit evaluates', () => {
    const ok = CASES.filter(([, v]) => v === 'ok').map(([p]) => p);
    const pairs = ok.flatMap((p) => NAMES.map((n) => [p, n] as const));
    const term = `[${pairs.map(([p, n]) => `{${erlBinary(p)},${erlBinary(n)}}`).join(',')}]`;
    const got = erlang(term, 'lists:foreach(fun({P,N})->io:format("~p~n",[re:run(N,P,[{capture,none}])]) end,L)');
    const differ = pairs.filter(([p, n], i) => patternMatches(p, n) !== (got[i] === 'match'));
    // The one known difference is flagged by a rule (plan warning when the topology has such names).
    const flagged = ([p, n]: readonly [string, string]): boolean => /[^\x00-\x7f]/.test(n) && compilePattern(p).kind === 'ok' && (compilePattern(p) as { noteNonAscii?: boolean }).noteNonAscii === true;
    expect(differ.filter((x) => !flagged(x))).toEqual([]);
    expect(differ).toContainEqual(['[[:word:]]+', 'é']);
    expect(pairs.length).toBeGreaterThan(200);
  });

  test('a catastrophic-backtracking pattern against a 255-byte name does not hang validate or the plan', () => {
    const name = `${'a'.repeat(254)}b`;
    expect(patternMatches('^(a+)+$', name)).toBe(false);
    const spec = parseClusterSpec({
      name: 'r',
      topology: { queues: [{ name, type: 'quorum' }], policies: [{ name: 'p', pattern: '^(a+)+$', quorum: { deliveryLimit: 5 } }, { name: 'q', pattern: '^(a|aa)+$', quorum: { deliveryLimit: 3 } }] },
    });
    expect(buildPlan(spec).nodes).toHaveLength(3);
  });

  test('a PCRE-only pattern is accepted with a warning naming it; an invalid one is refused with the pattern', () => {
    const plan = buildPlan(parseClusterSpec({ name: 'r', topology: { policies: [{ name: 'p', pattern: '^(?!tmp\\.)', quorum: { deliveryLimit: 5 } }] } }));
    expect(plan.warnings).toContainEqual({ id: 'pattern-pcre-only', path: 'topology.policies[0].pattern', message: expect.stringMatching(/^"\^\(\?!tmp\\\\\.\)" uses lookahead/) });
    expect(() => parseClusterSpec({ name: 'r', topology: { policies: [{ name: 'p', pattern: '[^]', quorum: { deliveryLimit: 5 } }] } })).toThrow(
      /topology\.policies\[0\]\.pattern: got "\[\^\]"; must be a regular expression that compiles for RabbitMQ \(PCRE\)/,
    );
  });
});
