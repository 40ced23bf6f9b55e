import { z } from 'zod';
import { DEFAULT_VHOST, resourceName, vhostName } from './names';

/**
 * Exchange types the spec can declare. `x-consistent-hash` comes from the
 * rabbitmq_consistent_hash_exchange plugin, which the plan enables when an exchange uses it.
 */
export const EXCHANGE_TYPES = ['direct', 'fanout', 'topic', 'headers', 'x-consistent-hash'] as const;
export type ExchangeType = (typeof EXCHANGE_TYPES)[number];

/** Exchanges every vhost has; bindings and dead-lettering may name them without declaring them. */
export const BUILT_IN_EXCHANGES = ['', 'amq.direct', 'amq.fanout', 'amq.topic', 'amq.headers', 'amq.match'] as const;

/** Exchange arguments RabbitMQ reads, with the exchange types they apply to. */
export const EXCHANGE_ARGUMENTS: Readonly<Record<string, readonly ExchangeType[]>> = {
  'alternate-exchange': EXCHANGE_TYPES,
  'hash-header': ['x-consistent-hash'],
  'hash-property': ['x-consistent-hash'],
};

/** An exchange declared by the definitions file. */
export const exchangeSpec = z.strictObject({
  /** Exchange name; `amq.*` is reserved. */
  name: resourceName,
  /** @default "/" */
  vhost: vhostName.default(DEFAULT_VHOST),
  /** Routing algorithm. @default direct */
  type: z
    .custom<ExchangeType>((v) => (EXCHANGE_TYPES as readonly unknown[]).includes(v), {
      error: `must be one of ${EXCHANGE_TYPES.join(', ')} (federation is a policy and shovels are runtime parameters, not exchange types)`,
    })
    .default('direct'),
  /** Survives a broker restart. @default true */
  durable: z.boolean().default(true),
  /** Deleted when its last binding goes. @default false */
  autoDelete: z.boolean().default(false),
  /** Only reachable from other exchanges, not by publishers. @default false */
  internal: z.boolean().default(false),
  /** Exchange arguments: alternate-exchange, hash-header / hash-property (x-consistent-hash). @default {} */
  arguments: z.record(z.string(), z.unknown()).default({}),
});

export type ExchangeSpec = z.output<typeof exchangeSpec>;
