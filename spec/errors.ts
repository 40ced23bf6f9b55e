/**
 * One error type for every invalid input: each issue names the field (a dotted path),
 * the value that was given and what is allowed. zod issues are converted into it.
 */
export interface SpecIssue {
  /** Dotted path of the field, e.g. `rabbitmq.version` or `nodes`. Empty for the document itself. */
  readonly path: string;
  /** The value found at that path (undefined when the field is missing). */
  readonly value: unknown;
  /** What is wrong and what is allowed, phrased as a fix. */
  readonly message: string;
}

export class SpecError extends Error {
  public readonly issues: readonly SpecIssue[];
  public readonly source: string;

  constructor(source: string, issues: readonly SpecIssue[]) {
    super(formatIssues(source, issues));
    this.name = 'SpecError';
    this.source = source;
    this.issues = issues;
  }

  static isSpecError(x: unknown): x is SpecError {
    return x instanceof Error && x.name === 'SpecError' && Array.isArray((x as SpecError).issues);
  }
}

/** Renders a value for a message: short, JSON-like, never multi-line. */
export function showValue(value: unknown): string {
  if (value === undefined) return '(missing)';
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function formatIssues(source: string, issues: readonly SpecIssue[]): string {
  const lines = issues.map((i) => `  - ${i.path || '(document)'}: got ${showValue(i.value)}; ${i.message}`);
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  return `${source}: invalid cluster spec (${count}):\n${lines.join('\n')}`;
}
