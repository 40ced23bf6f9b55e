import type { ClusterPlan } from '../../plan/plan';
import { nodeEndpoints } from '../../plan/endpoints';
import { formatVersion } from '../../spec/version';

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
  readonly resources: { readonly memoryPerNode: string; readonly cpusPerNode: number; readonly totalMemory: string; readonly totalCpus: number };
  readonly loadBalancer: string;
  readonly topology: {
    readonly vhosts: number;
    readonly users: readonly string[];
    readonly queuesByType: Readonly<Record<string, number>>;
    readonly policies: readonly string[];
    readonly parameters: readonly string[];
  };
  /** Terraform resources the stack creates, by type. */
  readonly terraformResources: Readonly<Record<string, number>>;
  /** Variables the deployer must set (TF_VAR_<name>). */
  readonly requiredVariables: readonly string[];
  readonly sensitiveOutputs: readonly string[];
  readonly warnings: ReadonlyArray<{ readonly id: string; readonly path: string; readonly message: string }>;
}

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(bytes % 1024 ** 3 === 0 ? 0 : 2)} GiB`;
}

interface DefinitionsLike {
  users?: Array<{ name: string }>;
  vhosts?: unknown[];
  queues?: Array<{ arguments?: Record<string, unknown> }>;
  policies?: Array<{ name: string; vhost: string }>;
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
  return {
    cluster: {
      name: s.name,
      target: s.target,
      version: formatVersion(plan.version),
      image: plan.image,
      nodes: s.nodes,
      toleratedFailures: Math.floor((s.nodes - 1) / 2),
    },
    nodes: nodeEndpoints(s, plan.addresses).map((e) => ({ node: e.node, amqp: e.amqpUri, management: e.managementUrl })),
    resources: {
      memoryPerNode: gib(s.resources.memory),
      cpusPerNode: s.resources.cpus,
      totalMemory: gib(s.resources.memory * s.nodes),
      totalCpus: s.resources.cpus * s.nodes,
    },
    loadBalancer: lb.kind === 'none' ? 'none (clients use the node list)' : `${lb.kind} on ${lb.bindAddress}: AMQP ${lb.ports.amqp}, management ${lb.ports.management}`,
    topology: {
      vhosts: (defs.vhosts ?? []).length,
      users: (defs.users ?? []).map((u) => u.name),
      queuesByType,
      policies: (defs.policies ?? []).map((p) => `${p.vhost}/${p.name}`),
      parameters: (defs.parameters ?? []).map((p) => `${p.component}/${p.name}`),
    },
    terraformResources,
    requiredVariables: Object.keys(stack.variable ?? {}).map((v) => `TF_VAR_${v}`),
    sensitiveOutputs: Object.entries(stack.output ?? {}).filter(([, o]) => o.sensitive).map(([k]) => k),
    warnings: plan.warnings.map((w) => ({ id: w.id, path: w.path, message: w.message })),
  };
}
