import type { ResolvedBinding } from '../../spec/topology';
import type { DefinitionEntry } from './index';

export function bindingDefinitions(bindings: readonly ResolvedBinding[]): DefinitionEntry[] {
  return bindings.map((b) => ({
    source: b.source,
    vhost: b.vhost,
    destination: b.destination,
    destination_type: b.destinationType,
    routing_key: b.routingKey,
    arguments: { ...b.arguments },
  }));
}
