import { ServiceV1, type ServiceV1SpecPort } from '@cdktf/provider-kubernetes/lib/service-v1';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { ClusterPlan } from '../../plan/plan';
import { hasProxy, serviceExposure } from './private/exposure';
import { objectMetadata, selectorLabels } from './private/metadata';
import type { KubernetesNames } from './private/names';
import { clientServicePorts, headlessServicePorts, type ServerPort } from './private/server-ports';

function servicePort(p: ServerPort): ServiceV1SpecPort {
  return { name: p.name, port: p.port, targetPort: p.name, protocol: 'TCP', ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) };
}

/** Props of ClusterServices. */
export interface ClusterServicesProps {
  /** The plan: its spec, and the listeners its rabbitmq.conf opens (private/server-ports.ts). */
  readonly plan: ClusterPlan;
  readonly names: KubernetesNames;
  readonly dependsOn: ITerraformDependable[];
}

/**
 * The two Services of a cluster:
 * - headless `<cluster>-nodes` (the StatefulSet's `serviceName`): gives pod i the DNS name
 *   `<cluster>-server-<i>.<cluster>-nodes.<ns>` that its Erlang node name uses. It publishes
 *   not-ready pods, because nodes must find each other before any of them is ready. It also
 *   carries the Prometheus port (15692, no authentication, or 15691 with TLS): every pod is an endpoint of its own,
 *   which is what per-node metrics need, and the Service never leaves the cluster;
 * - client `<cluster>` (amqp, management; amqps, management-tls with TLS, the plain ones gone
 *   with `tls.required`): what applications and dashboards connect to; only ready pods receive traffic. It is the entry point, with the spec's type,
 *   annotations and source ranges, only when there is no proxy; with one it stays ClusterIP and
 *   the proxy's Service faces the clients (see `private/exposure.ts`).
 */
export class ClusterServices extends Construct {
  public readonly headless: ServiceV1;
  public readonly client: ServiceV1;

  constructor(scope: Construct, id: string, props: ClusterServicesProps) {
    super(scope, id);
    const { plan, names, dependsOn } = props;
    const { spec } = plan;
    const exposure = serviceExposure(spec, !hasProxy(spec));

    this.headless = new ServiceV1(this, 'headless', {
      metadata: objectMetadata(spec, names.headlessService),
      spec: {
        clusterIp: 'None',
        publishNotReadyAddresses: true,
        selector: selectorLabels(spec),
        port: headlessServicePorts(plan).map(servicePort),
      },
      dependsOn,
    });
    this.headless.overrideLogicalId('nodes');

    this.client = new ServiceV1(this, 'client', {
      metadata: objectMetadata(spec, names.clientService, { annotations: exposure.annotations }),
      spec: {
        ...exposure.spec,
        selector: selectorLabels(spec),
        port: clientServicePorts(plan).map(servicePort),
      },
      // A LoadBalancer may take minutes to get an address; apply does not wait for it.
      waitForLoadBalancer: false,
      dependsOn,
    });
    this.client.overrideLogicalId('client');
  }
}
