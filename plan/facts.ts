/**
 * Facts about a deployment that the Terraform resources only imply, recorded in the synthesized
 * stack (`"//": { "rmq-ha": ... }`, a comment key Terraform ignores) so that `rmq-ha review
 * --against` can classify the next change exactly: which version runs, how many nodes, where each
 * secret comes from, which plugins are on. No secret value is recorded.
 */
import type { ClusterPlan } from './plan';
import { formatVersion } from '../spec/version';

/** Key under the stack's top-level `//` comment. */
export const FACTS_KEY = 'rmq-ha';

/** The recorded facts (format 1). */
export interface DeploymentFacts {
  readonly format: 1;
  readonly target: 'docker' | 'kubernetes';
  readonly version: string;
  readonly image: string;
  readonly nodes: number;
  /** Secret name -> `generated:<length>` or `variable:<TF variable>`. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly plugins: readonly string[];
}

/** The facts of a plan (pure). */
export function deploymentFacts(plan: ClusterPlan): DeploymentFacts {
  const secrets: Record<string, string> = {};
  for (const s of plan.secrets) secrets[s.name] = 'generate' in s.source ? `generated:${s.source.generate.length}` : `variable:${s.source.variable}`;
  return {
    format: 1,
    target: plan.spec.target,
    version: formatVersion(plan.version),
    image: plan.image,
    nodes: plan.spec.nodes,
    secrets,
    plugins: [...plan.plugins],
  };
}

/** The facts recorded in a synthesized stack, when it has them (stacks before format 1 do not). */
export function readFacts(stack: { readonly ['//']?: unknown }): DeploymentFacts | undefined {
  const comment = stack['//'];
  if (!comment || typeof comment !== 'object') return undefined;
  const f = (comment as Record<string, unknown>)[FACTS_KEY] as DeploymentFacts | undefined;
  return f && f.format === 1 ? f : undefined;
}
