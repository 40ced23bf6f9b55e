import { publishedRanges } from './published-ports';
import { clusterSpec, type ClusterSpec, type ClusterSpecInput } from './cluster';
import { SpecError, type SpecIssue } from './errors';
import { validateLoadBalancerAgainstHeartbeat } from './load-balancer';
import { rawStringIssues } from './private/raw-strings';
import { redactIssue } from './private/redact';
import { fromZodIssues } from './private/zod-issues';
import { topologyIssues } from './topology';
import { kubernetesSpecIssues } from './kubernetes';
import { inputIssues, stringIssues } from './validate';
import { tlsSpecIssues } from './tls';

/**
 * Validates a cluster spec and resolves its defaults. Throws one SpecError that lists every
 * problem (field path, bad value, what is allowed); nothing is rendered from a rejected spec.
 * @param source where the input came from, for messages (a file path or `inline`)
 */
export function parseClusterSpec(input: unknown, source = 'inline'): ClusterSpec {
  const result = clusterSpec.safeParse(input);
  const raw = [...rawStringIssues(input), ...stringIssues(input)];
  if (!result.success || raw.length > 0) {
    const issues = result.success ? raw : [...fromZodIssues(clusterSpec, input, result.error.issues), ...raw];
    throw new SpecError(source, issues.map(redactIssue));
  }
  const issues = crossFieldIssues(result.data);
  if (issues.length > 0) throw new SpecError(source, issues.map(redactIssue));
  return result.data;
}

/** Typed helper for specs written in TypeScript: `clusterSpecFrom({ name: 'rmq', nodes: 3 })`. */
export function clusterSpecFrom(input: ClusterSpecInput, source = 'inline'): ClusterSpec {
  return parseClusterSpec(input, source);
}

/** Rules that involve more than one field. */
function crossFieldIssues(spec: ClusterSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  for (const message of validateLoadBalancerAgainstHeartbeat(spec.loadBalancer, spec.rabbitmq.heartbeatSeconds)) {
    issues.push({ path: 'loadBalancer', value: spec.loadBalancer.kind, message });
  }
  if (spec.target === 'docker') {
    // Every published range (AMQP, management, plugin listeners): within 1-65535 and disjoint.
    const ranges = publishedRanges(spec);
    for (const r of ranges) {
      const top = r.base + spec.nodes - 1;
      if (top > 65535) issues.push({ path: r.field, value: r.base, message: `node ${spec.nodes - 1} would need port ${top}; lower the base or set network.nodePorts: false` });
    }
    for (let i = 0; i < ranges.length; i++) {
      for (let j = i + 1; j < ranges.length; j++) {
        const a = ranges[i];
        const b = ranges[j];
        if (a.base <= b.base + spec.nodes - 1 && b.base <= a.base + spec.nodes - 1) {
          issues.push({ path: b.field, value: b.base, message: `the ${b.name} ports ${b.base}-${b.base + spec.nodes - 1} overlap the ${a.name} ports ${a.base}-${a.base + spec.nodes - 1}; move one base away by at least the node count (${spec.nodes})` });
        }
      }
    }
  }
  issues.push(...inputIssues(spec));
  issues.push(...topologyIssues(spec));
  issues.push(...kubernetesSpecIssues(spec));
  issues.push(...tlsSpecIssues(spec));
  return issues;
}
