import { z } from 'zod';
import { generatedSecret, secretSource } from '../secret';
import { DEFAULT_VHOST, regexPattern, secretSuffix, vhostName } from './names';

/** User tags RabbitMQ's management and authorisation understand. */
export const USER_TAGS = ['administrator', 'monitoring', 'policymaker', 'management', 'impersonator'] as const;

/** An application or operator account created by the definitions file (besides the admin user). */
export const userSpec = z.strictObject({
  /** Login name. */
  name: z
    .string({ error: 'must be a user name' })
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$/, { error: 'must be a user name of letters, digits, _ . @ - (at most 128 characters)' })
    .refine((u) => u !== 'guest', { error: 'must not be guest: guest is a well-known account and stays loopback-only' }),
  /** Management and authorisation tags. @default [] (messaging only, no management UI) */
  tags: z.array(z.enum(USER_TAGS, { error: `must be one of ${USER_TAGS.join(', ')}` })).default([]),
  /**
   * Where the password comes from: generated at apply time or a Terraform variable; never a literal.
   * It reaches definitions.json as the placeholder `{{secret:user_password_<name>}}`.
   * @default { generate: { length: 32 } }
   */
  password: secretSource.default(generatedSecret(32)),
});

export type UserSpec = z.output<typeof userSpec>;

/** Access of one user to one vhost: three regexes over resource names (RabbitMQ's permission model). */
export const permissionSpec = z.strictObject({
  /** A user of `topology.users` or the admin user. */
  user: z.string().min(1),
  /** @default "/" */
  vhost: vhostName.default(DEFAULT_VHOST),
  /** Resources the user may declare and delete. `^$` grants nothing. @default "^$" */
  configure: regexPattern.default('^$'),
  /** Resources the user may publish to. @default "^$" */
  write: regexPattern.default('^$'),
  /** Resources the user may consume from or bind from. @default "^$" */
  read: regexPattern.default('^$'),
});

export type PermissionSpec = z.output<typeof permissionSpec>;

/** Name of the plan secret that holds a user's password. */
export function userPasswordSecret(user: string): string {
  return `user_password_${secretSuffix(user)}`;
}
