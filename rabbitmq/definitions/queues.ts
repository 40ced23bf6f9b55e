import type { ResolvedQueue } from '../../spec/topology';
import type { DefinitionEntry } from './index';

/** Queues, each with `x-queue-type` and its initial group size as arguments. */
export function queueDefinitions(queues: readonly ResolvedQueue[]): DefinitionEntry[] {
  return queues.map((q) => ({ name: q.name, vhost: q.vhost, durable: q.durable, auto_delete: q.autoDelete, arguments: { ...q.arguments } }));
}
