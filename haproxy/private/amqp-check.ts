/**
 * Health check of the AMQP backend for HAProxy's `tcp-check`: the node's AMQP listener must accept
 * a TCP connection, and the node's Erlang VM must answer an HTTP request on its Prometheus listener.
 *
 * Why not the AMQP protocol header: a check that sends `AMQP 0-9-1` and reads `connection.start`
 * costs every node two log lines per check ("accepting AMQP connection" at info, "client
 * unexpectedly closed TCP connection" at warning): 12+ warnings a minute per node, seen on a real
 * engine. Measured by hand on 2026-12-01 on rabbitmq-server 3.10.8 (Debian) with HAProxy 2.6.12:
 * - A TCP connection to the AMQP port closed without sending data logs nothing above debug
 *   (RabbitMQ's `connection_closed_with_no_data_received`). It proves the listener accepts, not
 *   that the node is responsive: a stopped (SIGSTOP, `docker pause`) VM's kernel still accepts.
 * - `GET / HTTP/1.0` to the Prometheus listener (15692) is answered in milliseconds with a 49-byte
 *   `404` from the node's own web server and logs nothing. A stopped VM does not answer, so the
 *   check times out: with inter 2 s, timeout check 2 s and fall 3 the node was DOWN 8.2 s after
 *   `kill -STOP` of its beam.smp.
 * The Prometheus plugin is always enabled (rabbitmq/enabled-plugins.ts); its port is each server's
 * check port (`port` on the server line), so it may differ per node (loopback runs).
 */

import type { LoadBalancerTlsInput } from '../../plan/load-balancer';

/** The HTTP request the check sends (any status proves the VM answers). */
export const VM_CHECK_REQUEST = 'GET / HTTP/1.0\\r\\n\\r\\n';

/**
 * The `tcp-check` lines of the AMQP backend, each with the reason for it.
 * @param sharedAmqpPort the AMQP port when every node has the same one (containers); loopback runs
 *   give each node its own port, which a backend-wide rule cannot name: there the HTTP step alone runs.
 */
export function amqpTcpCheckLines(sharedAmqpPort: number | undefined, tls?: LoadBalancerTlsInput): string[] {
  // With TLS the AMQP listener is AMQPS: the first step still only connects (no handshake, so
  // nothing is logged); the VM step speaks TLS when the Prometheus listener is HTTPS.
  const vmSsl = tls?.prometheusTls ? ' ssl' : '';
  return [
    '# Check without credentials and without log noise on the nodes (haproxy/private/amqp-check.ts):',
    'option tcp-check',
    ...(sharedAmqpPort === undefined
      ? []
      : [
          '# The AMQP listener accepts (closed without data: RabbitMQ logs nothing above debug), and',
          `tcp-check connect port ${sharedAmqpPort}`,
        ]),
    "# the node's VM answers HTTP on its Prometheus listener (the server's check port). A hung node",
    '# whose kernel still accepts TCP connections does not answer: an L4 check alone would keep it UP.',
    `tcp-check connect${vmSsl}`,
    `tcp-check send "${VM_CHECK_REQUEST}"`,
    'tcp-check expect rstring ^HTTP/1\\.[01]\\ [0-9]{3}',
  ];
}
