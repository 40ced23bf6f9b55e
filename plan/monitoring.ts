import { alertRules, type AlertRule } from '../rabbitmq/monitoring/alert-rules';
import { prometheusPodAnnotations } from '../rabbitmq/monitoring/pod-annotations';
import { PROMETHEUS_CONFIG_FILE, renderPrometheusConfig } from '../rabbitmq/monitoring/prometheus-config';
import { ALERT_RULES_FILE, renderAlertRules } from '../rabbitmq/monitoring/rules-file';
import { scrapeJobs, type ScrapeJob } from '../rabbitmq/monitoring/scrape-jobs';
import type { ClusterSpec } from '../spec/cluster';
import type { RabbitVersion } from '../spec/version';
import type { AddressTable } from './addresses';
import { makeFile, type RenderedFile } from './files';
import type { PlanWarning } from './warnings';

/** Where Prometheus reads its configuration in the official image. */
const PROMETHEUS_CONFIG_DIR = '/etc/prometheus';

/** How Prometheus watches the cluster: scrape jobs, alert rules, and the files rendered from them. */
export interface MonitoringPlan {
  readonly jobs: readonly ScrapeJob[];
  /** Empty when `monitoring.alertRules` is false. */
  readonly rules: readonly AlertRule[];
  /** `prometheus.yml`. */
  readonly prometheusConfig: RenderedFile;
  /** `rabbitmq-alerts.yml`; undefined when `monitoring.alertRules` is false. */
  readonly alertRules?: RenderedFile;
  /** Annotations of the RabbitMQ pods (Kubernetes); empty when switched off. */
  readonly podAnnotations: Readonly<Record<string, string>>;
}

/**
 * Pure: the monitoring part of a plan, for the same address table as the node files (so only the
 * targets differ between Docker, Kubernetes and local runs).
 * @param dir local runs: the directory the files go to (`<rootDir>/monitoring`)
 */
export function planMonitoring(spec: ClusterSpec, version: RabbitVersion, addresses: AddressTable, dir?: string): MonitoringPlan {
  const base = dir ?? PROMETHEUS_CONFIG_DIR;
  const jobs = scrapeJobs(spec, addresses);
  const rules = spec.monitoring.alertRules ? alertRules({ spec, version, addresses }) : [];
  return {
    jobs,
    rules,
    prometheusConfig: makeFile(PROMETHEUS_CONFIG_FILE, `${base}/${PROMETHEUS_CONFIG_FILE}`, renderPrometheusConfig(spec, addresses, jobs)),
    alertRules: spec.monitoring.alertRules ? makeFile(ALERT_RULES_FILE, `${base}/${ALERT_RULES_FILE}`, renderAlertRules(spec, rules)) : undefined,
    podAnnotations: addresses.target === 'kubernetes' ? prometheusPodAnnotations(spec) : {},
  };
}

/** Best-practice checks of the monitoring section. */
export function monitoringWarnings(spec: ClusterSpec): PlanWarning[] {
  const w: PlanWarning[] = [];
  const statsSeconds = spec.rabbitmq.collectStatisticsIntervalMs / 1000;
  if (spec.monitoring.scrapeIntervalSeconds < statsSeconds) {
    w.push({
      id: 'scrape-faster-than-statistics',
      path: 'monitoring.scrapeIntervalSeconds',
      message:
        `${spec.monitoring.scrapeIntervalSeconds} s is shorter than rabbitmq.collectStatisticsIntervalMs (${statsSeconds} s): ` +
        'scrapes in between return the same values; scrape at least as slowly as the nodes collect',
    });
  }
  return w;
}
