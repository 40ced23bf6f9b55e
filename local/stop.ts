/**
 * `stopNodes`: stops what `DIR/state.json` records, by pid only. Each node's process group gets
 * SIGTERM (RabbitMQ 3.10 stops cleanly on it, about 6 s here), then SIGKILL after a bound; then
 * the harness's epmd, last, because a running node's rabbit_epmd_monitor would try to restart a
 * vanished epmd. Removes no file (data survives for a restart, logs for reading). Idempotent:
 * missing state, or processes already gone, are not errors.
 *
 * A recorded pid is signalled only if that process group still carries the harness marker
 * (`RMQ_HA_LOCAL_DIR=<dir>` in its environment), so a stale state whose pids were reused by
 * unrelated processes is skipped, not killed.
 */
import * as path from 'path';
import { stopLoadBalancerProcess } from './load-balancer-process';
import { descendants, groupMembers, hasEnv, isAlive, ProcInfo, signal } from './private/proc';
import { pollUntil } from './private/run';
import { HARNESS_MARKER } from './rabbit-env';
import { readState } from './state';

/** Options of `stopNodes`. */
export interface StopNodesOptions {
  /** How long a node may take to stop after SIGTERM before it gets SIGKILL. @default 30000 */
  readonly termTimeoutMs?: number;
  /** How long to wait for processes to vanish after SIGKILL. @default 5000 */
  readonly killTimeoutMs?: number;
}

/** What `stopNodes` did, per recorded process (node names, and `epmd`). */
export interface LocalStopReport {
  /** Stopped after SIGTERM. */
  readonly stopped: string[];
  /** Needed SIGKILL. */
  readonly killed: string[];
  /** Already gone. */
  readonly notRunning: string[];
  /** Alive but without the harness marker (pid reused): left alone. */
  readonly skipped: string[];
}

/** Stops the processes recorded in `DIR/state.json` (see the module comment). */
export async function stopNodes(dir: string, options: StopNodesOptions = {}): Promise<LocalStopReport> {
  const absDir = path.resolve(dir);
  const report: LocalStopReport = { stopped: [], killed: [], notRunning: [], skipped: [] };
  const state = readState(absDir);
  if (!state) return report;
  const ours = (p: ProcInfo): boolean => hasEnv(p.pid, HARNESS_MARKER, state.dir);
  const termMs = options.termTimeoutMs ?? 30000;
  const killMs = options.killTimeoutMs ?? 5000;

  // Load balancers first (recorded by startLoadBalancer): no new clients for stopping nodes.
  for (const lb of state.loadBalancers ?? []) report[await stopLoadBalancerProcess(state.dir, lb, { killTimeoutMs: killMs })].push(lb.name);

  await Promise.all(
    state.nodes.map(async (node) => {
      const members = groupMembers(node.pid);
      if (members.length === 0) return void report.notRunning.push(node.nodeName);
      if (!members.some(ours)) return void report.skipped.push(node.nodeName);
      // erl_child_setup, inet_gethost and the disk monitor's `sh` run in process groups of their
      // own; they exit when the VM does. Remember them to make sure, by pid.
      const helpers = descendants(members.map((m) => m.pid)).filter((p) => p.pgid !== node.pid && ours(p));
      const outcome = await terminate(-node.pid, () => groupMembers(node.pid).length === 0, termMs, killMs);
      report[outcome].push(node.nodeName);
      const leftovers = helpers.filter((p) => isAlive(p.pid));
      if (leftovers.length > 0 && !(await pollUntil(() => leftovers.every((p) => !isAlive(p.pid)), 2000, 100))) {
        for (const p of leftovers) if (isAlive(p.pid) && ours(p)) signal(p.pid, 'SIGKILL');
      }
    }),
  );

  const epmdPid = state.epmd.pid;
  if (!isAlive(epmdPid)) report.notRunning.push('epmd');
  else if (!hasEnv(epmdPid, HARNESS_MARKER, state.dir)) report.skipped.push('epmd');
  else report[await terminate(epmdPid, () => !isAlive(epmdPid), 3000, killMs)].push('epmd');
  return report;
}

/** SIGTERM, wait for `gone`, SIGKILL if needed, wait again. `target` < 0 means a process group. */
async function terminate(target: number, gone: () => boolean, termMs: number, killMs: number): Promise<'stopped' | 'killed'> {
  signal(target, 'SIGTERM');
  if (await pollUntil(gone, termMs, 100)) return 'stopped';
  signal(target, 'SIGKILL');
  if (await pollUntil(gone, killMs, 100)) return 'killed';
  throw new Error(`process ${target < 0 ? `group ${-target}` : target} survived SIGKILL for ${killMs} ms`);
}
