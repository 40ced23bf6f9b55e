import { secretPlaceholder } from '../plan/files';
import type { ClusterSpec } from '../spec/cluster';
import { formatVersion, type RabbitVersion } from '../spec/version';

/** The definitions file RabbitMQ imports at boot (the format of `rabbitmqctl export_definitions`). */
export interface Definitions {
  readonly rabbit_version: string;
  readonly users: ReadonlyArray<Record<string, unknown>>;
  readonly vhosts: ReadonlyArray<Record<string, unknown>>;
  readonly permissions: ReadonlyArray<Record<string, unknown>>;
  readonly topic_permissions: ReadonlyArray<Record<string, unknown>>;
  readonly parameters: ReadonlyArray<Record<string, unknown>>;
  readonly global_parameters: ReadonlyArray<Record<string, unknown>>;
  readonly policies: ReadonlyArray<Record<string, unknown>>;
  readonly queues: ReadonlyArray<Record<string, unknown>>;
  readonly exchanges: ReadonlyArray<Record<string, unknown>>;
  readonly bindings: ReadonlyArray<Record<string, unknown>>;
}

/**
 * Builds the definitions: the admin user (password as a secret placeholder: RabbitMQ hashes a
 * plain `password` on import), the vhosts, and full permissions for the admin on each. A node that
 * imports definitions at first boot creates no guest user.
 */
export function buildDefinitions(spec: ClusterSpec, version: RabbitVersion): Definitions {
  const admin = spec.credentials.adminUser;
  const vhosts = spec.topology.vhosts;
  return {
    rabbit_version: formatVersion(version),
    users: [{ name: admin, password: secretPlaceholder('admin_password'), tags: ['administrator'] }],
    vhosts: vhosts.map((name) => ({ name })),
    permissions: vhosts.map((vhost) => ({ user: admin, vhost, configure: '.*', write: '.*', read: '.*' })),
    topic_permissions: [],
    parameters: [],
    global_parameters: [],
    policies: [],
    queues: [],
    exchanges: [],
    bindings: [],
  };
}

export function renderDefinitions(defs: Definitions): string {
  return `${JSON.stringify(defs, null, 2)}\n`;
}
