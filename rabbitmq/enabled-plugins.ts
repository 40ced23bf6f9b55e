import type { ClusterSpec } from '../spec/cluster';
import type { PlanTarget } from '../plan/addresses';
import { BASE_PLUGINS } from '../spec/rabbitmq';

/**
 * Plugins every node enables: management and prometheus always, peer discovery for Kubernetes,
 * then whatever the spec and its topology need (e.g. shovel, federation, consistent hash).
 */
export function pluginList(spec: ClusterSpec, target: PlanTarget, required: readonly string[] = []): string[] {
  const all = new Set<string>([...BASE_PLUGINS]);
  if (target === 'kubernetes') all.add('rabbitmq_peer_discovery_k8s');
  for (const p of [...required, ...spec.rabbitmq.plugins]) all.add(p);
  return [...all].sort();
}

/** The `enabled_plugins` file: an Erlang list term. */
export function renderEnabledPlugins(plugins: readonly string[]): string {
  return `[${plugins.join(',')}].\n`;
}
