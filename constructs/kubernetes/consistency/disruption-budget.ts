/** PodDisruptionBudgets: which pods they select, and how many evictions they allow. */
import { namespaceOf, one, quantityOf, selects, showLabels, type StackResource } from '../private/stack-json';
import { proxyKindOfImage } from '../private/proxy-config';
import type { Stack, Workload } from './private/stack';

/**
 * A budget selects the RabbitMQ pods and allows exactly one eviction at a time: more could cost a
 * quorum queue its majority, none blocks node drains for ever. The load balancer pods have a
 * budget too.
 */
export function checkDisruptionBudgets(stack: Stack, workloads: readonly Workload[], deployments: readonly Workload[]): string[] {
  const out: string[] = [];
  const budgetsOf = (w: Workload): StackResource[] => stack.all.pdb.filter((p) => namespaceOf(p) === w.ns && selects(one(one(p.body.spec)?.selector)?.match_labels, w.podLabels));
  for (const d of deployments) {
    if (proxyKindOfImage(d.container.image) && budgetsOf(d).length === 0) out.push(`${d.r.address}: no PodDisruptionBudget selects its pods; a node drain may evict every proxy at once`);
  }
  for (const w of workloads) {
    const budgets = budgetsOf(w);
    if (budgets.length === 0) out.push(`${w.r.address}: no PodDisruptionBudget selects its pods; a node drain may evict several at once`);
    // One at a time; below 3 nodes there is nothing to spare, and 0 would block drains for ever.
    const safe = 1;
    for (const p of budgets) {
      const spec = one(p.body.spec) ?? {};
      const maxUnavailable = quantityOf(spec.max_unavailable, w.replicas);
      const minAvailable = quantityOf(spec.min_available, w.replicas);
      const allowed = maxUnavailable ?? (minAvailable !== undefined ? w.replicas - minAvailable : undefined);
      if (allowed === undefined) out.push(`${p.address}: sets neither max_unavailable nor min_available`);
      else if (allowed === 0) {
        out.push(`${p.address}: allows no eviction of the ${w.replicas} pod(s): every node drain waits for ever; use max_unavailable = "1" (a cluster below 3 nodes goes down during a drain either way)`);
      } else if (allowed > safe) {
        out.push(`${p.address}: allows ${allowed} of ${w.replicas} pods to be evicted at once; at most ${safe} keeps every quorum queue (3 replicas or more) a majority: use max_unavailable = "${safe}"`);
      }
    }
  }
  for (const p of stack.all.pdb) {
    const sel = one(one(p.body.spec)?.selector)?.match_labels;
    if (![...workloads, ...deployments].some((w) => w.ns === namespaceOf(p) && selects(sel, w.podLabels))) out.push(`${p.address}: selector ${showLabels(sel)} matches no pod of the stack`);
  }
  return out;
}
