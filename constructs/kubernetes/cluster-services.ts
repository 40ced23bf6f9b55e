import { ServiceV1, type ServiceV1SpecPort } from '@cdktf/provider-kubernetes/lib/service-v1';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { PORTS } from '../../plan/ports';
import type { ClusterSpec } from '../../spec/cluster';
import { pluginListeners } from '../../spec/plugin-listeners';
import { hasProxy, serviceExposure } from './private/exposure';
import { objectMetadata, selectorLabels } from './private/metadata';
import type { KubernetesNames } from './private/names';

/**
 * Named container ports of the rabbitmq container. Services target these names, so a port number
 * lives in one place (plan/ports.ts).
 */
export const CONTAINER_PORTS = {
  epmd: PORTS.epmd,
  amqp: PORTS.amqp,
  management: PORTS.management,
  prometheus: PORTS.prometheus,
  'cluster-rpc': PORTS.dist,
} as const;

export type ContainerPortName = keyof typeof CONTAINER_PORTS;

function servicePort(name: ContainerPortName, appProtocol?: string): ServiceV1SpecPort {
  return { name, port: CONTAINER_PORTS[name], targetPort: name, protocol: 'TCP', ...(appProtocol ? { appProtocol } : {}) };
}

/** Service ports of the plugin listeners the spec enables (spec/plugin-listeners.ts). */
export function listenerServicePorts(spec: ClusterSpec): ServiceV1SpecPort[] {
  return pluginListeners(spec.rabbitmq.plugins).map((l) => ({ name: l.name, port: l.port, targetPort: l.name, protocol: 'TCP', appProtocol: l.appProtocol }));
}

/** Props of ClusterServices. */
export interface ClusterServicesProps {
  readonly spec: ClusterSpec;
  readonly names: KubernetesNames;
  readonly dependsOn: ITerraformDependable[];
}

/**
 * The two Services of a cluster:
 * - headless `<cluster>-nodes` (the StatefulSet's `serviceName`): gives pod i the DNS name
 *   `<cluster>-server-<i>.<cluster>-nodes.<ns>` that its Erlang node name uses. It publishes
 *   not-ready pods, because nodes must find each other before any of them is ready. It also
 *   carries the `prometheus` port (15692, no authentication): every pod is an endpoint of its own,
 *   which is what per-node metrics need, and the Service never leaves the cluster;
 * - client `<cluster>` (amqp, management): what applications and dashboards connect to; only
 *   ready pods (AMQP port open) receive traffic. It is the entry point, with the spec's type,
 *   annotations and source ranges, only when there is no proxy; with one it stays ClusterIP and
 *   the proxy's Service faces the clients (see `private/exposure.ts`).
 */
export class ClusterServices extends Construct {
  public readonly headless: ServiceV1;
  public readonly client: ServiceV1;

  constructor(scope: Construct, id: string, props: ClusterServicesProps) {
    super(scope, id);
    const { spec, names, dependsOn } = props;
    const exposure = serviceExposure(spec, !hasProxy(spec));

    this.headless = new ServiceV1(this, 'headless', {
      metadata: objectMetadata(spec, names.headlessService),
      spec: {
        clusterIp: 'None',
        publishNotReadyAddresses: true,
        selector: selectorLabels(spec),
        port: [
          servicePort('epmd'),
          servicePort('cluster-rpc'),
          servicePort('amqp', 'amqp'),
          servicePort('management', 'http'),
          servicePort('prometheus', 'prometheus.io/metrics'),
          ...listenerServicePorts(spec),
        ],
      },
      dependsOn,
    });
    this.headless.overrideLogicalId('nodes');

    this.client = new ServiceV1(this, 'client', {
      metadata: objectMetadata(spec, names.clientService, { annotations: exposure.annotations }),
      spec: {
        ...exposure.spec,
        selector: selectorLabels(spec),
        port: [servicePort('amqp', 'amqp'), servicePort('management', 'http'), ...listenerServicePorts(spec)],
      },
      // A LoadBalancer may take minutes to get an address; apply does not wait for it.
      waitForLoadBalancer: false,
      dependsOn,
    });
    this.client.overrideLogicalId('client');
  }
}
