/**
 * The host ports a Docker node publishes (node i: base + i): AMQP, management, and the listener
 * of every enabled plugin that has one (rabbitmq/plugin-listeners.ts). One list, so the port
 * mappings, the endpoints and the collision check read the same ranges.
 */
import { pluginListeners, type PluginListener } from './plugin-listeners';
import type { ClusterSpec } from './cluster';

/** One published range. */
export interface PublishedRange {
  /** `amqp`, `management` or a listener name (`mqtt`, `stream`, ...). */
  readonly name: string;
  /** The plugin listener (its port inside the container), for listener ranges. */
  readonly listener?: PluginListener;
  /** Host port of node 0. */
  readonly base: number;
  /** Spec field that sets the base. */
  readonly field: string;
}

/** The ranges of a spec, or none when node ports are off. */
export function publishedRanges(spec: ClusterSpec): PublishedRange[] {
  const np = spec.network.nodePorts;
  if (np === false) return [];
  return [
    { name: 'amqp', base: np.amqpBase, field: 'network.nodePorts.amqpBase' },
    { name: 'management', base: np.managementBase, field: 'network.nodePorts.managementBase' },
    ...pluginListeners(spec.rabbitmq.plugins).map((l) => ({
      name: l.name,
      listener: l,
      base: np.listeners[l.name] ?? l.hostBase,
      field: `network.nodePorts.listeners.${l.name}`,
    })),
  ];
}
