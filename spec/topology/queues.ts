import { z } from 'zod';
import { DEFAULT_VHOST, resourceName, vhostName } from './names';
import { QUEUE_TYPES } from './policy-keys';

/** A queue declared by the definitions file. Behaviour (limits, dead-lettering) belongs in policies. */
export const queueSpec = z.strictObject({
  /** Queue name; `amq.*` is reserved. */
  name: resourceName,
  /** @default "/" */
  vhost: vhostName.default(DEFAULT_VHOST),
  /**
   * classic, quorum (replicated, Raft) or stream (replicated log); written as `x-queue-type`.
   * @default - the vhost's defaultQueueType, else classic
   */
  type: z.enum(QUEUE_TYPES, { error: 'must be classic, quorum or stream' }).optional(),
  /** Survives a restart; quorum queues and streams are always durable. @default true */
  durable: z.boolean().default(true),
  /** Deleted when its last consumer goes; not possible for quorum queues and streams. @default false */
  autoDelete: z.boolean().default(false),
  /**
   * Replicas at declaration: `x-quorum-initial-group-size` (quorum) or `x-initial-cluster-size`
   * (stream). At most the node count; odd numbers keep a majority through failures.
   * @default - RabbitMQ's default: min(3, nodes) for quorum queues, every node for streams
   */
  initialGroupSize: z.number().int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }).optional(),
  /**
   * Other `x-` arguments (fixed at declaration; prefer policies, which can change later).
   * Validated against the queue type; `x-ha-policy` is refused.
   * @default {}
   */
  arguments: z.record(z.string(), z.unknown()).default({}),
});

export type QueueSpec = z.output<typeof queueSpec>;
