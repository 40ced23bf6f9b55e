/**
 * Read-only access to a synthesized Terraform JSON stack (`cdk.tf.json`), for the consistency
 * checker: resources by type, nested blocks whether cdktf wrote them as an object or a one-item
 * list, selectors, and the files a container sees through its volume mounts.
 */

// The JSON is untyped by nature: every accessor below tolerates missing or malformed parts.
/* eslint-disable @typescript-eslint/no-explicit-any */
export type Json = any;

/** A resource of the stack, with its Terraform address (`type.name`). */
export interface StackResource {
  readonly type: string;
  readonly address: string;
  readonly body: Json;
}

export function resourcesOf(stack: Json, type: string): StackResource[] {
  const byName = (stack?.resource?.[type] ?? {}) as Record<string, Json>;
  return Object.keys(byName)
    .sort()
    .map((name) => ({ type, address: `${type}.${name}`, body: byName[name] }));
}

/** A single nested block: cdktf writes some as objects, others as one-item lists. */
export function one(x: Json): Json {
  return Array.isArray(x) ? x[0] : x;
}

/** A repeated block as a list. */
export function many(x: Json): Json[] {
  if (x === undefined || x === null) return [];
  return Array.isArray(x) ? x : [x];
}

export function nameOf(r: StackResource): string | undefined {
  return one(r.body.metadata)?.name;
}

export function namespaceOf(r: StackResource): string | undefined {
  return one(r.body.metadata)?.namespace;
}

export type Labels = Record<string, string>;

/** True when every key/value of a non-empty selector is among the labels. */
export function selects(selector: Labels | undefined, labels: Labels | undefined): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels?.[k] === v);
}

export function showLabels(labels: Labels | undefined): string {
  return JSON.stringify(labels ?? {});
}

/** The data keys of a Secret or ConfigMap (data, binary_data, and the write-only data_wo). */
export function dataKeys(r: StackResource): Set<string> {
  return new Set([...Object.keys(r.body.data ?? {}), ...Object.keys(r.body.binary_data ?? {}), ...Object.keys(r.body.data_wo ?? {})]);
}

/** Finds a Secret or ConfigMap by Kubernetes name in a namespace. */
export function findByName(list: readonly StackResource[], name: string | undefined, namespace: string | undefined): StackResource | undefined {
  return list.find((r) => nameOf(r) === name && namespaceOf(r) === namespace);
}

/** A file a container sees, and where its text comes from. */
export interface MountedFile {
  readonly path: string;
  readonly kind: 'configMap' | 'secret';
  /** Kubernetes name of the ConfigMap or Secret. */
  readonly source: string;
  readonly key: string;
}

/** A projection of keys into a directory: explicit items, or every key when there are none. */
function projectedKeys(items: Json, all: () => string[]): Array<{ key: string; path: string }> {
  const list = many(items);
  return list.length > 0 ? list.map((i: Json) => ({ key: String(i.key), path: String(i.path) })) : all().map((key) => ({ key, path: key }));
}

/**
 * Files a container sees from ConfigMap, Secret and projected volumes, with absolute paths
 * (mount path + item path, or the mount path itself for a subPath mount).
 */
export function mountedFiles(
  podSpec: Json,
  container: Json,
  lookup: (kind: 'configMap' | 'secret', name: string) => StackResource | undefined,
): MountedFile[] {
  const volumes = new Map<string, Json>(many(podSpec?.volume).map((v: Json) => [v.name, v]));
  const out: MountedFile[] = [];
  for (const m of many(container?.volume_mount)) {
    const v = volumes.get(m.name);
    if (!v) continue;
    const parts: Array<{ kind: 'configMap' | 'secret'; name: string; items: Json }> = [];
    const cm = one(v.config_map);
    if (cm) parts.push({ kind: 'configMap', name: cm.name, items: cm.items });
    const sec = one(v.secret);
    if (sec) parts.push({ kind: 'secret', name: sec.secret_name, items: sec.items });
    for (const p of many(v.projected)) {
      for (const s of many(p.sources)) {
        for (const c of many(s.config_map)) parts.push({ kind: 'configMap', name: c.name, items: c.items });
        for (const c of many(s.secret)) parts.push({ kind: 'secret', name: c.name, items: c.items });
      }
    }
    for (const part of parts) {
      const keys = projectedKeys(part.items, () => [...(lookup(part.kind, part.name) ? dataKeys(lookup(part.kind, part.name)!) : [])]);
      for (const { key, path } of keys) {
        const base = String(m.mount_path).replace(/\/+$/, '');
        if (m.sub_path) {
          if (m.sub_path === path) out.push({ path: base, kind: part.kind, source: part.name, key });
        } else {
          out.push({ path: `${base}/${path}`, kind: part.kind, source: part.name, key });
        }
      }
    }
  }
  return out;
}

/** sysctl-format config (rabbitmq.conf) as key/value pairs: the renderer's own parser. */
export { parseConf as parseSysctl } from '../../../rabbitmq/rabbitmq-conf';

/** Parses `4.0.9` (or the tag of `rabbitmq:4.0.9-management`) into [major, minor, patch]. */
export function versionOf(text: string | undefined): [number, number, number] | undefined {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

/** Resolves a PodDisruptionBudget quantity (`1`, `"50%"`) against a replica count, rounding up as Kubernetes does. */
export function quantityOf(value: Json, replicas: number): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const s = String(value);
  if (s.endsWith('%')) return Math.ceil((Number(s.slice(0, -1)) * replicas) / 100);
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}
