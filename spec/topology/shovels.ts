import { z } from 'zod';
import { DEFAULT_VHOST, labelName, vhostName } from './names';

/** One end of a shovel: a queue, or an exchange with a routing key, here or on a remote cluster. */
export const shovelEndpointSpec = z
  .strictObject({
    /** A `topology.remotes` entry; omit for this cluster (the shovel's vhost). @default - this cluster */
    remote: z.string().min(1).optional(),
    /** Queue to consume from (source) or publish to (destination). @default - use exchange */
    queue: z.string().min(1).optional(),
    /** Exchange to bind to (source) or publish to (destination). @default - use queue */
    exchange: z.string().optional(),
    /** Routing key for an exchange endpoint. @default - the message's own key (destination), "" (source) */
    routingKey: z.string().optional(),
  })
  .superRefine((e, ctx) => {
    if ((e.queue === undefined) === (e.exchange === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'must name exactly one of queue or exchange' });
    }
    if (e.queue !== undefined && e.routingKey !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['routingKey'], message: 'only applies to an exchange endpoint' });
    }
  });

export type ShovelEndpointSpec = z.output<typeof shovelEndpointSpec>;

/**
 * A dynamic shovel (runtime parameter `shovel`): moves messages from a source to a destination,
 * e.g. from a queue of the cluster being migrated from into a queue of this one.
 */
export const shovelSpec = z.strictObject({
  /** Shovel name (unique per vhost). */
  name: labelName,
  /** Local vhost the shovel runs in (and of local endpoints). @default "/" */
  vhost: vhostName.default(DEFAULT_VHOST),
  source: shovelEndpointSpec,
  destination: shovelEndpointSpec,
  /** When the source may forget a message. @default on-confirm */
  ackMode: z.enum(['on-confirm', 'on-publish', 'no-ack']).default('on-confirm'),
  /** Stop after this many messages, after the queue length at start, or never. @default never */
  deleteAfter: z.union([z.literal('never'), z.literal('queue-length'), z.number().int().min(1)], { error: 'must be never, queue-length or a positive number of messages' }).default('never'),
  /** Unacknowledged messages in flight. @default - RabbitMQ's (1000) */
  prefetchCount: z.number().int().min(1).optional(),
  /** Seconds before reconnecting after a failure. @default - RabbitMQ's (5) */
  reconnectDelaySeconds: z.number().int().min(1).optional(),
  /** Add x-shovelled headers naming the shovel and both ends. @default false */
  addForwardHeaders: z.boolean().default(false),
});

export type ShovelSpec = z.output<typeof shovelSpec>;
