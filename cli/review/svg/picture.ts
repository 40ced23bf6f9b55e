/**
 * What the topology picture shows, as data taken from the plan and the review summary: who
 * connects where (client entry points), the load balancer and its ports, every node with its
 * ports, and which nodes each quorum queue replicates over. The SVG renderer draws only this.
 */
import type { ClusterPlan } from '../../../plan/plan';
import { loadBalancerEndpoint } from '../../../plan/endpoints';
import { quorumTargets } from '../../../plan/quorum-members';
import { childName, SUFFIX } from '../../../plan/names';
import type { ReviewSummary } from '../summary';

/** A port as the picture labels it. */
export interface PicturePort {
  readonly name: string;
  readonly port: number;
  /** Host port it is published on (Docker), if any. */
  readonly published?: string;
}

export interface PictureNode {
  readonly title: string;
  /** Erlang node name. */
  readonly nodeName: string;
  readonly ports: readonly PicturePort[];
}

export interface PictureQueue {
  readonly label: string;
  /** Replicas (Raft members) of the queue. */
  readonly replicas: number;
  /** The policy RabbitMQ applies, if any. */
  readonly policy?: string;
}

/** Everything the picture draws. */
export interface TopologyPicture {
  readonly title: string;
  readonly subtitle: string;
  /** What encloses the cluster: the Docker network or the Kubernetes namespace. */
  readonly boundary: string;
  readonly clients: ReadonlyArray<{ readonly name: string; readonly url: string }>;
  readonly loadBalancer?: { readonly title: string; readonly ports: readonly PicturePort[]; readonly balancing: string };
  readonly nodes: readonly PictureNode[];
  readonly quorumQueues: readonly PictureQueue[];
  /** What the picture leaves out, printed under it (e.g. queues beyond the first dozen). */
  readonly footnotes: readonly string[];
}

/** Quorum queues drawn before the rest are summed up in a footnote. */
const MAX_QUEUES = 12;

export function pictureOf(plan: ClusterPlan, summary: ReviewSummary): TopologyPicture {
  const s = plan.spec;
  const docker = s.target === 'docker';
  const np = s.network.nodePorts;
  const host = s.network.bindAddress;
  const nodes = plan.addresses.nodes.map((n): PictureNode => ({
    title: n.shortName,
    nodeName: n.nodeName,
    ports: [
      { name: 'AMQP', port: n.amqpPort, ...(docker && np !== false ? { published: `${host}:${np.amqpBase + n.index}` } : {}) },
      { name: 'management', port: n.managementPort, ...(docker && np !== false ? { published: `${host}:${np.managementBase + n.index}` } : {}) },
      { name: 'Prometheus', port: n.prometheusPort },
      { name: 'Erlang distribution', port: n.distPort },
    ],
  }));
  const lb = plan.loadBalancer;
  const lbSettings = s.loadBalancer;
  const endpoint = loadBalancerEndpoint(s, plan.addresses.target);
  const publishedLb = (port: number): string | undefined => (docker ? `${host}:${port}` : undefined);
  const queues = quorumTargets(s);
  const policyOf = new Map(summary.topology.queues.map((q) => [`${q.vhost}\u0000${q.name}`, q.policy]));
  const shown = queues.slice(0, MAX_QUEUES);
  return {
    title: `${s.name}: ${s.nodes} RabbitMQ node(s) on ${s.target}`,
    subtitle: `RabbitMQ ${summary.cluster.version} (${plan.image}), survives ${summary.cluster.toleratedFailures} node failure(s)`,
    boundary: docker ? `Docker network ${childName(s.name, SUFFIX.network)}` : `Kubernetes namespace ${s.kubernetes.namespace}`,
    clients: endpoint
      ? [
          { name: 'AMQP clients', url: endpoint.amqpUri },
          { name: 'management UI / HTTP API', url: endpoint.managementUrl },
        ]
      : summary.nodes.map((n) => ({ name: `AMQP ${n.node}`, url: n.amqp })),
    ...(lb
      ? {
          loadBalancer: {
            title: `${lb.kind} (${lb.image})`,
            balancing: `least connections over ${s.nodes} node(s)${lb.kind === 'haproxy' ? ', health-checked every 2 s' : ', passive checks'}`,
            ports: [
              { name: 'AMQP', port: lbSettings.ports.amqp, ...(publishedLb(lbSettings.ports.amqp) ? { published: publishedLb(lbSettings.ports.amqp) } : {}) },
              { name: 'management', port: lbSettings.ports.management, ...(publishedLb(lbSettings.ports.management) ? { published: publishedLb(lbSettings.ports.management) } : {}) },
              { name: 'status page', port: lbSettings.ports.stats },
            ],
          },
        }
      : {}),
    nodes,
    quorumQueues: shown.map((q) => {
      const policy = policyOf.get(`${q.vhost}\u0000${q.name}`);
      return { label: q.vhost === '/' ? q.name : `${q.name} (vhost ${q.vhost})`, replicas: q.size, ...(policy ? { policy } : {}) };
    }),
    footnotes: queues.length > MAX_QUEUES ? [`and ${queues.length - MAX_QUEUES} more quorum queue(s)`] : [],
  };
}
