/** Queues: durability and auto-delete by type, replica counts, and every queue argument. */
import type { ClusterSpec } from '../../cluster';
import { formatVersion, type RabbitVersion } from '../../version';
import { describeTargets, keyAvailable, knownQueueArguments, queueArgument, REPLACED_ARGUMENTS, type QueueType } from '../policy-keys';
import { exchangeExists, key, quorumOverflowHint, type Index, type Issues } from './private/issues';

/** Declared queues and sharded queues: what their type allows, and their arguments. */
export function checkQueues(spec: ClusterSpec, version: RabbitVersion, ix: Index, issues: Issues): void {
  const nodes = spec.nodes;
  const groupSize = (path: string, type: QueueType, size: number | undefined): void => {
    if (size === undefined) return;
    if (type === 'classic') issues.add(path, size, 'only applies to quorum queues and streams; remove it or change the type');
    else if (size > nodes) issues.add(path, size, `must be at most the node count (${nodes}): replicas never share a node`);
  };
  spec.topology.queues.forEach((q, i) => {
    const path = `topology.queues[${i}]`;
    const type = ix.queues.get(key(q.vhost, q.name))?.type ?? q.type ?? 'classic';
    if (type !== 'classic' && !q.durable) issues.add(`${path}.durable`, q.durable, `${type} queues are always durable; remove durable: false or use a classic queue`);
    if (type !== 'classic' && q.autoDelete) issues.add(`${path}.autoDelete`, q.autoDelete, `${type} queues cannot be auto-delete; remove autoDelete or use a classic queue`);
    groupSize(`${path}.initialGroupSize`, type, q.initialGroupSize);
    for (const [arg, value] of Object.entries(q.arguments)) {
      checkQueueArgument(`${path}.arguments.${arg}`, arg, value, type, q.vhost, version, ix, issues);
    }
  });
  spec.topology.sharding.forEach((s, i) => {
    const type = ix.queues.get(key(s.vhost, `${s.queuePrefix ?? `${s.exchange}.shard.`}0`))?.type ?? 'classic';
    groupSize(`topology.sharding[${i}].initialGroupSize`, type, s.initialGroupSize);
  });
}

/** One queue argument: known, available in this version, valid, read by the queue type, and its exchange declared. */
function checkQueueArgument(
  path: string,
  arg: string,
  value: unknown,
  type: QueueType,
  vhost: string,
  version: RabbitVersion,
  ix: Index,
  issues: Issues,
): void {
  const replaced = REPLACED_ARGUMENTS[arg];
  if (replaced !== undefined) return issues.add(path, value, replaced);
  const a = queueArgument(arg);
  if (!a) return issues.add(path, value, `is not a queue argument RabbitMQ reads (it would be ignored); known arguments: ${knownQueueArguments().join(', ')}`);
  if (!keyAvailable(a, version)) return issues.add(path, value, a.removedHint ?? `is not available in RabbitMQ ${formatVersion(version)}`);
  const bad = a.check(value);
  if (bad !== undefined) return issues.add(path, value, bad);
  const targets = a.targetsFor ? a.targetsFor(value) : a.targets;
  if (!targets.includes(type)) {
    return issues.add(path, value, `has no effect on ${type} queues (it applies to ${describeTargets(targets)}); remove it or change the queue type${quorumOverflowHint(arg, value, type)}`);
  }
  if (arg === 'x-dead-letter-exchange' && typeof value === 'string' && value !== '' && !exchangeExists(ix, vhost, value)) {
    issues.add(path, value, `names no exchange of vhost ${vhost}: dead-lettered messages would be dropped; declare the exchange in topology.exchanges`);
  }
}
