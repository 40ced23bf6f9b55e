import { Image } from '@cdktf/provider-docker/lib/image';
import { Construct } from 'constructs';
import type { ClusterPlan } from '../../plan/plan';
import type { SecretName } from '../../plan/files';
import { ClusterNetwork } from './cluster-network';
import { LoadBalancerContainer } from './load-balancer-container';
import { RabbitmqNode } from './rabbitmq-node';
import { terraformSafe } from '../private/terraform-text';
import { ClusterCertificates } from '../tls/cluster-certificates';
import { nodeErlArgs } from '../../plan/tls-files';
import { nodeListeners, preferredListener } from '../../plan/listeners';
import { loadBalancerNeedsCertificate } from '../../spec/tls';
import { loadBalancerTlsPlacement, nodeTlsPlacement } from './tls-placement';

/** Props of DockerCluster. */
export interface DockerClusterProps {
  /** The plan, rendered for the docker address table. */
  readonly plan: ClusterPlan;
  /** Terraform reference of a secret. */
  readonly secretToken: (name: SecretName) => string;
}

/**
 * The Compose-equivalent: a dedicated network, the pinned image, one volume and container per
 * node, and the load balancer. Placement only: every decision about the cluster is in the plan.
 */
export class DockerCluster extends Construct {
  public readonly network: ClusterNetwork;
  public readonly image: Image;
  public readonly nodes: readonly RabbitmqNode[];
  public readonly loadBalancer?: LoadBalancerContainer;
  /** The TLS material (tls.enabled). */
  public readonly certificates?: ClusterCertificates;

  constructor(scope: Construct, id: string, props: DockerClusterProps) {
    super(scope, id);
    // Every string of the plan escaped for Terraform once, here (constructs/private/terraform-text.ts).
    const plan = terraformSafe(props.plan);
    if (plan.addresses.target !== 'docker') throw new Error(`DockerCluster needs a docker plan, got ${plan.addresses.target}`);
    this.network = new ClusterNetwork(this, 'network', { clusterName: plan.spec.name });
    this.image = new Image(this, 'image', { name: plan.image, keepLocally: true });
    this.image.overrideLogicalId('rabbitmq');
    const tls = plan.tls;
    const certs = tls ? new ClusterCertificates(this, 'certificates', { clusterName: plan.spec.name, tls }) : undefined;
    this.certificates = certs;
    this.nodes = plan.nodes.map(
      (node) =>
        new RabbitmqNode(this, `node-${node.address.index}`, {
          spec: plan.spec,
          node,
          imageId: this.image.imageId,
          networkName: this.network.network.name,
          secretToken: props.secretToken,
          ...(tls && certs
            ? {
                tls: {
                  placement: nodeTlsPlacement(certs.forNode(node.address.index), tls.nodes[node.address.index].paths, 'rabbitmq'),
                  erlArgs: nodeErlArgs(tls, node.address.index),
                  alias: tls.sharedNodeName,
                  amqpPort: preferredListener(nodeListeners(node.address, tls), 'amqp').port,
                  managementPort: preferredListener(nodeListeners(node.address, tls), 'management').port,
                },
              }
            : {}),
        }),
    );
    if (plan.loadBalancer) {
      this.loadBalancer = new LoadBalancerContainer(this, 'load-balancer', {
        spec: plan.spec,
        loadBalancer: plan.loadBalancer,
        networkName: this.network.network.name,
        dependsOn: this.nodes.map((n) => n.container),
        secretToken: props.secretToken,
        ...(tls?.loadBalancer && certs
          ? { tlsUploads: loadBalancerTlsPlacement(certs.loadBalancer(), tls.loadBalancer.paths, tls.loadBalancer.combinedPath, loadBalancerNeedsCertificate(plan.spec)) }
          : {}),
      });
    }
  }
}
