import { childName, SUFFIX } from '../plan/names';
import { definitionsPath } from '../plan/addresses';
import { atLeast } from '../spec/version';
import type { ConfContext, ConfRule } from './conf-context';
import { bool, bytes, float, int, millis, oneOf, str, type ConfValue } from './conf-value';
import { TLS_CONF_RULES, withoutPlainListeners } from './tls-conf-rules';

type Lines = Array<readonly [string, ConfValue]>;

/** Memory the Erlang VM needs beyond RabbitMQ's own accounting: min(20 %, 2 GiB), as the cluster-operator does. */
export function memoryHeadroom(limitBytes: number): number {
  return Math.min(Math.floor(limitBytes * 0.2), 2 * 1024 ** 3);
}

/** `cluster_partition_handling` datatype: the modes the schema lists (pause_if_all_down needs extra keys). */
const PARTITION_MODES = ['ignore', 'pause_minority', 'autoheal'] as const;
/** `log.*.level` datatype: the levels the schema lists that the spec offers. */
const LOG_LEVELS = ['debug', 'info', 'warning', 'error'] as const;

/** Cluster formation timing before 4.0 (rule peer-discovery-timing); 3.x defaults in the comments. */
export const FORMATION_TIMING = {
  /** Join attempts of a node with an empty database before it forms the cluster alone (10). */
  discoveryRetryLimit: 2,
  /** Pause between them, ms (500). */
  discoveryRetryIntervalMs: 250,
  /** Tries of one global:set_lock call, whose random backoff doubles per try up to 8 s (10). */
  internalLockRetries: 4,
  /** Pause after a failed set_lock call, ms (30000). */
  lockRetryTimeoutMs: 200,
  /** set_lock calls before a node boots without the lock (10); 300 x ~1.1 s keeps the ~5 min budget. */
  lockRetryLimit: 300,
} as const;

const inContainer = (ctx: ConfContext): boolean => ctx.addresses.target !== 'local';

/** AMQP, management and Prometheus listeners (and the distribution listener on loopback runs). */
function plainListenerLines(ctx: ConfContext): Lines {
  const n = ctx.node;
  if (!n.listenAddress) {
    return [
      ['listeners.tcp.default', int(n.amqpPort)],
      ['management.tcp.port', int(n.managementPort)],
      ['prometheus.tcp.port', int(n.prometheusPort)],
    ];
  }
  return [
    ['listeners.tcp.1', str(`${n.listenAddress}:${n.amqpPort}`)],
    ['management.tcp.ip', str(n.listenAddress)],
    ['management.tcp.port', int(n.managementPort)],
    ['prometheus.tcp.ip', str(n.listenAddress)],
    ['prometheus.tcp.port', int(n.prometheusPort)],
    ['distribution.listener.interface', str(n.listenAddress)],
    ['distribution.listener.port_range.min', int(n.distPort)],
    ['distribution.listener.port_range.max', int(n.distPort)],
  ];
}

/**
 * The rabbitmq.conf rules, in the order they are rendered. RabbitMQ refuses to boot on a key its
 * schema does not know, so every rule checks the version it renders for.
 */
export const CONF_RULES: readonly ConfRule[] = [
  {
    id: 'cluster-name',
    reason: 'A descriptive cluster name: clients see it, and metrics carry it as the rabbitmq_cluster label.',
    lines: (ctx) => [['cluster_name', str(ctx.spec.name)]],
  },
  {
    id: 'peer-discovery-classic',
    reason:
      'Nodes find each other from a static list (no reset/join_cluster start script, which wipes data on restart). ' +
      'classic_config takes a lock, so parallel starts are safe without cluster_formation.randomized_startup_delay_range.*, ' +
      'keys that make 4.0+ refuse to boot.',
    lines: (ctx) =>
      ctx.addresses.target === 'kubernetes'
        ? []
        : [
            ['cluster_formation.peer_discovery_backend', str('classic_config')],
            ...ctx.addresses.nodes.map((n, i) => [`cluster_formation.classic_config.nodes.${i + 1}`, str(n.nodeName)] as const),
          ],
  },
  {
    id: 'peer-discovery-k8s',
    reason:
      'Kubernetes peer discovery. Before 4.1 the plugin asks the API server for the headless Service endpoints; ' +
      'from 4.1 it joins pod -0 and the cluster_formation.k8s.* lookup keys are ignored, so they are not written.',
    lines: (ctx) => {
      if (ctx.addresses.target !== 'kubernetes') return [];
      const lines: Lines = [['cluster_formation.peer_discovery_backend', str('rabbit_peer_discovery_k8s')]];
      if (!atLeast(ctx.version, '4.1')) {
        const headless = childName(ctx.spec.name, SUFFIX.headless);
        lines.push(
          ['cluster_formation.k8s.host', str('kubernetes.default')],
          ['cluster_formation.k8s.address_type', oneOf('hostname', ['hostname', 'ip'])],
          ['cluster_formation.k8s.service_name', str(headless)],
          ['cluster_formation.k8s.hostname_suffix', str(`.${headless}.${ctx.spec.kubernetes.namespace}`)],
        );
      }
      return lines;
    },
  },
  {
    id: 'peer-discovery-timing',
    reason:
      'Before 4.0 nodes with an empty database take the classic_config lock one at a time. With the defaults the first ' +
      'holder finds no running peer (the others wait for the lock) and retries 10 x 500 ms before it forms the cluster, ' +
      'and a waiting node backs off up to 8 s between tries (global:set_lock), then 30 s: a fresh cluster waited 5-10 s ' +
      'for nothing. Here one second look after 250 ms, short lock tries (backoff at most 0.125+0.25+0.5+1 s) 200 ms ' +
      'apart, as many as keep the default budget of about 5 minutes before a node boots without the lock. The lock still ' +
      'admits one node at a time, so the cluster forms once. 4.0+ wait for the seed node with these keys: defaults there.',
    lines: (ctx) =>
      ctx.addresses.target === 'kubernetes' || atLeast(ctx.version, '4.0')
        ? []
        : [
            ['cluster_formation.discovery_retry_limit', int(FORMATION_TIMING.discoveryRetryLimit)],
            ['cluster_formation.discovery_retry_interval', int(FORMATION_TIMING.discoveryRetryIntervalMs)],
            ['cluster_formation.internal_lock_retries', int(FORMATION_TIMING.internalLockRetries)],
            ['cluster_formation.lock_retry_timeout', int(FORMATION_TIMING.lockRetryTimeoutMs)],
            ['cluster_formation.lock_retry_limit', int(FORMATION_TIMING.lockRetryLimit)],
          ],
  },
  {
    id: 'target-cluster-size',
    reason: 'Tells each node how many peers to expect, so formation and health checks know when the cluster is complete.',
    lines: (ctx) => [['cluster_formation.target_cluster_size_hint', int(ctx.spec.nodes)]],
  },
  {
    id: 'partition-handling',
    reason:
      'Up to 4.2 (Mnesia) a minority side pauses during a partition instead of diverging. ' +
      '4.3 removed Mnesia: the key has no effect there (Raft needs a majority), so it is not written.',
    lines: (ctx) =>
      atLeast(ctx.version, '4.3') ? [] : [['cluster_partition_handling', oneOf(ctx.spec.rabbitmq.partitionHandling ?? 'pause_minority', PARTITION_MODES)]],
  },
  {
    id: 'listeners',
    reason: 'AMQP, management and Prometheus listeners; on loopback runs every listener binds 127.0.0.1 only.',
    lines: (ctx) => withoutPlainListeners(ctx, plainListenerLines(ctx)),
  },
  ...TLS_CONF_RULES,
  {
    id: 'guest-loopback-only',
    reason:
      'The official image ships loopback_users.guest = false (guest reachable from anywhere). guest must stay loopback-only; ' +
      'nodes that import definitions at first boot do not create guest at all.',
    lines: () => [['loopback_users.guest', bool(true)]],
  },
  {
    id: 'auth-mechanisms',
    reason: 'Only password logins. 4.0+ also offers ANONYMOUS (logs in as guest): no anonymous login user.',
    lines: (ctx) => [
      ['auth_mechanisms.1', str('PLAIN')],
      ['auth_mechanisms.2', str('AMQPLAIN')],
      ...(atLeast(ctx.version, '4.0') ? ([['anonymous_login_user', str('none')]] as Lines) : []),
    ],
  },
  {
    id: 'memory',
    reason:
      'Memory alarm. In a container the node cannot always see the cgroup limit, so the limit minus VM headroom ' +
      '(min 20 %, 2 GiB) is given as the total the relative watermark applies to.',
    lines: (ctx) => {
      const wm = ctx.spec.rabbitmq.memoryHighWatermark;
      if ('absolute' in wm) return [['vm_memory_high_watermark.absolute', bytes(wm.absolute)]];
      const lines: Lines = [['vm_memory_high_watermark.relative', float(wm.relative)]];
      if (inContainer(ctx)) {
        const limit = ctx.spec.resources.memory;
        lines.push(['total_memory_available_override_value', bytes(limit - memoryHeadroom(limit))]);
      }
      return lines;
    },
  },
  {
    id: 'disk',
    reason: 'Disk alarm: the 50MB default is for development; production wants at least the memory watermark free.',
    lines: (ctx) => {
      const d = ctx.spec.rabbitmq.diskFreeLimit;
      return 'absolute' in d ? [['disk_free_limit.absolute', bytes(d.absolute)]] : [['disk_free_limit.relative', float(d.relative)]];
    },
  },
  {
    id: 'net-tick',
    reason: 'Erlang distribution tick: how soon a silent peer is declared down (a partition begins); only written when the spec lowers or raises the 60 s default.',
    lines: (ctx) => (ctx.spec.rabbitmq.netTickTimeSeconds === undefined ? [] : [['net_ticktime', int(ctx.spec.rabbitmq.netTickTimeSeconds)]]),
  },
  {
    id: 'heartbeat',
    reason: 'Heartbeat frames every timeout/2 keep idle connections alive through load balancers and detect dead peers.',
    lines: (ctx) => [['heartbeat', int(ctx.spec.rabbitmq.heartbeatSeconds)]],
  },
  {
    id: 'statistics',
    reason: 'Production interval for management/Prometheus statistics (the 5000 ms default costs CPU on busy nodes).',
    lines: (ctx) => [['collect_statistics_interval', millis(ctx.spec.rabbitmq.collectStatisticsIntervalMs)]],
  },
  {
    id: 'leader-locator',
    reason: 'Spread new queue leaders over the nodes (queue_master_locator is the deprecated name).',
    lines: (ctx) => [['queue_leader_locator', oneOf(ctx.spec.rabbitmq.queueLeaderLocator, ['balanced', 'client-local'])]],
  },
  {
    id: 'quorum-membership',
    reason:
      'Quorum queues get their members when declared; one declared before every node ran (a shovel or client on the ' +
      'first node) stays short. From 3.13 the broker grows such queues itself (continuous membership reconciliation, ' +
      'never shrinking); older versions need rabbitmq-queues add_member (rmq-ha local does it after formation).',
    lines: (ctx) =>
      atLeast(ctx.version, '3.13')
        ? [
            ['quorum_queue.continuous_membership_reconciliation.enabled', bool(true)],
            ['quorum_queue.continuous_membership_reconciliation.target_group_size', int(Math.min(ctx.spec.nodes, 3))],
          ]
        : [],
  },
  {
    id: 'definitions',
    reason:
      'Users, vhosts, permissions, queues and policies are imported at boot from the definitions file ' +
      '(management.load_definitions is deprecated since 3.8.10); an unchanged file is not re-imported.',
    lines: (ctx) => [
      ['definitions.import_backend', str('local_filesystem')],
      ['definitions.local.path', str(definitionsPath(ctx.node))],
      ['definitions.skip_if_unchanged', bool(true)],
    ],
  },
  {
    id: 'logging',
    reason: 'Containers log to the console (docker logs / kubectl logs), not to files inside the container.',
    lines: (ctx) =>
      inContainer(ctx)
        ? [['log.console', bool(true)], ['log.console.level', oneOf(ctx.spec.rabbitmq.logLevel, LOG_LEVELS)], ['log.file', bool(false)]]
        : [['log.file.level', oneOf(ctx.spec.rabbitmq.logLevel, LOG_LEVELS)]],
  },
];
