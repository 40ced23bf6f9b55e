import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { DockerCluster } from '../../constructs/docker/docker-cluster';
import { SecretGuards } from '../../constructs/secrets/secret-guards';
import { secretsIn } from '../../plan/files';
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
  const cluster = new DockerCluster(scope, 'cluster', { plan, secretToken });
  // Every secret a node container holds (its files and the cookie): a new value recreates every
  // container at once on a plain apply, so Terraform refuses it unless rotated on purpose.
  const n0 = plan.nodes[0];
  const held = [...new Set(['erlang_cookie', ...[n0.config, n0.enabledPlugins, n0.definitions].flatMap((f) => secretsIn(f.content))])].sort();
  const guards = new SecretGuards(scope, 'secret-guards', { names: held, secretToken });
  const preconditions = held.map((name) =>
    guards.precondition(
      name,
      name === 'erlang_cookie'
        ? 'Nodes with different Erlang cookies cannot talk to each other: a changed cookie needs every node stopped at once.'
        : 'Every node container holds it, so a plain terraform apply would replace all of them at the same time and the cluster would stop.',
    ),
  );
  for (const node of cluster.nodes) node.container.lifecycle = { ...node.container.lifecycle, precondition: preconditions };
  if (cluster.certificates) {
    // Clients verify the cluster with this CA: `terraform output -raw tls_ca_certificate > ca.pem`.
    new TerraformOutput(scope, 'tls_ca_certificate', { value: cluster.certificates.caPem, description: 'CA certificate (PEM) the node and load balancer certificates chain to' }).overrideLogicalId('tls_ca_certificate');
  }
}
