import type { ClusterPlan } from '../../plan/plan';
import { loadBalancerEndpoint, nodeEndpoints } from '../../plan/endpoints';
import { formatVersion } from '../../spec/version';
import { queuePolicies, type PolicyRow, type QueueRow } from './topology-rows';

/** Synthesized Terraform JSON, the part the review reads. */
export interface StackJson {
  readonly resource?: Record<string, Record<string, unknown>>;
  readonly output?: Record<string, { readonly sensitive?: boolean }>;
  readonly variable?: Record<string, unknown>;
}

/** What a reviewer needs to know about a spec before anyone deploys it. */
export interface ReviewSummary {
  readonly cluster: {
    readonly name: string;
    readonly target: string;
    readonly version: string;
    readonly image: string;
    readonly nodes: number;
    /** Node failures the cluster (and 3-member quorum queues) survive: floor((n-1)/2). */
    readonly toleratedFailures: number;
  };
  readonly nodes: ReadonlyArray<{ readonly node: string; readonly amqp: string; readonly management: string }>;
  /** Where clients connect: the load balancer (or nothing, with `loadBalancer.kind: none`). */
  readonly endpoints: ReadonlyArray<{ readonly name: string; readonly url: string; readonly note: string }>;
  readonly resources: { readonly memoryPerNode: string; readonly cpusPerNode: number; readonly totalMemory: string; readonly totalCpus: number };
  readonly loadBalancer: string;
  readonly topology: {
    readonly vhosts: number;
    readonly users: readonly string[];
    readonly queuesByType: Readonly<Record<string, number>>;
    /** Policies as `name (vhost /)`: a name and its vhost, never joined into a path. */
    readonly policies: readonly string[];
    /** Every queue with the policy and operator policy RabbitMQ applies to it. */
    readonly queues: readonly QueueRow[];
    /** Every policy and operator policy with the queues it applies to. */
    readonly policyDetails: readonly PolicyRow[];
    readonly parameters: readonly string[];
  };
  /** Terraform resources the stack creates, by type. */
  readonly terraformResources: Readonly<Record<string, number>>;
  /** Variables the deployer must set (TF_VAR_<name>). */
  readonly requiredVariables: readonly string[];
  readonly sensitiveOutputs: readonly string[];
  readonly warnings: ReadonlyArray<{ readonly id: string; readonly path: string; readonly message: string; readonly acknowledged?: string }>;
}

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(bytes % 1024 ** 3 === 0 ? 0 : 2)} GiB`;
}

interface DefinitionsLike {
  users?: Array<{ name: string }>;
  vhosts?: unknown[];
  queues?: Array<{ arguments?: Record<string, unknown> }>;
  parameters?: Array<{ component: string; name: string }>;
}

/** Builds the review from the plan and its synthesized stack (pure). */
export function buildReview(plan: ClusterPlan, stack: StackJson): ReviewSummary {
  const s = plan.spec;
  const defs = JSON.parse(plan.nodes[0].definitions.content) as DefinitionsLike;
  const queuesByType: Record<string, number> = {};
  for (const q of defs.queues ?? []) {
    const type = String(q.arguments?.['x-queue-type'] ?? 'classic');
    queuesByType[type] = (queuesByType[type] ?? 0) + 1;
  }
  const terraformResources: Record<string, number> = {};
  for (const [type, byName] of Object.entries(stack.resource ?? {})) terraformResources[type] = Object.keys(byName).length;
  const lb = s.loadBalancer;
  const { queues, policies } = queuePolicies(s.topology, plan.addresses.nodes.map((n) => n.nodeName));
  const lbEndpoint = loadBalancerEndpoint(s, plan.addresses.target);
  return {
    cluster: {
      name: s.name,
      target: s.target,
      version: formatVersion(plan.version),
      image: plan.image,
      nodes: s.nodes,
      toleratedFailures: Math.floor((s.nodes - 1) / 2),
    },
    nodes: nodeEndpoints(s, plan.addresses, plan.tls).map((e) => ({ node: e.node, amqp: e.amqpUri, management: e.managementUrl })),
    endpoints: lbEndpoint
      ? [
          { name: 'AMQP (clients)', url: lbEndpoint.amqpUri, note: `${lb.kind}, least connections over ${s.nodes} node(s)` },
          { name: 'management UI / HTTP API', url: lbEndpoint.managementUrl, note: `${lb.kind}` },
          ...(lbEndpoint.statsUrl ? [{ name: `${lb.kind} status page`, url: lbEndpoint.statsUrl, note: 'operators only' }] : []),
        ]
      : [],
    resources: {
      memoryPerNode: gib(s.resources.memory),
      cpusPerNode: s.resources.cpus,
      totalMemory: gib(s.resources.memory * s.nodes),
      totalCpus: s.resources.cpus * s.nodes,
    },
    loadBalancer:
      lb.kind === 'none'
        ? 'none (clients use the node list)'
        : s.tls.enabled
          ? `${lb.kind} on ${lb.bindAddress}: AMQPS ${s.tls.loadBalancer.ports.amqps}, management ${s.tls.loadBalancer.ports.management} (TLS ${s.tls.loadBalancer.mode})`
          : `${lb.kind} on ${lb.bindAddress}: AMQP ${lb.ports.amqp}, management ${lb.ports.management}`,
    topology: {
      vhosts: (defs.vhosts ?? []).length,
      users: (defs.users ?? []).map((u) => u.name),
      queuesByType,
      policies: policies.map((p) => p.label),
      queues,
      policyDetails: policies,
      parameters: (defs.parameters ?? []).map((p) => `${p.component}/${p.name}`),
    },
    terraformResources,
    requiredVariables: Object.keys(stack.variable ?? {}).map((v) => `TF_VAR_${v}`),
    sensitiveOutputs: Object.entries(stack.output ?? {}).filter(([, o]) => o.sensitive).map(([k]) => k),
    warnings: plan.warnings.map((w) => ({ id: w.id, path: w.path, message: w.message, ...(w.acknowledged !== undefined ? { acknowledged: w.acknowledged } : {}) })),
  };
}
