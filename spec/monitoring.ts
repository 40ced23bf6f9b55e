/**
 * The `monitoring` section of a cluster spec: how Prometheus scrapes the nodes' built-in
 * `rabbitmq_prometheus` endpoint and which alert rules are rendered for it.
 *
 * RabbitMQ metrics are per node: every node is scraped on its own `:15692/metrics`, never through
 * the load balancer (research `lb-ops-security.md` §3.3, `anchors-rabbitmq.md` §5.10). The RabbitMQ
 * team recommends a scrape interval of at least 15 s with `collect_statistics_interval = 10000`.
 */
import { z } from 'zod';

/** Smallest scrape interval the RabbitMQ Prometheus guide recommends for production, in seconds. */
export const MIN_SCRAPE_INTERVAL_SECONDS = 15;

const JOB_NAME = /^[a-zA-Z_][a-zA-Z0-9_-]*$/;

/** The optional `/metrics/per-object` job (one series per queue, connection, channel: expensive). */
export const perObjectMetricsSpec = z.strictObject({
  /**
   * Scrape `/metrics/per-object` too, and render the per-queue alert rules (queue without
   * consumers, growing queue). Off by default: on clusters with many queues the response is large.
   * @default false
   */
  enabled: z.boolean().default(false),
  /**
   * Scrape interval of the per-object job; longer than the per-node job because it costs more.
   * @default 60
   */
  intervalSeconds: z
    .number()
    .int()
    .min(MIN_SCRAPE_INTERVAL_SECONDS, { error: `must be at least ${MIN_SCRAPE_INTERVAL_SECONDS} s` })
    .max(3600)
    .default(60),
});

/** The `monitoring` section of a cluster spec. */
export const monitoringSpec = z
  .strictObject({
    /**
     * Scrape interval of the per-node job (`/metrics` on every node). RabbitMQ recommends at least
     * 15 s in production; shorter intervals are rejected.
     * @default 15
     */
    scrapeIntervalSeconds: z
      .number({ error: 'must be a whole number of seconds, e.g. 15' })
      .int({ error: 'must be a whole number of seconds, e.g. 15' })
      .min(MIN_SCRAPE_INTERVAL_SECONDS, { error: `must be at least ${MIN_SCRAPE_INTERVAL_SECONDS} s (RabbitMQ's production recommendation)` })
      .max(3600)
      .default(MIN_SCRAPE_INTERVAL_SECONDS),
    /**
     * Scrape timeout; must not exceed the scrape interval.
     * @default 10
     */
    scrapeTimeoutSeconds: z.number().int().min(1).max(3600).default(10),
    /**
     * Prometheus job name of the per-node scrape; `<job>-per-object` for the per-object one. Every
     * alert rule selects this job, so two clusters in one Prometheus need different names.
     * @default - the cluster name
     */
    jobName: z.string().regex(JOB_NAME, { error: 'must be a Prometheus job name: letters, digits, _ and -' }).optional(),
    /**
     * The per-object endpoint.
     * @default - { enabled: false, intervalSeconds: 60 }
     */
    perObject: perObjectMetricsSpec.prefault({}),
    /**
     * Render `rabbitmq-alerts.yml` and reference it from `prometheus.yml`.
     * @default true
     */
    alertRules: z.boolean().default(true),
    /**
     * Kubernetes: annotate the RabbitMQ pods with `prometheus.io/scrape`, `prometheus.io/port`
     * and `prometheus.io/path`, for Prometheus set-ups that discover pods by annotation.
     * @default true
     */
    podAnnotations: z.boolean().default(true),
  })
  .refine((m) => m.scrapeTimeoutSeconds <= m.scrapeIntervalSeconds, {
    error: 'scrapeTimeoutSeconds must not be greater than scrapeIntervalSeconds (Prometheus rejects it)',
    path: ['scrapeTimeoutSeconds'],
  });

export type MonitoringSpec = z.output<typeof monitoringSpec>;
export type MonitoringSpecInput = z.input<typeof monitoringSpec>;
