import type { AddressTable } from '../../plan/addresses';
import type { ClusterSpec } from '../../spec/cluster';

/** Label every target carries: the node's short name (`rmq-dev-0`), readable even when the target is `127.0.0.1:PORT`. */
export const NODE_TARGET_LABEL = 'rmq_ha_node';

/** Path of the aggregated per-node metrics (rabbitmq_prometheus). */
export const METRICS_PATH = '/metrics';
/** Path of the per-object metrics (one series per queue, connection, channel). */
export const PER_OBJECT_METRICS_PATH = '/metrics/per-object';

/** One node as a Prometheus target. */
export interface ScrapeTarget {
  /** `host:port` of the node's own Prometheus listener. */
  readonly address: string;
  /** Short node name, e.g. `rmq-dev-0`. */
  readonly node: string;
}

/** One scrape job of the rendered `prometheus.yml`. */
export interface ScrapeJob {
  readonly jobName: string;
  readonly metricsPath: string;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly targets: readonly ScrapeTarget[];
  /** Which endpoint family the job scrapes: alert rules select metrics by job. */
  readonly kind: 'per-node' | 'per-object';
  /** HTTPS to the nodes' TLS Prometheus listener, verified against this CA file (tls.prometheus). @default - plain HTTP */
  readonly tls?: { readonly caFile: string };
}

/** CA file the HTTPS scrape verifies with, relative to prometheus.yml (Prometheus resolves it there). */
export const SCRAPE_CA_FILE = 'rabbitmq-ca.pem';

/** Whether the nodes are scraped over HTTPS: TLS on with the Prometheus endpoint over TLS. */
export function scrapesOverTls(spec: ClusterSpec): boolean {
  return spec.tls.enabled && spec.tls.prometheus;
}

/** Job name of the per-node scrape: `monitoring.jobName`, or the cluster name. */
export function perNodeJobName(spec: ClusterSpec): string {
  return spec.monitoring.jobName ?? spec.name;
}

/** Job name of the per-object scrape. */
export function perObjectJobName(spec: ClusterSpec): string {
  return `${perNodeJobName(spec)}-per-object`;
}

/**
 * The targets: every node's own Prometheus listener, straight from the address table (Docker
 * container names, Kubernetes pod DNS names through the headless Service, loopback ports for
 * `rmq-ha local`). Never the load balancer: RabbitMQ metrics are per node, and a balanced scrape
 * would mix nodes into one series.
 */
export function scrapeTargets(addresses: AddressTable, tls = false): ScrapeTarget[] {
  return addresses.nodes.map((n) => {
    const port = tls ? n.tlsPorts?.prometheus : n.prometheusPort;
    if (port === undefined) throw new Error(`scrape target ${n.shortName}: no TLS Prometheus port in the address table`);
    return { address: `${n.host}:${port}`, node: n.shortName };
  });
}

/** The per-node job, and the per-object job when `monitoring.perObject.enabled`. */
export function scrapeJobs(spec: ClusterSpec, addresses: AddressTable): ScrapeJob[] {
  const m = spec.monitoring;
  const overTls = scrapesOverTls(spec);
  const targets = scrapeTargets(addresses, overTls);
  const tls = overTls ? { tls: { caFile: SCRAPE_CA_FILE } } : {};
  const jobs: ScrapeJob[] = [
    {
      jobName: perNodeJobName(spec),
      metricsPath: METRICS_PATH,
      intervalSeconds: m.scrapeIntervalSeconds,
      timeoutSeconds: m.scrapeTimeoutSeconds,
      targets,
      kind: 'per-node',
      ...tls,
    },
  ];
  if (m.perObject.enabled) {
    jobs.push({
      jobName: perObjectJobName(spec),
      metricsPath: PER_OBJECT_METRICS_PATH,
      intervalSeconds: m.perObject.intervalSeconds,
      timeoutSeconds: Math.min(m.scrapeTimeoutSeconds, m.perObject.intervalSeconds),
      targets,
      kind: 'per-object',
      ...tls,
    });
  }
  return jobs;
}
