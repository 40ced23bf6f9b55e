/** Well-known RabbitMQ ports (inside a container or pod). */
export const PORTS = {
  epmd: 4369,
  amqp: 5672,
  management: 15672,
  prometheus: 15692,
  /** Erlang distribution (inter-node). */
  dist: 25672,
  /** AMQP 0-9-1 over TLS. */
  amqps: 5671,
  /** Management UI and HTTP API over HTTPS. */
  managementTls: 15671,
  /** Prometheus endpoint over HTTPS. */
  prometheusTls: 15691,
} as const;

/**
 * Ports the CLI tools' hidden Erlang nodes listen on (RabbitMQ's default: distribution port +
 * 10000 to + 10010). Other nodes of the cluster may connect to them while a command runs.
 */
export const CLI_DIST_PORTS = { from: PORTS.dist + 10000, to: PORTS.dist + 10010 } as const;
