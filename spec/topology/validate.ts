/**
 * Cross-field rules of the topology: references, duplicates, version limits, and which policy keys
 * reach which queue types. Everything RabbitMQ would reject at import or would silently ignore is
 * reported here, as SpecIssues naming the field, the value and the fix. Both matter at boot: a
 * rejected entry makes RabbitMQ 3.10.8 abandon the rest of the import without logging an error
 * (the node boots without the remaining policies, queues and bindings; measured), and an ignored
 * key leaves a queue without the behaviour the spec promised.
 */
import type { ClusterSpec } from '../cluster';
import type { SpecIssue } from '../errors';
import { atLeast, formatVersion, parseVersion, type RabbitVersion } from '../version';
import { policyReaches } from './effective';
import { BUILT_IN_EXCHANGES, EXCHANGE_ARGUMENTS } from './exchanges';
import type { TopologySpec } from './index';
import {
  applyToTargets,
  describeTargets,
  keyAvailable,
  keyTargets,
  knownQueueArguments,
  MIRRORING_REMOVED,
  POLICY_KEYS,
  policyKey,
  queueArgument,
  queueTakesKey,
  REPLACED_ARGUMENTS,
  TYPED_APPLY_TO_SINCE,
  type PolicyTarget,
  type QueueType,
} from './policy-keys';
import { presetKeys, resolveTopology, type ResolvedBinding, type ResolvedExchange, type ResolvedPolicy, type ResolvedQueue } from './resolve';
import { remotePasswordSecret } from './remotes';
import { userPasswordSecret } from './users';
import { DEFAULT_QUEUE_TYPE_SINCE } from './vhosts';

const key = (vhost: string, name: string): string => `${vhost}\u0000${name}`;
const list = (xs: readonly string[], max = 3): string =>
  xs.length <= max ? xs.map((x) => `'${x}'`).join(', ') : `${xs.slice(0, max).map((x) => `'${x}'`).join(', ')} and ${xs.length - max} more`;

/** Collects issues; one instance per validation run. */
class Issues {
  readonly all: SpecIssue[] = [];
  add(path: string, value: unknown, message: string): void {
    this.all.push({ path, value, message });
  }
}

/** Names of the objects each vhost holds, for reference checks. */
interface Index {
  readonly vhosts: ReadonlySet<string>;
  readonly queues: ReadonlyMap<string, ResolvedQueue>;
  readonly exchanges: ReadonlyMap<string, ResolvedExchange>;
}

function exchangeExists(ix: Index, vhost: string, name: string): boolean {
  return ix.exchanges.has(key(vhost, name)) || (BUILT_IN_EXCHANGES as readonly string[]).includes(name);
}

function namePath(path: string, kind: 'queue' | 'exchange'): string {
  if (!path.startsWith('topology.sharding')) return `${path}.name`;
  return kind === 'exchange' ? `${path}.exchange` : `${path}.queuePrefix`;
}

/** Every topology problem of a parsed spec; [] when it is consistent. */
export function topologyIssues(spec: ClusterSpec): SpecIssue[] {
  const version = parseVersion(spec.rabbitmq.version);
  if (!version) return []; // the version field reports its own error
  const t = spec.topology;
  const issues = new Issues();
  const resolved = resolveTopology(t);
  const vhosts = checkVhosts(t, version, issues);
  const ix: Index = {
    vhosts,
    queues: uniqueObjects(resolved.queues, 'queue', vhosts, issues),
    exchanges: uniqueObjects(resolved.exchanges, 'exchange', vhosts, issues),
  };
  checkUsers(spec, vhosts, issues);
  checkQueues(spec, version, ix, issues);
  checkExchanges(resolved.exchanges, ix, issues);
  checkBindings(resolved.bindings, ix, issues);
  checkPolicies(spec, version, resolved.policies, ix, issues);
  checkOperatorPolicies(spec, version, resolved.operatorPolicies, ix, issues);
  checkRemotesAndFederation(t, ix, issues);
  checkShovels(t, ix, issues);
  return issues.all;
}

function checkVhosts(t: TopologySpec, version: RabbitVersion, issues: Issues): Set<string> {
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

function checkVhostRef(vhosts: ReadonlySet<string>, path: string, vhost: string, issues: Issues): void {
  if (!vhosts.has(vhost)) issues.add(path, vhost, `is not declared in topology.vhosts (${[...vhosts].join(', ')}); add it there or use one of those`);
}

function uniqueObjects<T extends ResolvedQueue | ResolvedExchange>(
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

function checkUsers(spec: ClusterSpec, vhosts: ReadonlySet<string>, issues: Issues): void {
  const t = spec.topology;
  const admin = spec.credentials.adminUser;
  const users = new Set<string>();
  const secrets = new Map<string, string>();
  t.users.forEach((u, i) => {
    const path = `topology.users[${i}].name`;
    if (u.name === admin) return issues.add(path, u.name, 'is the admin user (credentials.adminUser), which the toolkit creates with full permissions; choose another name');
    if (users.has(u.name)) return issues.add(path, u.name, 'duplicate user; list each user once');
    const secret = userPasswordSecret(u.name);
    const owner = secrets.get(secret);
    if (owner !== undefined) return issues.add(path, u.name, `maps to the same password secret ${secret} as user '${owner}'; rename one of them`);
    users.add(u.name);
    secrets.set(secret, u.name);
  });
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

function checkQueues(spec: ClusterSpec, version: RabbitVersion, ix: Index, issues: Issues): void {
  const nodes = spec.nodes;
  const groupSize = (path: string, type: QueueType, size: number | undefined): void => {
    if (size === undefined) return;
    if (type === 'classic') issues.add(path, size, 'only applies to quorum queues and streams; remove it or change the type');
    else if (size > nodes) issues.add(path, size, `must be at most the node count (${nodes}): replicas never share a node`);
  };
  spec.topology.queues.forEach((q, i) => {
    const path = `topology.queues[${i}]`;
    const type = ix.queues.get(key(q.vhost, q.name))?.type ?? q.type ?? 'classic';
    if (type !== 'classic' && !q.durable) issues.add(`${path}.durable`, q.durable, `${type} queues are always durable; remove durable: false or use a classic queue`);
    if (type !== 'classic' && q.autoDelete) issues.add(`${path}.autoDelete`, q.autoDelete, `${type} queues cannot be auto-delete; remove autoDelete or use a classic queue`);
    groupSize(`${path}.initialGroupSize`, type, q.initialGroupSize);
    for (const [arg, value] of Object.entries(q.arguments)) {
      checkQueueArgument(`${path}.arguments.${arg}`, arg, value, type, q.vhost, version, ix, issues);
    }
  });
  spec.topology.sharding.forEach((s, i) => {
    const type = ix.queues.get(key(s.vhost, `${s.queuePrefix ?? `${s.exchange}.shard.`}0`))?.type ?? 'classic';
    groupSize(`topology.sharding[${i}].initialGroupSize`, type, s.initialGroupSize);
  });
}

function checkQueueArgument(
  path: string,
  arg: string,
  value: unknown,
  type: QueueType,
  vhost: string,
  version: RabbitVersion,
  ix: Index,
  issues: Issues,
): void {
  const replaced = REPLACED_ARGUMENTS[arg];
  if (replaced !== undefined) return issues.add(path, value, replaced);
  const a = queueArgument(arg);
  if (!a) return issues.add(path, value, `is not a queue argument RabbitMQ reads (it would be ignored); known arguments: ${knownQueueArguments().join(', ')}`);
  if (!keyAvailable(a, version)) return issues.add(path, value, a.removedHint ?? `is not available in RabbitMQ ${formatVersion(version)}`);
  const bad = a.check(value);
  if (bad !== undefined) return issues.add(path, value, bad);
  const targets = a.targetsFor ? a.targetsFor(value) : a.targets;
  if (!targets.includes(type)) {
    return issues.add(path, value, `has no effect on ${type} queues (it applies to ${describeTargets(targets)}); remove it or change the queue type${quorumOverflowHint(arg, value, type)}`);
  }
  if (arg === 'x-dead-letter-exchange' && typeof value === 'string' && value !== '' && !exchangeExists(ix, vhost, value)) {
    issues.add(path, value, `names no exchange of vhost ${vhost}: dead-lettered messages would be dropped; declare the exchange in topology.exchanges`);
  }
}

function quorumOverflowHint(key: string, value: unknown, type: PolicyTarget): string {
  return (key === 'overflow' || key === 'x-overflow') && value === 'reject-publish-dlx' && type === 'quorum'
    ? '; quorum queues support drop-head and reject-publish (RabbitMQ logs "Invalid overflow strategy" and keeps drop-head)'
    : '';
}

function checkExchanges(exchanges: readonly ResolvedExchange[], ix: Index, issues: Issues): void {
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

function checkBindings(bindings: readonly ResolvedBinding[], ix: Index, issues: Issues): void {
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

function checkMirroringConsistency(p: ResolvedPolicy, nodes: number, issues: Issues): void {
  const d = p.definition;
  const mode = d['ha-mode'];
  const params = d['ha-params'];
  const paramsPath = p.keyPaths['ha-params'];
  if (mode === undefined) {
    for (const k of ['ha-params', 'ha-sync-mode', 'ha-sync-batch-size', 'ha-promote-on-shutdown', 'ha-promote-on-failure']) {
      if (k in d) issues.add(p.keyPaths[k], d[k], 'needs ha-mode in the same policy (without it the queue is not mirrored); use the mirrored preset');
    }
    return;
  }
  const fromPreset = p.keyPaths['ha-mode'].includes('.mirrored.');
  if (mode === 'all' && params !== undefined) issues.add(paramsPath, params, 'must be omitted with ha-mode all');
  if (mode === 'exactly') {
    if (typeof params !== 'number') issues.add(paramsPath ?? p.keyPaths['ha-mode'], params, 'ha-mode exactly needs ha-params: the replica count (leader included)');
    else if (params > nodes) issues.add(paramsPath, params, `asks for more replicas than nodes (${nodes}); RabbitMQ would mirror to every node: use mode all or a count <= ${nodes}`);
  }
  if (mode === 'nodes' && !fromPreset) {
    issues.add(p.keyPaths['ha-mode'], mode, 'node names differ per target (Docker, Kubernetes, local); use the mirrored preset: { mode: nodes, nodes: [0, 1] } with node indexes');
  }
  if (mode === 'nodes' && fromPreset) {
    const path = p.path.replace(/$/, '.mirrored.nodes');
    const indexes = (params as readonly string[]).map((n) => Number(/^node-(\d+)$/.exec(n)?.[1] ?? NaN));
    const bad = indexes.filter((i) => !(i >= 0 && i < nodes));
    if (bad.length > 0) issues.add(path, indexes, `node indexes must be 0-${nodes - 1} (the cluster has ${nodes} nodes)`);
    if (new Set(indexes).size !== indexes.length) issues.add(path, indexes, 'lists a node twice');
  }
}

function upstreamIndex(t: TopologySpec): { names: Set<string>; sets: Set<string> } {
  return {
    names: new Set(t.federation.upstreams.map((u) => key(u.vhost, u.name))),
    sets: new Set(t.federation.upstreamSets.map((s) => key(s.vhost, s.name))),
  };
}

function checkPolicies(spec: ClusterSpec, version: RabbitVersion, policies: readonly ResolvedPolicy[], ix: Index, issues: Issues): void {
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

function checkOperatorPolicies(spec: ClusterSpec, version: RabbitVersion, policies: readonly ResolvedPolicy[], ix: Index, issues: Issues): void {
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

function checkRemotesAndFederation(t: TopologySpec, ix: Index, issues: Issues): void {
  const remotes = new Set<string>();
  const secrets = new Map<string, string>();
  t.remotes.forEach((r, i) => {
    const path = `topology.remotes[${i}].name`;
    if (remotes.has(r.name)) return issues.add(path, r.name, 'duplicate remote; list each remote cluster once');
    const secret = remotePasswordSecret(r.name);
    const owner = secrets.get(secret);
    if (owner !== undefined) return issues.add(path, r.name, `maps to the same password secret ${secret} as remote '${owner}'; rename one of them`);
    remotes.add(r.name);
    secrets.set(secret, r.name);
  });
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

function checkShovels(t: TopologySpec, ix: Index, issues: Issues): void {
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
