/** Services: the headless Service of each StatefulSet, and the selectors and target ports of every Service. */
import { many, nameOf, namespaceOf, one, selects, showLabels } from '../private/stack-json';
import type { Stack, Workload } from './private/stack';

/** `serviceName` is a headless Service that selects the pods and publishes them before they are ready. */
export function checkHeadless(stack: Stack, w: Workload): string[] {
  const svc = stack.all.service.find((s) => nameOf(s) === w.serviceName && namespaceOf(s) === w.ns);
  if (!svc) return [`${w.r.address}: service_name ${w.serviceName || '(empty)'} is not a Service of the stack in namespace ${w.ns}; pods get no DNS names`];
  const spec = one(svc.body.spec) ?? {};
  const out: string[] = [];
  if (spec.cluster_ip !== 'None') out.push(`${svc.address}: is the service_name of ${w.r.address} but is not headless (cluster_ip must be "None")`);
  if (spec.publish_not_ready_addresses !== true) {
    out.push(`${svc.address}: must set publish_not_ready_addresses: nodes look each other up before any of them is ready`);
  }
  if (!selects(spec.selector, w.podLabels)) out.push(`${svc.address}: selector ${showLabels(spec.selector)} does not select the pods of ${w.r.address} (${showLabels(w.podLabels)})`);
  return out;
}

/** Every Service selects the pods of one workload, and every target port is a container port of those pods. */
export function checkServices(stack: Stack, workloads: readonly Workload[]): string[] {
  const out: string[] = [];
  for (const s of stack.all.service) {
    const spec = one(s.body.spec) ?? {};
    const selected = workloads.filter((w) => w.ns === namespaceOf(s) && selects(spec.selector, w.podLabels));
    if (selected.length === 0) {
      out.push(`${s.address}: selector ${showLabels(spec.selector)} matches no pod of the stack (pod labels: ${workloads.map((w) => showLabels(w.podLabels)).join(' ')})`);
      continue;
    }
    if (selected.length > 1) {
      out.push(`${s.address}: selector ${showLabels(spec.selector)} matches the pods of ${selected.map((w) => w.r.address).join(' and ')}; each connection would land on either`);
    }
    for (const w of selected) {
      for (const p of many(spec.port)) {
        const target = p.target_port ?? p.port;
        const ok = /^\d+$/.test(String(target)) ? [...w.ports.values()].includes(Number(target)) : w.ports.has(String(target));
        if (!ok) out.push(`${s.address}: port ${p.name ?? p.port} targets ${target}, which is not a container port of ${w.r.address} (${[...w.ports.keys()].join(', ')})`);
      }
    }
  }
  return out;
}

/** Service types that give a Service an address outside the cluster network. */
const EXTERNAL_TYPES: ReadonlySet<string> = new Set(['LoadBalancer', 'NodePort']);
/**
 * Container ports whose listeners answer without RabbitMQ credentials: RabbitMQ's Prometheus
 * endpoint and a proxy's status page and metrics pass-through. They belong on ClusterIP Services.
 */
const UNAUTHENTICATED_PORTS: ReadonlySet<string> = new Set(['prometheus', 'stats']);

/**
 * At most one Service faces the outside (the entry point clients use), and no external Service
 * carries a listener without authentication. Two external load balancers double the cost and the
 * attack surface; metrics and status pages on an outside address tell anyone the cluster's state.
 */
export function checkExposure(stack: Stack, workloads: readonly Workload[]): string[] {
  const out: string[] = [];
  const external = stack.all.service.filter((s) => EXTERNAL_TYPES.has(String(one(s.body.spec)?.type ?? 'ClusterIP')));
  if (external.length > 1) {
    out.push(`${external.map((s) => s.address).join(', ')}: ${external.length} Services face the outside; only the entry point clients use should (the others stay ClusterIP)`);
  }
  for (const s of external) {
    const spec = one(s.body.spec) ?? {};
    const selected = workloads.filter((w) => w.ns === namespaceOf(s) && selects(spec.selector, w.podLabels));
    for (const p of many(spec.port)) {
      const target = String(p.target_port ?? p.port);
      const named = /^\d+$/.test(target) ? selected.flatMap((w) => [...w.ports].filter(([, n]) => n === Number(target)).map(([name]) => name)) : [target];
      const open = named.filter((name) => UNAUTHENTICATED_PORTS.has(name));
      if (open.length > 0) {
        out.push(`${s.address}: type ${spec.type} exposes port ${p.name ?? p.port} (${open[0]}, no authentication) outside the cluster; move it to a ClusterIP Service`);
      }
    }
  }
  return out;
}
