import { createHash } from 'node:crypto';
import type { RenderedFile } from '../../../plan/files';
import type { ClusterPlan } from '../../../plan/plan';

/** A rendered file as the pods receive it: a key of the ConfigMap or Secret, projected to a path. */
export interface PodFile {
  /** Key in the ConfigMap (plain files) or the Secret (files with secret placeholders). */
  readonly key: string;
  /** Path relative to {@link PodFiles.mountPath}, e.g. `conf.d/90-rmq-ha.conf`. */
  readonly relativePath: string;
  /** Text with `{{secret:..}}` placeholders still in (resolved when placed into a Secret). */
  readonly content: string;
  readonly sensitive: boolean;
}

/** The files every pod shares, split by where they may be stored, with their checksum. */
export interface PodFiles {
  /** Directory the files are projected into (the node's config directory). */
  readonly mountPath: string;
  readonly plain: readonly PodFile[];
  readonly sensitive: readonly PodFile[];
  /**
   * sha256 (hex) of every file's key, path and text (placeholders, never secret values), without
   * the lines of {@link OUTSIDE_RESTART_TRIGGER}.
   */
  readonly checksum: string;
}

/**
 * One set of files for every pod of the StatefulSet. The plan renders a file per node; on
 * Kubernetes they may differ only in the first comment line, which names the node: it is
 * rewritten to name the pod pattern. Anything else that differs per node cannot be shared and is
 * an error (the plan, not this target, would have to change).
 */
export function podFiles(plan: ClusterPlan, podPattern: string): PodFiles {
  if (plan.nodes.length === 0) throw new Error('podFiles: the plan has no nodes');
  const mountPath = plan.nodes[0].address.configDir;
  const perNode = plan.nodes.map((n) =>
    [n.config, n.enabledPlugins, n.definitions, ...(n.interNodeTlsConfig ? [n.interNodeTlsConfig] : [])].map((f) => shareable(f, n.address.nodeName, podPattern)),
  );
  perNode.forEach((files, i) => {
    if (plan.nodes[i].address.configDir !== mountPath) throw new Error(`node ${i} keeps its files in ${plan.nodes[i].address.configDir}, node 0 in ${mountPath}`);
    files.forEach((f, j) => {
      if (f.content !== perNode[0][j].content) {
        throw new Error(`${f.name} differs between node 0 and node ${i}; a StatefulSet shares one copy between all pods`);
      }
    });
  });
  const files = perNode[0].map((f): PodFile => {
    if (!f.path.startsWith(`${mountPath}/`)) throw new Error(`${f.name} goes to ${f.path}, outside ${mountPath}`);
    return { key: f.name, relativePath: f.path.slice(mountPath.length + 1), content: f.content, sensitive: f.sensitive };
  });
  const keys = files.map((f) => f.key);
  if (new Set(keys).size !== keys.length) throw new Error(`two files share a key: ${keys.join(', ')}`);
  return {
    mountPath,
    plain: files.filter((f) => !f.sensitive),
    sensitive: files.filter((f) => f.sensitive),
    checksum: filesChecksum(files),
  };
}

/** The file with the node's own name in its first line replaced by the pod pattern. */
function shareable(f: RenderedFile, nodeName: string, podPattern: string): RenderedFile {
  const nl = f.content.indexOf('\n');
  const first = nl < 0 ? f.content : f.content.slice(0, nl);
  if (!first.startsWith('#') || !first.includes(nodeName)) return f;
  return { ...f, content: first.split(nodeName).join(podPattern) + f.content.slice(first.length) };
}

/**
 * rabbitmq.conf keys whose change must not restart running pods, each with the reason. Pods that
 * start later read the new value from the ConfigMap.
 */
export const OUTSIDE_RESTART_TRIGGER: ReadonlyArray<{ readonly key: string; readonly reason: string }> = [
  {
    key: 'cluster_formation.target_cluster_size_hint',
    reason:
      'only read while a node forms or joins the cluster. Scaling 3 -> 5 changes it: in the trigger, every running pod ' +
      'would restart and wait for 5 members before its startup probe passes (crash-looping where the new pods cannot be ' +
      'placed). The cluster-operator keeps it out of its restart trigger too.',
  },
];

const untriggered = new RegExp(`^(${OUTSIDE_RESTART_TRIGGER.map((k) => k.key.replace(/\./g, '\\.')).join('|')})\\s*=.*$`, 'gm');

/** Deterministic sha256 over the files (order-independent), without the keys outside the restart trigger. */
export function filesChecksum(files: readonly PodFile[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => a.key.localeCompare(b.key))) {
    const content = f.content.replace(untriggered, '');
    h.update(`${f.key}\0${f.relativePath}\0${content.length}\0${content}\0`);
  }
  return h.digest('hex');
}
