import { z } from 'zod';
import { DEFAULT_VHOST, resourceName, vhostName } from './names';
import { QUEUE_TYPES } from './policy-keys';

/** Message properties an x-consistent-hash exchange can hash on instead of the routing key. */
export const HASH_PROPERTIES = ['message_id', 'correlation_id', 'timestamp'] as const;

/**
 * Hash sharding: one `x-consistent-hash` exchange and `shards` queues bound to it with equal weights,
 * so messages spread over the queues by the hash of their routing key (or a header/property).
 * Expands to an exchange, queues `<queuePrefix><i>` and bindings; enables rabbitmq_consistent_hash_exchange.
 */
export const shardingSpec = z.strictObject({
  /** Name of the x-consistent-hash exchange publishers use. */
  exchange: resourceName,
  /** @default "/" */
  vhost: vhostName.default(DEFAULT_VHOST),
  /** Number of shard queues. */
  shards: z.number({ error: 'must be a whole number of shards' }).int().min(2, { error: 'must be at least 2 shards' }).max(256, { error: 'must be at most 256 shards' }),
  /** Shard queue names are `<queuePrefix><index>`. @default "<exchange>.shard." */
  queuePrefix: z.string().min(1).optional(),
  /** Type of the shard queues. @default - the vhost's defaultQueueType, else classic */
  queueType: z.enum(QUEUE_TYPES).optional(),
  /** initialGroupSize of each shard queue (quorum or stream shards). @default - RabbitMQ's default */
  initialGroupSize: z.number().int().min(1).optional(),
  /** Binding weight of every shard (the binding key); equal weights spread evenly. @default 1 */
  weight: z.number().int().min(1).max(1000).default(1),
  /** Hash this header instead of the routing key (exchange argument hash-header). @default - routing key */
  hashHeader: z.string().min(1).optional(),
  /** Hash this property instead of the routing key (exchange argument hash-property). @default - routing key */
  hashProperty: z.enum(HASH_PROPERTIES).optional(),
}).refine((s) => s.hashHeader === undefined || s.hashProperty === undefined, { error: 'set at most one of hashHeader and hashProperty' });

export type ShardingSpec = z.output<typeof shardingSpec>;

export function shardQueueNames(s: ShardingSpec): string[] {
  const prefix = s.queuePrefix ?? `${s.exchange}.shard.`;
  return Array.from({ length: s.shards }, (_, i) => `${prefix}${i}`);
}
