/**
 * The Prometheus alert rules of a cluster, as data. Adapted from the RabbitMQ team's rule set
 * (`rabbitmq/cluster-operator` `observability/prometheus/rules/`, research `lb-ops-security.md`
 * §3.3) for the built-in `rabbitmq_prometheus` metrics, with what the operator takes from
 * kube-state-metrics (node count, restarts, volumes) replaced by what a plain Prometheus knows:
 * the scrape status of every node and the node count of the spec.
 *
 * Every selector names the cluster's scrape job, and RabbitMQ series are joined with
 * `rabbitmq_identity_info` (`cluster_name` in rabbitmq.conf is its `rabbitmq_cluster` label).
 * Every metric used here was read from real 3.10.8 nodes by `test/operations.integration.test.ts`;
 * the Raft term counter is the one name that differs by version (see {@link raftTermMetric}).
 *
 * Not rendered, because no metric carries it: "quorum queue without an elected leader". It is a
 * health check (`rabbitmq-diagnostics check_for_quorum_queues_without_an_elected_leader`, 4.0+;
 * `GET /api/health/checks/quorum-queues-without-elected-leaders/all-vhosts/`, 4.1+). With the
 * per-object job, {@link alertRules} adds the closest metric signal: repeated leader elections.
 */
import type { AddressTable } from '../../plan/addresses';
import type { ClusterSpec } from '../../spec/cluster';
import { atLeast, type RabbitVersion } from '../../spec/version';
import { exactAlternatives, quote, sel, withIdentity } from './private/promql';
import { METRICS_PATH, NODE_TARGET_LABEL, perNodeJobName, perObjectJobName } from './scrape-jobs';

/** Closed set of severities (the operator's). */
export type AlertSeverity = 'warning' | 'critical';

/** Where the series of a rule come from. */
export type AlertSource =
  /** Prometheus itself (`up` of the per-node job). */
  | 'scrape'
  /** The aggregated per-node endpoint `/metrics`. */
  | 'per-node'
  /** The per-object endpoint `/metrics/per-object` (only with `monitoring.perObject.enabled`). */
  | 'per-object';

/** One alerting rule. */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  /** How long the condition must hold before the alert fires (Prometheus duration). */
  readonly for: string;
  readonly severity: AlertSeverity;
  /** One line: what is wrong. */
  readonly summary: string;
  /** What it means and what to do; may use `{{ $labels.x }}` and `{{ $value }}`. */
  readonly description: string;
  readonly source: AlertSource;
  /** The cluster-operator rule it is adapted from, if any. */
  readonly adaptedFrom?: string;
}

/** What the rules are rendered from. */
export interface AlertRuleContext {
  readonly spec: ClusterSpec;
  /** Version the nodes run: decides metric names that changed between releases. */
  readonly version: RabbitVersion;
  readonly addresses: AddressTable;
}

/**
 * The per-queue Raft term metric of `/metrics/per-object`: `rabbitmq_raft_term_total` up to 4.1
 * (read on 3.10.8), `rabbitmq_raft_term` from 4.2, when Ra metrics became Ra counters
 * (rabbitmq-server PR #14739, 4.2.0 release notes). The aggregated `/metrics` of 4.2+ has no term
 * metric at all, which is why the leader-election rule needs the per-object job.
 */
export function raftTermMetric(version: RabbitVersion): string {
  return atLeast(version, '4.2') ? 'rabbitmq_raft_term' : 'rabbitmq_raft_term_total';
}

/** A Prometheus duration from seconds: `90s`, `5m`, `2h`. */
export function promDuration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/**
 * Range of `rate()`/`increase()`/`max_over_time()`: 5 minutes as in the operator's rules, but at
 * least 4 scrape intervals (the RabbitMQ Prometheus guide's rule for rate windows).
 */
export function rateWindow(spec: ClusterSpec): string {
  return promDuration(Math.max(300, 4 * spec.monitoring.scrapeIntervalSeconds));
}

/** Majority of the spec's node count. */
export function majorityOf(nodes: number): number {
  return Math.floor(nodes / 2) + 1;
}

const OPERATOR_RULES = 'rabbitmq/cluster-operator observability/prometheus/rules';

/** The alert rules for one cluster, in a fixed order. */
export function alertRules(ctx: AlertRuleContext): AlertRule[] {
  const { spec } = ctx;
  const job = perNodeJobName(spec);
  const n = spec.nodes;
  const w = rateWindow(spec);
  const id = (expr: string, labels?: readonly string[]): string => withIdentity(expr, job, labels);
  const byNode = 'rabbitmq_cluster, rabbitmq_node';
  const nodeText = '`{{ $labels.rabbitmq_node }}`';
  const rules: AlertRule[] = [];

  rules.push({
    alert: 'RabbitmqNodeDown',
    expr: `${sel('up', job)} == 0`,
    for: '1m',
    severity: 'warning',
    summary: `A node of RabbitMQ cluster ${spec.name} does not answer Prometheus scrapes.`,
    description:
      `Prometheus could not scrape {{ $labels.instance }}${METRICS_PATH} (node {{ $labels.${NODE_TARGET_LABEL} }}) for 1 minute: ` +
      `the node is stopped, paused by pause_minority, or unreachable. The cluster keeps serving while ${majorityOf(n)} of its ${n} nodes run.`,
    source: 'scrape',
  });

  rules.push({
    alert: 'NoMajorityOfNodesRunning',
    expr: `(count(${sel('up', job)} == 1) or vector(0)) < ${majorityOf(n)}`,
    for: '1m',
    severity: 'critical',
    summary: `Fewer than ${majorityOf(n)} of the ${n} nodes of RabbitMQ cluster ${spec.name} answer.`,
    description:
      `Only {{ $value }} of ${n} nodes answer. Quorum queues (and the metadata store from 4.3) need a majority of ` +
      `${majorityOf(n)}: without it they accept no writes; with pause_minority the remaining nodes pause themselves. ` +
      'Bring nodes back before anything else; do not reset or force-boot nodes that hold data.',
    source: 'scrape',
    adaptedFrom: `${OPERATOR_RULES}/rabbitmq/no-majority-of-nodes-ready.yml (kube-state-metrics replaced by up and the spec's node count)`,
  });

  if (n > 1) {
    const peers = exactAlternatives(ctx.addresses.nodes.map((a) => a.nodeName));
    const expected = n * (n - 1);
    const established = `count by(rabbitmq_cluster) (${id(sel('erlang_vm_dist_node_state', job, [`peer=~${quote(peers)}`]), ['rabbitmq_cluster'])} == 3)`;
    rules.push({
      alert: 'InsufficientEstablishedErlangDistributionLinks',
      expr: `(${established} or max by(rabbitmq_cluster) (${sel('rabbitmq_identity_info', job)}) * 0) < ${expected}`,
      for: '10m',
      severity: 'critical',
      summary: `RabbitMQ cluster ${spec.name} has fewer than the ${expected} inter-node links of a full mesh of ${n} nodes.`,
      description:
        'Only {{ $value }} Erlang distribution links between the cluster nodes are established: a network partition, ' +
        'a node that failed to join, or a node that is down. Check `rabbitmq-diagnostics cluster_status` on every node ' +
        'and the Erlang-Distribution Grafana dashboard (11352). CLI tool connections are not counted.',
      source: 'per-node',
      adaptedFrom: `${OPERATOR_RULES}/rabbitmq/insufficient-established-erlang-distribution-links.yml (peers limited to the cluster's nodes)`,
    });
  }

  const alarms: ReadonlyArray<readonly [string, string, string, string]> = [
    ['MemoryAlarm', 'rabbitmq_alarms_memory_used_watermark', 'reached the memory high watermark (vm_memory_high_watermark)', 'https://www.rabbitmq.com/docs/memory'],
    ['RabbitmqDiskAlarm', 'rabbitmq_alarms_free_disk_space_watermark', 'has less free disk than disk_free_limit', 'https://www.rabbitmq.com/docs/disk-alarms'],
    ['RabbitmqFileDescriptorAlarm', 'rabbitmq_alarms_file_descriptor_limit', 'ran out of file descriptors', 'https://www.rabbitmq.com/docs/alarms#file-descriptors'],
  ];
  for (const [alert, metric, what, doc] of alarms) {
    rules.push({
      alert,
      expr: `max by(${byNode}) (${id(`max_over_time(${sel(metric, job)}[${w}])`)}) > 0`,
      for: '1m',
      severity: 'warning',
      summary: `RabbitMQ node ${nodeText} ${what}.`,
      description: `Cluster \`{{ $labels.rabbitmq_cluster }}\` has a resource alarm: publishers on every node are blocked until it clears. See ${doc}.`,
      source: 'per-node',
      adaptedFrom: `${OPERATOR_RULES}/rabbitmq/cluster-alarms.yml (keep_firing_for dropped: the ${w} max_over_time already holds it; Prometheus < 2.42 rejects keep_firing_for)`,
    });
  }

  rules.push({
    alert: 'FileDescriptorsNearLimit',
    expr: `max by(${byNode}) (${id(`(max_over_time(${sel('rabbitmq_process_open_fds', job)}[${w}]) / ${sel('rabbitmq_process_max_fds', job)})`)}) > 0.8`,
    for: '10m',
    severity: 'warning',
    summary: `RabbitMQ node ${nodeText} uses more than 80% of its file descriptors.`,
    description:
      '{{ $value | humanizePercentage }} of the file descriptor limit is used. At 100% new connections are refused and ' +
      'disk writes may fail. Raise resources.fileDescriptors (>= 50000 in production) or find the connection leak.',
    source: 'per-node',
    adaptedFrom: `${OPERATOR_RULES}/rabbitmq/file-descriptors-near-limit.yml`,
  });

  rules.push({
    alert: 'RabbitmqMemoryNearWatermark',
    expr: `max by(${byNode}) (${id(`(${sel('rabbitmq_process_resident_memory_bytes', job)} / ${sel('rabbitmq_resident_memory_limit_bytes', job)})`)}) > 0.9`,
    for: '5m',
    severity: 'warning',
    summary: `RabbitMQ node ${nodeText} is above 90% of its memory high watermark.`,
    description:
      'Resident memory is {{ $value | humanizePercentage }} of the memory watermark; at 100% the memory alarm blocks all ' +
      'publishers. Look for long queues, unacknowledged messages or many connections (rabbitmq-diagnostics memory_breakdown).',
    source: 'per-node',
  });

  rules.push({
    alert: 'LowDiskWatermarkPredicted',
    expr:
      `(max by(${byNode}) (${id(`predict_linear(${sel('rabbitmq_disk_space_available_bytes', job)}[24h], 86400)`)})` +
      ` < max by(${byNode}) (${id(sel('rabbitmq_disk_space_available_limit_bytes', job))}))` +
      ` and (max by(${byNode}) (${id(`count_over_time(${sel('rabbitmq_disk_space_available_limit_bytes', job)}[2h] offset 22h)`)}) > 0)`,
    for: '60m',
    severity: 'warning',
    summary: `RabbitMQ node ${nodeText} is predicted to hit its disk alarm within 24 hours.`,
    description:
      'By the trend of the last 24 hours, free disk space will fall below disk_free_limit within a day, and the disk ' +
      'alarm then blocks every publisher in the cluster. (Needs 22 hours of history, so new clusters do not alert.)',
    source: 'per-node',
    adaptedFrom: `${OPERATOR_RULES}/rabbitmq/low-disk-watermark-predicted.yml`,
  });

  const clusterSum = (expr: string): string => `sum by(rabbitmq_cluster) (${id(expr, ['rabbitmq_cluster'])})`;
  const connections = clusterSum(sel('rabbitmq_connections', job));
  rules.push({
    alert: 'HighConnectionChurn',
    expr:
      `(${clusterSum(`rate(${sel('rabbitmq_connections_closed_total', job)}[${w}])`)} + ${clusterSum(`rate(${sel('rabbitmq_connections_opened_total', job)}[${w}])`)})` +
      ` / ${connections} > 0.1 unless ${connections} < 100`,
    for: '10m',
    severity: 'warning',
    summary: `More than 10% of the connections of RabbitMQ cluster ${spec.name} are opened or closed every second.`,
    description:
      '{{ $value | humanizePercentage }} of all connections churn per second: clients open short-lived connections ' +
      'instead of keeping one open. See https://www.rabbitmq.com/docs/connections#high-connection-churn.',
    source: 'per-node',
    adaptedFrom: `${OPERATOR_RULES}/rabbitmq/high-connection-churn.yml`,
  });

  rules.push({
    alert: 'UnroutableMessages',
    expr:
      `${clusterSum(`increase(${sel('rabbitmq_global_messages_unroutable_dropped_total', job)}[${w}])`)} >= 1` +
      ` or ${clusterSum(`increase(${sel('rabbitmq_global_messages_unroutable_returned_total', job)}[${w}])`)} >= 1`,
    for: '1m',
    severity: 'warning',
    summary: `RabbitMQ cluster ${spec.name} drops or returns unroutable messages.`,
    description:
      `{{ $value | printf "%.0f" }} messages in the last ${w} were published to an exchange with no matching binding and were ` +
      'dropped or returned to the publisher. Check the bindings of the topology and the routing keys of the applications.',
    source: 'per-node',
    adaptedFrom: `${OPERATOR_RULES}/rabbitmq/unroutable-messages.yml (protocol-independent global counters instead of channel counters)`,
  });

  if (spec.monitoring.perObject.enabled) rules.push(...perObjectRules(ctx));
  return rules;
}

/** Rules on `/metrics/per-object` series (one per queue). */
function perObjectRules(ctx: AlertRuleContext): AlertRule[] {
  const { spec } = ctx;
  const job = perObjectJobName(spec);
  const id = (expr: string): string => withIdentity(expr, job, ['rabbitmq_cluster']);
  const byQueue = 'rabbitmq_cluster, vhost, queue';
  const queueText = '`{{ $labels.queue }}` in vhost `{{ $labels.vhost }}`';
  const term = raftTermMetric(ctx.version);
  return [
    {
      alert: 'QueueHasNoConsumers',
      expr: `max by(${byQueue}) (${id(`((${sel('rabbitmq_queue_consumers', job)} == 0) + ${sel('rabbitmq_queue_messages', job)})`)}) > 0`,
      for: '10m',
      severity: 'warning',
      summary: `Queue ${queueText} has messages but no consumer.`,
      description:
        'For 10 minutes the queue has held {{ $value }} messages without a consumer. Expected for dead-letter queues that ' +
        'are drained by hand; otherwise the consuming application is down.',
      source: 'per-object',
      adaptedFrom: `${OPERATOR_RULES}/rabbitmq-per-object/queue-has-no-consumers.yml (per-object names instead of /metrics/detailed)`,
    },
    {
      alert: 'QueueIsGrowing',
      expr:
        `max by(${byQueue}) (${id(`(avg_over_time(${sel('rabbitmq_queue_messages', job)}[10m]) - avg_over_time(${sel('rabbitmq_queue_messages', job)}[10m] offset 1m))`)}) > 1`,
      for: '10m',
      severity: 'warning',
      summary: `Queue ${queueText} keeps growing.`,
      description: 'The 10-minute average depth has grown for 10 minutes: consumers do not keep up with publishers.',
      source: 'per-object',
      adaptedFrom: `${OPERATOR_RULES}/rabbitmq-per-object/queue-is-growing.yml`,
    },
    {
      alert: 'QuorumQueueLeaderElections',
      expr: `max by(${byQueue}) (${id(`changes(${sel(term, job)}[15m])`)}) > 0`,
      for: '30m',
      severity: 'warning',
      summary: `Quorum queue ${queueText} keeps electing leaders.`,
      description:
        'The Raft term of the queue changed in every 15-minute window for 30 minutes: members keep losing their leader ' +
        '(flapping node, network trouble, overloaded disk). Check `rabbitmq-queues quorum_status` for the queue and, from 4.0, ' +
        '`rabbitmq-diagnostics check_for_quorum_queues_without_an_elected_leader`. A rolling restart causes one election per node, not this.',
      source: 'per-object',
    },
  ];
}
