/**
 * The named ports of the RabbitMQ pods, in one place: the container, both Services and the
 * NetworkPolicy list them from here. Client and metrics listeners are the ones the rendered
 * rabbitmq.conf opens (plan/listeners.ts), so with `tls.required` no plain port is exposed.
 */
import { nodeListeners, type NodeListener } from '../../../plan/listeners';
import type { ClusterPlan } from '../../../plan/plan';
import { PORTS } from '../../../plan/ports';
import { pluginListeners } from '../../../spec/plugin-listeners';

/** A named TCP port of the rabbitmq container. */
export interface ServerPort {
  readonly name: string;
  readonly port: number;
  /** Service `appProtocol`. @default - none */
  readonly appProtocol?: string;
  /** `inter-node`: epmd and distribution; `client` and `metrics`: the listeners; `plugin`: plugin listeners (clients). */
  readonly kind: 'inter-node' | 'client' | 'metrics' | 'plugin';
}

/** epmd and the Erlang distribution port (names as the cluster-operator gives them). */
export const INTER_NODE_PORTS: readonly ServerPort[] = [
  { name: 'epmd', port: PORTS.epmd, kind: 'inter-node' },
  { name: 'cluster-rpc', port: PORTS.dist, kind: 'inter-node' },
];

/** The client and metrics listeners every pod opens (the files are shared, so node 0's are every pod's). */
export function serverListeners(plan: ClusterPlan): NodeListener[] {
  const first = nodeListeners(plan.nodes[0].address, plan.tls);
  plan.nodes.forEach((n, i) => {
    const mine = nodeListeners(n.address, plan.tls);
    if (JSON.stringify(mine) !== JSON.stringify(first)) throw new Error(`node ${i} listens on other ports than node 0; a StatefulSet shares one pod template`);
  });
  return first;
}

function listenerPorts(plan: ClusterPlan): ServerPort[] {
  return serverListeners(plan).map((l) => ({ name: l.name, port: l.port, appProtocol: l.appProtocol, kind: l.kind }));
}

function pluginPorts(plan: ClusterPlan): ServerPort[] {
  return pluginListeners(plan.spec.rabbitmq.plugins).map((l) => ({ name: l.name, port: l.port, appProtocol: l.appProtocol, kind: 'plugin' }));
}

/** Ports of the rabbitmq container: epmd, the listeners, the distribution, the plugin listeners. */
export function containerPorts(plan: ClusterPlan): ServerPort[] {
  const [epmd, dist] = INTER_NODE_PORTS;
  return [epmd, ...listenerPorts(plan), dist, ...pluginPorts(plan)];
}

/** Ports of the headless Service: every port, so each pod is an endpoint for each. */
export function headlessServicePorts(plan: ClusterPlan): ServerPort[] {
  return [...INTER_NODE_PORTS, ...listenerPorts(plan), ...pluginPorts(plan)];
}

/** Ports of the client Service: what applications use (AMQP(S), management, plugin listeners). */
export function clientServicePorts(plan: ClusterPlan): ServerPort[] {
  return [...listenerPorts(plan).filter((p) => p.kind === 'client'), ...pluginPorts(plan)];
}
