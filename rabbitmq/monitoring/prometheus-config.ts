import { Document } from 'yaml';
import type { AddressTable } from '../../plan/addresses';
import type { ClusterSpec } from '../../spec/cluster';
import { promDuration } from './alert-rules';
import { ALERT_RULES_FILE } from './rules-file';
import { NODE_TARGET_LABEL, type ScrapeJob } from './scrape-jobs';

/** File name of the rendered scrape config. */
export const PROMETHEUS_CONFIG_FILE = 'prometheus.yml';

const WHERE: Readonly<Record<AddressTable['target'], string>> = {
  docker: 'targets are container names: run Prometheus on the cluster network (port 15692 is not published on the host)',
  kubernetes: 'targets are pod DNS names through the headless Service: run Prometheus inside the cluster',
  local: 'targets are the loopback ports of an `rmq-ha local` run',
};

/**
 * `prometheus.yml`: the scrape jobs (every node's own endpoint, one static target per node with
 * its short name as the `rmq_ha_node` label) and the alert rules file. Only `scrape_configs` and
 * `rule_files`, so the jobs can be merged into an existing Prometheus configuration; Prometheus's
 * global defaults apply to the rest.
 */
export function renderPrometheusConfig(spec: ClusterSpec, addresses: AddressTable, jobs: readonly ScrapeJob[]): string {
  const body: Record<string, unknown> = {};
  if (spec.monitoring.alertRules) body.rule_files = [ALERT_RULES_FILE];
  body.scrape_configs = jobs.map((j) => ({
    job_name: j.jobName,
    metrics_path: j.metricsPath,
    scrape_interval: promDuration(j.intervalSeconds),
    scrape_timeout: promDuration(j.timeoutSeconds),
    ...(j.tls ? { scheme: 'https', tls_config: { ca_file: j.tls.caFile } } : {}),
    static_configs: j.targets.map((t) => ({ targets: [t.address], labels: { [NODE_TARGET_LABEL]: t.node } })),
  }));
  const tlsNote = jobs.some((j) => j.tls)
    ? [` HTTPS (tls.prometheus): put the cluster's CA beside this file as ${jobs.find((j) => j.tls)!.tls!.caFile} (terraform output -raw tls_ca_certificate, or the CA of tls.certificates.files).`]
    : [];
  const doc = new Document(body);
  doc.commentBefore = [
    ` Prometheus scrape config of RabbitMQ cluster ${spec.name} (${addresses.target}), rendered by rmq-ha.`,
    ' Every node is scraped on its own endpoint, never through the load balancer: RabbitMQ metrics are per node.',
    ` ${WHERE[addresses.target]}.`,
    ...tlsNote,
  ].join('\n');
  return doc.toString({ lineWidth: 0 });
}
