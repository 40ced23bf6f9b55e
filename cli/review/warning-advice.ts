/**
 * Why each best-practice warning matters to the people who will run the cluster, and how to fix
 * it in the spec: a rule table keyed by the warning id (plan/warnings.ts, plan/topology.ts,
 * plan/monitoring.ts, cli/private/host-limits.ts). The warning's own message says what was found.
 */

/** What a reviewer reads beside a warning. */
export interface WarningAdvice {
  /** The operational consequence. */
  readonly why: string;
  /** The change to the spec that removes the warning. */
  readonly fix: string;
}

export const WARNING_ADVICE: Readonly<Record<string, WarningAdvice>> = {
  'listeners-inside-only': {
    why: 'the proxy forwards AMQP and HTTP only: MQTT, STOMP and stream clients outside the cluster cannot reach the plugin listeners',
    fix: 'connect those clients inside the cluster (the client Service), or run without a proxy and give the client Service the external type',
  },
  'tls-generated-keys-in-state': {
    why: 'Terraform keeps the generated private keys in its state: whoever reads the state can impersonate every node',
    fix: 'in production give `tls.certificates.files` (CA, certificate, key from your PKI); keep generated ones for test environments',
  },
  'inter-node-clear': {
    why: 'the Erlang distribution carries every message between nodes and the cookie grants code execution, in clear text',
    fix: 'set `tls.interNode: true`',
  },
  'tls-plain-listeners-open': {
    why: 'clients can still connect without TLS, so credentials and messages may travel in clear',
    fix: 'set `tls.required: true` once every client uses TLS',
  },
  'unknown-patch-version': {
    why: 'an image tag for a patch that was never released does not exist: every node fails to pull it at apply time',
    fix: 'set `rabbitmq.version` to the release the message names',
  },
  'network-policy-off': {
    why: 'any pod in the Kubernetes cluster, including a compromised one, can reach epmd and the distribution port, where the Erlang cookie grants code execution on the nodes',
    fix: 'set `kubernetes.networkPolicy.enabled: true` with `clients` (and `metrics`) naming the namespaces or pods that connect',
  },
  'drain-takes-cluster-down': {
    why: 'with 1 or 2 nodes no node is spare: draining a Kubernetes node evicts a pod the cluster cannot lose, and quorum queues stop until it is back',
    fix: 'run 3 nodes (`nodes: 3`), or schedule node drains as downtime',
  },
  'destroy-deletes-claims': {
    why: '`terraform destroy` deletes the namespace the stack created, and with it the volume claims the StatefulSet retains: every node\'s data',
    fix: 'create the namespace outside the stack and set `kubernetes.createNamespace: false`, or acknowledge it in `acknowledgedWarnings` with the reason',
  },
  'pattern-pcre-only': {
    why: 'RabbitMQ accepts the pattern (PCRE), but rmq-ha matches in linear time with RE2 and cannot tell which queues the policy reaches, so its checks skip it',
    fix: 'rewrite the pattern without lookaround, backreferences or possessive quantifiers (usually an anchored prefix such as `^orders\\.`)',
  },
  'pattern-reads-differently': {
    why: 'the pattern means something else to RabbitMQ than a reader (or rmq-ha) may think, e.g. `\\w` on non-ASCII names',
    fix: 'write the characters out explicitly (e.g. `[A-Za-z0-9_]`)',
  },
  'no-fault-tolerance': {
    why: 'a majority of 1 or 2 nodes is every node: losing one stops quorum queues and (4.3+) the metadata store',
    fix: 'set `nodes: 3` (or 5)',
  },
  'even-node-count': {
    why: 'an even cluster needs as many nodes for a majority as the next odd size and can split into two halves with none',
    fix: 'use an odd `nodes` count',
  },
  'large-cluster': {
    why: 'Raft replication cost grows with members; quorum queues are tested up to 7 replicas',
    fix: 'split into independent clusters linked by federation or shovels, or cap `initialGroupSize`',
  },
  'partition-handling-ignored': {
    why: 'RabbitMQ 4.3 removed Mnesia; the setting is silently meaningless',
    fix: 'remove `rabbitmq.partitionHandling`',
  },
  'memory-watermark-range': {
    why: 'too low blocks publishers early; too high leaves no room for garbage collection and the node is OOM-killed',
    fix: 'set `rabbitmq.memoryHighWatermark.relative` between 0.4 and 0.7',
  },
  'disk-free-limit-low': {
    why: 'a node that pages memory to a nearly full disk stops with a disk alarm too late to recover',
    fix: 'raise `rabbitmq.diskFreeLimit.absolute` to at least the memory watermark',
  },
  'file-descriptors-low': {
    why: 'every connection and queue segment takes a descriptor; running out refuses new connections',
    fix: 'set `resources.fileDescriptors` to 65536',
  },
  'exposed-on-all-interfaces': {
    why: 'AMQP and the management API answer on every network the host is on',
    fix: 'set `network.bindAddress` to the one address clients use, or firewall the ports',
  },
  'heartbeat-long': {
    why: 'a dead client or a load balancer dropping idle connections is noticed only after two heartbeats',
    fix: 'set `rabbitmq.heartbeatSeconds` between 10 and 30',
  },
  'policy-priority-tie': {
    why: 'RabbitMQ applies exactly one policy per object; with a tie it picks one arbitrarily, and the choice can change on restart',
    fix: 'give one of the policies a higher `priority`',
  },
  'quorum-group-size-even': {
    why: 'an even replica count tolerates no more failures than one replica fewer',
    fix: 'use an odd `initialGroupSize`',
  },
  'classic-mirroring-deprecated': {
    why: 'classic mirroring is removed in 4.0: after an upgrade the queues are no longer replicated',
    fix: 'declare the queues as `type: quorum` and drop `mirrored`',
  },
  'shovel-declares-quorum-queue': {
    why: 'a quorum queue declared before the cluster has formed has one member and is not replicated',
    fix: 'declare the queue under `topology.queues` too, or add members once every node runs',
  },
  'scrape-faster-than-statistics': {
    why: 'metrics change only every statistics interval; faster scrapes repeat the same values',
    fix: 'raise `monitoring.scrapeIntervalSeconds` or lower `rabbitmq.collectStatisticsIntervalMs`',
  },
  'host-nofile-limit': {
    why: 'runc cannot raise the open-files limit above dockerd\'s hard limit: the node containers do not start',
    fix: 'lower `resources.fileDescriptors` or raise dockerd\'s LimitNOFILE',
  },
};

/** The advice for a warning id; a generic one for ids the table does not know yet. */
export function adviceFor(id: string): WarningAdvice {
  return WARNING_ADVICE[id] ?? { why: 'see the message', fix: 'see the message' };
}
