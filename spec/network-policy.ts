/**
 * The `networkPolicy` section (Kubernetes): a NetworkPolicy on the RabbitMQ pods that admits the
 * Erlang distribution ports (epmd 4369, 25672, the CLI range 35672-35682) only from the cluster's
 * own server pods, AMQP and management only from the cluster's load balancer pods and the peers
 * named under `clients`, and the Prometheus port only from the peers under `metrics`.
 */
import { z } from 'zod';

const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

const labels = z.record(
  z.string().max(316).regex(LABEL_KEY, { error: 'must be a label key: [prefix/]name' }),
  z.string().max(63).regex(LABEL_VALUE, { error: 'must be a label value: letters, digits, - _ . (at most 63)' }),
);

/** Who is admitted: pods selected by labels, in namespaces selected by name or labels. */
export const networkPeerSpec = z
  .strictObject({
    /** A namespace by name (matched on its `kubernetes.io/metadata.name` label). */
    namespace: z.string().max(63).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'must be a namespace name (DNS label)' }).optional(),
    /** Namespaces by labels. */
    namespaceLabels: labels.optional(),
    /** Pods by labels (in the cluster's namespace unless a namespace is named). */
    podLabels: labels.optional(),
  })
  .refine((p) => p.namespace !== undefined || p.namespaceLabels !== undefined || p.podLabels !== undefined, {
    error: 'must name at least one of namespace, namespaceLabels, podLabels (an empty peer would admit everyone)',
  })
  .refine((p) => !(p.namespace !== undefined && p.namespaceLabels !== undefined), {
    error: 'use namespace or namespaceLabels, not both',
  });
export type NetworkPeerSpec = z.output<typeof networkPeerSpec>;

/** The `networkPolicy` section. */
export const networkPolicySpec = z.strictObject({
  /** Write the NetworkPolicy (Kubernetes target only). @default true */
  enabled: z.boolean().default(true),
  /** Peers admitted to AMQP(S) and management on the nodes directly, besides the cluster's load balancer. @default [] */
  clients: z.array(networkPeerSpec).max(32).default([]),
  /** Peers admitted to the Prometheus port (e.g. `{ namespace: monitoring }`). @default [] */
  metrics: z.array(networkPeerSpec).max(32).default([]),
});
export type NetworkPolicySpec = z.output<typeof networkPolicySpec>;
