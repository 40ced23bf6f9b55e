/**
 * What the topology adds to a plan: the secrets its definitions refer to, the plugins it needs and
 * its best-practice warnings. Called from buildPlan.
 */
import type { ClusterSpec } from '../spec/cluster';
import {
  applyToTargets,
  patternMatches,
  policyReaches,
  regexError,
  remotePasswordSecret,
  resolveTopology,
  userPasswordSecret,
  type ResolvedPolicy,
} from '../spec/topology';
import { atLeast, type RabbitVersion } from '../spec/version';
import type { PlanSecret } from './plan';
import type { PlanWarning } from './warnings';

/** Password secrets of the topology's users and remote clusters. */
export function topologySecrets(spec: ClusterSpec): PlanSecret[] {
  const t = spec.topology;
  return [
    ...t.users.map((u) => ({ name: userPasswordSecret(u.name), source: u.password, description: `password of user ${u.name}` })),
    ...t.remotes.map((r) => ({
      name: remotePasswordSecret(r.name),
      source: r.password,
      description: `password of ${r.user} on remote cluster ${r.name} (${r.hosts.join(', ')}), used in federation/shovel URIs`,
    })),
  ];
}

/** Plugins the topology needs: federation, shovel, consistent-hash exchange (with their management UIs). */
export function topologyPlugins(spec: ClusterSpec): string[] {
  const t = spec.topology;
  const resolved = resolveTopology(t);
  const plugins: string[] = [];
  const federationKeys = resolved.policies.some((p) => 'federation-upstream' in p.definition || 'federation-upstream-set' in p.definition);
  if (t.federation.upstreams.length > 0 || federationKeys) plugins.push('rabbitmq_federation', 'rabbitmq_federation_management');
  if (t.shovels.length > 0) plugins.push('rabbitmq_shovel', 'rabbitmq_shovel_management');
  if (resolved.exchanges.some((x) => x.type === 'x-consistent-hash')) plugins.push('rabbitmq_consistent_hash_exchange');
  return plugins;
}

/** The literal a pattern stands for (`^orders\.q$` -> `orders.q`), or undefined when it uses regex syntax. */
export function patternLiteral(pattern: string): string | undefined {
  const body = pattern.replace(/^\^/, '').replace(/(?<!\\)\$$/, '');
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') {
      const next = body[i + 1];
      if (next === undefined || /[A-Za-z0-9]/.test(next)) return undefined; // \d, \w, ... are classes
      out += next;
      i++;
    } else if ('^$.|?*+()[]{}'.includes(c)) {
      return undefined;
    } else {
      out += c;
    }
  }
  return out;
}

const PROBES = ['a', 'orders', 'amq.gen-JzTY20BRgKO-HjmUJj0wLg', 'Q.1', 'z_z-9'];

/** True for patterns that match every name (`.*`, `^`, `""`, `.+` ...). */
export function isCatchAll(pattern: string): boolean {
  if (regexError(pattern) !== undefined) return false;
  return PROBES.every((n) => patternMatches(pattern, n));
}

function overlaps(a: ResolvedPolicy, b: ResolvedPolicy): string | undefined {
  if (isCatchAll(a.pattern) && isCatchAll(b.pattern)) return 'both patterns match every name';
  const la = patternLiteral(a.pattern);
  const lb = patternLiteral(b.pattern);
  if (lb !== undefined && patternMatches(a.pattern, lb)) return `${JSON.stringify(a.pattern)} matches '${lb}'`;
  if (la !== undefined && patternMatches(b.pattern, la)) return `${JSON.stringify(b.pattern)} matches '${la}'`;
  return undefined;
}

/** Best-practice findings about the topology, in a fixed order. */
export function topologyWarnings(spec: ClusterSpec, version: RabbitVersion): PlanWarning[] {
  const w: PlanWarning[] = [];
  const t = spec.topology;
  const resolved = resolveTopology(t);

  // Two policies of equal priority that can match the same object: RabbitMQ picks one arbitrarily.
  for (const group of [resolved.policies, resolved.operatorPolicies]) {
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        const [a, b] = [group[i], group[j]];
        if (a.vhost !== b.vhost || a.priority !== b.priority) continue;
        const shared = applyToTargets(a.applyTo).filter((x) => applyToTargets(b.applyTo).includes(x));
        if (shared.length === 0) continue;
        let why = overlaps(a, b);
        if (why === undefined) {
          const both = [...resolved.queues.map((q) => ({ vhost: q.vhost, name: q.name, target: q.type })), ...resolved.exchanges.map((x) => ({ vhost: x.vhost, name: x.name, target: 'exchange' as const }))].find(
            (s) => shared.includes(s.target) && policyReaches(a, s) && policyReaches(b, s),
          );
          if (both) why = `both match '${both.name}'`;
        }
        if (why === undefined) continue;
        w.push({
          id: 'policy-priority-tie',
          path: `${b.path}.priority`,
          message: `${b.kind === 'operator' ? 'operator policy' : 'policy'} '${b.name}' and '${a.name}' (vhost ${a.vhost}) have the same priority ${a.priority} and can match the same object (${why}); RabbitMQ applies only one of them, chosen arbitrarily: give one a higher priority`,
        });
      }
    }
  }

  t.queues.forEach((q, i) => {
    if (q.initialGroupSize !== undefined && q.initialGroupSize > 1 && q.initialGroupSize % 2 === 0) {
      w.push({ id: 'quorum-group-size-even', path: `topology.queues[${i}].initialGroupSize`, message: `${q.initialGroupSize} replicas tolerate as many failures as ${q.initialGroupSize - 1}; use an odd group size` });
    }
  });

  t.policies.forEach((p, i) => {
    if (p.mirrored && !atLeast(version, '4.0')) {
      w.push({
        id: 'classic-mirroring-deprecated',
        path: `topology.policies[${i}].mirrored`,
        message: 'classic queue mirroring is deprecated and removed in RabbitMQ 4.0 (the policy will stop having any effect after an upgrade); plan the move to quorum queues',
      });
    }
  });

  t.shovels.forEach((s, i) => {
    for (const side of ['source', 'destination'] as const) {
      const e = s[side];
      if (e.remote !== undefined || e.queue === undefined) continue;
      const q = resolved.queues.find((x) => x.vhost === s.vhost && x.name === e.queue);
      if (q?.type !== 'quorum') continue;
      w.push({
        id: 'shovel-declares-quorum-queue',
        path: `topology.shovels[${i}].${side}.queue`,
        message:
          `the shovel starts as soon as the first node imports it and declares quorum queue '${q.name}' before the cluster has formed, ` +
          'with one member; run repairQuorumMembers (rabbitmq-queues add_member) once all nodes run, or let RabbitMQ 3.13+ reconcile membership',
      });
    }
  });
  return w;
}
