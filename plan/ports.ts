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
