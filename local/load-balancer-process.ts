/**
 * The load balancer of a local run as a real process: Debian's `haproxy` or `nginx` (with
 * `libnginx-mod-stream`) started from a rendered config under the harness directory, checked
 * first (`haproxy -c -f` / `nginx -t`, the tool's own output in the error), waited for until its
 * AMQP port accepts, and recorded in `DIR/state.json` (`loadBalancers`) so `stopNodes` stops it
 * with the nodes (load balancers first).
 *
 * ```ts
 * const state = await startRabbitNodes(launchFromPlan(plan, dir, secrets));
 * await waitForNodes(state, { timeoutMs: 60000 });
 * const lb = await startLoadBalancer(dir, loadBalancerLaunch(plan.loadBalancer!, secrets));
 * // clients use amqp://127.0.0.1:${lb.amqpPort}; stopNodes(dir) stops the proxy too
 * ```
 *
 * Both proxies run in the foreground of their own process group (HAProxy `-db`, nginx
 * `-g 'daemon off;'`), so the recorded pid is the one to signal: a daemonizing proxy would fork
 * away from it. SIGTERM stops both at once (HAProxy's immediate stop, nginx's fast shutdown);
 * the graceful variants would wait for hours-long AMQP connections to end.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { resolveSecrets } from '../plan/files';
import type { LoadBalancerPlan } from '../plan/load-balancer-plan';
import { tailFile } from './logs';
import type { LocalSecrets } from './plan-launch';
import { isPortOpen } from './ports';
import { groupMembers, hasEnv, isAlive, signal } from './private/proc';
import { pollUntil, runBounded } from './private/run';
import { HARNESS_MARKER } from './rabbit-env';
import { readState, writeState } from './state';
import type { CliResult, LocalLoadBalancerState } from './types';

/** Debian's binaries (packages `haproxy`, `nginx` + `libnginx-mod-stream`). */
export const LOAD_BALANCER_BINS = { haproxy: '/usr/sbin/haproxy', nginx: '/usr/sbin/nginx' } as const;

/** A proxy to start: a config (secrets already resolved) and where it listens for AMQP. */
export interface LoadBalancerLaunch {
  /**
   * Name in `state.json` and in the stop report, unique within a harness directory; several
   * proxies may run side by side (e.g. `haproxy` and `nginx` in front of the same nodes).
   * Letters, digits, `_`, `-`.
   */
  readonly name: string;
  readonly kind: 'haproxy' | 'nginx';
  /** Config text, every secret placeholder resolved. */
  readonly config: string;
  /** Absolute path the config is written to (its directory is created). */
  readonly configPath: string;
  /** Absolute directory for the proxy's logs and pid/socket/temp files; the config refers to it. */
  readonly runtimeDir: string;
  /** Address and port of the AMQP listener, waited for after the start. */
  readonly host: string;
  readonly amqpPort: number;
}

/** Options of `startLoadBalancer`. */
export interface StartLoadBalancerOptions {
  /** Bound for the config check. @default 15000 */
  readonly checkTimeoutMs?: number;
  /** Bound for the AMQP port to accept connections after the start. @default 10000 */
  readonly timeoutMs?: number;
}

/** The config check (`haproxy -c -f` / `nginx -t`) failed; the message carries the tool's output. */
export class LoadBalancerConfigError extends Error {
  constructor(
    readonly kind: 'haproxy' | 'nginx',
    readonly configPath: string,
    readonly output: string,
  ) {
    super(`${kind} rejected ${configPath}:\n${output.trim()}`);
    this.name = 'LoadBalancerConfigError';
  }
}

/** The proxy exited or did not listen in time; the message carries the tail of its log. */
export class LoadBalancerStartError extends Error {
  constructor(
    readonly launchName: string,
    readonly reason: string,
    readonly logTail: string,
  ) {
    super(`load balancer ${launchName} ${reason}${logTail ? `\n${logTail}` : ''}`);
    this.name = 'LoadBalancerStartError';
  }
}

const NAME = /^[A-Za-z0-9_-]+$/;

/** The launch of a plan's load balancer: its rendered config with the local secrets filled in. */
export function loadBalancerLaunch(lb: LoadBalancerPlan, secrets: LocalSecrets, name: string = lb.kind): LoadBalancerLaunch {
  if (lb.input.target !== 'local' || lb.input.runtimeDir === undefined) {
    throw new Error(`the ${lb.kind} plan was rendered for target '${lb.input.target}'; a local run needs a plan built with local addresses and a loadBalancerDir`);
  }
  const config = resolveSecrets(lb.config.content, (secret) => {
    const value = secrets[secret];
    if (value === undefined) throw new Error(`no value for secret ${secret} (${lb.config.name})`);
    return value;
  });
  return {
    name,
    kind: lb.kind,
    config,
    configPath: lb.config.path,
    runtimeDir: lb.input.runtimeDir,
    host: lb.input.settings.bindAddress,
    amqpPort: lb.input.settings.ports.amqp,
  };
}

/** Arguments that check a config without starting anything. */
function checkArgs(kind: 'haproxy' | 'nginx', configPath: string, runtimeDir: string): string[] {
  // nginx opens its compiled-in error log (/var/log/nginx/error.log) before reading the config
  // unless -e names another one; -p makes the runtime directory the prefix of relative paths.
  return kind === 'haproxy'
    ? ['-c', '-f', configPath]
    : ['-t', '-q', '-c', configPath, '-p', `${runtimeDir}/`, '-e', `${runtimeDir}/nginx-error.log`, '-g', 'daemon off;'];
}

/** Arguments that run the proxy in the foreground. */
function runArgs(kind: 'haproxy' | 'nginx', configPath: string, runtimeDir: string): string[] {
  // -db: no daemon mode even when the config says `daemon`; the spawned pid stays the proxy.
  return kind === 'haproxy'
    ? ['-db', '-f', configPath]
    : ['-c', configPath, '-p', `${runtimeDir}/`, '-e', `${runtimeDir}/nginx-error.log`, '-g', 'daemon off;'];
}

/** The file the proxy's stdout and stderr go to (HAProxy logs to stdout with `log stdout`). */
export function loadBalancerOutputLog(launch: Pick<LoadBalancerLaunch, 'kind' | 'runtimeDir'>): string {
  return path.join(launch.runtimeDir, `${launch.kind}.out`);
}

/**
 * Environment of the proxy, built from scratch: a PATH and, for the running proxy, the harness
 * marker (`stopNodes` checks it before signalling a recorded pid).
 */
function proxyEnv(dir?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' };
  if (dir !== undefined) env[HARNESS_MARKER] = dir;
  return env;
}

/**
 * Writes the config and runs `haproxy -c -f` / `nginx -t` on it.
 * @throws LoadBalancerConfigError with the tool's output when the config is rejected
 */
export async function checkLoadBalancerConfig(launch: LoadBalancerLaunch, timeoutMs = 15000): Promise<CliResult> {
  fs.mkdirSync(launch.runtimeDir, { recursive: true });
  fs.mkdirSync(path.dirname(launch.configPath), { recursive: true });
  fs.writeFileSync(launch.configPath, launch.config, { mode: 0o600 });
  const result = await runBounded(LOAD_BALANCER_BINS[launch.kind], checkArgs(launch.kind, launch.configPath, launch.runtimeDir), {
    env: proxyEnv(),
    cwd: launch.runtimeDir,
    timeoutMs,
  });
  if (result.code !== 0) {
    const why = result.timedOut ? `(check timed out after ${timeoutMs} ms)\n` : '';
    throw new LoadBalancerConfigError(launch.kind, launch.configPath, `${why}${result.stdout}${result.stderr}`);
  }
  return result;
}

/** The tail of what a proxy wrote: its stdout/stderr file and, for nginx, its error log. */
export function loadBalancerLogTail(launch: Pick<LoadBalancerLaunch, 'kind' | 'runtimeDir'>, lines = 30): string {
  const files = [loadBalancerOutputLog(launch)];
  if (launch.kind === 'nginx') files.push(path.join(launch.runtimeDir, 'nginx-error.log'));
  return files
    .map((file) => [file, tailFile(file, lines)] as const)
    .filter(([, text]) => text !== '')
    .map(([file, text]) => `--- ${file} ---\n${text}`)
    .join('\n');
}

/**
 * Checks the config, starts the proxy detached (own process group, output to
 * `<runtimeDir>/<kind>.out`), waits until `host:amqpPort` accepts TCP connections and adds it to
 * `loadBalancers` in `DIR/state.json`. The nodes need not be up: HAProxy marks them DOWN until
 * they answer its checks, nginx tries them per connection.
 * @param dir harness directory whose `state.json` (from `startRabbitNodes`) records the proxy
 * @throws LoadBalancerConfigError when the check rejects the config (nothing is started);
 *   LoadBalancerStartError when the proxy exits or does not listen in time (it is killed);
 *   Error when `dir` has no state or already runs a proxy of that name
 */
export async function startLoadBalancer(
  dir: string,
  launch: LoadBalancerLaunch,
  options: StartLoadBalancerOptions = {},
): Promise<LocalLoadBalancerState> {
  const absDir = path.resolve(dir);
  if (!NAME.test(launch.name)) throw new Error(`load balancer name '${launch.name}' is invalid: expected [A-Za-z0-9_-]+`);
  for (const [field, p] of [['configPath', launch.configPath], ['runtimeDir', launch.runtimeDir]] as const) {
    if (!path.isAbsolute(p)) throw new Error(`${field} '${p}' is invalid: expected an absolute path`);
  }
  const before = readState(absDir);
  if (!before) throw new Error(`${absDir} has no state.json: start the nodes first (startRabbitNodes)`);
  const same = (before.loadBalancers ?? []).find((lb) => lb.name === launch.name);
  if (same && isAlive(same.pid)) {
    throw new Error(`${absDir} already runs load balancer '${launch.name}' (pid ${same.pid}): stop it first (stopLoadBalancer)`);
  }

  await checkLoadBalancerConfig(launch, options.checkTimeoutMs);
  const outFile = loadBalancerOutputLog(launch);
  const out = fs.openSync(outFile, 'a');
  let pid: number | undefined;
  try {
    const child = spawn(LOAD_BALANCER_BINS[launch.kind], runArgs(launch.kind, launch.configPath, launch.runtimeDir), {
      cwd: launch.runtimeDir,
      env: proxyEnv(absDir),
      detached: true,
      stdio: ['ignore', out, out],
    });
    child.once('error', () => undefined); // reported through the missing pid / the log below
    child.unref();
    pid = child.pid;
  } finally {
    fs.closeSync(out);
  }
  const fail = (reason: string): LoadBalancerStartError => {
    if (pid !== undefined) signal(-pid, 'SIGKILL');
    return new LoadBalancerStartError(launch.name, reason, loadBalancerLogTail(launch));
  };
  if (pid === undefined) throw fail(`could not be spawned (${LOAD_BALANCER_BINS[launch.kind]})`);
  const started = pid;

  const timeoutMs = options.timeoutMs ?? 10000;
  const listening = await pollUntil(async () => !isAlive(started) || (await isPortOpen(launch.amqpPort, launch.host, 500)), timeoutMs, 50);
  if (!isAlive(started)) throw fail(`exited during start-up (pid ${started}); port ${launch.host}:${launch.amqpPort} taken?`);
  if (!listening) throw fail(`did not accept connections on ${launch.host}:${launch.amqpPort} within ${timeoutMs} ms`);

  const record: LocalLoadBalancerState = {
    name: launch.name,
    kind: launch.kind,
    pid: started,
    host: launch.host,
    amqpPort: launch.amqpPort,
    configPath: launch.configPath,
    runtimeDir: launch.runtimeDir,
  };
  // Re-read: the state may have been rewritten while the proxy started (single writer assumed).
  const current = readState(absDir) ?? before;
  writeState({ ...current, loadBalancers: [...(current.loadBalancers ?? []).filter((lb) => lb.name !== launch.name), record] });
  return record;
}

/**
 * True when process `pid` is the recorded proxy and not a stranger that reuses its pid: it carries
 * the harness marker in its environment (HAProxy), or its command line names the recorded config
 * (nginx overwrites its environment block with the process title, which keeps the command line:
 * `nginx: master process /usr/sbin/nginx -c <configPath> ...`).
 */
export function isHarnessLoadBalancer(stateDir: string, lb: LocalLoadBalancerState, pid: number): boolean {
  if (hasEnv(pid, HARNESS_MARKER, stateDir)) return true;
  let cmdline: string;
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return false;
  }
  const words = cmdline.split(/[\0 ]/);
  const flag = lb.kind === 'haproxy' ? '-f' : '-c';
  return words.some((w, i) => w === flag && words[i + 1] === lb.configPath);
}

/**
 * Stops a recorded proxy by pid: SIGTERM to its process group, SIGKILL after `termTimeoutMs`.
 * A group without a member that `isHarnessLoadBalancer` recognises (reused pid) is left alone.
 * Does not touch `state.json` (`stopNodes` calls it for every recorded proxy).
 */
export async function stopLoadBalancerProcess(
  stateDir: string,
  lb: LocalLoadBalancerState,
  options: { readonly termTimeoutMs?: number; readonly killTimeoutMs?: number } = {},
): Promise<'stopped' | 'killed' | 'notRunning' | 'skipped'> {
  const members = groupMembers(lb.pid);
  if (members.length === 0) return 'notRunning';
  if (!members.some((p) => isHarnessLoadBalancer(stateDir, lb, p.pid))) return 'skipped';
  const gone = (): boolean => groupMembers(lb.pid).length === 0;
  signal(-lb.pid, 'SIGTERM');
  if (await pollUntil(gone, options.termTimeoutMs ?? 5000, 50)) return 'stopped';
  signal(-lb.pid, 'SIGKILL');
  if (await pollUntil(gone, options.killTimeoutMs ?? 5000, 50)) return 'killed';
  throw new Error(`load balancer ${lb.name} (process group ${lb.pid}) survived SIGKILL`);
}

/**
 * Stops one recorded proxy (see `stopLoadBalancerProcess`) and removes it from `state.json`
 * unless it was left alone.
 * @returns what happened; 'notRunning' also when no proxy of that name is recorded
 */
export async function stopLoadBalancer(
  dir: string,
  name: string,
  options: { readonly termTimeoutMs?: number; readonly killTimeoutMs?: number } = {},
): Promise<'stopped' | 'killed' | 'notRunning' | 'skipped'> {
  const absDir = path.resolve(dir);
  const state = readState(absDir);
  const lb = state?.loadBalancers?.find((l) => l.name === name);
  if (!state || !lb) return 'notRunning';
  const outcome = await stopLoadBalancerProcess(state.dir, lb, options);
  if (outcome !== 'skipped') {
    const current = readState(absDir) ?? state;
    writeState({ ...current, loadBalancers: (current.loadBalancers ?? []).filter((l) => l.name !== name) });
  }
  return outcome;
}
