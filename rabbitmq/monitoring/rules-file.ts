import { Document } from 'yaml';
import type { ClusterSpec } from '../../spec/cluster';
import type { AlertRule } from './alert-rules';

/** File name of the rendered rules; `prometheus.yml` refers to it relative to its own directory. */
export const ALERT_RULES_FILE = 'rabbitmq-alerts.yml';

/** Label every rule carries, as in the cluster-operator's rules (its RabbitMQ-Alerts dashboard selects on it). */
export const RULES_GROUP_LABEL = { rulesgroup: 'rabbitmq' } as const;

/**
 * `rabbitmq-alerts.yml`: one Prometheus rule group for the cluster. Every rule has `for`,
 * `severity`, `rabbitmq_cluster` and a summary; `promtool check rules` accepts the file
 * (checked in the tests with Debian's promtool 2.42).
 */
export function renderAlertRules(spec: ClusterSpec, rules: readonly AlertRule[]): string {
  const doc = new Document({
    groups: [
      {
        name: `rabbitmq-${spec.name}`,
        rules: rules.map((r) => ({
          alert: r.alert,
          expr: r.expr,
          for: r.for,
          labels: { ...RULES_GROUP_LABEL, severity: r.severity, rabbitmq_cluster: spec.name },
          annotations: { summary: r.summary, description: r.description },
        })),
      },
    ],
  });
  doc.commentBefore = [
    ` Alert rules of RabbitMQ cluster ${spec.name}, rendered by rmq-ha from the spec.`,
    ' Adapted from the RabbitMQ team\'s rules (rabbitmq/cluster-operator observability/prometheus/rules)',
    ' for the built-in rabbitmq_prometheus metrics; node counts come from the spec.',
    ...rules.filter((r) => r.adaptedFrom).map((r) => `   ${r.alert}: ${r.adaptedFrom}`),
    ' Quorum queues without an elected leader have no metric: use the health check',
    ' rabbitmq-diagnostics check_for_quorum_queues_without_an_elected_leader (4.0+).',
  ].join('\n');
  return doc.toString({ lineWidth: 0 });
}
