import type { ResolvedQueue, ShovelEndpointSpec, ShovelSpec, TopologySpec } from '../../spec/topology';
import type { DefinitionEntry } from './index';
import { localUri, remoteUris, uriValue } from './remote-uri';

/**
 * Runtime parameters `shovel` (AMQP 0-9-1 on both ends). A shovel declares a missing endpoint queue
 * itself, possibly before the definitions import has declared it; for a queue of this cluster the
 * shovel therefore carries the queue's own arguments (`src-queue-args` / `dest-queue-args`), so the
 * queue gets the declared type whoever creates it first.
 */
export function shovelParameters(t: TopologySpec, queues: readonly ResolvedQueue[]): DefinitionEntry[] {
  const remotes = new Map(t.remotes.map((r) => [r.name, r]));
  const endpoint = (s: ShovelSpec, e: ShovelEndpointSpec, side: 'src' | 'dest'): Record<string, unknown> => {
    const remote = e.remote !== undefined ? remotes.get(e.remote) : undefined;
    const out: Record<string, unknown> = {
      [`${side}-protocol`]: 'amqp091',
      [`${side}-uri`]: remote ? uriValue(remoteUris(remote)) : localUri(s.vhost),
    };
    if (e.queue !== undefined) {
      out[`${side}-queue`] = e.queue;
      const local = e.remote === undefined ? queues.find((q) => q.vhost === s.vhost && q.name === e.queue) : undefined;
      if (local) out[`${side}-queue-args`] = { ...local.arguments };
    } else {
      out[`${side}-exchange`] = e.exchange;
      if (e.routingKey !== undefined) out[`${side}-exchange-key`] = e.routingKey;
    }
    return out;
  };
  return t.shovels.map((s) => {
    const value: Record<string, unknown> = {
      ...endpoint(s, s.source, 'src'),
      ...endpoint(s, s.destination, 'dest'),
      'ack-mode': s.ackMode,
      'src-delete-after': s.deleteAfter,
    };
    if (s.prefetchCount !== undefined) value['src-prefetch-count'] = s.prefetchCount;
    if (s.reconnectDelaySeconds !== undefined) value['reconnect-delay'] = s.reconnectDelaySeconds;
    if (s.addForwardHeaders) value['dest-add-forward-headers'] = true;
    return { vhost: s.vhost, component: 'shovel', name: s.name, value };
  });
}
