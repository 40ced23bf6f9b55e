/** Well-known RabbitMQ ports (inside a container or pod). */
export const PORTS = {
  epmd: 4369,
  amqp: 5672,
  management: 15672,
  prometheus: 15692,
  /** Erlang distribution (inter-node). */
  dist: 25672,
} as const;
