import { z } from 'zod';
import { DEFAULT_VHOST, labelName, vhostName } from './names';

/**
 * A federation upstream (runtime parameter `federation-upstream`): where federated exchanges or
 * queues of this cluster pull messages from. A policy with the federation preset attaches it.
 */
export const upstreamSpec = z.strictObject({
  /** Upstream name (unique per vhost); policies refer to it. */
  name: labelName,
  /** Local vhost the upstream is defined in. @default "/" */
  vhost: vhostName.default(DEFAULT_VHOST),
  /** A `topology.remotes` entry: hosts, vhost and credentials of the upstream cluster. */
  remote: z.string().min(1),
  /** Upstream exchange name. @default - the federated local exchange's name */
  exchange: z.string().min(1).optional(),
  /** Upstream queue name (queue federation). @default - the federated local queue's name */
  queue: z.string().min(1).optional(),
  /** When the upstream side may forget a message. @default on-confirm */
  ackMode: z.enum(['on-confirm', 'on-publish', 'no-ack']).default('on-confirm'),
  /** Unacknowledged messages in flight per link. @default - RabbitMQ's (1000) */
  prefetchCount: z.number().int().min(1).optional(),
  /** Seconds before reconnecting after a failure. @default - RabbitMQ's (5) */
  reconnectDelaySeconds: z.number().int().min(1).optional(),
  /** Federation hops a message may make (exchange federation). @default - RabbitMQ's (1) */
  maxHops: z.number().int().min(1).optional(),
  /** Upstream queue expiry in ms after disconnection (exchange federation). @default - never */
  expiresMs: z.number().int().min(1).optional(),
  /** Message TTL in ms in the upstream queue (exchange federation). @default - none */
  messageTtlMs: z.number().int().min(0).optional(),
});

export type UpstreamSpec = z.output<typeof upstreamSpec>;

/** A named set of upstreams (runtime parameter `federation-upstream-set`). */
export const upstreamSetSpec = z.strictObject({
  /** Set name; `all` is built in and cannot be declared. */
  name: labelName.refine((n) => n !== 'all', { error: 'must not be all: the set of every upstream exists already' }),
  /** @default "/" */
  vhost: vhostName.default(DEFAULT_VHOST),
  /** Names of upstreams in the same vhost. */
  upstreams: z.array(z.string().min(1)).min(1, { error: 'must list at least one upstream' }),
});

export type UpstreamSetSpec = z.output<typeof upstreamSetSpec>;

export const federationSpec = z.strictObject({
  /** @default [] */
  upstreams: z.array(upstreamSpec).default([]),
  /** @default [] */
  upstreamSets: z.array(upstreamSetSpec).default([]),
});

export type FederationSpec = z.output<typeof federationSpec>;
