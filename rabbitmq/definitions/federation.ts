import type { TopologySpec } from '../../spec/topology';
import type { DefinitionEntry } from './index';
import { remoteUris, uriValue } from './remote-uri';

/** Runtime parameters `federation-upstream` and `federation-upstream-set`. */
export function federationParameters(t: TopologySpec): DefinitionEntry[] {
  const remotes = new Map(t.remotes.map((r) => [r.name, r]));
  const upstreams = t.federation.upstreams.map((u) => {
    const remote = remotes.get(u.remote);
    const value: Record<string, unknown> = { uri: remote ? uriValue(remoteUris(remote)) : [], 'ack-mode': u.ackMode };
    if (u.exchange !== undefined) value.exchange = u.exchange;
    if (u.queue !== undefined) value.queue = u.queue;
    if (u.prefetchCount !== undefined) value['prefetch-count'] = u.prefetchCount;
    if (u.reconnectDelaySeconds !== undefined) value['reconnect-delay'] = u.reconnectDelaySeconds;
    if (u.maxHops !== undefined) value['max-hops'] = u.maxHops;
    if (u.expiresMs !== undefined) value.expires = u.expiresMs;
    if (u.messageTtlMs !== undefined) value['message-ttl'] = u.messageTtlMs;
    return { vhost: u.vhost, component: 'federation-upstream', name: u.name, value };
  });
  const sets = t.federation.upstreamSets.map((s) => ({
    vhost: s.vhost,
    component: 'federation-upstream-set',
    name: s.name,
    value: s.upstreams.map((upstream) => ({ upstream })),
  }));
  return [...upstreams, ...sets];
}
