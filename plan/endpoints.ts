import type { ClusterSpec } from '../spec/cluster';
import type { AddressTable } from './addresses';

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
