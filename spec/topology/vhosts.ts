import { z } from 'zod';
import { vhostName } from './names';
import { QUEUE_TYPES } from './policy-keys';

/** Virtual hosts take a default queue type from RabbitMQ 3.11 (earlier versions ignore it on import). */
export const DEFAULT_QUEUE_TYPE_SINCE = '3.11';

/** A virtual host created by the definitions file. */
export const vhostSpec = z.strictObject({
  /** Virtual host name, e.g. `/` or `orders`. */
  name: vhostName,
  /** Shown in the management UI. @default - none */
  description: z.string().max(1000).optional(),
  /**
   * Type of queues clients declare without `x-queue-type` (RabbitMQ >= 3.11). Queues declared by the
   * spec always carry their type explicitly.
   * @default - RabbitMQ's node-wide default (classic)
   */
  defaultQueueType: z.enum(QUEUE_TYPES, { error: 'must be classic, quorum or stream' }).optional(),
});

export type VhostSpec = z.output<typeof vhostSpec>;
