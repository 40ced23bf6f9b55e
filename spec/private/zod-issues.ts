import type { z } from 'zod';
import type { SpecIssue } from '../errors';

/** Reads the value at `path` inside the raw input, for error messages. */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key as string];
  }
  return cur;
}

export function joinPath(path: readonly PropertyKey[]): string {
  return path
    .map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`))
    .join('');
}

/** Edit distance, for "did you mean" hints on unknown keys. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

/** The keys an object schema accepts at `path`, unwrapping defaults and optionals. */
export function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let cur: unknown = schema;
  const unwrap = (s: unknown): unknown => {
    let x = s as { _zod?: { def?: { innerType?: unknown; in?: unknown; type?: string } } };
    for (let n = 0; n < 10 && x?._zod?.def; n++) {
      const def = x._zod.def;
      if (def.innerType) x = def.innerType as typeof x;
      else if (def.type === 'pipe' && def.in) x = def.in as typeof x;
      else break;
    }
    return x;
  };
  for (const key of path) {
    const obj = unwrap(cur) as { shape?: Record<string, unknown>; _zod?: { def?: { element?: unknown } } };
    if (typeof key === 'number') cur = obj?._zod?.def?.element;
    else cur = obj?.shape?.[key as string];
    if (cur === undefined) return [];
  }
  const shape = (unwrap(cur) as { shape?: Record<string, unknown> })?.shape;
  return shape ? Object.keys(shape) : [];
}

/** Converts zod issues to SpecIssues: one per problem, with the field path, the value and the fix. */
export function fromZodIssues(schema: z.ZodType, input: unknown, issues: readonly z.core.$ZodIssue[]): SpecIssue[] {
  const out: SpecIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const allowed = knownKeys(schema, issue.path);
      for (const key of issue.keys) {
        const near = allowed.filter((k) => distance(k.toLowerCase(), key.toLowerCase()) <= 2);
        const hint = near.length > 0 ? `did you mean ${near.map((k) => `'${k}'`).join(' or ')}?` : `allowed fields: ${allowed.join(', ')}`;
        out.push({ path: joinPath([...issue.path, key]), value: valueAt(input, [...issue.path, key]), message: `unknown field; ${hint}` });
      }
      continue;
    }
    if (issue.code === 'invalid_union' && issue.errors.length > 0 && !issue.message.startsWith('Invalid input')) {
      out.push({ path: joinPath(issue.path), value: valueAt(input, issue.path), message: issue.message });
      continue;
    }
    let message = issue.message;
    if (issue.code === 'invalid_value') message = `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    out.push({ path: joinPath(issue.path), value: valueAt(input, issue.path), message });
  }
  return out;
}
