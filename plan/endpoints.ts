import type { ClusterSpec } from '../spec/cluster';
import type { AddressTable } from './addresses';
import { nodeListeners, preferredListener } from './listeners';
import { childName, SUFFIX } from './names';
import type { TlsPlan } from './tls';

/** How a client reaches one node. URIs carry no credentials. */
export interface NodeEndpoint {
  readonly node: string;
  readonly amqpUri: string;
  readonly managementUrl: string;
}

/**
 * Per-node endpoints as a client sees them: on Docker the published host ports (or the container
 * names on the cluster network when nodePorts is false), on Kubernetes the pods' stable DNS names,
 * locally the loopback ports. AMQPS and HTTPS where the plan's TLS opens those listeners.
 * @param tls the plan's TLS @default - none (plain listeners)
 */
export function nodeEndpoints(spec: ClusterSpec, addresses: AddressTable, tls?: TlsPlan): NodeEndpoint[] {
  return addresses.nodes.map((n) => {
    // The TLS listeners when there are (plan/listeners.ts), else the plain ones.
    const listeners = nodeListeners(n, tls);
    const amqp = preferredListener(listeners, 'amqp');
    const management = preferredListener(listeners, 'management');
    const scheme = { amqp: amqp.tls ? 'amqps' : 'amqp', management: management.tls ? 'https' : 'http' };
    const np = spec.network.nodePorts;
    if (addresses.target === 'docker' && np !== false) {
      // The published ports lead to those listeners.
      const host = spec.network.bindAddress === '0.0.0.0' ? '127.0.0.1' : spec.network.bindAddress;
      return {
        node: n.nodeName,
        amqpUri: `${scheme.amqp}://${host}:${np.amqpBase + n.index}`,
        managementUrl: `${scheme.management}://${host}:${np.managementBase + n.index}/`,
      };
    }
    return { node: n.nodeName, amqpUri: `${scheme.amqp}://${n.host}:${amqp.port}`, managementUrl: `${scheme.management}://${n.host}:${management.port}/` };
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
  // With TLS the proxy listens on tls.loadBalancer.ports, passing TLS through (management too when
  // the nodes serve it over HTTPS) or terminating it.
  const tls = spec.tls.enabled ? spec.tls : undefined;
  const ports = tls ? { amqp: tls.loadBalancer.ports.amqps, management: tls.loadBalancer.ports.management } : lb.ports;
  const httpsManagement = tls !== undefined && (tls.management || tls.loadBalancer.mode === 'terminate');
  return {
    amqpUri: `${tls ? 'amqps' : 'amqp'}://${host}:${ports.amqp}`,
    managementUrl: `${httpsManagement ? 'https' : 'http'}://${host}:${ports.management}/`,
    statsUrl: lb.kind === 'nginx' && target !== 'local' ? undefined : `http://${statsHost}:${lb.ports.stats}${stats}`,
  };
}
