import type { StackJson } from './summary';

/** How the Terraform resources of a stack change against a previous synthesis. */
export interface StackDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
}

/** JSON with keys sorted at every level, so key order never shows up as a change. */
function stable(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([k]) => k !== '//').sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}

function addresses(stack: StackJson): Map<string, string> {
  const out = new Map<string, string>();
  for (const [type, byName] of Object.entries(stack.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      out.set(`${type}.${name}`, stable(body));
    }
  }
  return out;
}

/**
 * Resource-level diff by Terraform address. A removed address is a resource Terraform will
 * destroy (for a node: its container, or its data volume).
 */
export function diffStacks(previous: StackJson, next: StackJson): StackDiff {
  const a = addresses(previous);
  const b = addresses(next);
  return {
    added: [...b.keys()].filter((k) => !a.has(k)).sort(),
    removed: [...a.keys()].filter((k) => !b.has(k)).sort(),
    changed: [...b.keys()].filter((k) => a.has(k) && a.get(k) !== b.get(k)).sort(),
  };
}
