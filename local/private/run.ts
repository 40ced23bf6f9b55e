/** Bounded child-process runs and small timing helpers. */
import { execFile } from 'child_process';
import { CliResult } from '../types';

/** Options of `runBounded`. */
export interface RunOptions {
  /** Environment of the child (replaces, does not extend, the parent's). */
  readonly env?: NodeJS.ProcessEnv;
  /** Working directory. @default - the parent's */
  readonly cwd?: string;
  /** Kill the child with SIGKILL after this long. */
  readonly timeoutMs: number;
}

/**
 * Runs `file args` without a shell; never rejects on a non-zero exit or a timeout, reports them.
 * SIGKILL on timeout: an Erlang CLI VM stuck on distribution does not always honour SIGTERM.
 */
export function runBounded(file: string, args: readonly string[], options: RunOptions): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      [...args],
      {
        env: options.env,
        cwd: options.cwd,
        timeout: options.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        const err = error as (NodeJS.ErrnoException & { killed?: boolean; code?: number | string }) | null;
        const timedOut = Boolean(err?.killed);
        let code = 0;
        if (err) code = typeof err.code === 'number' ? err.code : -1;
        if (err && typeof err.code === 'string') stderr = `${stderr}${err.message}\n`;
        resolve({ stdout, stderr, code: timedOut ? -1 : code, timedOut });
      },
    );
  });
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `check` every `intervalMs` until it returns true or `timeoutMs` elapses.
 * @returns whether the condition became true in time
 */
export async function pollUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
}
