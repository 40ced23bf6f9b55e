import { renderDefinitions, buildDefinitions } from '../rabbitmq/definitions';
import { pluginList, renderEnabledPlugins } from '../rabbitmq/enabled-plugins';
import { renderRabbitmqConf } from '../rabbitmq/rabbitmq-conf';
import type { ClusterSpec } from '../spec/cluster';
import { parseVersion, type RabbitVersion } from '../spec/version';
import { addressesFor, definitionsPath, type AddressTable, type NodeAddress } from './addresses';
import { makeFile, type RenderedFile } from './files';
import { specWarnings, type PlanWarning } from './warnings';

/** One node: its address and the files only it carries. */
export interface NodePlan {
  readonly address: NodeAddress;
  /** rabbitmq.conf (per node: listeners differ on loopback runs). */
  readonly config: RenderedFile;
  /** enabled_plugins. */
  readonly enabledPlugins: RenderedFile;
  /** definitions.json (holds the admin password placeholder). */
  readonly definitions: RenderedFile;
}

/**
 * Everything a target needs to place a cluster, as plain data (no cdktf): names, addresses, the
 * rendered files and the warnings. Constructs only place this content; they decide nothing.
 */
export interface ClusterPlan {
  readonly spec: ClusterSpec;
  /** Version the files were rendered for. */
  readonly version: RabbitVersion;
  /** Container image of the nodes. */
  readonly image: string;
  readonly addresses: AddressTable;
  readonly nodes: readonly NodePlan[];
  readonly plugins: readonly string[];
  readonly warnings: readonly PlanWarning[];
}

/** Options of buildPlan. */
export interface BuildPlanOptions {
  /** Address table to render for. @default - the spec's target (docker or kubernetes) */
  readonly addresses?: AddressTable;
  /** Render for this version instead of the spec's (local runs use the installed one). @default - rabbitmq.version */
  readonly version?: RabbitVersion;
}

/** Pure: spec in, plan out. */
export function buildPlan(spec: ClusterSpec, options: BuildPlanOptions = {}): ClusterPlan {
  const version = options.version ?? parseVersion(spec.rabbitmq.version)!;
  const addresses = options.addresses ?? addressesFor(spec);
  const plugins = pluginList(spec, addresses.target);
  const enabledPluginsText = renderEnabledPlugins(plugins);
  const definitionsText = renderDefinitions(buildDefinitions(spec, version));
  const nodes = addresses.nodes.map((address): NodePlan => ({
    address,
    config: makeFile('rabbitmq.conf', `${address.configDir}/${address.configFileName}`, renderRabbitmqConf({ spec, version, addresses, node: address })),
    enabledPlugins: makeFile('enabled_plugins', `${address.configDir}/enabled_plugins`, enabledPluginsText),
    definitions: makeFile('definitions.json', definitionsPath(address), definitionsText),
  }));
  return {
    spec,
    version,
    image: spec.rabbitmq.image ?? `rabbitmq:${spec.rabbitmq.version}-management`,
    addresses,
    nodes,
    plugins,
    warnings: specWarnings(spec, version),
  };
}
