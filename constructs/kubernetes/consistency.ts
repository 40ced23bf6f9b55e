/**
 * A consistency checker for synthesized Kubernetes stacks: the checks a real cluster would make
 * at apply or boot time, made on the Terraform JSON instead, with no cluster and no terraform.
 * It reads only the JSON (any producer, not just this toolkit) and recomputes what RabbitMQ and
 * Kubernetes would do with it: which pods a selector picks, which port a name resolves to, which
 * node names peer discovery will use and whether DNS can resolve them, which pods a load balancer's
 * config (haproxy.cfg, nginx.conf) sends clients to, and whether a NetworkPolicy lets the nodes and
 * the proxies through while keeping everyone else off the inter-node ports.
 *
 * `checkKubernetesStack(json)` returns one line per problem, `<terraform address>: <problem>`,
 * and [] for a consistent stack. The CLI's `validate` runs it on every Kubernetes environment.
 */
import { checkConfigMaps } from './consistency/config-maps';
import { checkDisruptionBudgets } from './consistency/disruption-budget';
import { checkLoadBalancer } from './consistency/load-balancer';
import { checkNamespaces } from './consistency/namespaces';
import { checkNetworkPolicies } from './consistency/network-policy';
import { checkPeerDiscovery } from './consistency/peer-discovery';
import { checkEnabledPlugins } from './consistency/plugins';
import { readStack, readWorkload, type Stack } from './consistency/private/stack';
import { checkRbac } from './consistency/rbac';
import { checkWorkloadRefs } from './consistency/references';
import { checkExposure, checkHeadless, checkServices } from './consistency/services';
import type { Json } from './private/stack-json';

export { PEER_DISCOVERY_PERMISSIONS } from './consistency/rbac';

/**
 * Checks a synthesized stack (the `cdk.tf.json` text or its parsed object) and returns the
 * problems found, each prefixed with the Terraform address it concerns; [] when consistent.
 */
export function checkKubernetesStack(json: string | object): string[] {
  const raw: Json = typeof json === 'string' ? JSON.parse(json) : json;
  const stack: Stack = readStack(raw);
  if (stack.all.sts.length === 0) return ['stack: no kubernetes_stateful_set_v1, nothing to check (is the target kubernetes?)'];
  const workloads = stack.all.sts.map(readWorkload(stack));
  const deployments = stack.all.deployment.map(readWorkload(stack));
  const pods = [...workloads, ...deployments];
  return [
    ...checkNamespaces(stack),
    ...workloads.flatMap((w) => [...checkWorkloadRefs(stack, w), ...checkHeadless(stack, w), ...checkPeerDiscovery(stack, w), ...checkEnabledPlugins(stack, w), ...checkRbac(stack, w)]),
    ...deployments.flatMap((d) => [...checkWorkloadRefs(stack, d), ...checkLoadBalancer(stack, d, workloads)]),
    ...checkServices(stack, pods),
    ...checkExposure(stack, pods),
    ...checkDisruptionBudgets(stack, workloads, deployments),
    ...checkNetworkPolicies(stack, workloads, deployments),
    ...checkConfigMaps(stack),
  ];
}
