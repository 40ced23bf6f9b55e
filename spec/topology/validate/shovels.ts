/** Dynamic shovels: unique per vhost, and the remotes, queues and exchanges their ends name. */
import type { TopologySpec } from '../index';
import { checkVhostRef, exchangeExists, key, type Index, type Issues } from './private/issues';

/** Shovels: unique per vhost, ends that name declared remotes, queues and exchanges, no queue-to-itself loop. */
export function checkShovels(t: TopologySpec, ix: Index, issues: Issues): void {
  const remotes = new Set(t.remotes.map((r) => r.name));
  const seen = new Set<string>();
  t.shovels.forEach((s, i) => {
    const path = `topology.shovels[${i}]`;
    const k = key(s.vhost, s.name);
    if (seen.has(k)) issues.add(`${path}.name`, s.name, `duplicate shovel in vhost ${s.vhost}`);
    seen.add(k);
    if (!ix.vhosts.has(s.vhost)) return checkVhostRef(ix.vhosts, `${path}.vhost`, s.vhost, issues);
    for (const end of ['source', 'destination'] as const) {
      const e = s[end];
      const ep = `${path}.${end}`;
      if (e.remote !== undefined) {
        if (!remotes.has(e.remote)) issues.add(`${ep}.remote`, e.remote, `names no entry of topology.remotes (${[...remotes].join(', ') || 'none declared'}); declare the other cluster there`);
        continue;
      }
      if (e.queue !== undefined && !ix.queues.has(key(s.vhost, e.queue))) {
        issues.add(`${ep}.queue`, e.queue, `names no queue of vhost ${s.vhost}: the shovel would declare it as a classic queue; declare it in topology.queues`);
      }
      if (e.exchange !== undefined) {
        if (end === 'source' && e.exchange === '') issues.add(`${ep}.exchange`, e.exchange, 'the default exchange cannot be bound; consume from a queue instead');
        else if (!exchangeExists(ix, s.vhost, e.exchange)) issues.add(`${ep}.exchange`, e.exchange, `names no exchange of vhost ${s.vhost}; declare it in topology.exchanges`);
      }
    }
    const src = s.source;
    const dst = s.destination;
    if (src.remote === dst.remote && src.queue !== undefined && src.queue === dst.queue) {
      issues.add(`${path}.destination.queue`, dst.queue, 'is the source queue: the shovel would move messages in a loop');
    }
  });
}
