import {
  NetworkPolicyV1,
  type NetworkPolicyV1SpecIngress,
  type NetworkPolicyV1SpecIngressFrom,
  type NetworkPolicyV1SpecIngressPorts,
} from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { ClusterPlan } from '../../plan/plan';
import { CLI_DIST_PORTS } from '../../plan/ports';
import type { NetworkPeerSpec } from '../../spec/network-policy';
import { loadBalancerSelectorLabels, objectMetadata, selectorLabels } from './private/metadata';
import type { KubernetesNames } from './private/names';
import { INTER_NODE_PORTS, containerPorts, type ServerPort } from './private/server-ports';

/** Props of ServerNetworkPolicy. */
export interface ServerNetworkPolicyProps {
  readonly plan: ClusterPlan;
  readonly names: KubernetesNames;
  readonly dependsOn: ITerraformDependable[];
}

function ports(list: readonly ServerPort[]): NetworkPolicyV1SpecIngressPorts[] {
  return list.map((p) => ({ port: String(p.port), protocol: 'TCP' }));
}

/** A peer of the spec as the provider's `from` block. */
export function peerOf(p: NetworkPeerSpec): NetworkPolicyV1SpecIngressFrom {
  if (p.cidr !== undefined) return { ipBlock: { cidr: p.cidr } };
  return {
    ...(p.namespaces !== undefined ? { namespaceSelector: { matchLabels: { ...p.namespaces } } } : {}),
    ...(p.pods !== undefined ? { podSelector: { matchLabels: { ...p.pods } } } : {}),
  };
}

/**
 * The ingress rules, each with its peers and ports. A rule is left out when it has no peer: an
 * ingress rule without `from` admits every source, the opposite of what an empty list means here.
 */
export function networkPolicyIngress(plan: ClusterPlan): NetworkPolicyV1SpecIngress[] {
  const { spec } = plan;
  const np = spec.kubernetes.networkPolicy;
  const all = containerPorts(plan);
  const clientPorts = all.filter((p) => p.kind === 'client' || p.kind === 'plugin');
  const metricsPorts = all.filter((p) => p.kind === 'metrics');
  const own: NetworkPolicyV1SpecIngressFrom = { podSelector: { matchLabels: selectorLabels(spec) } };
  const rules: NetworkPolicyV1SpecIngress[] = [
    // The cluster's own pods: epmd, distribution and the CLI tools' ports (the cookie grants code
    // execution there: nothing else may reach them), and every listener (a shovel or federation
    // link to the cluster itself connects from a node).
    {
      from: [own],
      ports: [...ports(INTER_NODE_PORTS), { port: String(CLI_DIST_PORTS.from), endPort: CLI_DIST_PORTS.to, protocol: 'TCP' }, ...ports(clientPorts), ...ports(metricsPorts)],
    },
  ];
  if (spec.loadBalancer.kind !== 'none') {
    // The proxies route clients and check each node's Prometheus listener (haproxy/).
    rules.push({ from: [{ podSelector: { matchLabels: loadBalancerSelectorLabels(spec) } }], ports: [...ports(clientPorts), ...ports(metricsPorts)] });
  }
  if (np.clients.length > 0) rules.push({ from: np.clients.map(peerOf), ports: ports(clientPorts) });
  if (np.metrics.length > 0 && metricsPorts.length > 0) rules.push({ from: np.metrics.map(peerOf), ports: ports(metricsPorts) });
  for (const r of rules) {
    if (!Array.isArray(r.from) || r.from.length === 0 || r.from.some((f) => Object.keys(f).length === 0)) throw new Error('network policy: a rule without peers would admit everyone');
  }
  return rules;
}

/**
 * NetworkPolicy `<cluster>-server` (`kubernetes_network_policy_v1.server`) on the RabbitMQ pods,
 * when `kubernetes.networkPolicy.enabled`: ingress only, from the cluster's own pods (inter-node
 * ports and listeners), the load balancer's pods (listeners), and the spec's `clients` (AMQP(S),
 * management, plugin listeners) and `metrics` peers (Prometheus). Ports are numbers: a named
 * port in a NetworkPolicy must exist on the pod, numbers say plainly what is open. The kubelet's
 * probes come from the node and are not subject to it on common CNIs.
 */
export class ServerNetworkPolicy extends Construct {
  public readonly policy: NetworkPolicyV1;

  constructor(scope: Construct, id: string, props: ServerNetworkPolicyProps) {
    super(scope, id);
    const { plan, names } = props;
    this.policy = new NetworkPolicyV1(this, 'policy', {
      metadata: objectMetadata(plan.spec, names.networkPolicy),
      spec: {
        podSelector: { matchLabels: selectorLabels(plan.spec) },
        policyTypes: ['Ingress'],
        ingress: networkPolicyIngress(plan),
      },
      dependsOn: props.dependsOn,
    });
    this.policy.overrideLogicalId('server');
  }
}
