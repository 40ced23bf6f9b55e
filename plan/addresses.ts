import type { ClusterSpec } from '../spec/cluster';
import { childName, nodeHostName, SUFFIX } from './names';
import { PORTS } from './ports';

/** Where the plan will run: the address table is the only thing that differs between targets. */
export type PlanTarget = 'docker' | 'kubernetes' | 'local';

/** How node `index` is named and reached, and where its files live. */
export interface NodeAddress {
  readonly index: number;
  /** Container/pod/host short name, e.g. `rmq-dev-0`. */
  readonly shortName: string;
  /** Erlang node name, e.g. `rabbit@rmq-dev-0`. */
  readonly nodeName: string;
  /** Host name or address other nodes and the load balancer use. */
  readonly host: string;
  readonly amqpPort: number;
  readonly managementPort: number;
  readonly prometheusPort: number;
  readonly distPort: number;
  /** TLS listener ports (used only when the spec turns TLS on). @default - none (local runs without TLS) */
  readonly tlsPorts?: NodeTlsPorts;
  /** Interface every listener binds to; undefined binds all interfaces of the container/pod. */
  readonly listenAddress?: string;
  /** Directory holding rabbitmq.conf, enabled_plugins and definitions.json on the node. */
  readonly configDir: string;
  /** Name of the main config file inside configDir. */
  readonly configFileName: string;
  /**
   * Directory of the node's CA, certificate and key (TLS on).
   * @default - `<configDir>/tls`
   */
  readonly tlsDir?: string;
}

/** Ports of a node's TLS listeners. */
export interface NodeTlsPorts {
  readonly amqps: number;
  readonly management: number;
  readonly prometheus: number;
}

export interface AddressTable {
  readonly target: PlanTarget;
  readonly nodes: readonly NodeAddress[];
  /** Local runs: the directory everything lives under. @default - none (containers) */
  readonly rootDir?: string;
}

/** Path of the definitions file on a node. */
export function definitionsPath(node: NodeAddress): string {
  return `${node.configDir}/definitions.json`;
}

function standardPorts(): Pick<NodeAddress, 'amqpPort' | 'managementPort' | 'prometheusPort' | 'distPort' | 'tlsPorts'> {
  return {
    amqpPort: PORTS.amqp,
    managementPort: PORTS.management,
    prometheusPort: PORTS.prometheus,
    distPort: PORTS.dist,
    tlsPorts: { amqps: PORTS.amqps, management: PORTS.managementTls, prometheus: PORTS.prometheusTls },
  };
}

/** Docker: one container per node on the cluster network; the container name is the host name. */
export function dockerAddresses(spec: ClusterSpec): AddressTable {
  return {
    target: 'docker',
    nodes: Array.from({ length: spec.nodes }, (_, index) => {
      const shortName = nodeHostName(spec.name, index);
      return {
        index,
        shortName,
        nodeName: `rabbit@${shortName}`,
        host: shortName,
        ...standardPorts(),
        configDir: '/etc/rabbitmq',
        // conf.d files load after the image's own 10-defaults.conf, so ours win (loopback_users.guest).
        configFileName: 'conf.d/90-rmq-ha.conf',
      };
    }),
  };
}

/**
 * Kubernetes: StatefulSet pods `<cluster>-server-<i>` behind the headless Service `<cluster>-nodes`;
 * node names use the stable pod DNS name, as the cluster-operator does (RABBITMQ_USE_LONGNAME).
 */
export function kubernetesAddresses(spec: ClusterSpec): AddressTable {
  const headless = childName(spec.name, SUFFIX.headless);
  const ns = spec.kubernetes.namespace;
  return {
    target: 'kubernetes',
    nodes: Array.from({ length: spec.nodes }, (_, index) => {
      const shortName = `${childName(spec.name, SUFFIX.server)}-${index}`;
      const host = `${shortName}.${headless}.${ns}`;
      return {
        index,
        shortName,
        nodeName: `rabbit@${host}`,
        host,
        ...standardPorts(),
        configDir: '/etc/rabbitmq',
        configFileName: 'conf.d/90-rmq-ha.conf',
        // Beside, not inside, the config directory: that one is a read-only projected volume, and
        // each pod mounts its own certificate files here from a Secret (constructs/kubernetes/server-tls.ts).
        tlsDir: KUBERNETES_TLS_DIR,
      };
    }),
  };
}

/** Where a pod's CA, certificate and key are mounted. */
export const KUBERNETES_TLS_DIR = '/etc/rabbitmq-tls';

/** Ports of one loopback node, chosen by the caller (from the spec or free ports). */
export interface LocalNodePorts {
  readonly amqpPort: number;
  readonly managementPort: number;
  readonly prometheusPort: number;
  readonly distPort: number;
  /** TLS listener ports, when the spec turns TLS on. */
  readonly tlsPorts?: NodeTlsPorts;
}

/**
 * Local: real processes on 127.0.0.1, node names `<cluster>-<i>@localhost`, files under
 * `<dir>/nodes/<short>/etc` (the layout the local harness uses).
 */
export function localAddresses(spec: ClusterSpec, dir: string, ports: readonly LocalNodePorts[]): AddressTable {
  if (ports.length !== spec.nodes) throw new Error(`localAddresses: ${ports.length} port sets for ${spec.nodes} nodes`);
  return {
    target: 'local',
    rootDir: dir,
    nodes: ports.map((p, index) => {
      const shortName = nodeHostName(spec.name, index);
      return {
        index,
        shortName,
        nodeName: `${shortName}@localhost`,
        host: '127.0.0.1',
        ...p,
        listenAddress: '127.0.0.1',
        configDir: `${dir}/nodes/${shortName}/etc`,
        configFileName: 'rabbitmq.conf',
      };
    }),
  };
}

/** The address table for a deploy target of the spec. */
export function addressesFor(spec: ClusterSpec): AddressTable {
  return spec.target === 'kubernetes' ? kubernetesAddresses(spec) : dockerAddresses(spec);
}
