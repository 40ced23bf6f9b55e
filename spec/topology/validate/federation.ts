/** Remotes and federation: remote names and secrets, upstreams and upstream sets and what they name. */
import type { TopologySpec } from '../index';
import { remotePasswordSecret } from '../remotes';
import { checkVhostRef, key, type Index, type Issues } from './private/issues';
import { uniqueSecretNames } from './private/secret-names';

/** Remotes unique with distinct password secrets; upstreams and sets unique per vhost, naming declared remotes and upstreams. */
export function checkRemotesAndFederation(t: TopologySpec, ix: Index, issues: Issues): void {
  const remotes = uniqueSecretNames(
    'remote',
    t.remotes.map((r) => r.name),
    remotePasswordSecret,
    { duplicate: 'duplicate remote; list each remote cluster once' },
    issues,
  );
  const upstreams = new Set<string>();
  t.federation.upstreams.forEach((u, i) => {
    const path = `topology.federation.upstreams[${i}]`;
    const k = key(u.vhost, u.name);
    if (upstreams.has(k)) issues.add(`${path}.name`, u.name, `duplicate upstream in vhost ${u.vhost}`);
    upstreams.add(k);
    checkVhostRef(ix.vhosts, `${path}.vhost`, u.vhost, issues);
    if (!remotes.has(u.remote)) issues.add(`${path}.remote`, u.remote, `names no entry of topology.remotes (${[...remotes].join(', ') || 'none declared'}); declare the upstream cluster there`);
    if (u.exchange !== undefined && u.queue !== undefined) issues.add(path, { exchange: u.exchange, queue: u.queue }, 'set exchange (exchange federation) or queue (queue federation), not both');
  });
  const sets = new Set<string>();
  t.federation.upstreamSets.forEach((s, i) => {
    const path = `topology.federation.upstreamSets[${i}]`;
    const k = key(s.vhost, s.name);
    if (sets.has(k)) issues.add(`${path}.name`, s.name, `duplicate upstream set in vhost ${s.vhost}`);
    sets.add(k);
    checkVhostRef(ix.vhosts, `${path}.vhost`, s.vhost, issues);
    s.upstreams.forEach((u, j) => {
      if (!upstreams.has(key(s.vhost, u))) issues.add(`${path}.upstreams[${j}]`, u, `names no upstream of vhost ${s.vhost} in topology.federation.upstreams`);
    });
  });
}
