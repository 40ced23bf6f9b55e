import type { ClusterSpec } from '../cluster';
import type { SpecIssue } from '../errors';
import { parseVersion } from '../version';
import { linesWithPlugin, PLUGIN_TABLE_LINES, pluginsOfLine } from './plugin-table';

/** Edit distance of two short names, for "did you mean". */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/**
 * `rabbitmq.plugins` against the plugins the spec's release line ships (plugin-table.ts): a name
 * RabbitMQ does not know stops the node at boot (`enabled_plugins` is read before anything else).
 */
export function pluginIssues(spec: ClusterSpec): SpecIssue[] {
  const v = parseVersion(spec.rabbitmq.version);
  if (v === undefined) return [];
  const line = `${v.major}.${v.minor}`;
  if (!(PLUGIN_TABLE_LINES as readonly string[]).includes(line)) return [];
  const shipped = pluginsOfLine(line);
  const issues: SpecIssue[] = [];
  spec.rabbitmq.plugins.forEach((plugin, i) => {
    if (shipped.has(plugin)) return;
    const path = `rabbitmq.plugins[${i}]`;
    const lines = linesWithPlugin(plugin);
    if (lines.length > 0) {
      issues.push({ path, value: plugin, message: `is not shipped by RabbitMQ ${line} (only by ${lines.join(', ')}); choose a version that has it or remove it` });
      return;
    }
    const near = [...shipped].filter((p) => distance(p, plugin) <= 3 || distance(p, `rabbitmq_${plugin}`) <= 2).sort((a, b) => distance(a, plugin) - distance(b, plugin)).slice(0, 2);
    issues.push({ path, value: plugin, message: `is not a plugin RabbitMQ ${line} ships${near.length > 0 ? `; did you mean ${near.map((p) => `'${p}'`).join(' or ')}?` : '; `rabbitmq-plugins list` shows the names'}` });
  });
  return issues;
}
