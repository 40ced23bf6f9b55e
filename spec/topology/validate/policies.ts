/**
 * Policies and operator policies: which keys RabbitMQ accepts and in which version, which queue
 * types and exchanges each key reaches, and the objects the keys name.
 */
import type { ClusterSpec } from '../../cluster';
import { atLeast, formatVersion, type RabbitVersion } from '../../version';
import { policyReaches } from '../effective';
import type { TopologySpec } from '../index';
import {
  applyToTargets,
  describeTargets,
  keyAvailable,
  keyTargets,
  MIRRORING_REMOVED,
  POLICY_KEYS,
  policyKey,
  queueTakesKey,
  TYPED_APPLY_TO_SINCE,
  type QueueType,
} from '../policy-keys';
import { presetKeys, type ResolvedPolicy } from '../resolve';
import { checkMirroringConsistency } from './mirroring';
import { checkVhostRef, exchangeExists, key, list, quorumOverflowHint, type Index, type Issues } from './private/issues';

/** Checks shared by policies and operator policies. */
function checkPolicyCommon(
  p: ResolvedPolicy,
  version: RabbitVersion,
  nodes: number,
  ix: Index,
  upstreams: { readonly names: ReadonlySet<string>; readonly sets: ReadonlySet<string> },
  issues: Issues,
): void {
  const applyTargets = applyToTargets(p.applyTo);
  if (applyTargets.length === 1 && p.applyTo !== 'exchanges' && !atLeast(version, TYPED_APPLY_TO_SINCE)) {
    issues.add(`${p.path}.applyTo`, p.applyTo, `needs RabbitMQ >= ${TYPED_APPLY_TO_SINCE} (the spec is ${formatVersion(version)}, which accepts queues, exchanges or all); use queues and a pattern that matches only the intended queues`);
    return;
  }
  const entries = Object.entries(p.definition);
  if (entries.length === 0) {
    issues.add(`${p.path}.definition`, p.definition, p.kind === 'policy' ? 'is empty: give policy keys in definition or a preset (quorum, mirrored, federation); RabbitMQ rejects an empty policy' : 'is empty: RabbitMQ rejects an empty operator policy');
    return;
  }
  let keysOk = true;
  for (const [k, v] of entries) {
    const path = p.keyPaths[k];
    const pk = policyKey(k);
    if (!pk) {
      keysOk = false;
      issues.add(path, v, `is not a policy key RabbitMQ knows: it rejects the policy ("not recognised policy settings"), and at boot abandons the rest of the definitions import without logging an error (later policies, queues and bindings are missing); known keys: ${POLICY_KEYS.map((x) => x.key).join(', ')}`);
      continue;
    }
    if (p.kind === 'operator' && !pk.operator) {
      keysOk = false;
      const allowed = POLICY_KEYS.filter((x) => x.operator && keyAvailable(x, version)).map((x) => x.key);
      issues.add(path, v, `is not accepted in operator policies: RabbitMQ rejects the operator policy and, at boot, the rest of the definitions import; operator policies take ${allowed.join(', ')}; put it in a policy instead`);
      continue;
    }
    if (!keyAvailable(pk, version)) {
      keysOk = false;
      const why = pk.removedIn !== undefined && atLeast(version, pk.removedIn) ? pk.removedHint ?? `was removed in RabbitMQ ${pk.removedIn}` : `needs RabbitMQ >= ${pk.since}`;
      issues.add(path, v, `${k} is not available in RabbitMQ ${formatVersion(version)}: ${why}`);
      continue;
    }
    const bad = pk.check(v);
    if (bad !== undefined) {
      keysOk = false;
      issues.add(path, v, bad);
      continue;
    }
    const kt = keyTargets(pk, v);
    if (!kt.some((x) => applyTargets.includes(x))) {
      keysOk = false;
      const hint = k.startsWith('ha-') ? '; quorum queues and streams replicate themselves, ha-* never applies to them' : quorumOverflowHint(k, v, 'quorum');
      issues.add(path, v, `${k}${k === 'overflow' ? ` ${String(v)}` : ''} only affects ${describeTargets(kt)}, but this policy applies to ${describeTargets(applyTargets)} (applyTo: ${p.applyTo})${hint}`);
      continue;
    }
    if (k === 'dead-letter-exchange' && typeof v === 'string' && v !== '' && !exchangeExists(ix, p.vhost, v)) {
      issues.add(path, v, `names no exchange of vhost ${p.vhost}: dead-lettered messages would be dropped; declare it in topology.exchanges`);
    }
    if (k === 'alternate-exchange' && typeof v === 'string' && !exchangeExists(ix, p.vhost, v)) {
      issues.add(path, v, `names no exchange of vhost ${p.vhost}; declare it in topology.exchanges`);
    }
    if (k === 'federation-upstream' && !upstreams.names.has(key(p.vhost, String(v)))) {
      issues.add(path, v, `names no upstream of topology.federation.upstreams in vhost ${p.vhost}; declare it there`);
    }
    if (k === 'federation-upstream-set' && v !== 'all' && !upstreams.sets.has(key(p.vhost, String(v)))) {
      issues.add(path, v, `names no set of topology.federation.upstreamSets in vhost ${p.vhost}; declare it there or use all`);
    }
    if (k === 'federation-upstream' || k === 'federation-upstream-set') {
      const reached = [...ix.exchanges.values()].some((x) => policyReaches(p, { vhost: x.vhost, name: x.name, target: 'exchange' })) ||
        [...ix.queues.values()].some((q) => policyReaches(p, { vhost: q.vhost, name: q.name, target: q.type }));
      if (!reached) {
        issues.add(path, v, `the pattern ${JSON.stringify(p.pattern)} matches no declared ${describeTargets(applyTargets.filter((x) => x === 'exchange' || x === 'classic' || x === 'quorum'))} of vhost ${p.vhost}: federation links are made for local exchanges and queues; declare the federated exchange (or queue) in the topology`);
      }
    }
  }
  if (!keysOk) return;
  checkMirroringConsistency(p, nodes, issues);

  // A policy no queue type can take: RabbitMQ skips it for every queue.
  const queueKeys = entries.filter(([k]) => policyKey(k)!.targets.some((x) => x !== 'exchange'));
  const queueTargets = applyTargets.filter((x) => x !== 'exchange') as QueueType[];
  if (queueKeys.length > 0 && queueTargets.length > 0 && !queueTargets.some((qt) => queueKeys.every(([k]) => queueTakesKey(qt, k)))) {
    const parts = queueKeys.map(([k]) => `${k} (${describeTargets(policyKey(k)!.targets.filter((x) => x !== 'exchange'))})`);
    issues.add(p.path, p.definition, `can never apply to a queue: its keys need different queue types: ${parts.join(', ')}; split it into one policy per queue type`);
    return;
  }

  // Declared queues the pattern reaches but whose type ignores a key (or skips the whole policy).
  const byKey = new Map<string, { reason: string; queues: string[] }>();
  for (const q of ix.queues.values()) {
    if (!policyReaches(p, { vhost: q.vhost, name: q.name, target: q.type })) continue;
    for (const [k, v] of entries) {
      const pk = policyKey(k)!;
      if (keyTargets(pk, v).includes(q.type)) continue;
      const skipped = !queueTakesKey(q.type, k);
      const reason = skipped
        ? `${q.type} queues do not support ${k}, so RabbitMQ silently skips the whole ${p.kind === 'operator' ? 'operator policy' : 'policy'} for them`
        : `${q.type} queues ignore ${k}${k === 'overflow' ? ` ${String(v)}` : ''}${quorumOverflowHint(k, v, q.type)}`;
      const entry = byKey.get(k) ?? { reason, queues: [] };
      entry.queues.push(q.name);
      byKey.set(k, entry);
    }
  }
  for (const [k, { reason, queues }] of byKey) {
    const narrow = atLeast(version, TYPED_APPLY_TO_SINCE) ? 'narrow the pattern or set applyTo to the queue type the key is for' : 'narrow the pattern so it matches only queues of the right type';
    issues.add(p.keyPaths[k], p.definition[k], `reaches ${list(queues)} (declared ${queues.length === 1 ? 'queue' : 'queues'} matched by ${JSON.stringify(p.pattern)}), but ${reason}; ${narrow}`);
  }
}

/** Keys (vhost and name) of the declared federation upstreams and upstream sets. */
function upstreamIndex(t: TopologySpec): { names: Set<string>; sets: Set<string> } {
  return {
    names: new Set(t.federation.upstreams.map((u) => key(u.vhost, u.name))),
    sets: new Set(t.federation.upstreamSets.map((s) => key(s.vhost, s.name))),
  };
}

/** Policies: unique per vhost, in a declared vhost, no mirroring from 4.0, no key set twice (preset and definition). */
export function checkPolicies(spec: ClusterSpec, version: RabbitVersion, policies: readonly ResolvedPolicy[], ix: Index, issues: Issues): void {
  const seen = new Set<string>();
  const upstreams = upstreamIndex(spec.topology);
  spec.topology.policies.forEach((p, i) => {
    const rp = policies[i];
    const path = rp.path;
    const k = key(p.vhost, p.name);
    if (seen.has(k)) issues.add(`${path}.name`, p.name, `duplicate policy in vhost ${p.vhost}; names are unique per vhost (a second one would replace the first)`);
    seen.add(k);
    if (!ix.vhosts.has(p.vhost)) return checkVhostRef(ix.vhosts, `${path}.vhost`, p.vhost, issues);
    if (p.mirrored && atLeast(version, '4.0')) {
      return issues.add(`${path}.mirrored`, p.mirrored, `is not available for RabbitMQ ${formatVersion(version)}: ${MIRRORING_REMOVED}`);
    }
    for (const [presetKey, value, presetPath] of presetKeys(p, path, [])) {
      if (presetKey in p.definition) {
        issues.add(`${path}.definition.${presetKey}`, p.definition[presetKey], `is also set by a preset (${presetPath} = ${JSON.stringify(value)}); keep one of them`);
      }
    }
    checkPolicyCommon(rp, version, spec.nodes, ix, upstreams, issues);
  });
}

/** Operator policies: unique per vhost, in a declared vhost. */
export function checkOperatorPolicies(spec: ClusterSpec, version: RabbitVersion, policies: readonly ResolvedPolicy[], ix: Index, issues: Issues): void {
  const seen = new Set<string>();
  const upstreams = upstreamIndex(spec.topology);
  for (const p of policies) {
    const k = key(p.vhost, p.name);
    if (seen.has(k)) issues.add(`${p.path}.name`, p.name, `duplicate operator policy in vhost ${p.vhost}; names are unique per vhost`);
    seen.add(k);
    if (!ix.vhosts.has(p.vhost)) {
      checkVhostRef(ix.vhosts, `${p.path}.vhost`, p.vhost, issues);
      continue;
    }
    checkPolicyCommon(p, version, spec.nodes, ix, upstreams, issues);
  }
}
