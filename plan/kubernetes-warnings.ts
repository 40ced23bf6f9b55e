/**
 * Best-practice findings that only the Kubernetes target has: things that work on the first apply
 * and hurt on a later day (a drain, a `terraform destroy`). Each rule says why it exists.
 */
import type { ClusterSpec } from '../spec/cluster';
import { pluginListeners } from '../spec/plugin-listeners';
import type { PlanWarning } from './warnings';

interface Rule {
  readonly id: string;
  readonly path: string;
  /** Why the rule exists (for readers of this table; the message says what to do). */
  readonly reason: string;
  /** The message when the rule applies to the spec, else undefined. */
  readonly check: (spec: ClusterSpec) => string | undefined;
}

const RULES: readonly Rule[] = [
  {
    id: 'drain-takes-cluster-down',
    path: 'nodes',
    reason:
      'Below 3 nodes no pod can stop without costing a majority. The disruption budget still allows one eviction (0 blocks every node drain for ever) and the preStop hook only drains, so a drain or a rolling update takes the cluster down while the pod restarts.',
    check: (spec) =>
      spec.nodes >= 3
        ? undefined
        : `with ${spec.nodes} node(s) a node drain or rolling update stops a pod the cluster cannot spare: queues (and, from 4.3, the metadata store) are unavailable until it is back; the disruption budget allows it because a budget of 0 blocks node drains for ever; use 3 nodes`,
  },
  {
    id: 'listeners-inside-only',
    path: 'kubernetes.serviceType',
    reason:
      'Only the entry point gets an external type. With a proxy that is the proxy\'s Service, and the proxy forwards AMQP and HTTP only: the plugin listeners stay on the ClusterIP client Service, which a user asking for LoadBalancer or NodePort may not expect.',
    check: (spec) => {
      const listeners = pluginListeners(spec.rabbitmq.plugins);
      if (spec.kubernetes.serviceType === 'ClusterIP' || spec.loadBalancer.kind === 'none' || listeners.length === 0) return undefined;
      return (
        `the ${spec.loadBalancer.kind} load balancer, the ${spec.kubernetes.serviceType} entry point, forwards AMQP and HTTP only: ` +
        `${listeners.map((l) => `${l.name} ${l.port}`).join(', ')} stay on the ClusterIP client Service ${spec.name}, reachable inside the cluster only; ` +
        'expose them with a Service of your own, or set loadBalancer.kind: none to make the client Service the entry point'
      );
    },
  },
  {
    id: 'destroy-deletes-claims',
    path: 'kubernetes.createNamespace',
    reason:
      'The StatefulSet retains its volume claims when it is deleted, but a namespace created by the stack is deleted by `terraform destroy` (or by turning createNamespace off), and Kubernetes deletes every claim in it: the nodes\' data goes unless the StorageClass reclaims volumes with Retain.',
    check: (spec) =>
      spec.kubernetes.createNamespace
        ? `terraform destroy deletes namespace ${spec.kubernetes.namespace} and with it the retained volume claims (every node's data, unless the StorageClass's reclaimPolicy is Retain); to keep them, create the namespace outside the stack and set createNamespace: false (for a stack already applied, run \`terraform state rm kubernetes_namespace_v1.cluster\` before that apply, or it deletes the namespace)`
        : undefined,
  },
  {
    id: 'network-policy-off',
    path: 'kubernetes.networkPolicy.enabled',
    reason:
      'TLS protects traffic on the wire, but without a NetworkPolicy every pod of the Kubernetes cluster can still connect to epmd and the distribution port (where the cookie grants code execution) and to every listener. Only asked when TLS is on: a spec that asks for TLS asks for least exposure, and turning a policy on by default would cut off clients nobody named.',
    check: (spec) =>
      spec.tls.enabled && !spec.kubernetes.networkPolicy.enabled
        ? 'every pod of the Kubernetes cluster can reach epmd 4369, the distribution port 25672 and the listeners of the nodes; set kubernetes.networkPolicy.enabled: true and name the clients (and metrics scrapers) that may connect'
        : undefined,
  },
];

/** The Kubernetes findings for a spec, in the table's order; empty for other targets. */
export function kubernetesWarnings(spec: ClusterSpec): PlanWarning[] {
  if (spec.target !== 'kubernetes') return [];
  return RULES.flatMap((r) => {
    const message = r.check(spec);
    return message === undefined ? [] : [{ id: r.id, path: r.path, message }];
  });
}
