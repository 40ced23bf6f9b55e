// test lane: engine (test/run-tests.sh: balances the two lanes; no RabbitMQ node, no timing-sensitive wait)
import { stripVTControlCharacters } from 'node:util';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fill, layOut, loadCorpus, runCase, runCaseInProcess, snapshotTree, type CorpusCase, type CorpusRun } from './helpers/corpus';

/**
 * The hostile and broken input corpus (test/fixtures/hostile/*.yaml). Cases that could hang or
 * read without end (`via: cli`, set-ups, generated bombs) and every SAMPLE-th other case run
 * through the built CLI (dist/rmq-ha.js) as a user runs it, two at a time, each killed after
 * CASE_TIMEOUT_MS; the rest run in this process through the CLI's entry (cli/main.ts), which keeps
 * the suite to seconds instead of a process start per case. Every case must: end by itself, exit with its code (1 for refused input), print its message, print no
 * stack trace or "internal error", leave its directory exactly as it was (nothing written, --out
 * untouched), and never print the secret it carries.
 */
const CASE_TIMEOUT_MS = 20000;
const PARALLEL = 2;
const SAMPLE = 8;
const cases = loadCorpus();
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-corpus-'));
const results = new Map<string, { run: CorpusRun; before: Record<string, string>; after: Record<string, string>; dir: string; spec: string }>();

const viaCli = (c: CorpusCase, i: number): boolean => c.via === 'cli' || c.setup !== undefined || c.generate !== undefined || i % SAMPLE === 0;

beforeAll(async () => {
  const one = async (i: number, run: (c: CorpusCase, dir: string, spec: string) => Promise<CorpusRun>): Promise<void> => {
    const c = cases[i];
    const dir = path.join(root, String(i));
    const spec = layOut(c, dir);
    const before = snapshotTree(dir);
    const t0 = Date.now();
    const result = await run(c, dir, spec);
    if (process.env.RMQ_CORPUS_TIMES) process.stdout.write(`${Date.now() - t0} ms ${run === runCaseInProcess ? 'in-process' : 'cli'} ${c.id}\n`);
    results.set(c.id, { run: result, before, after: snapshotTree(dir), dir, spec });
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const cli = cases.map((_c, i) => i).filter((i) => viaCli(cases[i], i));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cli.length) await one(cli[next++], (c, dir, spec) => runCase(c, dir, spec, CASE_TIMEOUT_MS));
  };
  const workers = Array.from({ length: PARALLEL }, worker);
  for (let i = 0; i < cases.length; i++) if (!viaCli(cases[i], i)) await one(i, runCaseInProcess);
  await Promise.all(workers);
}, 600000);

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('hostile input corpus', () => {
  test('has at least 150 cases with unique ids; a share of them, and every file, through the built CLI', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    const cli = cases.filter((c, i) => viaCli(c, i));
    expect(cli.length).toBeGreaterThanOrEqual(cases.length / SAMPLE);
    expect(new Set(cli.map((c) => c.id.split('/')[0])).size).toBe(new Set(cases.map((c) => c.id.split('/')[0])).size);
  });

  test.each(cases.map((c) => [c.id, c] as [string, CorpusCase]))('%s', (_id, c) => {
    const r = results.get(c.id)!;
    // In-process cases share jest's picocolors, which colours when CI is set (read at load, before NO_COLOR).
    const output = stripVTControlCharacters(`${r.run.stderr}${r.run.stdout}`);
    const show = { case: c.id, code: r.run.code, signal: r.run.signal, stderr: r.run.stderr.slice(0, 2000) };
    expect({ ...show, ended: r.run.signal === null }).toEqual({ ...show, ended: true });
    expect({ ...show, exit: r.run.code }).toEqual({ ...show, exit: c.exit ?? 1 });
    expect(output).toContain(fill(c.message, r.dir, r.spec));
    expect(output).not.toMatch(/internal error|^\s+at .+:\d+:\d+\)?$/m);
    if ((c.exit ?? 1) !== 0) expect(r.after).toEqual(r.before);
    for (const secret of [c.secret, 'hunter2'].filter((s): s is string => s !== undefined)) expect(output).not.toContain(secret);
  });
});
