/**
 * `kubernetes.networkPolicy`: a NetworkPolicy on the RabbitMQ pods. The inter-node ports (epmd
 * 4369, distribution 25672, CLI tools 35672-35682; the cookie grants code execution there) admit
 * only the cluster's own pods; AMQP(S), management and plugin listeners admit the load balancer's
 * pods and the `clients` named here; the Prometheus ports the load balancer and the `metrics`
 * peers. Ingress only: what the nodes connect to (federation, shovels, DNS) is not restricted.
 */
import { z } from 'zod';
import type { ClusterSpec } from './cluster';
import type { SpecIssue } from './errors';
import { CIDR, labelSelectorMap } from './private/kubernetes-fields';

/**
 * Who may connect: pods with these labels (`pods`), in namespaces with these labels
 * (`namespaces`), both (pods with the labels in those namespaces), or addresses (`cidr`, for
 * clients outside the cluster). `namespaces: {}` means every namespace.
 */
export const networkPeerSpec = z
  .strictObject({
    /** Namespace labels (`namespaceSelector.matchLabels`), e.g. `{ kubernetes.io/metadata.name: apps }`. @default - the cluster's own namespace */
    namespaces: labelSelectorMap.optional(),
    /** Pod labels (`podSelector.matchLabels`). @default - every pod of the namespaces */
    pods: labelSelectorMap.optional(),
    /** Source addresses (`ipBlock.cidr`): clients outside the cluster, when their addresses reach the pods unchanged. */
    cidr: z.string().regex(CIDR, { error: 'must be a CIDR such as 10.0.0.0/8' }).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.namespaces === undefined && p.pods === undefined && p.cidr === undefined) {
      ctx.addIssue({ code: 'custom', message: 'names no one: give namespaces, pods (labels) or cidr', input: p });
    }
    if (p.cidr !== undefined && (p.namespaces !== undefined || p.pods !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['cidr'], message: 'cannot be combined with namespaces or pods (Kubernetes peers are one or the other); list it as a peer of its own', input: p.cidr });
    }
  });
export type NetworkPeerSpec = z.output<typeof networkPeerSpec>;

/** The `kubernetes.networkPolicy` section. */
export const networkPolicySpec = z.strictObject({
  /**
   * Create the NetworkPolicy `<cluster>-server`. Needs a CNI that enforces NetworkPolicies
   * (Calico, Cilium, ...); elsewhere it is accepted and has no effect.
   * @default false
   */
  enabled: z.boolean().default(false),
  /** Peers admitted to AMQP(S), management and the plugin listeners (the load balancer's pods always are). @default [] */
  clients: z.array(networkPeerSpec).max(64).default([]),
  /** Peers admitted to the Prometheus endpoints (e.g. the monitoring namespace). @default [] */
  metrics: z.array(networkPeerSpec).max(64).default([]),
});
export type NetworkPolicySpec = z.output<typeof networkPolicySpec>;

/** Rules that tie the network policy to the rest of the spec. */
export function networkPolicyIssues(spec: ClusterSpec): SpecIssue[] {
  const np = spec.kubernetes.networkPolicy;
  if (!np.enabled) return [];
  const out: SpecIssue[] = [];
  const k = spec.kubernetes;
  if (spec.loadBalancer.kind === 'none' && k.serviceType !== 'ClusterIP' && !np.clients.some((c) => c.cidr !== undefined)) {
    out.push({
      path: 'kubernetes.networkPolicy.clients',
      value: np.clients,
      message: `admits no client from outside the cluster, but the nodes face it directly (serviceType ${k.serviceType}, loadBalancer.kind none); add a peer { cidr: ... } for the clients' addresses, or put a load balancer in front (loadBalancer.kind haproxy)`,
    });
  }
  return out;
}
