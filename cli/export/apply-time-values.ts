/**
 * The values only `terraform apply` knows in a synthesized stack, resolved for an export that
 * runs without Terraform: generated secrets (`random_password.<name>.result`) are generated here,
 * or kept from the export they were first generated for; secrets from Terraform variables
 * (`var.<name>`) are read from `TF_VAR_<name>`, as Terraform reads them; certificate files
 * (`file("...")`, `tls.certificates.files`) are read as Terraform reads them. Certificates that
 * Terraform generates (`tls.certificates.generate`) cannot be exported.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import type { ClusterPlan, PlanSecret } from '../../plan/plan';
import { isSafeSecretValue, secretValueRule } from '../../plan/secret-values';
import { UsageError } from '../private/exit';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** An alphanumeric secret with at least 2 of each class, as the stack's random_password asks (min_upper/lower/numeric 2). */
function generate(length: number): string {
  for (;;) {
    const value = Array.from(crypto.randomBytes(length), (b) => ALPHABET[b % ALPHABET.length]).join('');
    if ([/[A-Z]/g, /[a-z]/g, /[0-9]/g].every((re) => (value.match(re) ?? []).length >= 2)) return value;
  }
}

/** Secret values by plan secret name. */
export type SecretValues = Readonly<Record<string, string>>;

/**
 * A value for every secret of the plan.
 * @param previous generated values of an earlier export of the same spec, kept so that re-exporting does not rotate them
 */
export function secretValues(secrets: readonly PlanSecret[], previous: SecretValues, env: NodeJS.ProcessEnv = process.env): { values: SecretValues; generated: SecretValues } {
  const values: Record<string, string> = {};
  const generated: Record<string, string> = {};
  const missing: string[] = [];
  for (const s of secrets) {
    if ('generate' in s.source) {
      const kept = previous[s.name];
      values[s.name] = generated[s.name] = kept && kept.length === s.source.generate.length && isSafeSecretValue(kept) ? kept : generate(s.source.generate.length);
    } else {
      const value = env[`TF_VAR_${s.source.variable}`];
      if (value === undefined || value === '') missing.push(`TF_VAR_${s.source.variable} (${s.description})`);
      else if (!isSafeSecretValue(value)) throw new UsageError(secretValueRule(s.source.variable));
      else values[s.name] = value;
    }
  }
  if (missing.length > 0) throw new UsageError(`the spec takes secrets from Terraform variables: set ${missing.join(', ')} in the environment`);
  return { values, generated };
}

/** The stack JSON with every secret reference replaced by its value (pure). */
export function withSecretValues(stack: unknown, secrets: readonly PlanSecret[], values: SecretValues): unknown {
  const byExpression = new Map<string, string>();
  for (const s of secrets) byExpression.set('generate' in s.source ? `random_password.${s.name}.result` : `var.${s.source.variable}`, values[s.name]);
  const replace = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(/(?<!\$)\$\{([^{}]*)\}/g, (m, expression: string) => byExpression.get(expression.trim()) ?? m);
    if (Array.isArray(v)) return v.map(replace);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replace(x)]));
    return v;
  };
  return replace(stack);
}

/**
 * Refuses what an export cannot hold: certificates hashicorp/tls would make at apply time.
 * The message names the field, the value and the fix.
 */
export function checkExportableTls(plan: ClusterPlan): void {
  const source = plan.tls?.source;
  if (source?.kind !== 'generate') return;
  throw new UsageError(
    `tls.certificates: got { generate: { validityDays: ${source.validityDays} } }; generated certificates are made by Terraform (hashicorp/tls) at apply time and cannot be exported; ` +
      `export with { files: { caFile, certFile, keyFile } }${plan.addresses.target === 'kubernetes' ? ' or { secret: { name } }' : ''}, or deploy the stack with Terraform`,
  );
}

/** `${file("p")}` and `${sensitive(file("p"))}` (what the stack writes for tls.certificates.files). */
const FILE_CALL = /(?<!\$)\$\{(?:sensitive\()?file\("([^"\\$`{}]+)"\)\)?\}/g;

/** The stack JSON with every certificate file reference replaced by the file's text (read now). */
export function withFileValues(stack: unknown): unknown {
  const replace = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(FILE_CALL, (_m, file: string) => fs.readFileSync(file, 'utf8'));
    if (Array.isArray(v)) return v.map(replace);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replace(x)]));
    return v;
  };
  return replace(stack);
}
