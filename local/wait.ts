/**
 * `waitForNodes`: bounded wait until every harness node is fully booted.
 *
 * Per node, cheapest check first: the process must be alive (a dead node fails the wait at once,
 * no need to sit out the timeout), then its AMQP port must accept TCP connections (the listener
 * opens near the end of boot, after cluster formation), and only then one
 * `rabbitmq-diagnostics -q check_running`, which answers "fully booted and running" once the
 * boot including plugins has completed. Polling with the CLI from the start would start an
 * Erlang VM per poll, which competes with the booting nodes for the CPU.
 */
import { OperationFailure } from './failure';
import { runRabbitCli } from './ctl';
import { nodeLogTail } from './logs';
import { isPortOpen } from './ports';
import { isAlive } from './private/proc';
import { sleep } from './private/run';
import { LocalClusterState, LocalNodeState } from './types';

/** Options of `waitForNodes`. */
export interface WaitForNodesOptions {
  /** Overall bound for all nodes together. */
  readonly timeoutMs: number;
  /** Pause between checks of one node. @default 500 */
  readonly pollMs?: number;
  /** Log lines per file included in the error. @default 40 */
  readonly logLines?: number;
  /** Starts a node that exited during boot once more (see `RestartExited`). @default - an exit fails the wait */
  readonly restartExited?: RestartExited;
}

/**
 * Starts a node whose process exited during boot once more (what the restart policy of a container
 * or a pod does) and returns its new state; the wait goes on with it. A second exit of the same
 * node fails the wait.
 */
export type RestartExited = (node: LocalNodeState, why: string) => LocalNodeState;

/**
 * The node to go on waiting for: `node` itself while its process lives, else the node started once
 * more by `restart` (first exit only; `attempt` remembers it).
 * @throws LocalNodeStartError with the log tail when there is no `restart` or it already ran
 */
export function aliveOrRestarted(dir: string, node: LocalNodeState, restart: RestartExited | undefined, attempt: { restarted: boolean }, logLines = 40): LocalNodeState {
  if (isAlive(node.pid)) return node;
  const why = `exited during boot (pid ${node.pid}${attempt.restarted ? ', started twice' : ''})`;
  if (restart === undefined || attempt.restarted) throw new LocalNodeStartError(node.nodeName, why, nodeLogTail(dir, node.nodeName, logLines));
  attempt.restarted = true;
  return restart(node, why);
}

/** A node that exited or did not boot in time; the message includes its log tail. */
export class LocalNodeStartError extends OperationFailure {
  /**
   * @param nodeName the node that failed
   * @param reason why (exited, timed out)
   * @param logTail tail of its log files
   */
  constructor(
    readonly nodeName: string,
    readonly reason: string,
    readonly logTail: string,
  ) {
    super(`RabbitMQ node ${nodeName} ${reason}\n${logTail}`);
    this.name = 'LocalNodeStartError';
  }
}

/**
 * Resolves when every node of `state` reports running; rejects with `LocalNodeStartError` for the
 * first node that exits or is not running when `timeoutMs` has passed. Stops polling the other
 * nodes once one has failed. Does not stop anything: the caller decides (usually `stopNodes`).
 */
export async function waitForNodes(state: LocalClusterState, options: WaitForNodesOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const abort = { failed: false };
  try {
    await Promise.all(state.nodes.map((node) => waitForNode(state, node, deadline, options, abort)));
  } catch (error) {
    abort.failed = true;
    throw error;
  }
}

async function waitForNode(
  state: LocalClusterState,
  node: LocalNodeState,
  deadline: number,
  options: WaitForNodesOptions,
  abort: { failed: boolean },
): Promise<void> {
  const fail = (reason: string): LocalNodeStartError =>
    new LocalNodeStartError(node.nodeName, reason, nodeLogTail(state.dir, node.nodeName, options.logLines ?? 40));
  let lastCheck = 'AMQP port not open yet';
  const attempt = { restarted: false };
  for (;;) {
    if (abort.failed) return;
    node = aliveOrRestarted(state.dir, node, options.restartExited, attempt, options.logLines);
    if (await isPortOpen(node.amqpPort)) {
      const remaining = Math.max(1000, deadline - Date.now());
      const result = await runRabbitCli(state, node.nodeName, ['-q', 'check_running'], {
        tool: 'rabbitmq-diagnostics',
        timeoutMs: Math.min(remaining, 30000),
      });
      if (result.code === 0) return;
      lastCheck = `check_running: ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ')}`;
    }
    if (Date.now() >= deadline) {
      throw fail(`did not report running within ${options.timeoutMs} ms (last check: ${lastCheck})`);
    }
    await sleep(Math.min(options.pollMs ?? 500, Math.max(0, deadline - Date.now())));
  }
}
