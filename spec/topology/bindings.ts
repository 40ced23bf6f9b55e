import { z } from 'zod';
import { DEFAULT_VHOST, vhostName } from './names';

/** A binding from an exchange to a queue or to another exchange. */
export const bindingSpec = z.strictObject({
  /** @default "/" */
  vhost: vhostName.default(DEFAULT_VHOST),
  /** Source exchange: declared in the spec or built in (amq.direct, amq.topic, ...). */
  source: z.string().min(1, { error: 'must name an exchange (the default exchange cannot be bound)' }),
  /** Destination queue or exchange, declared in the spec. */
  destination: z.string().min(1),
  /** @default queue */
  destinationType: z.enum(['queue', 'exchange']).default('queue'),
  /** Routing key (a weight such as "1" for x-consistent-hash exchanges). @default "" */
  routingKey: z.string().default(''),
  /** Binding arguments (e.g. x-match for headers exchanges). @default {} */
  arguments: z.record(z.string(), z.unknown()).default({}),
});

export type BindingSpec = z.output<typeof bindingSpec>;
