/**
 * Quorum queue membership after cluster formation.
 *
 * RabbitMQ gives a quorum queue its members when the queue is declared, from the nodes running at
 * that moment, and (before 3.13's continuous membership reconciliation) never adds members later.
 * Definitions import waits for the whole cluster (`target_cluster_size_hint`), but anything that
 * declares a quorum queue earlier (a shovel started by the first node, a client connecting to the
 * first node) leaves it with fewer members than intended. `repairQuorumMembers` adds the missing
 * members with `rabbitmq-queues add_member` once every node runs; it is idempotent.
 *
 * The decision (`memberAdditions`) is pure; the runner takes an executor, so the local harness, a
 * Kubernetes Job or `docker exec` can run the same commands.
 */
import type { ClusterSpec } from '../spec/cluster';
import { resolveTopology } from '../spec/topology';

/** RabbitMQ's default quorum group size (`quorum_cluster_size`, 3 in 3.10 to 4.3). */
export const DEFAULT_QUORUM_GROUP_SIZE = 3;

/** A declared quorum queue and the member count it should have. */
export interface QuorumTarget {
  readonly vhost: string;
  readonly name: string;
  /** min(initial group size or RabbitMQ's default, node count). */
  readonly size: number;
  /** The initial group size or RabbitMQ's default, before the node count caps it (a scaled cluster reads its count at run time). */
  readonly groupSize: number;
}

/** A quorum queue as the broker reports it (`rabbitmqctl list_queues name type members`). */
export interface ObservedQuorumQueue {
  readonly vhost: string;
  readonly name: string;
  readonly members: readonly string[];
}

/** One `rabbitmq-queues add_member` to run. */
export interface MemberAddition {
  readonly vhost: string;
  readonly queue: string;
  readonly node: string;
}

/** The quorum queues of the spec's topology (sharding included) with their intended sizes. */
export function quorumTargets(spec: ClusterSpec): QuorumTarget[] {
  return resolveTopology(spec.topology)
    .queues.filter((q) => q.type === 'quorum')
    .map((q) => {
      const declared = q.arguments['x-quorum-initial-group-size'];
      const size = typeof declared === 'number' ? declared : DEFAULT_QUORUM_GROUP_SIZE;
      return { vhost: q.vhost, name: q.name, size: Math.min(size, spec.nodes), groupSize: size };
    });
}

/**
 * Members to add so every target reaches its size: nodes not yet members, in node order. Queues
 * that are missing or already large enough are left alone (never shrinks).
 */
export function memberAdditions(targets: readonly Pick<QuorumTarget, 'vhost' | 'name' | 'size'>[], observed: readonly ObservedQuorumQueue[], nodeNames: readonly string[]): MemberAddition[] {
  const out: MemberAddition[] = [];
  for (const t of targets) {
    const q = observed.find((o) => o.vhost === t.vhost && o.name === t.name);
    if (!q) continue;
    const missing = t.size - q.members.length;
    if (missing <= 0) continue;
    for (const node of nodeNames.filter((n) => !q.members.includes(n)).slice(0, missing)) {
      out.push({ vhost: t.vhost, queue: t.name, node });
    }
  }
  return out;
}

/** Result of one CLI call, as the executor reports it. */
export interface CliOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a RabbitMQ CLI tool against a running node of the cluster. */
export type RabbitCliExecutor = (tool: 'rabbitmqctl' | 'rabbitmq-queues', args: readonly string[]) => Promise<CliOutcome>;

/** Reads the members of every quorum queue in `vhost`. */
export async function observeQuorumQueues(run: RabbitCliExecutor, vhost: string): Promise<ObservedQuorumQueue[]> {
  const r = await run('rabbitmqctl', ['list_queues', '-p', vhost, 'name', 'type', 'members', '--formatter', 'json', '--quiet']);
  if (r.code !== 0) throw new Error(`rabbitmqctl list_queues -p ${vhost} failed (${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  const rows = JSON.parse(r.stdout.trim() || '[]') as Array<{ name: string; type: string; members: unknown }>;
  return rows
    .filter((row) => row.type === 'quorum')
    .map((row) => ({ vhost, name: row.name, members: Array.isArray(row.members) ? (row.members as string[]) : [] }));
}

/**
 * Adds the missing members of the spec's quorum queues. Run it once every node of the cluster runs
 * (after formation, and after a node was replaced). Returns what it added.
 * @param nodeNames Erlang node names of the cluster, in node order (`plan.addresses.nodes`)
 * @param known the quorum queues as already read some other way (e.g. the management API);
 *   @default - read with `rabbitmqctl list_queues` per vhost
 */
export async function repairQuorumMembers(
  spec: ClusterSpec,
  nodeNames: readonly string[],
  run: RabbitCliExecutor,
  known?: readonly ObservedQuorumQueue[],
): Promise<MemberAddition[]> {
  const targets = quorumTargets(spec);
  const observed: ObservedQuorumQueue[] = known ? [...known] : [];
  if (!known) for (const vhost of [...new Set(targets.map((t) => t.vhost))]) observed.push(...(await observeQuorumQueues(run, vhost)));
  const additions = memberAdditions(targets, observed, nodeNames);
  for (const a of additions) {
    const r = await run('rabbitmq-queues', ['add_member', '-p', a.vhost, a.queue, a.node]);
    if (r.code !== 0) throw new Error(`rabbitmq-queues add_member -p ${a.vhost} ${a.queue} ${a.node} failed (${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  }
  return additions;
}
