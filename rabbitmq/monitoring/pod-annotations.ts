import { PORTS } from '../../plan/ports';
import type { ClusterSpec } from '../../spec/cluster';
import { METRICS_PATH } from './scrape-jobs';

/**
 * Kubernetes pod annotations for Prometheus set-ups that discover scrape targets by annotation
 * (`prometheus.io/scrape`, `/port`, `/path`; the convention of the Prometheus Helm chart's
 * `kubernetes-pods` job). Empty when `monitoring.podAnnotations` is false.
 */
export function prometheusPodAnnotations(spec: ClusterSpec): Record<string, string> {
  if (!spec.monitoring.podAnnotations) return {};
  if (spec.tls.enabled && spec.tls.prometheus) {
    // The HTTPS endpoint (the plain one is off with tls.required); `scheme` is the chart's convention too.
    return { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(PORTS.prometheusTls), 'prometheus.io/path': METRICS_PATH, 'prometheus.io/scheme': 'https' };
  }
  return { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(PORTS.prometheus), 'prometheus.io/path': METRICS_PATH };
}
