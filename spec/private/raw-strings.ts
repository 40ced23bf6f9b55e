import type { SpecIssue } from '../errors';
import { joinPath } from './zod-issues';

/**
 * Rules over every string the user wrote, wherever it sits:
 * - `{{secret:NAME}}` is the plan's own placeholder; in a user string it would pull a secret's
 *   value into a place that is not secret (a policy pattern, a description).
 * (`${` and `%{` are not refused: every string reaching Terraform is escaped by one rule,
 * constructs/private/terraform-text.ts.)
 */
export function rawStringIssues(input: unknown): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const walk = (value: unknown, at: PropertyKey[]): void => {
    if (typeof value === 'string') {
      const path = joinPath(at);
      if (value.includes('{{secret:')) {
        issues.push({ path, value, message: 'must not contain {{secret:...}}: that is rmq-ha\'s own secret placeholder; secrets come from { generate } or { variable }' });
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
