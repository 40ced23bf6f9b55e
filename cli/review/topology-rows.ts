/**
 * The topology as a reviewer reads it: every queue with the policy RabbitMQ applies to it, and
 * every policy with the queues it reaches. The match is the broker's own rule
 * (spec/topology/effective.ts), so the review shows what will happen, not what a pattern suggests.
 */
import { effectivePolicy, resolveTopology, type ResolvedPolicy, type TopologySpec } from '../../spec/topology';

/** A queue and what applies to it. */
export interface QueueRow {
  readonly vhost: string;
  readonly name: string;
  readonly type: string;
  /** The policy RabbitMQ applies (highest priority among the applicable ones), if any. */
  readonly policy?: string;
  /** The operator policy RabbitMQ applies on top, if any. */
  readonly operatorPolicy?: string;
}

/** A policy and the queues it applies to. */
export interface PolicyRow {
  readonly kind: 'policy' | 'operator';
  readonly name: string;
  readonly vhost: string;
  /** `orders (vhost /)`: name and vhost, never joined into a path (`//orders` read like a URL). */
  readonly label: string;
  readonly pattern: string;
  readonly applyTo: string;
  readonly priority: number;
  /** Its keys, presets expanded (`x-delivery-limit`, `dead-letter-exchange`, ...). */
  readonly definition: Readonly<Record<string, unknown>>;
  /** Declared queues it is the effective (operator) policy of. */
  readonly appliesTo: readonly string[];
}

/** `orders (vhost /)`. */
export function policyLabel(name: string, vhost: string): string {
  return `${name} (vhost ${vhost})`;
}

/** Queues with their effective policies, and policies with the queues they win (pure). */
export function queuePolicies(topology: TopologySpec, nodeNames: readonly string[]): { queues: QueueRow[]; policies: PolicyRow[] } {
  const t = resolveTopology(topology, { nodeNames });
  const wins = new Map<ResolvedPolicy, string[]>();
  const queues = t.queues.map((q): QueueRow => {
    const subject = { vhost: q.vhost, name: q.name, target: q.type };
    const policy = effectivePolicy(t.policies, subject);
    const operator = effectivePolicy(t.operatorPolicies, subject);
    for (const p of [policy, operator]) if (p) wins.set(p, [...(wins.get(p) ?? []), q.name]);
    return {
      vhost: q.vhost,
      name: q.name,
      type: q.type,
      ...(policy ? { policy: policy.name } : {}),
      ...(operator ? { operatorPolicy: operator.name } : {}),
    };
  });
  const policies = [...t.policies, ...t.operatorPolicies].map((p): PolicyRow => ({
    kind: p.kind,
    name: p.name,
    vhost: p.vhost,
    label: policyLabel(p.name, p.vhost),
    pattern: p.pattern,
    applyTo: p.applyTo,
    priority: p.priority,
    definition: p.definition,
    appliesTo: wins.get(p) ?? [],
  }));
  return { queues, policies };
}
