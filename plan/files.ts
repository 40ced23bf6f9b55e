/** A file the deployment carries, as plain text. Secrets appear only as placeholders. */
export interface RenderedFile {
  /** Short name, e.g. `rabbitmq.conf`, `definitions.json`, `haproxy.cfg`. */
  readonly name: string;
  /** Absolute path where the file goes on the node or load balancer. */
  readonly path: string;
  /** Text; may hold `{{secret:NAME}}` placeholders (see SECRET_NAMES). */
  readonly content: string;
  /** True when the content holds a secret placeholder (it goes into a Secret, never a ConfigMap). */
  readonly sensitive: boolean;
}

/**
 * Name of a secret a rendered file may refer to (`admin_password`, `erlang_cookie`, ...): lowercase
 * letters, digits and `_`. Every name used in a file must be declared in `ClusterPlan.secrets`.
 */
export type SecretName = string;
const SECRET_NAME_RE = /^[a-z][a-z0-9_]*$/;

export function secretPlaceholder(name: SecretName): string {
  if (!SECRET_NAME_RE.test(name)) throw new Error(`bad secret name ${name}`);
  return `{{secret:${name}}}`;
}

const PLACEHOLDER_RE = /\{\{secret:([a-z][a-z0-9_]*)\}\}/g;

/** Names of the secrets a text refers to. */
export function secretsIn(content: string): SecretName[] {
  return [...new Set([...content.matchAll(PLACEHOLDER_RE)].map((m) => m[1] as SecretName))];
}

/** Replaces every placeholder with the value `resolve` gives (a literal locally, a Terraform reference in a stack). */
export function resolveSecrets(content: string, resolve: (name: SecretName) => string): string {
  return content.replace(PLACEHOLDER_RE, (_, name: string) => resolve(name));
}

export function makeFile(name: string, path: string, content: string): RenderedFile {
  return { name, path, content, sensitive: secretsIn(content).length > 0 };
}
