import { secretPlaceholder } from '../../plan/files';
import type { ClusterSpec } from '../../spec/cluster';
import { userPasswordSecret } from '../../spec/topology';
import type { DefinitionEntry } from './index';

/** The admin user and the spec's users; passwords are placeholders the target fills in. */
export function userDefinitions(spec: ClusterSpec): DefinitionEntry[] {
  return [
    { name: spec.credentials.adminUser, password: secretPlaceholder('admin_password'), tags: ['administrator'] },
    ...spec.topology.users.map((u) => ({ name: u.name, password: secretPlaceholder(userPasswordSecret(u.name)), tags: [...u.tags] })),
  ];
}

/** Full access for the admin on every vhost, then the declared permissions. */
export function permissionDefinitions(spec: ClusterSpec): DefinitionEntry[] {
  const admin = spec.credentials.adminUser;
  return [
    ...spec.topology.vhosts.map((v) => ({ user: admin, vhost: v.name, configure: '.*', write: '.*', read: '.*' })),
    ...spec.topology.permissions.map((p) => ({ user: p.user, vhost: p.vhost, configure: p.configure, write: p.write, read: p.read })),
  ];
}
