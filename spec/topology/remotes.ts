import { z } from 'zod';
import { secretSource } from '../secret';
import { DEFAULT_VHOST, labelName, secretSuffix, vhostName } from './names';

const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)(:\d{1,5})?$/;

/**
 * Another RabbitMQ cluster that federation upstreams and shovels connect to (e.g. the cluster being
 * migrated from). Its password is never written in the spec: it comes from a Terraform variable and
 * reaches the URIs as the placeholder `{{secret:remote_password_<name>}}`.
 */
export const remoteSpec = z.strictObject({
  /** How upstreams and shovels refer to this cluster. */
  name: labelName,
  /** `host` or `host:port` of its nodes; federation picks one at random per connection (failover). */
  hosts: z
    .array(z.string().regex(HOST_PORT, { error: 'must be host or host:port, without scheme or credentials' }))
    .min(1, { error: 'must list at least one host' }),
  /** vhost on the remote cluster. @default "/" */
  vhost: vhostName.default(DEFAULT_VHOST),
  /** User on the remote cluster. */
  user: z.string().regex(/^[^:@/\s]+$/, { error: 'must be a user name without : @ / or spaces' }),
  /** Password of that user: a Terraform variable (the other cluster owns it; it cannot be generated here). */
  password: secretSource.refine((s) => 'variable' in s, {
    error: 'must be { variable: NAME }: the password belongs to the other cluster and cannot be generated here',
  }),
  /** amqps:// instead of amqp://. @default false */
  tls: z.boolean().default(false),
});

export type RemoteSpec = z.output<typeof remoteSpec>;

/** Name of the plan secret that holds a remote's password. */
export function remotePasswordSecret(remote: string): string {
  return `remote_password_${secretSuffix(remote)}`;
}
