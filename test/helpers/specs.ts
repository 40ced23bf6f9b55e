import { buildPlan, type ClusterPlan } from '../../plan/plan';
import type { ClusterSpecInput } from '../../spec/cluster';
import { parseClusterSpec } from '../../spec/parse';
import { parseConf } from '../../rabbitmq/rabbitmq-conf';
import { SpecError, type SpecIssue } from '../../spec/errors';

/** The issues a spec produces, or [] when it is valid. */
export function issuesOf(input: unknown): SpecIssue[] {
  try {
    parseClusterSpec(input);
    return [];
  } catch (e) {
    if (!SpecError.isSpecError(e)) throw e;
    return e.issues.map((i) => ({ ...i }));
  }
}

/** A plan for a small spec; `version` sets rabbitmq.version. */
export function planFor(input: Partial<ClusterSpecInput> & { version?: string } = {}): ClusterPlan {
  const { version, ...rest } = input;
  const spec = parseClusterSpec({ name: 'rmq', ...rest, rabbitmq: { ...(rest.rabbitmq ?? {}), ...(version ? { version } : {}) } });
  return buildPlan(spec);
}

/** rabbitmq.conf of node 0 as a key/value map. */
export function confOf(plan: ClusterPlan, node = 0): Map<string, string> {
  return parseConf(plan.nodes[node].config.content);
}
