/**
 * Paths of every string field of a JSON Schema (the generated spec schema), with `[]` for array
 * items and `*` for map values: `topology.queues[].name`, `kubernetes.labels.*`.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export function stringPaths(schema: any, prefix = ''): string[] {
  const out = new Set<string>();
  const walk = (s: any, at: string, depth: number): void => {
    if (s === null || typeof s !== 'object' || depth > 20) return;
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (types.includes('string')) out.add(at);
    for (const alt of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]) walk(alt, at, depth + 1);
    for (const [k, v] of Object.entries(s.properties ?? {})) walk(v, at ? `${at}.${k}` : k, depth + 1);
    if (s.items) walk(s.items, `${at}[]`, depth + 1);
    if (s.additionalProperties && typeof s.additionalProperties === 'object') walk(s.additionalProperties, `${at}.*`, depth + 1);
  };
  walk(schema, prefix, 0);
  return [...out].sort();
}

/** Copy of `base` with `value` at `path` (`[]` = element 0, `*` = key `k`), creating what is missing. */
export function withValueAt(base: unknown, path: string, value: unknown): unknown {
  const root = structuredClone(base ?? {}) as any;
  const parts = path.match(/[^.[\]]+|\[\]/g) ?? [];
  let cur = root;
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    const key: string | number = part === '[]' ? 0 : part === '*' ? 'k' : part;
    if (last) {
      cur[key] = value;
      return;
    }
    const nextIsArray = parts[i + 1] === '[]';
    if (cur[key] === undefined || cur[key] === null || typeof cur[key] !== 'object') cur[key] = nextIsArray ? [] : {};
    if (part === '*' && cur[key] !== undefined && typeof cur[key] !== 'object') cur[key] = {};
    cur = cur[key];
  });
  return root;
}
