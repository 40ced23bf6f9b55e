/**
 * Plugins that open a listener of their own, with the port it listens on by default inside a
 * container or pod (RabbitMQ's plugin guides), the Kubernetes port name and appProtocol, and the
 * default host port base Docker publishes node i at (`hostBase + i`; `network.nodePorts.listeners`
 * overrides it). A plugin enabled in the spec gets its container port, its Service ports and its
 * published ports from this table; nothing else does.
 */

/** One plugin listener. */
export interface PluginListener {
  readonly plugin: string;
  /** Port name (Kubernetes IANA_SVC_NAME: at most 15 characters, lowercase, digits, -). */
  readonly name: 'stream' | 'mqtt' | 'stomp' | 'web-mqtt' | 'web-stomp';
  readonly port: number;
  /** Kubernetes appProtocol of the Service port. */
  readonly appProtocol: string;
  /** Default first host port Docker publishes the listener at (node i: hostBase + i). */
  readonly hostBase: number;
  readonly reason: string;
}

export const PLUGIN_LISTENERS: readonly PluginListener[] = [
  {
    plugin: 'rabbitmq_stream',
    name: 'stream',
    port: 5552,
    appProtocol: 'rabbitmq.com/stream',
    hostBase: 35552,
    reason: 'RabbitMQ Stream protocol. Clients connect to the node that hosts a stream replica (the node advertises its host name), so the port is per node: headless Service on Kubernetes, one published port per node on Docker.',
  },
  { plugin: 'rabbitmq_mqtt', name: 'mqtt', port: 1883, appProtocol: 'mqtt', hostBase: 31883, reason: 'MQTT 3.1/3.1.1/5.0 over TCP.' },
  { plugin: 'rabbitmq_stomp', name: 'stomp', port: 61613, appProtocol: 'stomp', hostBase: 36613, reason: 'STOMP over TCP.' },
  { plugin: 'rabbitmq_web_mqtt', name: 'web-mqtt', port: 15675, appProtocol: 'http', hostBase: 35675, reason: 'MQTT over WebSockets (HTTP listener, path /ws).' },
  { plugin: 'rabbitmq_web_stomp', name: 'web-stomp', port: 15674, appProtocol: 'http', hostBase: 35685, reason: 'STOMP over WebSockets (HTTP listener, path /ws).' },
];

/** The listeners of the plugins enabled, in table order. */
export function pluginListeners(plugins: readonly string[]): PluginListener[] {
  return PLUGIN_LISTENERS.filter((l) => plugins.includes(l.plugin));
}
