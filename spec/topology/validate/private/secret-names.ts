/** Names that each get a password secret of their own: users and remotes. */
import type { Issues } from './issues';

/** Messages of `uniqueSecretNames` that differ between users and remotes. */
export interface SecretNameMessages {
  /** For a name listed twice. */
  readonly duplicate: string;
  /** A reason to refuse a name before any other check, if any. */
  readonly refuse?: (name: string) => string | undefined;
}

/**
 * Checks the names of `topology.<kind>s` in list order: each is accepted once, and no two map to
 * the same password secret. Reports the others at `topology.<kind>s[i].name`; returns the accepted names.
 */
export function uniqueSecretNames(
  kind: 'user' | 'remote',
  names: readonly string[],
  secretOf: (name: string) => string,
  messages: SecretNameMessages,
  issues: Issues,
): Set<string> {
  const accepted = new Set<string>();
  const secrets = new Map<string, string>();
  names.forEach((name, i) => {
    const path = `topology.${kind}s[${i}].name`;
    const refused = messages.refuse?.(name);
    if (refused !== undefined) return issues.add(path, name, refused);
    if (accepted.has(name)) return issues.add(path, name, messages.duplicate);
    const secret = secretOf(name);
    const owner = secrets.get(secret);
    if (owner !== undefined) return issues.add(path, name, `maps to the same password secret ${secret} as ${kind} '${owner}'; rename one of them`);
    accepted.add(name);
    secrets.set(secret, name);
  });
  return accepted;
}
