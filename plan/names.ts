/** Suffixes of generated resources, one place so names never drift between targets. */
export const SUFFIX = {
  network: 'net',
  erlangCookie: 'erlang-cookie',
  adminPassword: 'admin-password',
  headless: 'nodes',
  server: 'server',
  config: 'server-conf',
  loadBalancer: 'lb',
  /** Kubernetes: ClusterIP Service of the load balancer's status page and metrics pass-through. */
  loadBalancerInternal: 'lb-internal',
} as const;

/** `<cluster>-<suffix>`, the one naming rule for child resources (as the cluster-operator does). */
export function childName(cluster: string, suffix: string): string {
  return `${cluster}-${suffix}`;
}

/** Host, container and pod name of node `i`: `<cluster>-<i>` (a StatefulSet names pods the same way). */
export function nodeHostName(cluster: string, index: number | string): string {
  return `${cluster}-${index}`;
}
