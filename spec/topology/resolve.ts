/**
 * The topology with shorthands expanded: sharding becomes an exchange, queues and bindings; presets
 * become policy keys; queue types are resolved from the vhost default. Validation, the definitions
 * renderer and the plan all read this one model, so they cannot disagree.
 */
import type { BindingSpec } from './bindings';
import type { ExchangeType } from './exchanges';
import type { TopologySpec } from './index';
import type { OperatorPolicySpec, PolicySpec } from './policies';
import type { ApplyTo, QueueType } from './policy-keys';
import { shardQueueNames } from './sharding';

/** A queue to declare, with its complete argument table. */
export interface ResolvedQueue {
  readonly vhost: string;
  readonly name: string;
  readonly type: QueueType;
  readonly durable: boolean;
  readonly autoDelete: boolean;
  /** Every argument written to definitions.json, `x-queue-type` included. */
  readonly arguments: Readonly<Record<string, unknown>>;
  /** Spec path it comes from (a queue or a sharding entry), for messages. */
  readonly path: string;
}

export interface ResolvedExchange {
  readonly vhost: string;
  readonly name: string;
  readonly type: ExchangeType;
  readonly durable: boolean;
  readonly autoDelete: boolean;
  readonly internal: boolean;
  readonly arguments: Readonly<Record<string, unknown>>;
  readonly path: string;
}

export interface ResolvedBinding extends Omit<BindingSpec, 'arguments'> {
  readonly arguments: Readonly<Record<string, unknown>>;
  readonly path: string;
}

/** A policy or operator policy with its presets turned into keys. */
export interface ResolvedPolicy {
  readonly kind: 'policy' | 'operator';
  readonly name: string;
  readonly vhost: string;
  readonly pattern: string;
  readonly applyTo: ApplyTo;
  readonly priority: number;
  /** Every key, presets included, in a stable order. */
  readonly definition: Readonly<Record<string, unknown>>;
  /** Spec path of each key (`topology.policies[0].quorum.deliveryLimit`), for messages. */
  readonly keyPaths: Readonly<Record<string, string>>;
  readonly path: string;
}

export interface ResolvedTopology {
  readonly queues: readonly ResolvedQueue[];
  readonly exchanges: readonly ResolvedExchange[];
  readonly bindings: readonly ResolvedBinding[];
  readonly policies: readonly ResolvedPolicy[];
  readonly operatorPolicies: readonly ResolvedPolicy[];
}

/** Options of resolveTopology. */
export interface ResolveOptions {
  /**
   * Erlang node names by index, for `mirrored: { mode: nodes }`.
   * @default - `node-<index>` placeholders (enough for validation)
   */
  readonly nodeNames?: readonly string[];
}

/** Queue type of a queue: its own, else its vhost's default, else classic. */
export function queueTypeOf(topology: TopologySpec, vhost: string, type: QueueType | undefined): QueueType {
  return type ?? topology.vhosts.find((v) => v.name === vhost)?.defaultQueueType ?? 'classic';
}

function groupSizeArgument(type: QueueType, size: number | undefined): Record<string, unknown> {
  if (size === undefined) return {};
  if (type === 'quorum') return { 'x-quorum-initial-group-size': size };
  if (type === 'stream') return { 'x-initial-cluster-size': size };
  return {};
}

/** Camel-case preset fields and the policy keys they stand for. */
const QUORUM_KEYS = {
  deliveryLimit: 'delivery-limit',
  deadLetterExchange: 'dead-letter-exchange',
  deadLetterRoutingKey: 'dead-letter-routing-key',
  deadLetterStrategy: 'dead-letter-strategy',
  maxLength: 'max-length',
  maxLengthBytes: 'max-length-bytes',
  overflow: 'overflow',
} as const;

/** Policy keys of the presets of `policy`, each with the spec path it comes from. */
export function presetKeys(policy: PolicySpec, path: string, nodeNames: readonly string[]): Array<[string, unknown, string]> {
  const out: Array<[string, unknown, string]> = [];
  if (policy.quorum) {
    for (const [field, key] of Object.entries(QUORUM_KEYS)) {
      const v = policy.quorum[field as keyof typeof QUORUM_KEYS];
      if (v !== undefined) out.push([key, v, `${path}.quorum.${field}`]);
    }
  }
  const m = policy.mirrored;
  if (m) {
    out.push(['ha-mode', m.mode, `${path}.mirrored.mode`]);
    if (m.mode === 'exactly') out.push(['ha-params', m.count, `${path}.mirrored.count`]);
    if (m.mode === 'nodes') out.push(['ha-params', (m.nodes ?? []).map((i) => nodeNames[i] ?? `node-${i}`), `${path}.mirrored.nodes`]);
    out.push(['ha-sync-mode', m.syncMode, `${path}.mirrored.syncMode`]);
  }
  const f = policy.federation;
  if (f?.upstream !== undefined) out.push(['federation-upstream', f.upstream, `${path}.federation.upstream`]);
  if (f?.upstreamSet !== undefined) out.push(['federation-upstream-set', f.upstreamSet, `${path}.federation.upstreamSet`]);
  return out;
}

function resolvePolicy(p: PolicySpec, path: string, nodeNames: readonly string[]): ResolvedPolicy {
  const definition: Record<string, unknown> = {};
  const keyPaths: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.definition)) {
    definition[k] = v;
    keyPaths[k] = `${path}.definition.${k}`;
  }
  for (const [k, v, keyPath] of presetKeys(p, path, nodeNames)) {
    if (!(k in definition)) {
      definition[k] = v;
      keyPaths[k] = keyPath;
    }
  }
  return { kind: 'policy', name: p.name, vhost: p.vhost, pattern: p.pattern, applyTo: p.applyTo, priority: p.priority, definition, keyPaths, path };
}

function resolveOperatorPolicy(p: OperatorPolicySpec, path: string): ResolvedPolicy {
  const keyPaths = Object.fromEntries(Object.keys(p.definition).map((k) => [k, `${path}.definition.${k}`]));
  return { kind: 'operator', name: p.name, vhost: p.vhost, pattern: p.pattern, applyTo: p.applyTo, priority: p.priority, definition: { ...p.definition }, keyPaths, path };
}

/** Expands shorthands into the objects RabbitMQ will hold. Pure; works on any parsed topology. */
export function resolveTopology(topology: TopologySpec, options: ResolveOptions = {}): ResolvedTopology {
  const nodeNames = options.nodeNames ?? [];
  const queues: ResolvedQueue[] = topology.queues.map((q, i) => {
    const type = queueTypeOf(topology, q.vhost, q.type);
    return {
      vhost: q.vhost,
      name: q.name,
      type,
      durable: q.durable,
      autoDelete: q.autoDelete,
      arguments: { 'x-queue-type': type, ...groupSizeArgument(type, q.initialGroupSize), ...q.arguments },
      path: `topology.queues[${i}]`,
    };
  });
  const exchanges: ResolvedExchange[] = topology.exchanges.map((x, i) => ({ ...x, arguments: { ...x.arguments }, path: `topology.exchanges[${i}]` }));
  const bindings: ResolvedBinding[] = topology.bindings.map((b, i) => ({ ...b, path: `topology.bindings[${i}]` }));

  topology.sharding.forEach((s, i) => {
    const path = `topology.sharding[${i}]`;
    const args: Record<string, unknown> = {};
    if (s.hashHeader !== undefined) args['hash-header'] = s.hashHeader;
    if (s.hashProperty !== undefined) args['hash-property'] = s.hashProperty;
    exchanges.push({ vhost: s.vhost, name: s.exchange, type: 'x-consistent-hash', durable: true, autoDelete: false, internal: false, arguments: args, path });
    const type = queueTypeOf(topology, s.vhost, s.queueType);
    for (const name of shardQueueNames(s)) {
      queues.push({
        vhost: s.vhost,
        name,
        type,
        durable: true,
        autoDelete: false,
        arguments: { 'x-queue-type': type, ...groupSizeArgument(type, s.initialGroupSize) },
        path,
      });
      bindings.push({ vhost: s.vhost, source: s.exchange, destination: name, destinationType: 'queue', routingKey: String(s.weight), arguments: {}, path });
    }
  });

  return {
    queues,
    exchanges,
    bindings,
    policies: topology.policies.map((p, i) => resolvePolicy(p, `topology.policies[${i}]`, nodeNames)),
    operatorPolicies: topology.operatorPolicies.map((p, i) => resolveOperatorPolicy(p, `topology.operatorPolicies[${i}]`)),
  };
}
