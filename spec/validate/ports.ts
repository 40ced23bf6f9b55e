import type { ClusterSpec } from '../cluster';
import type { SpecIssue } from '../errors';
import { publishedRanges } from '../published-ports';

/** A host port the Docker target publishes on `network.bindAddress`, with who takes it. */
interface HostPort {
  readonly port: number;
  readonly owner: string;
  readonly path: string;
}

/**
 * The host ports a Docker spec publishes: each node's AMQP, management and plugin listener ports, and the load
 * balancer's AMQP, management, stats (HAProxy only) and Prometheus (when enabled) ports. This
 * mirrors what constructs/docker publishes; test/input-rules.test.ts checks it against the stack.
 */
export function publishedHostPorts(spec: ClusterSpec): HostPort[] {
  if (spec.target !== 'docker') return [];
  const out: HostPort[] = [];
  // Every node range (AMQP, management, plugin listeners): the list constructs/docker publishes.
  for (const r of publishedRanges(spec)) {
    for (let i = 0; i < spec.nodes; i++) out.push({ port: r.base + i, owner: `node ${i} ${r.name === 'amqp' ? 'AMQP' : r.name}`, path: r.field });
  }
  const lb = spec.loadBalancer;
  if (lb.kind !== 'none') {
    out.push({ port: lb.ports.amqp, owner: 'load balancer AMQP', path: 'loadBalancer.ports.amqp' });
    out.push({ port: lb.ports.management, owner: 'load balancer management', path: 'loadBalancer.ports.management' });
    if (lb.kind === 'haproxy') out.push({ port: lb.ports.stats, owner: 'load balancer stats', path: 'loadBalancer.ports.stats' });
    if (lb.prometheus) out.push({ port: lb.ports.prometheus, owner: 'load balancer Prometheus', path: 'loadBalancer.ports.prometheus' });
  }
  return out;
}

/**
 * Two listeners on one host port: Docker would fail the second container at apply time
 * ("port is already allocated") after the first ones were created. Node ranges that overlap each
 * other are reported by parse.ts; here the load balancer's ports against the nodes' and each other.
 */
export function portIssues(spec: ClusterSpec): SpecIssue[] {
  const seen = new Map<number, HostPort>();
  const issues: SpecIssue[] = [];
  for (const p of publishedHostPorts(spec)) {
    const first = seen.get(p.port);
    if (first === undefined) {
      seen.set(p.port, p);
      continue;
    }
    // Node against node is the range-overlap rule's; only report what involves the load balancer.
    if (!p.owner.startsWith('load balancer') && !first.owner.startsWith('load balancer')) continue;
    issues.push({ path: p.path, value: p.port, message: `host port ${p.port} is taken by ${first.owner} already (${first.path}); give the ${p.owner} port another number` });
  }
  return issues;
}
