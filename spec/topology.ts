import { z } from 'zod';

/** Virtual hosts, users, queues and policies loaded at boot from definitions.json. */
export const topologySpec = z.strictObject({
  /** Virtual hosts to create; the admin user gets full permissions on each. @default ["/"] */
  vhosts: z.array(z.string().min(1)).min(1).default(['/']),
});

export type TopologySpec = z.output<typeof topologySpec>;
