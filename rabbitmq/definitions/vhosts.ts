import type { VhostSpec } from '../../spec/topology';
import type { DefinitionEntry } from './index';

/**
 * Vhosts. The default queue type is written both at the top level and in `metadata`, the two places
 * RabbitMQ 3.11+ exports it (validation refuses it for older versions, which ignore it).
 */
export function vhostDefinitions(vhosts: readonly VhostSpec[]): DefinitionEntry[] {
  return vhosts.map((v) => {
    const entry: Record<string, unknown> = { name: v.name };
    if (v.description !== undefined) entry.description = v.description;
    if (v.defaultQueueType !== undefined) {
      entry.default_queue_type = v.defaultQueueType;
      entry.metadata = { ...(v.description !== undefined ? { description: v.description } : {}), default_queue_type: v.defaultQueueType };
    }
    return entry;
  });
}
