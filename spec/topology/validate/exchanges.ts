/** Exchanges and bindings: exchange arguments, and the exchanges and queues bindings name. */
import { EXCHANGE_ARGUMENTS } from '../exchanges';
import type { ResolvedBinding, ResolvedExchange } from '../resolve';
import { checkVhostRef, exchangeExists, key, type Index, type Issues } from './private/issues';

/** Exchange arguments: known, for this exchange type, and the alternate exchange declared. */
export function checkExchanges(exchanges: readonly ResolvedExchange[], ix: Index, issues: Issues): void {
  for (const x of exchanges) {
    for (const [arg, value] of Object.entries(x.arguments)) {
      const path = `${x.path}.arguments.${arg}`;
      const types = EXCHANGE_ARGUMENTS[arg];
      if (!types) {
        issues.add(path, value, `is not an exchange argument RabbitMQ reads; known: ${Object.keys(EXCHANGE_ARGUMENTS).join(', ')}`);
      } else if (!types.includes(x.type)) {
        issues.add(path, value, `only applies to ${types.join(', ')} exchanges, not ${x.type}`);
      } else if (typeof value !== 'string' || value === '') {
        issues.add(path, value, 'must be a non-empty string');
      } else if (arg === 'alternate-exchange' && !exchangeExists(ix, x.vhost, value)) {
        issues.add(path, value, `names no exchange of vhost ${x.vhost}; declare the alternate exchange in topology.exchanges`);
      }
    }
  }
}

/** Bindings: source and destination declared in the vhost, and x-consistent-hash weights. */
export function checkBindings(bindings: readonly ResolvedBinding[], ix: Index, issues: Issues): void {
  for (const b of bindings) {
    if (!ix.vhosts.has(b.vhost)) {
      checkVhostRef(ix.vhosts, `${b.path}.vhost`, b.vhost, issues);
      continue;
    }
    if (b.source === '') {
      issues.add(`${b.path}.source`, b.source, 'the default exchange cannot be bound; every queue is already reachable through it by name');
    } else if (!exchangeExists(ix, b.vhost, b.source)) {
      issues.add(`${b.path}.source`, b.source, `names no exchange of vhost ${b.vhost}; declare it in topology.exchanges (or use a built-in amq.* exchange)`);
    }
    const destExists = b.destinationType === 'queue' ? ix.queues.has(key(b.vhost, b.destination)) : exchangeExists(ix, b.vhost, b.destination);
    if (!destExists) {
      issues.add(`${b.path}.destination`, b.destination, `names no ${b.destinationType} of vhost ${b.vhost}; declare it in topology.${b.destinationType}s`);
    }
    const source = ix.exchanges.get(key(b.vhost, b.source));
    if (source?.type === 'x-consistent-hash' && !/^[1-9]\d*$/.test(b.routingKey)) {
      issues.add(`${b.path}.routingKey`, b.routingKey, 'is the weight of an x-consistent-hash binding: a positive whole number such as "1"');
    }
  }
}
