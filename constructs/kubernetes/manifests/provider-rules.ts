/**
 * What the hashicorp/kubernetes provider (2.38) does differently from the Kubernetes API, where
 * the OpenAPI schema cannot tell: which resource type creates which kind, Terraform-only
 * attributes to drop, renames, and values the provider converts before sending them. Everything
 * else (camelCase names, plural list names, object vs list, scalar types) is read from the schema.
 */

/** Terraform resource type -> the OpenAPI definition of the object it creates. */
export const RESOURCE_DEFINITIONS: Readonly<Record<string, string>> = {
  kubernetes_namespace_v1: 'io.k8s.api.core.v1.Namespace',
  kubernetes_service_account_v1: 'io.k8s.api.core.v1.ServiceAccount',
  kubernetes_role_v1: 'io.k8s.api.rbac.v1.Role',
  kubernetes_role_binding_v1: 'io.k8s.api.rbac.v1.RoleBinding',
  kubernetes_cluster_role_v1: 'io.k8s.api.rbac.v1.ClusterRole',
  kubernetes_cluster_role_binding_v1: 'io.k8s.api.rbac.v1.ClusterRoleBinding',
  kubernetes_secret_v1: 'io.k8s.api.core.v1.Secret',
  kubernetes_config_map_v1: 'io.k8s.api.core.v1.ConfigMap',
  kubernetes_service_v1: 'io.k8s.api.core.v1.Service',
  kubernetes_stateful_set_v1: 'io.k8s.api.apps.v1.StatefulSet',
  kubernetes_deployment_v1: 'io.k8s.api.apps.v1.Deployment',
  kubernetes_pod_disruption_budget_v1: 'io.k8s.api.policy.v1.PodDisruptionBudget',
  kubernetes_network_policy_v1: 'io.k8s.api.networking.v1.NetworkPolicy',
};

/** Order of kinds in the output, so that `kubectl apply -f` creates what others refer to first. */
export const KIND_ORDER: readonly string[] = [
  'Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'Secret', 'ConfigMap',
  'Service', 'StatefulSet', 'Deployment', 'PodDisruptionBudget', 'NetworkPolicy',
];

/** Attributes of a resource block that are Terraform's or the provider's, never the object's. */
export const DROPPED_RESOURCE_ATTRIBUTES: Readonly<Record<string, string>> = {
  '//': 'cdktf metadata (construct path, unique id)',
  depends_on: 'Terraform meta-argument: ordering only',
  lifecycle: 'Terraform meta-argument (prevent_destroy, ignore_changes); a container lifecycle is nested, not here',
  provider: 'Terraform meta-argument: which provider configuration',
  count: 'Terraform meta-argument',
  for_each: 'Terraform meta-argument',
  provisioner: 'Terraform meta-argument',
  connection: 'Terraform meta-argument',
  timeouts: 'provider: how long Terraform waits for create/update/delete',
  wait_for_rollout: 'provider (stateful_set, deployment): Terraform waits for the rollout',
  wait_for_load_balancer: 'provider (service): Terraform waits for the load balancer address',
  wait_for_default_service_account: 'provider (namespace): Terraform waits for the default ServiceAccount',
  wait_for_service_account_token: 'provider (secret): Terraform waits for a token Secret to be filled',
  data_wo_revision: 'provider (secret, config_map): bumps to re-send the write-only data',
};

/**
 * Renames the schema cannot infer: `<definition>.<provider attribute>` -> API field. Each with
 * the reason; camelCase, plural and case differences (client_ip -> clientIP) are inferred.
 */
export const FIELD_RENAMES: Readonly<Record<string, { readonly field: string; readonly reason: string }>> = {
  'io.k8s.api.core.v1.Secret.binary_data': { field: 'data', reason: 'the provider takes base64 values in binary_data and sends them as data' },
  'io.k8s.api.core.v1.Secret.data_wo': { field: 'data', reason: 'write-only data (not kept in state) is sent as data' },
  'io.k8s.api.core.v1.ConfigMap.data_wo': { field: 'data', reason: 'write-only data (not kept in state) is sent as data' },
};

/**
 * Values the provider converts before sending: `<definition>.<provider attribute>` -> conversion.
 * `base64`: the provider base64-encodes each value of the map (Secret data is bytes in the API).
 * `octal`: the provider takes file modes as octal strings ("0400") and sends the number (256).
 */
export const VALUE_CONVERSIONS: Readonly<Record<string, { readonly convert: 'base64' | 'octal'; readonly reason: string }>> = {
  'io.k8s.api.core.v1.Secret.data': { convert: 'base64', reason: 'the provider encodes data values; the API takes bytes as base64' },
  'io.k8s.api.core.v1.Secret.data_wo': { convert: 'base64', reason: 'as data' },
  'io.k8s.api.core.v1.SecretVolumeSource.default_mode': { convert: 'octal', reason: 'an octal string in the provider' },
  'io.k8s.api.core.v1.ConfigMapVolumeSource.default_mode': { convert: 'octal', reason: 'an octal string in the provider' },
  'io.k8s.api.core.v1.ProjectedVolumeSource.default_mode': { convert: 'octal', reason: 'an octal string in the provider' },
  'io.k8s.api.core.v1.DownwardAPIVolumeSource.default_mode': { convert: 'octal', reason: 'an octal string in the provider' },
  'io.k8s.api.core.v1.KeyToPath.mode': { convert: 'octal', reason: 'an octal string in the provider' },
  'io.k8s.api.core.v1.DownwardAPIVolumeFile.mode': { convert: 'octal', reason: 'an octal string in the provider' },
};
