import type { SpecIssue } from '../errors';
import { joinPath } from './zod-issues';

/** Where Terraform would interpolate a user string that is not escaped (Kubernetes metadata). */
const TERRAFORM_VERBATIM = /^kubernetes\.(annotations|podAnnotations|serviceAnnotations|labels)\./;

/**
 * Rules over every string the user wrote, wherever it sits:
 * - `{{secret:NAME}}` is the plan's own placeholder; in a user string it would pull a secret's
 *   value into a place that is not secret (a policy pattern, a description).
 * - `${` and `%{` in Kubernetes metadata would be interpolated by Terraform (they go into the
 *   stack verbatim), e.g. `${var.admin_password}` would copy a secret into pod annotations.
 */
export function rawStringIssues(input: unknown): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const walk = (value: unknown, at: PropertyKey[]): void => {
    if (typeof value === 'string') {
      const path = joinPath(at);
      if (value.includes('{{secret:')) {
        issues.push({ path, value, message: 'must not contain {{secret:...}}: that is rmq-ha\'s own secret placeholder; secrets come from { generate } or { variable }' });
      }
      if (TERRAFORM_VERBATIM.test(path) && /[$%]\{/.test(value)) {
        issues.push({ path, value, message: 'must not contain ${ or %{: Terraform would interpolate it in the synthesized stack' });
      }
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, [...at, i]));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, [...at, k]);
    }
  };
  walk(input, []);
  return issues;
}
