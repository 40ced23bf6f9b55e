import type { ResolvedExchange } from '../../spec/topology';
import type { DefinitionEntry } from './index';

export function exchangeDefinitions(exchanges: readonly ResolvedExchange[]): DefinitionEntry[] {
  return exchanges.map((x) => ({
    name: x.name,
    vhost: x.vhost,
    type: x.type,
    durable: x.durable,
    auto_delete: x.autoDelete,
    internal: x.internal,
    arguments: { ...x.arguments },
  }));
}
