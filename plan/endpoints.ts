import type { ClusterSpec } from '../spec/cluster';
import type { AddressTable } from './addresses';
import { childName, SUFFIX } from './names';

/** How a client reaches one node. URIs carry no credentials. */
export interface NodeEndpoint {
  readonly node: string;
  readonly amqpUri: string;
  readonly managementUrl: string;
}

/**
 * Per-node endpoints as a client sees them: on Docker the published host ports (or the container
 * names on the cluster network when nodePorts is false), on Kubernetes the pods' stable DNS names,
 * locally the loopback ports.
 */
export function nodeEndpoints(spec: ClusterSpec, addresses: AddressTable): NodeEndpoint[] {
  return addresses.nodes.map((n) => {
    const np = spec.network.nodePorts;
    if (addresses.target === 'docker' && np !== false) {
      const host = spec.network.bindAddress === '0.0.0.0' ? '127.0.0.1' : spec.network.bindAddress;
      return {
        node: n.nodeName,
        amqpUri: `amqp://${host}:${np.amqpBase + n.index}`,
        managementUrl: `http://${host}:${np.managementBase + n.index}/`,
      };
    }
    return { node: n.nodeName, amqpUri: `amqp://${n.host}:${n.amqpPort}`, managementUrl: `http://${n.host}:${n.managementPort}/` };
  });
}

/** How a client reaches the cluster through the load balancer. */
export interface LoadBalancerEndpoint {
  readonly amqpUri: string;
  readonly managementUrl: string;
  /**
   * HAProxy's stats page (user operator, password lb_stats_password). Undefined for nginx in a
   * container: its status page answers loopback only, i.e. from inside the container or pod.
   */
  readonly statsUrl?: string;
}

/**
 * The load-balanced endpoint: on Docker the ports published on the host, on Kubernetes the load
 * balancer Service's DNS name inside the cluster, locally the loopback listeners.
 * Undefined when the spec has no load balancer.
 */
export function loadBalancerEndpoint(spec: ClusterSpec, target: AddressTable['target']): LoadBalancerEndpoint | undefined {
  const lb = spec.loadBalancer;
  if (lb.kind === 'none') return undefined;
  const host =
    target === 'kubernetes'
      ? `${childName(spec.name, SUFFIX.loadBalancer)}.${spec.kubernetes.namespace}.svc`
      : target === 'docker'
        ? spec.network.bindAddress === '0.0.0.0' ? '127.0.0.1' : spec.network.bindAddress
        : lb.bindAddress;
  const stats = lb.kind === 'haproxy' ? '/stats' : '/nginx_status';
  // Kubernetes: the status page is on the ClusterIP Service beside the entry point, never on it.
  const statsHost = target === 'kubernetes' ? `${childName(spec.name, SUFFIX.loadBalancerInternal)}.${spec.kubernetes.namespace}.svc` : host;
  return {
    amqpUri: `amqp://${host}:${lb.ports.amqp}`,
    managementUrl: `http://${host}:${lb.ports.management}/`,
    statsUrl: lb.kind === 'nginx' && target !== 'local' ? undefined : `http://${statsHost}:${lb.ports.stats}${stats}`,
  };
}
