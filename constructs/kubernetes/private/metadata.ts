import type { ClusterSpec } from '../../../spec/cluster';
import { formatVersion, type RabbitVersion } from '../../../spec/version';

/** Well-known label keys (`app.kubernetes.io/*`, as the cluster-operator sets them). */
export const LABEL = {
  name: 'app.kubernetes.io/name',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  managedBy: 'app.kubernetes.io/managed-by',
  version: 'app.kubernetes.io/version',
} as const;

/** Pod label the preStop hook reads through the Downward API: when set, the hook exits at once. */
export const SKIP_PRESTOP_LABEL = 'skipPreStopChecks';

/** Pod template annotation holding the sha256 of the rendered files: a change rolls the pods. */
export const CONFIG_CHECKSUM_ANNOTATION = 'rmq-ha/config-sha256';

/**
 * Pod template annotation holding the sha256 of the secret values in the pods' files (computed
 * by Terraform; the values never appear): a rotated password rolls the pods one at a time, and
 * each restarted pod imports the definitions with the new value. The Erlang cookie is not in it
 * (a rolling cookie change cannot work; its rotation is refused, see constructs/secrets).
 */
export const SECRETS_CHECKSUM_ANNOTATION = 'rmq-ha/secrets-sha256';

/**
 * Workload annotation naming the Secrets its pods mount that the stack expects to exist and does
 * not create (comma-separated; e.g. `tls.certificates.secret`, made by cert-manager). The
 * consistency checker accepts references to them. No plan-time lookup: reading a Secret with a
 * data source would copy its private key into the Terraform state.
 */
export const EXTERNAL_SECRETS_ANNOTATION = 'rmq-ha/external-secrets';

/** `app.kubernetes.io/component` of each kind of pod: the one label that tells them apart. */
export const COMPONENT = { rabbitmq: 'rabbitmq', loadBalancer: 'load-balancer' } as const;

type StringMap = Record<string, string>;

/**
 * Labels that select the pods. Services, the PodDisruptionBudget and the spreading rules all use
 * exactly these; they never change over the cluster's life (a StatefulSet selector is immutable).
 */
export function selectorLabels(spec: ClusterSpec): StringMap {
  return { [LABEL.name]: spec.name, [LABEL.component]: COMPONENT.rabbitmq };
}

/**
 * Labels that select the load balancer pods: the cluster's name with another component, so no
 * RabbitMQ selector picks a proxy and no load balancer selector picks a node (a Deployment
 * selector is immutable too).
 */
export function loadBalancerSelectorLabels(spec: ClusterSpec): StringMap {
  return { [LABEL.name]: spec.name, [LABEL.component]: COMPONENT.loadBalancer };
}

/** Labels of every object: the spec's, then the toolkit's (which win; the spec rejects collisions). */
export function objectLabels(spec: ClusterSpec): StringMap {
  return { ...spec.kubernetes.labels, ...selectorLabels(spec), [LABEL.partOf]: 'rabbitmq', [LABEL.managedBy]: 'rmq-ha' };
}

/** Labels of the load balancer's objects and pods: the object labels with the load balancer component. */
export function loadBalancerLabels(spec: ClusterSpec): StringMap {
  return { ...objectLabels(spec), ...loadBalancerSelectorLabels(spec) };
}

/** Labels of the StatefulSet and its pods: the object labels plus the RabbitMQ version. */
export function workloadLabels(spec: ClusterSpec, version: RabbitVersion): StringMap {
  return { ...objectLabels(spec), [LABEL.version]: formatVersion(version) };
}

/** `metadata` block of a namespaced object: name, namespace, labels, and the spec's annotations if any. */
export function objectMetadata(
  spec: ClusterSpec,
  name: string,
  extra: { labels?: StringMap; annotations?: StringMap } = {},
): { name: string; namespace: string; labels: StringMap; annotations?: StringMap } {
  const annotations = { ...spec.kubernetes.annotations, ...(extra.annotations ?? {}) };
  return {
    name,
    namespace: spec.kubernetes.namespace,
    labels: extra.labels ?? objectLabels(spec),
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
}
