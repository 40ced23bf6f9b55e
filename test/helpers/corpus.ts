import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CLI, ROOT } from './cli';

/**
 * One case of the hostile-input corpus (test/fixtures/hostile/*.yaml): files to lay out, the command
 * line, and what it must print. Placeholders in args and file names: {dir} (the case's own
 * directory), {spec} ({dir}/<specFile>), {out} ({dir}/out, which must stay as it was).
 */
export interface CorpusCase {
  readonly id: string;
  /** Spec text written to {spec}. */
  readonly spec?: string;
  /** Spec bytes as hex (invalid UTF-8). */
  readonly specHex?: string;
  /** A generated spec: `deep-flow`, `deep-block`, `alias-bomb`, `big`, `long-name`. */
  readonly generate?: string;
  /** File name of the spec. @default env.yaml */
  readonly specFile?: string;
  /** Extra files, path (relative to {dir}) -> content. A trailing / makes a directory. */
  readonly files?: Readonly<Record<string, string>>;
  /** Special set-up: `fifo` ({spec} is a named pipe), `readonly-out` ({out} on a read-only tmpfs, run in a mount namespace). */
  readonly setup?: 'fifo' | 'readonly-out';
  /** @default [synth, --spec, {spec}, --out, {out}] */
  readonly args?: readonly string[];
  /** @default 1 */
  readonly exit?: number;
  /** Text stderr (or stdout, for exit 0) must contain, placeholders replaced. */
  readonly message: string;
  /** A secret the case writes: it must not appear in any output. */
  readonly secret?: string;
  /** `cli`: always through the built CLI with its timeout (cases that could hang or read without end). */
  readonly via?: 'cli';
}

/** Every case of every corpus file, in file order. */
export function loadCorpus(dir = path.join(ROOT, 'test/fixtures/hostile')): CorpusCase[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => (parseYaml(fs.readFileSync(path.join(dir, f), 'utf8')) as CorpusCase[]).map((c) => ({ ...c, id: `${f.replace(/\.yaml$/, '')}/${c.id}` })));
}

function generated(kind: string): string {
  switch (kind) {
    case 'deep-flow':
      return `name: r\nrabbitmq: ${'['.repeat(100000)}${']'.repeat(100000)}\n`;
    case 'deep-block':
      return `name: r\n${Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} 1\n`;
    case 'alias-bomb': {
      const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
      for (let i = 1; i < 8; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
      return `name: r\n${lines.join('\n')}\n`;
    }
    case 'big':
      return `name: r\n# ${'x'.repeat(2 * 1024 * 1024)}\n`;
    case 'long-line':
      return `name: "${'a'.repeat(900000)}"\n`;
    default:
      throw new Error(`unknown generator ${kind}`);
  }
}

/** Lays out the case's files under `dir`; returns the spec path. */
export function layOut(c: CorpusCase, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const spec = path.join(dir, c.specFile ?? 'env.yaml');
  for (const [rel, content] of Object.entries(c.files ?? {})) {
    const p = path.join(dir, rel.replace('{dir}/', ''));
    if (rel.endsWith('/')) fs.mkdirSync(p, { recursive: true });
    else {
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, content);
    }
  }
  if (c.setup === 'fifo') spawnSyncChecked('mkfifo', [spec]);
  else if (c.specHex !== undefined) fs.writeFileSync(spec, Buffer.from(c.specHex.replace(/\s+/g, ''), 'hex'));
  else if (c.generate !== undefined) fs.writeFileSync(spec, generated(c.generate));
  else if (c.spec !== undefined) fs.writeFileSync(spec, c.spec);
  return spec;
}

function spawnSyncChecked(cmd: string, args: string[]): void {
  const r = require('node:child_process').spawnSync(cmd, args) as { status: number | null; stderr: Buffer };
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
}

/** Replaces {dir}, {spec} and {out}. */
export function fill(text: string, dir: string, spec: string): string {
  return text.replaceAll('{dir}', dir).replaceAll('{spec}', spec).replaceAll('{out}', path.join(dir, 'out'));
}

export interface CorpusRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI for a case, killed after `timeoutMs` (a hang fails the case, it never stalls the suite). */
export function runCase(c: CorpusCase, dir: string, spec: string, timeoutMs: number): Promise<CorpusRun> {
  const args = (c.args ?? ['synth', '--spec', '{spec}', '--out', '{out}']).map((a) => fill(a, dir, spec));
  let cmd = process.execPath;
  let argv = [CLI, ...args];
  if (c.setup === 'readonly-out') {
    // A private mount namespace: the read-only tmpfs exists only for this process and vanishes with it.
    const out = path.join(dir, 'out');
    cmd = 'unshare';
    argv = ['-m', '--propagation', 'private', 'sh', '-c', `mount -t tmpfs -o ro,size=1m none "$1" && shift && exec "$@"`, 'sh', out, process.execPath, CLI, ...args];
  }
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout = (stdout + d.toString()).slice(-200000)));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-200000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * Runs a case in this process through the CLI's own entry (`main` of cli/main.ts), capturing what
 * it writes: the same code path as the bundle, without a process start per case. Only for cases
 * that cannot hang (the others run through runCase with a timeout).
 */
export async function runCaseInProcess(c: CorpusCase, dir: string, spec: string): Promise<CorpusRun> {
  const { main } = require('../../cli/main') as typeof import('../../cli/main');
  const args = (c.args ?? ['synth', '--spec', '{spec}', '--out', '{out}']).map((a) => fill(a, dir, spec));
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const saved = process.exitCode;
  process.exitCode = undefined;
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += chunk.toString()), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += chunk.toString()), true)) as typeof process.stderr.write;
  const env = process.env.NO_COLOR;
  process.env.NO_COLOR = '1';
  try {
    await main(['node', 'rmq-ha', ...args]);
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    if (env === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = env;
  }
  const code = typeof process.exitCode === 'number' ? process.exitCode : 0;
  process.exitCode = saved;
  return { code, signal: null, stdout, stderr };
}

/** Every file under dir with its content (to prove a refused command wrote nothing). */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        out[`${path.relative(dir, p)}/`] = '';
        walk(p);
      } else if (e.isFile()) out[path.relative(dir, p)] = fs.statSync(p).size > 100000 ? `(${fs.statSync(p).size} bytes)` : fs.readFileSync(p, 'utf8');
      else out[path.relative(dir, p)] = '(special)';
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}
