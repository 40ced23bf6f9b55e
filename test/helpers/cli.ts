import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** The bundled CLI as users run it (npm test builds it first). */
export const CLI = path.resolve(__dirname, '../../dist/rmq-ha.js');
/** The project root: the CLI finds environments/ there. */
export const ROOT = path.resolve(__dirname, '../..');

/** What a CLI run printed and returned. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `rmq-ha <args>` as a child process, bounded in time. NO_COLOR: picocolors colours output
 * when CI is set, and assertions read plain text.
 */
export function runCli(args: readonly string[], options: { readonly cwd?: string; readonly timeoutMs?: number; readonly env?: NodeJS.ProcessEnv } = {}): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60000,
    env: { ...process.env, ...options.env, NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
