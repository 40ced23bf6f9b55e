/**
 * Small PromQL builders shared by the alert rules: every selector names its scrape job, and
 * RabbitMQ series are joined with `rabbitmq_identity_info` for the `rabbitmq_cluster` and
 * `rabbitmq_node` labels (as the cluster-operator's rules do).
 */

/** `name{job="J",extra}`: a selector pinned to one scrape job. */
export function sel(name: string, job: string, extra: string[] = []): string {
  return `${name}{${[`job=${quote(job)}`, ...extra].join(',')}}`;
}

/** A PromQL double-quoted string literal. */
export function quote(text: string): string {
  return JSON.stringify(text);
}

/** Anchored regex alternative of exact values: `a|b|c` with regex metacharacters escaped. */
export function exactAlternatives(values: readonly string[]): string {
  return values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}

/**
 * `expr * on(instance) group_left(labels) rabbitmq_identity_info{job}`: copies the cluster and
 * node names onto a per-node series (identity_info is always 1, so the value is unchanged).
 */
export function withIdentity(expr: string, job: string, labels: readonly string[] = ['rabbitmq_cluster', 'rabbitmq_node']): string {
  return `${expr} * on(instance) group_left(${labels.join(', ')}) ${sel('rabbitmq_identity_info', job)}`;
}

/**
 * Every metric name a PromQL expression refers to: identifiers outside label matchers (`{...}`)
 * and outside grouping clauses (`by (...)`, `on (...)`, `group_left (...)`, ...), so label names
 * such as `rabbitmq_cluster` are not mistaken for metrics. Covers `up` and the `rabbitmq_` and
 * `erlang_` families, the only ones the rules use.
 */
export function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names = new Set<string>();
  for (const m of bare.matchAll(/\b((?:rabbitmq|erlang)_[a-z0-9_]+|up)\b(?!\s*\()/g)) names.add(m[1]);
  return [...names].sort();
}
