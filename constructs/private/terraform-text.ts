import { resolveSecrets, type SecretName } from '../../plan/files';

/**
 * The one escaping rule for text that reaches Terraform JSON: every string value and object key
 * there is a Terraform template, so a literal `${` (interpolation) becomes `$${` and `%{`
 * (directive) becomes `%%{`. `$${x}` written by a user becomes `$$${x}`, which Terraform reads
 * back as `$${x}` (checked with `terraform console` in test/terraform-escaping.integration.test.ts).
 */
export function terraformLiteral(text: string): string {
  // Replacer functions: in a replacement string "$$" would itself collapse to "$".
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/** Objects made by terraformSafe (so applying it twice, at the stack and at a construct, escapes once). */
const SAFE = new WeakSet<object>();

/**
 * A copy of plan data with terraformLiteral applied to every string and every object key, at any
 * depth: the boundary between the plan (plain text, also rendered to files and reviewed) and the
 * constructs (which place it into Terraform JSON). Every construct that takes plan data passes it
 * through here first, so no user string (an image, a kubeconfig path, a label, a file) reaches
 * Terraform unescaped. Idempotent. Functions, class instances and other non-plain values stay as they are.
 */
export function terraformSafe<T>(value: T): T {
  return copy(value) as T;
}

function copy(value: unknown): unknown {
  if (typeof value === 'string') return terraformLiteral(value);
  if (value === null || typeof value !== 'object' || SAFE.has(value)) return value;
  let out: object;
  if (Array.isArray(value)) out = value.map(copy);
  else if (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null) {
    out = Object.fromEntries(Object.entries(value).map(([k, v]) => [terraformLiteral(k), copy(v)]));
  } else return value;
  SAFE.add(out);
  return out;
}

/**
 * Puts secret references into rendered text that came through terraformSafe (so literal `${` and
 * `%{` are escaped already): each `{{secret:NAME}}` placeholder becomes the token of that secret
 * (resolved by Terraform at apply time, never written in the JSON).
 */
export function toTerraformText(safeContent: string, secretToken: (name: SecretName) => string): string {
  return resolveSecrets(safeContent, secretToken);
}
