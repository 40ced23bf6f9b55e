/** Names and references: vhosts, unique queue and exchange names per vhost, users and their permissions. */
import type { ClusterSpec } from '../../cluster';
import { atLeast, formatVersion, type RabbitVersion } from '../../version';
import type { TopologySpec } from '../index';
import type { ResolvedExchange, ResolvedQueue } from '../resolve';
import { userPasswordSecret } from '../users';
import { DEFAULT_QUEUE_TYPE_SINCE } from '../vhosts';
import { checkVhostRef, key, type Issues } from './private/issues';
import { uniqueSecretNames } from './private/secret-names';

/** Each vhost listed once, and its default queue type only where the version reads it; returns the names. */
export function checkVhosts(t: TopologySpec, version: RabbitVersion, issues: Issues): Set<string> {
  const names = new Set<string>();
  t.vhosts.forEach((v, i) => {
    if (names.has(v.name)) issues.add(`topology.vhosts[${i}].name`, v.name, 'duplicate vhost; list each vhost once');
    names.add(v.name);
    if (v.defaultQueueType !== undefined && !atLeast(version, DEFAULT_QUEUE_TYPE_SINCE)) {
      issues.add(
        `topology.vhosts[${i}].defaultQueueType`,
        v.defaultQueueType,
        `needs RabbitMQ >= ${DEFAULT_QUEUE_TYPE_SINCE} (the spec is ${formatVersion(version)}, which ignores it on import); set type on each queue instead`,
      );
    }
  });
  return names;
}

function namePath(path: string, kind: 'queue' | 'exchange'): string {
  if (!path.startsWith('topology.sharding')) return `${path}.name`;
  return kind === 'exchange' ? `${path}.exchange` : `${path}.queuePrefix`;
}

/** Queues or exchanges by vhost and name: a duplicate is reported, each vhost is checked once per entry. */
export function uniqueObjects<T extends ResolvedQueue | ResolvedExchange>(
  objects: readonly T[],
  kind: 'queue' | 'exchange',
  vhosts: ReadonlySet<string>,
  issues: Issues,
): Map<string, T> {
  const out = new Map<string, T>();
  const reportedVhostPaths = new Set<string>();
  for (const o of objects) {
    const k = key(o.vhost, o.name);
    const prior = out.get(k);
    if (prior) {
      issues.add(namePath(o.path, kind), o.name, `duplicate ${kind} '${o.name}' in vhost ${o.vhost} (also declared by ${prior.path}); names are unique per vhost`);
      continue;
    }
    out.set(k, o);
    if (!reportedVhostPaths.has(o.path)) {
      reportedVhostPaths.add(o.path);
      checkVhostRef(vhosts, `${o.path}.vhost`, o.vhost, issues);
    }
  }
  return out;
}

/** Users: unique, not the admin user, distinct password secrets; permissions name declared users and vhosts, once each. */
export function checkUsers(spec: ClusterSpec, vhosts: ReadonlySet<string>, issues: Issues): void {
  const t = spec.topology;
  const admin = spec.credentials.adminUser;
  const users = uniqueSecretNames(
    'user',
    t.users.map((u) => u.name),
    userPasswordSecret,
    {
      duplicate: 'duplicate user; list each user once',
      refuse: (name) => (name === admin ? 'is the admin user (credentials.adminUser), which the toolkit creates with full permissions; choose another name' : undefined),
    },
    issues,
  );
  const seen = new Set<string>();
  t.permissions.forEach((p, i) => {
    const path = `topology.permissions[${i}]`;
    if (p.user === admin) issues.add(`${path}.user`, p.user, 'is the admin user, which has full permissions on every vhost already; remove this entry');
    else if (!users.has(p.user)) issues.add(`${path}.user`, p.user, `is not a user of topology.users (${[...users].join(', ') || 'none declared'}); declare the user first`);
    checkVhostRef(vhosts, `${path}.vhost`, p.vhost, issues);
    const k = key(p.vhost, p.user);
    if (seen.has(k)) issues.add(path, { user: p.user, vhost: p.vhost }, 'duplicate permission for this user and vhost; RabbitMQ keeps one, so merge them');
    seen.add(k);
  });
}
