/**
 * `waitForCluster`: bounded wait until a freshly started harness cluster is usable, in three
 * stages a timeline can tell apart, all read over the nodes' management HTTP API (no CLI VM):
 *
 * 1. boot: every node answers `/api/overview` for the admin user (plugins started, definitions
 *    file imported); a node whose process exits fails the wait at once, with its log tail;
 * 2. formation: the first node reports every node running in its cluster (`/api/nodes`);
 * 3. definitions: every queue of the spec's topology exists (RabbitMQ imports queues only once
 *    `target_cluster_size_hint` nodes run), read with their quorum members in the same request.
 *    Seen once on a heavily loaded machine: one quorum queue of the boot-time import never
 *    appeared. When queues are still missing `reimportAfterMs` after formation, the definitions
 *    file is imported once more through the API (idempotent: only what is missing is declared).
 */
import * as fs from 'node:fs';
import type { ObservedQuorumQueue } from '../../plan/quorum-members';
import { nodeLogTail } from './logs';
import { importDefinitions, listQueues, nodeAnswers, quorumQueuesOf, runningNodes, type ManagementCredentials } from './management-api';
import { isAlive } from './private/proc';
import { sleep } from './private/run';
import type { Timeline } from './timeline';
import type { LocalClusterState, LocalNodeState } from './types';
import { LocalNodeStartError } from './wait';

/** Options of `waitForCluster`. */
export interface WaitForClusterOptions {
  readonly credentials: ManagementCredentials;
  /** Queues the definitions declare (vhost and name); waited for in stage 3. */
  readonly queues: ReadonlyArray<{ readonly vhost: string; readonly name: string }>;
  /** Overall bound of the three stages together. */
  readonly timeoutMs: number;
  /** Pause between two polls of one thing. @default 200 */
  readonly pollMs?: number;
  /** Marks `boot`, `formation` and `definitions` when each stage ends. */
  readonly timeline?: Timeline;
  /** The definitions file the nodes import at boot; imported again when queues stay missing. */
  readonly definitionsFile?: string;
  /** How long after formation queues may be missing before that second import. @default 15000 */
  readonly reimportAfterMs?: number;
  /** Told when the second import runs (what was missing). */
  readonly onReimport?: (missing: string) => void;
}

/** Result of `waitForCluster`. */
export interface ClusterReady {
  /** Quorum queues with their members as the first node listed them at the end of stage 3. */
  readonly quorumQueues: readonly ObservedQuorumQueue[];
}

/**
 * Resolves once the cluster is formed and its definitions are loaded; rejects with
 * `LocalNodeStartError` for a node that exits or does not boot in time, or with an Error naming the
 * stage that did not finish. Stops nothing.
 */
export async function waitForCluster(state: LocalClusterState, options: WaitForClusterOptions): Promise<ClusterReady> {
  const deadline = Date.now() + options.timeoutMs;
  const pollMs = options.pollMs ?? 200;
  const creds = options.credentials;
  const abort = { failed: false };
  try {
    await Promise.all(state.nodes.map((node) => waitForBoot(state, node, creds, deadline, pollMs, abort)));
  } catch (error) {
    abort.failed = true;
    throw error;
  }
  options.timeline?.mark('boot');
  const first = state.nodes[0];
  const expected = state.nodes.map((n) => n.nodeName).sort();
  let last = 'no answer yet';
  for (;;) {
    const r = await runningNodes(first.managementPort, creds);
    if (r.ok && expected.every((n) => r.body.includes(n))) break;
    last = r.ok ? `running ${r.body.join(', ') || 'none'}` : r.reason;
    if (Date.now() >= deadline) throw new Error(`cluster did not form within ${options.timeoutMs / 1000} s: ${last} of ${expected.length} nodes`);
    await sleep(pollMs);
  }
  options.timeline?.mark('formation');
  const reimportAt = Date.now() + (options.reimportAfterMs ?? 15000);
  let reimported = false;
  for (;;) {
    const r = await listQueues(first.managementPort, creds);
    const missing = r.ok ? options.queues.filter((q) => !r.body.some((l) => l.vhost === q.vhost && l.name === q.name)) : [];
    if (r.ok && missing.length === 0) {
      options.timeline?.mark('definitions');
      return { quorumQueues: quorumQueuesOf(r.body) };
    }
    last = r.ok ? `queues not declared yet: ${missing.map((q) => `${q.vhost} ${q.name}`).join(', ')}` : r.reason;
    if (r.ok && !reimported && options.definitionsFile && Date.now() >= reimportAt) {
      reimported = true;
      options.onReimport?.(missing.map((q) => `${q.vhost} ${q.name}`).join(', '));
      const imported = await importDefinitions(first.managementPort, creds, fs.readFileSync(options.definitionsFile, 'utf8'));
      if (!imported.ok) last = `${last}; importing the definitions again failed: ${imported.reason}`;
    }
    if (Date.now() >= deadline) throw new Error(`definitions were not loaded within ${options.timeoutMs / 1000} s: ${last}`);
    await sleep(pollMs);
  }
}

async function waitForBoot(
  state: LocalClusterState,
  node: LocalNodeState,
  creds: ManagementCredentials,
  deadline: number,
  pollMs: number,
  abort: { failed: boolean },
): Promise<void> {
  let last = 'no answer yet';
  for (;;) {
    if (abort.failed) return;
    if (!isAlive(node.pid)) throw new LocalNodeStartError(node.nodeName, `exited during boot (pid ${node.pid})`, nodeLogTail(state.dir, node.nodeName, 40));
    const r = await nodeAnswers(node.managementPort, creds);
    if (r.ok) return;
    last = r.reason;
    if (Date.now() >= deadline) {
      throw new LocalNodeStartError(node.nodeName, `did not answer its management API in time (last: ${last})`, nodeLogTail(state.dir, node.nodeName, 40));
    }
    await sleep(pollMs);
  }
}
