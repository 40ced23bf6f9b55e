import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import type { Construct } from 'constructs';
import { DockerCluster } from '../../constructs/docker/docker-cluster';
import type { SecretName } from '../../plan/files';
import type { ClusterPlan } from '../../plan/plan';

/**
 * The kreuzwerker/docker version `required_providers` pins. The @cdktf/provider-docker 12.0.3
 * bindings were generated from 3.6.2 and would pin that, but 3.6.2 panics on a container's `cpus`
 * (kreuzwerker/terraform-provider-docker#759, fixed by #771 in 3.7.0). 4.6.0: the one revision the
 * Go module proxy serves (providers/README.md), so the one these stacks are applied with in the
 * tests. 4.x drops only attributes these stacks do not write (docker_network.check_duplicate; see
 * the provider's v3 to v4 migration guide); terraform validate and a real apply check the rest.
 */
export const DOCKER_PROVIDER_VERSION = '4.6.0';

/** The Docker provider at DOCKER_PROVIDER_VERSION (cdktf writes required_providers from this metadata). */
class PinnedDockerProvider extends DockerProvider {
  public override readonly terraformGeneratorMetadata = {
    providerName: 'docker',
    providerVersion: DOCKER_PROVIDER_VERSION,
  };
}

/** Places a plan on Docker: the provider (local Docker socket or DOCKER_HOST) and the cluster. */
export function placeOnDocker(scope: Construct, plan: ClusterPlan, secretToken: (name: SecretName) => string): void {
  new PinnedDockerProvider(scope, 'docker', {});
  new DockerCluster(scope, 'cluster', { plan, secretToken });
}
