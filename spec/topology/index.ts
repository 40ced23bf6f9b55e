import { z } from 'zod';
import { bindingSpec } from './bindings';
import { exchangeSpec } from './exchanges';
import { federationSpec } from './federation';
import { operatorPolicySpec, policySpec } from './policies';
import { queueSpec } from './queues';
import { remoteSpec } from './remotes';
import { shardingSpec } from './sharding';
import { shovelSpec } from './shovels';
import { permissionSpec, userSpec } from './users';
import { vhostSpec } from './vhosts';

/**
 * Vhosts, users, queues, policies, federation and shovels: rendered into the one definitions.json
 * every node imports at boot. Cross-field rules (references, duplicates, which policy keys reach
 * which queue types, version limits) are in `topologyIssues`.
 */
export const topologySpec = z.strictObject({
  /** Virtual hosts to create; the admin user gets full permissions on each. @default [{ name: "/" }] */
  vhosts: z.array(vhostSpec).min(1, { error: 'must list at least one vhost' }).default([{ name: '/' }]),
  /** Users besides the admin user. @default [] */
  users: z.array(userSpec).default([]),
  /** Permissions of `users` (the admin user has full permissions on every vhost). @default [] */
  permissions: z.array(permissionSpec).default([]),
  /** @default [] */
  exchanges: z.array(exchangeSpec).default([]),
  /** @default [] */
  queues: z.array(queueSpec).default([]),
  /** @default [] */
  bindings: z.array(bindingSpec).default([]),
  /** @default [] */
  policies: z.array(policySpec).default([]),
  /** @default [] */
  operatorPolicies: z.array(operatorPolicySpec).default([]),
  /** Consistent-hash sharding: an exchange spreading messages over N queues. @default [] */
  sharding: z.array(shardingSpec).default([]),
  /** Other clusters that upstreams and shovels connect to. @default [] */
  remotes: z.array(remoteSpec).default([]),
  /** Federation upstreams and upstream sets. @default { upstreams: [], upstreamSets: [] } */
  federation: federationSpec.prefault({}),
  /** Dynamic shovels. @default [] */
  shovels: z.array(shovelSpec).default([]),
});

export type TopologySpec = z.output<typeof topologySpec>;
export type TopologySpecInput = z.input<typeof topologySpec>;

export * from './bindings';
export * from './exchanges';
export * from './federation';
export * from './names';
export * from './pattern';
export * from './policies';
export * from './policy-keys';
export * from './queues';
export * from './remotes';
export * from './sharding';
export * from './shovels';
export * from './users';
export * from './vhosts';
export * from './resolve';
export * from './effective';
export * from './validate';
