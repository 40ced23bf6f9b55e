/** Classic queue mirroring (ha-* keys, before 4.0): a mode, and parameters that fit the node count. */
import type { ResolvedPolicy } from '../resolve';
import type { Issues } from './private/issues';

/** The ha-* keys of a policy (all of them valid keys) fit together and fit the cluster's `nodes`. */
export function checkMirroringConsistency(p: ResolvedPolicy, nodes: number, issues: Issues): void {
  const d = p.definition;
  const mode = d['ha-mode'];
  const params = d['ha-params'];
  const paramsPath = p.keyPaths['ha-params'];
  if (mode === undefined) {
    for (const k of ['ha-params', 'ha-sync-mode', 'ha-sync-batch-size', 'ha-promote-on-shutdown', 'ha-promote-on-failure']) {
      if (k in d) issues.add(p.keyPaths[k], d[k], 'needs ha-mode in the same policy (without it the queue is not mirrored); use the mirrored preset');
    }
    return;
  }
  const fromPreset = p.keyPaths['ha-mode'].includes('.mirrored.');
  if (mode === 'all' && params !== undefined) issues.add(paramsPath, params, 'must be omitted with ha-mode all');
  if (mode === 'exactly') {
    if (typeof params !== 'number') issues.add(paramsPath ?? p.keyPaths['ha-mode'], params, 'ha-mode exactly needs ha-params: the replica count (leader included)');
    else if (params > nodes) issues.add(paramsPath, params, `asks for more replicas than nodes (${nodes}); RabbitMQ would mirror to every node: use mode all or a count <= ${nodes}`);
  }
  if (mode === 'nodes' && !fromPreset) {
    issues.add(p.keyPaths['ha-mode'], mode, 'node names differ per target (Docker, Kubernetes, local); use the mirrored preset: { mode: nodes, nodes: [0, 1] } with node indexes');
  }
  if (mode === 'nodes' && fromPreset) {
    const path = p.path.replace(/$/, '.mirrored.nodes');
    const indexes = (params as readonly string[]).map((n) => Number(/^node-(\d+)$/.exec(n)?.[1] ?? NaN));
    const bad = indexes.filter((i) => !(i >= 0 && i < nodes));
    if (bad.length > 0) issues.add(path, indexes, `node indexes must be 0-${nodes - 1} (the cluster has ${nodes} nodes)`);
    if (new Set(indexes).size !== indexes.length) issues.add(path, indexes, 'lists a node twice');
  }
}
