/**
 * `waitForCluster`: bounded wait until a freshly started harness cluster is usable, in four
 * stages a timeline can tell apart, all read over the nodes' management HTTP API (no CLI VM):
 *
 * 1. boot: every node has its own client (AMQP) listener up, the last step of its boot, read
 *    through its own management API for the admin user. The management listener and the admin
 *    user come earlier, before the node imports the queues of its definitions file. Waiting only
 *    for those, `local up` returned once (`.ci/run` at 686d097) while a node's
 *    `rabbitmqctl cluster_status` still said its rabbit app was not running. A node whose process
 *    exits is started once more when the caller says how (`restartExited`), as a container's
 *    restart policy would: seen in `npm run bench` (2026-12-03), rmq-dev-2's boot-time import
 *    gave up on a quorum queue whose leader was not elected yet (`{leader_call,{state_query,members}},
 *    15000` on `events.shard.2` while its peers were still booting) and RabbitMQ stopped the node.
 *    A second exit fails the wait at once, with its log tail;
 * 2. formation: the first node reports every node running in its cluster (`/api/nodes`);
 * 3. vhosts: every virtual host runs on every node (`waitForVhosts`: one that stays down is
 *    restarted once);
 * 4. definitions: every queue and binding of the spec's topology exists (RabbitMQ imports them
 *    only once `target_cluster_size_hint` nodes run), read with their quorum members in the same request.
 *    Seen once on a heavily loaded machine: one quorum queue of the boot-time import never
 *    appeared. When queues or bindings are still missing `reimportAfterMs` after formation, the definitions
 *    file is imported once more through the API (idempotent: only what is missing is declared).
 */
import * as fs from 'node:fs';
import { OperationFailure } from './failure';
import type { ObservedQuorumQueue } from '../plan/quorum-members';
import { nodeLogTail } from './logs';
import { clientListenerActive, importDefinitions, listBindings, listQueues, quorumQueuesOf, runningNodes, type ManagementCredentials } from './management-api';
import { sleep } from './private/run';
import type { Timeline } from './timeline';
import type { LocalClusterState, LocalNodeState } from './types';
import { apiVhostProbe, waitForVhosts } from './vhosts-ready';
import { aliveOrRestarted, LocalNodeStartError, type RestartExited } from './wait';

/** Options of `waitForCluster`. */
export interface WaitForClusterOptions {
  readonly credentials: ManagementCredentials;
  /** Queues the definitions declare (vhost and name); waited for in stage 4. */
  readonly queues: readonly WantedQueue[];
  /** Bindings the definitions declare; waited for with the queues. @default none */
  readonly bindings?: readonly WantedBinding[];
  /** Overall bound of the four stages together. */
  readonly timeoutMs: number;
  /** Pause between two polls of one thing. @default 200 */
  readonly pollMs?: number;
  /** Marks `boot`, `formation`, `vhosts` and `definitions` when each stage ends. */
  readonly timeline?: Timeline;
  /** The definitions file the nodes import at boot; imported again when queues stay missing. */
  readonly definitionsFile?: string;
  /** How long after formation queues may be missing before that second import. @default 15000 */
  readonly reimportAfterMs?: number;
  /** Told when the second import runs (what was missing). */
  readonly onReimport?: (missing: string) => void;
  /** Told when a vhost that stayed down is restarted on a node. */
  readonly onVhostRestart?: (node: string, vhost: string) => void;
  /** How long a vhost may be down after formation before it is restarted. @default 10000 */
  readonly vhostGraceMs?: number;
  /** Starts a node that exited during the boot stage once more (see `RestartExited`). @default - an exit fails the wait at once */
  readonly restartExited?: RestartExited;
}

/** Result of `waitForCluster`. */
export interface ClusterReady {
  /** Quorum queues with their members as the first node listed them at the end of stage 4. */
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
    await Promise.all(state.nodes.map((node) => waitForBoot(state, node, creds, deadline, pollMs, abort, options.restartExited)));
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
    if (Date.now() >= deadline) throw new OperationFailure(`cluster did not form within ${options.timeoutMs / 1000} s: ${last} of ${expected.length} nodes`);
    await sleep(pollMs);
  }
  options.timeline?.mark('formation');
  await waitForVhosts(apiVhostProbe(first.managementPort, creds), { deadline, pollMs, graceMs: options.vhostGraceMs, onRestart: options.onVhostRestart });
  options.timeline?.mark('vhosts');
  const reimportAt = Date.now() + (options.reimportAfterMs ?? 15000);
  let reimported = false;
  for (;;) {
    const missing = await missingDefinitions(first.managementPort, creds, options);
    if (missing.ok && missing.names.length === 0) {
      options.timeline?.mark('definitions');
      return { quorumQueues: missing.quorumQueues };
    }
    last = missing.ok ? `not declared yet: ${missing.names.join(', ')}` : missing.reason;
    if (missing.ok && !reimported && options.definitionsFile && Date.now() >= reimportAt) {
      reimported = true;
      options.onReimport?.(missing.names.join(', '));
      const imported = await importDefinitions(first.managementPort, creds, fs.readFileSync(options.definitionsFile, 'utf8'));
      if (!imported.ok) last = `${last}; importing the definitions again failed: ${imported.reason}`;
    }
    if (Date.now() >= deadline) throw new OperationFailure(`definitions were not loaded within ${options.timeoutMs / 1000} s: ${last}`);
    await sleep(pollMs);
  }
}

/** A queue and a binding the spec declares. */
export type WantedQueue = { readonly vhost: string; readonly name: string };
export type WantedBinding = { readonly vhost: string; readonly source: string; readonly destination: string; readonly routingKey: string };

/**
 * The wanted queues and bindings that `have` lacks, as "vhost name" and "vhost source -> destination"
 * (both waits, over the management API and over the CLI, read what exists and ask this).
 */
export function missingFrom(
  wanted: { readonly queues: readonly WantedQueue[]; readonly bindings?: readonly WantedBinding[] },
  have: { readonly queues: readonly WantedQueue[]; readonly bindings: readonly WantedBinding[] },
): string[] {
  const names = wanted.queues.filter((q) => !have.queues.some((l) => l.vhost === q.vhost && l.name === q.name)).map((q) => `${q.vhost} ${q.name}`);
  for (const b of wanted.bindings ?? []) {
    const found = have.bindings.some((l) => l.vhost === b.vhost && l.source === b.source && l.destination === b.destination && l.routingKey === b.routingKey);
    if (!found) names.push(`${b.vhost} ${b.source} -> ${b.destination}`);
  }
  return names;
}

/** The spec queues and bindings the cluster lacks ("vhost name", "vhost source -> destination"), with the quorum queues it has. */
async function missingDefinitions(
  port: number,
  creds: ManagementCredentials,
  options: WaitForClusterOptions,
): Promise<{ readonly ok: true; readonly names: string[]; readonly quorumQueues: ObservedQuorumQueue[] } | { readonly ok: false; readonly reason: string }> {
  const queues = await listQueues(port, creds);
  if (!queues.ok) return queues;
  let have: WantedBinding[] = [];
  if (options.bindings?.length) {
    const bindings = await listBindings(port, creds);
    if (!bindings.ok) return bindings;
    have = bindings.body.map((l) => ({ vhost: l.vhost, source: l.source, destination: l.destination, routingKey: l.routing_key }));
  }
  return { ok: true, names: missingFrom(options, { queues: queues.body, bindings: have }), quorumQueues: quorumQueuesOf(queues.body) };
}

async function waitForBoot(
  state: LocalClusterState,
  node: LocalNodeState,
  creds: ManagementCredentials,
  deadline: number,
  pollMs: number,
  abort: { failed: boolean },
  restart: RestartExited | undefined,
): Promise<void> {
  let last = 'no answer yet';
  const attempt = { restarted: false };
  for (;;) {
    if (abort.failed) return;
    node = aliveOrRestarted(state.dir, node, restart, attempt);
    const r = await clientListenerActive(node.managementPort, node.amqpPort, creds);
    if (r.ok) return;
    last = r.reason;
    if (Date.now() >= deadline) {
      throw new LocalNodeStartError(node.nodeName, `did not finish its boot in time (last: ${last})`, nodeLogTail(state.dir, node.nodeName, 40));
    }
    await sleep(pollMs);
  }
}
