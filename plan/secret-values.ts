/**
 * What a secret value supplied from outside (a Terraform variable, `TF_VAR_<name>`) may contain.
 * Secrets are substituted verbatim into definitions.json strings, AMQP URIs of federation and
 * shovels, HAProxy's `stats auth` and the Erlang cookie: letters, digits and `_ . ~ -` are safe
 * in all of them without escaping (RFC 3986 unreserved characters; nothing JSON or the config
 * formats treat specially). Generated secrets are alphanumeric, so they always match.
 */
export const SECRET_VALUE_PATTERN = '^[A-Za-z0-9_.~-]{16,255}$';

/** The message when a supplied secret does not match. */
export function secretValueRule(variable: string): string {
  return `TF_VAR_${variable} must be 16-255 characters of letters, digits and _ . ~ - (it is written unescaped into JSON, AMQP URIs and config files)`;
}

/** True when a supplied secret value is safe to substitute. */
export function isSafeSecretValue(value: string): boolean {
  return new RegExp(SECRET_VALUE_PATTERN).test(value);
}
