import type { ClusterPlan } from './plan';

/** A file of `rmq-ha render`, relative to the output directory. */
export interface PlanFile {
  readonly path: string;
  readonly content: string;
}

/**
 * The files a deployment carries, laid out for reading and booting:
 * `nodes/<node>/{rabbitmq.conf,enabled_plugins,definitions.json}`, `load-balancer/<config>` and
 * `monitoring/{prometheus.yml,rabbitmq-alerts.yml}`.
 */
export function planFiles(plan: ClusterPlan): PlanFile[] {
  const files: PlanFile[] = [];
  for (const n of plan.nodes) {
    for (const f of [n.config, n.enabledPlugins, n.definitions, ...(n.interNodeTlsConfig ? [n.interNodeTlsConfig] : [])]) {
      files.push({ path: `nodes/${n.address.shortName}/${f.name}`, content: f.content });
    }
  }
  if (plan.loadBalancer) files.push({ path: `load-balancer/${plan.loadBalancer.config.name}`, content: plan.loadBalancer.config.content });
  for (const f of [plan.monitoring.prometheusConfig, plan.monitoring.alertRules]) if (f) files.push({ path: `monitoring/${f.name}`, content: f.content });
  return files;
}
