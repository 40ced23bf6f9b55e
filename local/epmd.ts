/**
 * The harness's own epmd (Erlang port mapper). One per harness directory, on a free port, so two
 * harness runs (or the host's epmd on 4369) never see each other's node names, and `stopNodes`
 * can kill it by pid.
 *
 * Run in the foreground (no `-daemon`, which would fork away from the recorded pid) in its own
 * process group. `-address 127.0.0.1`: epmd then listens on 127.0.0.1 *and* [::1]; OTP 25's epmd
 * always adds both loopback addresses when `-address` is given (epmd_srv.c), there is no flag to
 * drop ::1. Both are loopback-only.
 */
import { spawn } from 'child_process';
import { EPMD_BIN, epmdEnv, LOOPBACK } from './rabbit-env';
import { isPortOpen } from './ports';
import { isAlive, signal } from './private/proc';
import { pollUntil, sleep } from './private/run';
import { LocalEpmdState } from './types';

/** Options of `startEpmd`. */
export interface StartEpmdOptions {
  /** Absolute harness directory (marker value, working directory). */
  readonly dir: string;
  /** Port to listen on. */
  readonly port: number;
  /** How long to wait for the port to accept connections. @default 5000 */
  readonly timeoutMs?: number;
}

/**
 * Starts epmd detached and waits until its port accepts connections.
 * @throws Error when it exits or does not listen in time (it is killed then)
 */
export async function startEpmd(options: StartEpmdOptions): Promise<LocalEpmdState> {
  const child = spawn(EPMD_BIN, ['-port', String(options.port), '-address', LOOPBACK], {
    cwd: options.dir,
    env: epmdEnv(options.dir),
    detached: true,
    stdio: 'ignore',
  });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${EPMD_BIN}: ${(await spawnError).message}`);

  const listening = await pollUntil(
    async () => !isAlive(pid) || (await isPortOpen(options.port)),
    options.timeoutMs ?? 5000,
    50,
  );
  // epmd exits 0 when the port is already taken: check it is still ours a moment later.
  if (listening) await sleep(100);
  if (!listening || !isAlive(pid)) {
    signal(pid, 'SIGKILL');
    throw new Error(
      `epmd did not start on ${LOOPBACK}:${options.port} (${isAlive(pid) ? 'not listening in time' : 'it exited; port taken?'})`,
    );
  }
  return { port: options.port, pid };
}
