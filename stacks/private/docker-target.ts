import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import type { Construct } from 'constructs';
import { DockerCluster } from '../../constructs/docker/docker-cluster';
import type { SecretName } from '../../plan/files';
import type { ClusterPlan } from '../../plan/plan';

/** Places a plan on Docker: the provider (local Docker socket or DOCKER_HOST) and the cluster. */
export function placeOnDocker(scope: Construct, plan: ClusterPlan, secretToken: (name: SecretName) => string): void {
  new DockerProvider(scope, 'docker', {});
  new DockerCluster(scope, 'cluster', { plan, secretToken });
}
