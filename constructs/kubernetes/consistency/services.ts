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
