/**
 * The plugins each RabbitMQ release line ships (what `rabbitmq-plugins list` shows), as facts with
 * their source. Libraries in the plugins folder that are not plugins (rabbitmq_aws,
 * rabbitmq_prelaunch, rabbitmq_stream_common, amqp10_client, ...) are not listed: enabling one fails.
 */

/** Shipped by 3.10: the `plugins/` folder of Debian's rabbitmq-server 3.10.8, less libraries (test/plugins.integration.test.ts compares). */
const SINCE_3_10 = [
  'rabbitmq_amqp1_0', 'rabbitmq_auth_backend_cache', 'rabbitmq_auth_backend_http', 'rabbitmq_auth_backend_ldap',
  'rabbitmq_auth_backend_oauth2', 'rabbitmq_auth_mechanism_ssl', 'rabbitmq_consistent_hash_exchange', 'rabbitmq_event_exchange',
  'rabbitmq_federation', 'rabbitmq_federation_management', 'rabbitmq_jms_topic_exchange', 'rabbitmq_management',
  'rabbitmq_management_agent', 'rabbitmq_mqtt', 'rabbitmq_peer_discovery_aws', 'rabbitmq_peer_discovery_common',
  'rabbitmq_peer_discovery_consul', 'rabbitmq_peer_discovery_etcd', 'rabbitmq_peer_discovery_k8s', 'rabbitmq_prometheus',
  'rabbitmq_random_exchange', 'rabbitmq_recent_history_exchange', 'rabbitmq_sharding', 'rabbitmq_shovel',
  'rabbitmq_shovel_management', 'rabbitmq_stomp', 'rabbitmq_stream', 'rabbitmq_stream_management', 'rabbitmq_top',
  'rabbitmq_tracing', 'rabbitmq_trust_store', 'rabbitmq_web_dispatch', 'rabbitmq_web_mqtt', 'rabbitmq_web_mqtt_examples',
  'rabbitmq_web_stomp', 'rabbitmq_web_stomp_examples',
] as const;

/** Changes between lines, each with its source. Lines not named ship what the line before shipped. */
export const PLUGIN_CHANGES: ReadonlyArray<{ readonly line: string; readonly added?: readonly string[]; readonly removed?: readonly string[]; readonly source: string }> = [
  { line: '3.10', added: SINCE_3_10, source: 'Debian rabbitmq-server 3.10.8, /usr/lib/rabbitmq/lib/rabbitmq_server-3.10.8/plugins' },
  {
    line: '4.1',
    added: ['rabbitmq_federation_prometheus', 'rabbitmq_shovel_prometheus', 'rabbitmq_auth_backend_internal_loopback'],
    source: 'RabbitMQ 4.1.0 release notes: Prometheus metrics of federation links and shovels as their own plugins; the internal_loopback auth backend',
  },
];

/** The release lines the toolkit renders (spec/version.ts), oldest first. */
export const PLUGIN_TABLE_LINES = ['3.10', '3.11', '3.12', '3.13', '4.0', '4.1', '4.2', '4.3'] as const;

/** Plugins shipped by a release line (`4.1`). */
export function pluginsOfLine(line: string): ReadonlySet<string> {
  const set = new Set<string>();
  for (const l of PLUGIN_TABLE_LINES) {
    for (const c of PLUGIN_CHANGES.filter((x) => x.line === l)) {
      for (const p of c.added ?? []) set.add(p);
      for (const p of c.removed ?? []) set.delete(p);
    }
    if (l === line) return set;
  }
  return set;
}

/** Lines that ship the plugin. */
export function linesWithPlugin(plugin: string): string[] {
  return PLUGIN_TABLE_LINES.filter((l) => pluginsOfLine(l).has(plugin));
}
