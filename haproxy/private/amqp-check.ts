/**
 * AMQP 0-9-1 protocol-level health check for HAProxy's `tcp-check`.
 *
 * The check sends the protocol header and expects the node's `connection.start` method frame.
 * It needs no credentials and tests the real AMQP listener; unlike a plain L4 `check` it fails on a
 * hung node whose kernel still completes the TCP handshake (research §1.3, §7.1).
 *
 * Verified by hand on 2026-11-25 against rabbitmq-server 3.10.8 (Debian, OTP 25.2.3), one node on
 * 127.0.0.1:45672, with HAProxy 2.6.12:
 *
 * - After `41 4d 51 50 00 00 09 01` ("AMQP" 0 0-9-1) the node answers with one 506-byte frame:
 *   `01` (frame type METHOD) `0000` (channel 0) `000001f2` (payload size 498) `000a` (class 10,
 *   connection) `000a` (method 10, start) `00` `09` (version-major 0, version-minor 9), then the
 *   server-properties table, mechanisms `PLAIN AMQPLAIN`, locales `en_US`, frame-end `ce`.
 *   The answer does NOT start with "AMQP": a node sends its own protocol header only when it
 *   rejects the client's header.
 * - `tcp-check expect binary 414d5150` ("AMQP") still passed, but only by accident: it matched the
 *   "AMQPLAIN" mechanism name near the end of the frame, i.e. it tests the mechanism list, not the
 *   protocol. Not used.
 * - HAProxy hex-encodes the buffer for `rbinary` in UPPER case: the lower-case pattern failed with
 *   L7RSP "TCPCHK did not match content (binary regex)", the upper-case one passed with L7OK.
 * - Every check costs the node 2 log lines (info "accepting AMQP connection", warning "client
 *   unexpectedly closed TCP connection"): the price of an L7 check without credentials.
 */

/** "AMQP" followed by protocol id 0 and version 0-9-1. */
export const AMQP_PROTOCOL_HEADER_HEX = '414d515000000901';

/**
 * Regex over the hex-encoded answer, anchored at its first byte: METHOD frame on channel 0 with any
 * payload size, carrying connection.start (class 10, method 10) for protocol version 0-9.
 */
export const CONNECTION_START_RBINARY = '^010000[0-9A-F]{8}000A000A0009';

/** Bytes needed before the regex can decide: 1 type + 2 channel + 4 size + 2 class + 2 method + 2 version. */
export const CONNECTION_START_MIN_BYTES = 13;

/** The `tcp-check` lines of the AMQP backend, each with the reason for it. */
export function amqpTcpCheckLines(): string[] {
  return [
    '# L7 AMQP check without credentials: send the protocol header, expect connection.start',
    '# (frame type 1, channel 0, class 10 / method 10, version 0-9; bytes verified against 3.10.8).',
    '# An L4 check would keep a hung node UP because its kernel still accepts TCP connections.',
    'option tcp-check',
    `tcp-check send-binary ${AMQP_PROTOCOL_HEADER_HEX}`,
    `# min-recv: wait for the first ${CONNECTION_START_MIN_BYTES} bytes, then a mismatch is conclusive (L7RSP, not a timeout).`,
    `tcp-check expect min-recv ${CONNECTION_START_MIN_BYTES} rbinary ${CONNECTION_START_RBINARY}`,
  ];
}
