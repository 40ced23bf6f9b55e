import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { ServiceV1, type ServiceV1SpecPort } from '@cdktf/provider-kubernetes/lib/service-v1';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { SecretName } from '../../plan/files';
import type { LoadBalancerPlan } from '../../plan/load-balancer-plan';
import type { TlsPlan } from '../../plan/tls';
import type { ClusterSpec } from '../../spec/cluster';
import { toTerraformText } from '../private/terraform-text';
import { filesChecksum } from './private/config-files';
import { serviceExposure } from './private/exposure';
import { loadBalancerPodSpec, loadBalancerPorts, type LoadBalancerPortName } from './private/load-balancer-pod';
import { CONFIG_CHECKSUM_ANNOTATION, loadBalancerLabels, loadBalancerSelectorLabels, objectMetadata } from './private/metadata';
import type { KubernetesNames } from './private/names';
import { externalSecretAnnotations } from './private/tls-pod';

/** appProtocol of each Service port. */
const APP_PROTOCOL: Readonly<Record<LoadBalancerPortName, string>> = { amqp: 'amqp', management: 'http', stats: 'http', prometheus: 'http' };
/** With TLS the client listeners speak AMQPS and HTTPS (in both modes: passthrough forwards the node's TLS). */
const TLS_APP_PROTOCOL: Partial<Record<LoadBalancerPortName, string>> = { amqp: 'amqps', management: 'https' };

/**
 * Ports clients use (AMQP; the management UI and HTTP API, which authenticate): on the entry point
 * Service. The others (the status page, the Prometheus pass-through: no authentication, or only
 * the stats password) are for operators and scrapers inside the cluster.
 */
const CLIENT_PORTS: ReadonlySet<LoadBalancerPortName> = new Set(['amqp', 'management']);

/** Props of KubernetesLoadBalancer. */
export interface KubernetesLoadBalancerProps {
  readonly spec: ClusterSpec;
  /** The load balancer of the plan, rendered for the kubernetes address table (pod DNS names, listeners on 0.0.0.0). */
  readonly loadBalancer: LoadBalancerPlan;
  readonly names: KubernetesNames;
  /** Terraform reference of a plan secret (the status page password in the config). */
  readonly secretToken: (name: SecretName) => string;
  /** What every object needs first (the namespace, when the stack creates it). */
  readonly dependsOn: ITerraformDependable[];
  /**
   * What the proxies route to: the Deployment is created after them, so the node names resolve
   * when a proxy starts (nginx before 1.27.3 resolves them only at start-up) and the proxies are
   * removed before the nodes on destroy.
   */
  readonly backends: ITerraformDependable[];
  /** The plan's TLS: the proxy mounts its CA (and certificate) from `tlsSecret` or the spec's Secret. @default - no TLS */
  readonly tls?: TlsPlan;
  /** The Secret `<cluster>-lb-tls` when the stack creates it (created before the Deployment). @default - none */
  readonly tlsSecret?: ITerraformDependable;
}

/**
 * The load balancer in front of the RabbitMQ pods, from the plan's rendered config:
 * - Secret `<cluster>-lb-config`: the config with the status page password resolved by Terraform
 *   (a Secret, not a ConfigMap, because of that password);
 * - Deployment `<cluster>-lb`: `loadBalancer.replicas` pods of the pinned official image, the
 *   config mounted read-only at the image's config path, a checksum of the config (placeholders,
 *   never secret values) on the pod template so a changed config rolls the pods, probes, a
 *   non-root security context, spread over hosts (see `private/load-balancer-pod.ts`);
 * - PodDisruptionBudget `<cluster>-lb-pdb`: drains take one proxy at a time;
 * - Service `<cluster>-lb` (amqp, management; the spec's type, annotations and source ranges):
 *   the entry point, the address plan/endpoints.ts gives clients;
 * - Service `<cluster>-lb-internal` (stats, and the Prometheus pass-through when enabled), always
 *   ClusterIP: those listeners must not face the outside (see `private/exposure.ts`).
 * Both select the proxy pods only, never the nodes.
 */
export class KubernetesLoadBalancer extends Construct {
  public readonly configSecret: SecretV1;
  public readonly deployment: DeploymentV1;
  public readonly disruptionBudget: PodDisruptionBudgetV1;
  /** The entry point: what clients connect to. */
  public readonly service: ServiceV1;
  /** The operators' listeners, ClusterIP only. */
  public readonly internalService: ServiceV1;
  /** sha256 (hex) of the rendered config with its placeholders: the pod template annotation. */
  public readonly checksum: string;

  constructor(scope: Construct, id: string, props: KubernetesLoadBalancerProps) {
    super(scope, id);
    const { spec, loadBalancer: lb, names, dependsOn } = props;
    const k = spec.kubernetes;
    const labels = loadBalancerLabels(spec);
    const selector = loadBalancerSelectorLabels(spec);
    const config = lb.config;
    this.checksum = filesChecksum([{ key: config.name, relativePath: config.name, content: config.content, sensitive: config.sensitive }]);

    this.configSecret = new SecretV1(this, 'config', {
      metadata: objectMetadata(spec, names.loadBalancerConfigSecret, { labels }),
      type: 'Opaque',
      data: { [config.name]: toTerraformText(config.content, props.secretToken) },
      dependsOn,
    });
    this.configSecret.overrideLogicalId('load_balancer_config');

    this.deployment = new DeploymentV1(this, 'deployment', {
      metadata: objectMetadata(spec, names.loadBalancer, { labels, annotations: externalSecretAnnotations(props.tls) }),
      spec: {
        replicas: String(spec.loadBalancer.replicas),
        selector: { matchLabels: selector },
        // One extra pod at a time and none taken away before its replacement is ready.
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '1', maxUnavailable: '0' } },
        template: {
          metadata: { labels, annotations: { ...k.podAnnotations, [CONFIG_CHECKSUM_ANNOTATION]: this.checksum } },
          spec: loadBalancerPodSpec(spec, names, lb, props.tls),
        },
      },
      waitForRollout: true,
      dependsOn: [...dependsOn, this.configSecret, ...(props.tlsSecret ? [props.tlsSecret] : []), ...props.backends],
    });
    this.deployment.overrideLogicalId('load_balancer');

    this.disruptionBudget = new PodDisruptionBudgetV1(this, 'disruption-budget', {
      metadata: objectMetadata(spec, names.loadBalancerDisruptionBudget, { labels }),
      spec: { maxUnavailable: '1', selector: { matchLabels: selector } },
      dependsOn,
    });
    this.disruptionBudget.overrideLogicalId('load_balancer');

    const ports = loadBalancerPorts(lb).map((p): ServiceV1SpecPort => ({
      name: p.name,
      port: p.port,
      targetPort: p.name,
      protocol: 'TCP',
      appProtocol: props.tls && TLS_APP_PROTOCOL[p.name] ? TLS_APP_PROTOCOL[p.name] : APP_PROTOCOL[p.name],
    }));
    const service = (id: string, name: string, entryPoint: boolean): ServiceV1 => {
      const exposure = serviceExposure(spec, entryPoint);
      return new ServiceV1(this, id, {
        metadata: objectMetadata(spec, name, { labels, annotations: exposure.annotations }),
        spec: { ...exposure.spec, selector, port: ports.filter((p) => CLIENT_PORTS.has(p.name as LoadBalancerPortName) === entryPoint) },
        waitForLoadBalancer: false,
        dependsOn,
      });
    };
    this.service = service('service', names.loadBalancer, true);
    this.internalService = service('internal-service', names.loadBalancerInternalService, false);
    this.internalService.overrideLogicalId('load_balancer_internal');
    this.service.overrideLogicalId('load_balancer');
  }
}
