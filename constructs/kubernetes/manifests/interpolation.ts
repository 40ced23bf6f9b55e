/**
 * Terraform interpolations (`${...}`) in a synthesized stack, replaced by values a schema check
 * can judge: a reference to an attribute the stack itself sets (a namespace's
 * `metadata[0].name`) becomes that value; anything known only at apply time (a random password,
 * a variable, a computed id) becomes a placeholder of the field's type.
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

/** Scalar types of the schema that a placeholder can take. */
export type ScalarType = 'string' | 'integer' | 'number' | 'boolean' | 'int-or-string' | 'quantity' | 'any';

const INTERPOLATION = /\$\{([^{}]*)\}/g;
/** Terraform writes a literal `${` as `$${`. */
const ESCAPED = /\$\$\{/g;
const ESCAPE_MARK = '\u0000rmq-ha-escaped-interpolation\u0000';

/** True when a string holds at least one interpolation (not counting escaped `$${`). */
export function hasInterpolation(text: string): boolean {
  return /\$\{/.test(text.replace(ESCAPED, ''));
}

/** A placeholder that is a valid DNS label, label value and secret: `tf-var-admin-password`. */
export function placeholderFor(expression: string): string {
  const slug = expression
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `tf-${slug || 'value'}`;
}

function placeholderOfType(expression: string, type: ScalarType): unknown {
  if (type === 'integer' || type === 'number') return 1;
  if (type === 'boolean') return false;
  return placeholderFor(expression);
}

/** `kubernetes_namespace_v1.cluster.metadata[0].name` -> [type, name, 'metadata', 0, 'name']; undefined if not a plain reference. */
function referencePath(expression: string): Array<string | number> | undefined {
  const text = expression.trim();
  if (!/^[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_]+|\[\d+\])*$/.test(text)) return undefined;
  const out: Array<string | number> = [];
  // `metadata[0].name` and the legacy `metadata.0.name` both index the block list.
  for (const m of text.matchAll(/([A-Za-z0-9_-]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : /^\d+$/.test(m[1]) ? Number(m[1]) : m[1]);
  return out;
}

/**
 * Resolves interpolations in `text` against `stack`. A string that is a single interpolation
 * takes the referenced value (converted by the caller) or a placeholder of `type`; interpolations
 * inside a longer string become text.
 */
export function resolveInterpolations(text: string, stack: Json, type: ScalarType, depth = 0): unknown {
  const escaped = text.replace(ESCAPED, ESCAPE_MARK);
  const whole = /^\$\{([^{}]*)\}$/.exec(escaped);
  if (whole) {
    const value = lookup(whole[1], stack, depth);
    return value === undefined ? placeholderOfType(whole[1], type) : value;
  }
  return escaped
    .replace(INTERPOLATION, (_m, expression: string) => {
      const value = lookup(expression, stack, depth);
      return value === undefined || typeof value === 'object' ? placeholderFor(expression) : String(value);
    })
    .split(ESCAPE_MARK)
    .join('${');
}

/** The literal value a reference names in the stack, or undefined when only apply time knows it. */
function lookup(expression: string, stack: Json, depth: number): unknown {
  const ref = referencePath(expression);
  if (!ref || depth > 8) return undefined;
  const [type, name, ...attribute] = ref;
  let node: Json = stack?.resource?.[type]?.[name];
  for (const step of attribute) {
    if (node === undefined || node === null) return undefined;
    if (typeof step === 'number') {
      // cdktf writes a single nested block as an object, Terraform addresses it as [0].
      node = Array.isArray(node) ? node[step] : step === 0 ? node : undefined;
    } else {
      node = Array.isArray(node) && node.length === 1 ? node[0][step] : node[step];
    }
  }
  if (node === undefined || node === null || typeof node === 'object') return undefined;
  if (typeof node === 'string' && hasInterpolation(node)) {
    return resolveInterpolations(node, stack, 'string', depth + 1);
  }
  return node;
}
