import { addressesFor, type AddressTable } from '../../plan/addresses';
import type { ClusterSpec } from '../../spec/cluster';
import { resolveTopology } from '../../spec/topology';
import { formatVersion, type RabbitVersion } from '../../spec/version';
import { bindingDefinitions } from './bindings';
import { exchangeDefinitions } from './exchanges';
import { federationParameters } from './federation';
import { operatorPolicyParameters, policyDefinitions } from './policies';
import { queueDefinitions } from './queues';
import { shovelParameters } from './shovels';
import { permissionDefinitions, userDefinitions } from './users';
import { vhostDefinitions } from './vhosts';

/** One entry of a definitions section (the JSON RabbitMQ reads). */
export type DefinitionEntry = Readonly<Record<string, unknown>>;

/** The definitions file RabbitMQ imports at boot (the format of `rabbitmqctl export_definitions`). */
export interface Definitions {
  readonly rabbit_version: string;
  readonly users: readonly DefinitionEntry[];
  readonly vhosts: readonly DefinitionEntry[];
  readonly permissions: readonly DefinitionEntry[];
  readonly topic_permissions: readonly DefinitionEntry[];
  readonly parameters: readonly DefinitionEntry[];
  readonly global_parameters: readonly DefinitionEntry[];
  readonly policies: readonly DefinitionEntry[];
  readonly queues: readonly DefinitionEntry[];
  readonly exchanges: readonly DefinitionEntry[];
  readonly bindings: readonly DefinitionEntry[];
}

/**
 * Builds the definitions every node imports at boot: users (passwords as secret placeholders, which
 * RabbitMQ hashes on import), vhosts, permissions, exchanges, queues, bindings, policies, operator
 * policies, federation upstreams and shovels. A node that imports definitions creates no guest user.
 *
 * RabbitMQ imports queues and bindings only once `cluster_formation.target_cluster_size_hint` nodes
 * run (`rabbit_nodes:if_reached_target_cluster_size/2`, 3.10 onwards), so a first node that boots
 * alone declares no quorum queue with a single member; rabbitmq.conf sets the hint to the node
 * count. But the first node stores the file's hash cluster-wide (skip_if_unchanged) and the nodes
 * joining later skip the unchanged file, so the boot import alone may declare no queue at all: each
 * container also imports the file once the whole cluster runs (complete-import.ts). A cluster that
 * never reaches its size never gets its queues.
 *
 * The file is the same for every target, except that `mirrored: { mode: nodes }` names the target's
 * Erlang node names.
 * @param addresses node names for mirrored mode nodes. @default - the spec's target
 */
export function buildDefinitions(spec: ClusterSpec, version: RabbitVersion, addresses: AddressTable = addressesFor(spec)): Definitions {
  const t = spec.topology;
  const resolved = resolveTopology(t, { nodeNames: addresses.nodes.map((n) => n.nodeName) });
  return {
    rabbit_version: formatVersion(version),
    users: userDefinitions(spec),
    vhosts: vhostDefinitions(t.vhosts),
    permissions: permissionDefinitions(spec),
    topic_permissions: [],
    parameters: [...operatorPolicyParameters(resolved.operatorPolicies), ...federationParameters(t), ...shovelParameters(t, resolved.queues)],
    global_parameters: [],
    policies: policyDefinitions(resolved.policies),
    queues: queueDefinitions(resolved.queues),
    exchanges: exchangeDefinitions(resolved.exchanges),
    bindings: bindingDefinitions(resolved.bindings),
  };
}

export function renderDefinitions(defs: Definitions): string {
  return `${JSON.stringify(defs, null, 2)}\n`;
}

export * from './remote-uri';
