import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import type { Construct } from 'constructs';
import { KubernetesCluster, kubernetesProviderConfig } from '../../constructs/kubernetes/kubernetes-cluster';
import { SecretGuards } from '../../constructs/secrets/secret-guards';
import type { SecretName } from '../../plan/files';
import type { ClusterPlan } from '../../plan/plan';

/** Places a plan on Kubernetes: the provider (kubeconfig path and context from the spec) and the cluster. */
export function placeOnKubernetes(scope: Construct, plan: ClusterPlan, secretToken: (name: SecretName) => string): void {
  new KubernetesProvider(scope, 'kubernetes', kubernetesProviderConfig(plan.spec.kubernetes));
  const cluster = new KubernetesCluster(scope, 'cluster', { plan, secretToken });
  // The cookie only: other secrets roll the pods one at a time (the pod template's secret
  // checksum); a pod with a new cookie could not rejoin the pods that still have the old one.
  const guards = new SecretGuards(scope, 'secret-guards', { names: ['erlang_cookie'], secretToken });
  const cookie = cluster.secrets.erlangCookie;
  cookie.lifecycle = {
    ...cookie.lifecycle,
    precondition: [
      guards.precondition(
        'erlang_cookie',
        'Pods restarted with a new cookie cannot rejoin the pods that still run with the old one, and crash-loop one after the other.',
      ),
    ],
  };
}
