import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import type { Construct } from 'constructs';
import { KubernetesCluster, kubernetesProviderConfig } from '../../constructs/kubernetes/kubernetes-cluster';
import type { SecretName } from '../../plan/files';
import type { ClusterPlan } from '../../plan/plan';

/** Places a plan on Kubernetes: the provider (kubeconfig path and context from the spec) and the cluster. */
export function placeOnKubernetes(scope: Construct, plan: ClusterPlan, secretToken: (name: SecretName) => string): void {
  new KubernetesProvider(scope, 'kubernetes', kubernetesProviderConfig(plan.spec.kubernetes));
  new KubernetesCluster(scope, 'cluster', { plan, secretToken });
}
