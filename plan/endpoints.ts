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
  const s = schemes(spec);
  return addresses.nodes.map((n) => {
    const np = spec.network.nodePorts;
    if (addresses.target === 'docker' && np !== false) {
      // With TLS the published ports lead to the TLS listeners.
      const host = spec.network.bindAddress === '0.0.0.0' ? '127.0.0.1' : spec.network.bindAddress;
      return {
        node: n.nodeName,
        amqpUri: `${s.amqp}://${host}:${np.amqpBase + n.index}`,
        managementUrl: `${s.management}://${host}:${np.managementBase + n.index}/`,
      };
    }
    const tls = spec.tls.enabled ? n.tlsPorts : undefined;
    const amqpPort = tls ? tls.amqps : n.amqpPort;
    const managementPort = tls && spec.tls.management ? tls.management : n.managementPort;
    return { node: n.nodeName, amqpUri: `${s.amqp}://${n.host}:${amqpPort}`, managementUrl: `${s.management}://${n.host}:${managementPort}/` };
  });
}

/** URI schemes clients use: AMQPS and HTTPS with TLS (management over HTTPS only when the spec turns it on). */
function schemes(spec: ClusterSpec): { amqp: 'amqp' | 'amqps'; management: 'http' | 'https' } {
  const tls = spec.tls.enabled;
  return { amqp: tls ? 'amqps' : 'amqp', management: tls && spec.tls.management ? 'https' : 'http' };
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
  // With TLS the proxy listens on tls.loadBalancer.ports (passing TLS through or terminating it).
  const s = schemes(spec);
  const ports = spec.tls.enabled ? { amqp: spec.tls.loadBalancer.ports.amqps, management: spec.tls.loadBalancer.ports.management } : lb.ports;
  const terminated = spec.tls.enabled && spec.tls.loadBalancer.mode === 'terminate';
  return {
    amqpUri: `${s.amqp}://${host}:${ports.amqp}`,
    managementUrl: `${terminated ? 'https' : s.management}://${host}:${ports.management}/`,
    statsUrl: lb.kind === 'nginx' && target !== 'local' ? undefined : `http://${statsHost}:${lb.ports.stats}${stats}`,
  };
}
