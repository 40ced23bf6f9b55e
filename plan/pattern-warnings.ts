import type { ClusterSpec } from '../spec/cluster';
import { compilePattern } from '../spec/topology/pattern';
import type { PlanWarning } from './warnings';

/** Every pattern of the topology RabbitMQ matches names against, with its spec path. */
function patternsOf(spec: ClusterSpec): Array<{ path: string; pattern: string }> {
  const t = spec.topology;
  return [
    ...t.policies.map((p, i) => ({ path: `topology.policies[${i}].pattern`, pattern: p.pattern })),
    ...t.operatorPolicies.map((p, i) => ({ path: `topology.operatorPolicies[${i}].pattern`, pattern: p.pattern })),
    ...t.permissions.flatMap((p, i) => (['configure', 'write', 'read'] as const).map((k) => ({ path: `topology.permissions[${i}].${k}`, pattern: p[k] }))),
  ];
}

/**
 * Patterns RabbitMQ (PCRE) accepts but the toolkit reads with RE2 (linear time) and cannot
 * evaluate, or reads differently: the review cannot say which objects they reach.
 */
export function patternWarnings(spec: ClusterSpec): PlanWarning[] {
  const w: PlanWarning[] = [];
  const t = spec.topology;
  const nonAsciiNames = [...t.queues, ...t.exchanges].some((o) => /[^\x00-\x7f]/.test(o.name));
  for (const { path, pattern } of patternsOf(spec)) {
    const v = compilePattern(pattern);
    if (v.kind === 'pcre-only') {
      w.push({ id: 'pattern-pcre-only', path, message: `${JSON.stringify(pattern)} uses ${v.feature}: RabbitMQ (PCRE) accepts it, but rmq-ha evaluates patterns with RE2 (linear time) and cannot tell which objects it reaches; policy checks treat it as matching nothing` });
    } else if (v.kind === 'ok' && v.note !== undefined && (!v.noteNonAscii || nonAsciiNames)) {
      w.push({ id: 'pattern-reads-differently', path, message: `${JSON.stringify(pattern)}: ${v.note}` });
    }
  }
  return w;
}
