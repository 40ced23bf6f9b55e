import { Container, type ContainerUpload } from '@cdktf/provider-docker/lib/container';
import { Image } from '@cdktf/provider-docker/lib/image';
import { Construct } from 'constructs';
import type { SecretName } from '../../plan/files';
import type { LoadBalancerPlan } from '../../plan/load-balancer-plan';
import { childName, SUFFIX } from '../../plan/names';
import type { ClusterSpec } from '../../spec/cluster';
import { toTerraformText } from '../private/terraform-text';

/** Props of LoadBalancerContainer. */
export interface LoadBalancerContainerProps {
  readonly spec: ClusterSpec;
  readonly loadBalancer: LoadBalancerPlan;
  readonly networkName: string;
  /** Node containers the proxy starts after (names must resolve for nginx at start-up). */
  readonly dependsOn: readonly Container[];
  readonly secretToken: (name: SecretName) => string;
  /** TLS files of the proxy (owner-only; the proxy starts as root to read them). @default - no TLS */
  readonly tlsUploads?: ContainerUpload[];
}

/**
 * The load balancer on the cluster network: the pinned official image, its config uploaded, and
 * AMQP, management and status ports published on `network.bindAddress` only.
 */
export class LoadBalancerContainer extends Construct {
  public readonly container: Container;
  public readonly image: Image;

  constructor(scope: Construct, id: string, props: LoadBalancerContainerProps) {
    super(scope, id);
    const { spec, loadBalancer: lb } = props;
    const name = childName(spec.name, SUFFIX.loadBalancer);
    const ports = spec.loadBalancer.ports;
    const ip = spec.network.bindAddress;
    this.image = new Image(this, 'image', { name: lb.image, keepLocally: true });
    this.image.overrideLogicalId('load_balancer');
    // nginx's status page answers loopback only (requests through a published port come from the
    // bridge gateway and would get 403): it is not published; use docker exec.
    const lbPorts = lb.input.settings.ports;
    const published = [lbPorts.amqp, lbPorts.management, ...(lb.kind === 'haproxy' ? [ports.stats] : []), ...(spec.loadBalancer.prometheus ? [ports.prometheus] : [])];
    this.container = new Container(this, 'container', {
      name,
      hostname: name,
      image: this.image.imageId,
      networksAdvanced: [{ name: props.networkName, aliases: [name] }],
      // The image runs the proxy as an unprivileged user: the config (which holds the status-page
      // password) must be readable by it; it never leaves the container.
      upload: [{ file: lb.config.path, content: toTerraformText(lb.config.content, props.secretToken), permissions: '0444' }, ...(props.tlsUploads ?? [])],
      // TLS files are root-only: the proxy starts as root (HAProxy then drops to its user; nginx's workers run unprivileged).
      ...(props.tlsUploads ? { user: 'root' } : {}),
      ports: published.map((p) => ({ internal: p, external: p, ip, protocol: 'tcp' })),
      restart: 'unless-stopped',
      // Open connections get 10 s to finish on `docker stop` and on Terraform's destroy/replace
      // (the provider's destroy_grace_seconds default of 0 would SIGKILL at once).
      stopTimeout: 10,
      destroyGraceSeconds: 10,
      labels: [
        { label: 'rmq-ha.cluster', value: spec.name },
        { label: 'rmq-ha.role', value: `load-balancer-${lb.kind}` },
      ],
      dependsOn: [...props.dependsOn],
      mustRun: true,
    });
    this.container.overrideLogicalId('load_balancer');
  }
}
