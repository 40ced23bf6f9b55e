/**
 * Bounded child processes for the end-to-end harness: every command has a timeout, its output is
 * kept for the assertion message, and nothing inherits a terminal.
 */
import { spawn } from 'node:child_process';

/** What a command printed and returned. */
export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs `file args` with `env` added to this process's environment; kills it after `timeoutMs`. */
export function run(file: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {}): Promise<RunResult> {
  const began = Date.now();
  return new Promise((resolve) => {
    // stdin only when there is input: writing to a child that already exited raised EPIPE as an
    // unhandled error and failed a whole e2e run (a `docker inspect` of a missing container).
    const child = spawn(file, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${opts.timeoutMs} ms]`;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 120000);
    child.on('error', (e) => {
      stderr += `\n${e.message}`;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - began });
    });
    if (child.stdin) {
      child.stdin.on('error', (e) => (stderr += `\nstdin: ${e.message}`));
      child.stdin.end(opts.input);
    }
  });
}

/** Like `run`, but throws with the command's output when it does not exit 0. */
export async function mustRun(file: string, args: readonly string[], opts: Parameters<typeof run>[2] = {}): Promise<RunResult> {
  const r = await run(file, args, opts);
  if (r.code !== 0) throw new Error(`${file} ${args.join(' ')} exited ${r.code} after ${r.ms} ms\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
  return r;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls `probe` every `everyMs` until it returns a value other than undefined, at most `timeoutMs`.
 * @returns the value and the time it took, or undefined on timeout
 */
export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 1000): Promise<{ value: T; ms: number } | undefined> {
  const began = Date.now();
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return { value, ms: Date.now() - began };
    if (Date.now() - began >= timeoutMs) return undefined;
    await sleep(everyMs);
  }
}
