import { z } from 'zod';
import { compilePattern } from './pattern';

/** A virtual host name such as `/` or `orders`. */
export const vhostName = z
  .string({ error: 'must be a virtual host name such as / or orders' })
  .min(1, { error: 'must be a virtual host name such as / or orders' })
  .max(255, { error: 'must be at most 255 characters' });

/** The vhost every object lives in unless it names another. */
export const DEFAULT_VHOST = '/';

/** Name of a queue or exchange the spec declares: `amq.*` names are reserved by RabbitMQ. */
export const resourceName = z
  .string({ error: 'must be a name' })
  .min(1, { error: 'must not be empty' })
  .max(255, { error: 'must be at most 255 characters (AMQP short string)' })
  .refine((n) => !n.startsWith('amq.'), { error: 'must not start with amq.: RabbitMQ reserves those names (and skips them on import)' });

/** Name of a policy, user, upstream, shovel or remote: a label used in URLs and secret names. */
export const labelName = z
  .string({ error: 'must be a name' })
  .min(1, { error: 'must not be empty' })
  .max(200, { error: 'must be at most 200 characters' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]*$/, { error: 'must start with a letter or digit and hold only letters, digits, _ . @ -' });

/**
 * Why RabbitMQ would refuse a pattern (or the toolkit cannot read it), or undefined when it is
 * accepted; patterns only PCRE can evaluate are accepted (a plan warning names them). See pattern.ts.
 */
export function regexError(pattern: string): string | undefined {
  const v = compilePattern(pattern);
  return v.kind === 'invalid' ? v.error : undefined;
}

/** A regular expression RabbitMQ matches names against (policies, permissions): PCRE, checked with RE2. */
export const regexPattern = z
  .string({ error: 'must be a regular expression such as ^orders\\.' })
  .superRefine((p, ctx) => {
    const err = regexError(p);
    if (err !== undefined) ctx.addIssue({ code: 'custom', message: `must be a regular expression that compiles for RabbitMQ (PCRE) and rmq-ha (RE2) (${err}); escape literal dots and brackets with \\` });
  });

/**
 * The part of a secret name derived from a user or remote name: lowercase letters, digits and `_`
 * (`App.Reader` -> `app_reader`). Two names that map to the same suffix are rejected by validation.
 */
export function secretSuffix(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return s === '' ? 'x' : s;
}

/** Encodes a vhost for an AMQP URI path (`/` -> `%2F`). */
export function vhostPath(vhost: string): string {
  return encodeURIComponent(vhost);
}
