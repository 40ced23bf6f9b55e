/**
 * The rabbitmq.conf rules for TLS: AMQPS, management over HTTPS, Prometheus over HTTPS, and the
 * plain listeners turned off when TLS is required. Keys and datatypes as the schemas of every
 * supported line declare them (checked against 3.10.8's with cuttlefish in test/tls-conf.test.ts):
 * `ssl_options.verify` enum verify_peer|verify_none, `*.versions.$v` atom, `*.ciphers.$c` string,
 * `*.cacertfile|certfile|keyfile` string validated as an accessible file, booleans as enums.
 */
import type { NodeAddress } from '../plan/addresses';
import type { TlsPlan } from '../plan/tls';
import type { ConfContext, ConfRule } from './conf-context';
import { bool, int, oneOf, str, type ConfValue } from './conf-value';

type Lines = Array<readonly [string, ConfValue]>;

/** `ssl_options.verify` and `fail_if_no_peer_cert` for a client-certificate mode. */
function peerLines(prefix: string, tls: TlsPlan): Lines {
  const verify = tls.clientCertificates === 'none' ? 'verify_none' : 'verify_peer';
  return [
    [`${prefix}.verify`, oneOf(verify, ['verify_peer', 'verify_none'])],
    [`${prefix}.fail_if_no_peer_cert`, bool(tls.clientCertificates === 'required')],
  ];
}

/** Files, versions, ciphers and order for one listener's options (`ssl_options`, `management.ssl`, `prometheus.ssl`). */
function optionLines(prefix: string, ctx: ConfContext, tls: TlsPlan): Lines {
  const paths = tls.nodes[ctx.node.index].paths;
  return [
    [`${prefix}.cacertfile`, str(paths.ca)],
    [`${prefix}.certfile`, str(paths.cert)],
    [`${prefix}.keyfile`, str(paths.key)],
    ...peerLines(prefix, tls),
    ...tls.versions.map((v, i) => [`${prefix}.versions.${i + 1}`, oneOf(v, ['tlsv1.3', 'tlsv1.2'])] as const),
    ...tls.ciphers.map((c, i) => [`${prefix}.ciphers.${i + 1}`, str(c)] as const),
    [`${prefix}.honor_cipher_order`, bool(true)],
    [`${prefix}.honor_ecc_order`, bool(true)],
  ];
}

function tlsPorts(node: NodeAddress): NonNullable<NodeAddress['tlsPorts']> {
  if (!node.tlsPorts) throw new Error(`rabbitmq.conf: node ${node.nodeName} has no TLS ports`);
  return node.tlsPorts;
}

/** An HTTPS listener of a plugin (`management.ssl`, `prometheus.ssl`): interface on loopback runs, port, options. */
function httpsLines(prefix: string, ctx: ConfContext, tls: TlsPlan, port: number): Lines {
  return [
    ...(ctx.node.listenAddress ? ([[`${prefix}.ip`, str(ctx.node.listenAddress)]] as Lines) : []),
    [`${prefix}.port`, int(port)],
    ...optionLines(prefix, ctx, tls),
  ];
}

/** The TLS rules, rendered right after the plain listeners. */
export const TLS_CONF_RULES: readonly ConfRule[] = [
  {
    id: 'tls-amqp',
    reason:
      'AMQP over TLS (AMQPS) with the node certificate; peer verification per tls.clientCertificates; ' +
      'versions and ciphers per release line (rabbitmq/tls-defaults.ts); the server picks the cipher order.',
    lines: (ctx) => {
      const tls = ctx.tls;
      if (!tls) return [];
      const p = tlsPorts(ctx.node);
      const listener: Lines = ctx.node.listenAddress ? [['listeners.ssl.1', str(`${ctx.node.listenAddress}:${p.amqps}`)]] : [['listeners.ssl.default', int(p.amqps)]];
      return [...listener, ...optionLines('ssl_options', ctx, tls)];
    },
  },
  {
    id: 'tls-management',
    reason: 'Management UI and HTTP API over HTTPS with the node certificate (plain HTTP off when TLS is required).',
    lines: (ctx) => (ctx.tls?.management ? httpsLines('management.ssl', ctx, ctx.tls, tlsPorts(ctx.node).management) : []),
  },
  {
    id: 'tls-prometheus',
    reason: 'Prometheus endpoint over HTTPS (rabbitmq_prometheus has prometheus.ssl.* on every supported line).',
    lines: (ctx) => (ctx.tls?.prometheus ? httpsLines('prometheus.ssl', ctx, ctx.tls, tlsPorts(ctx.node).prometheus) : []),
  },
];

/** Keys of plain listeners that TLS replaces, by what replaces them. */
const PLAIN_KEYS: ReadonlyArray<{ readonly prefix: RegExp; readonly off: (tls: TlsPlan) => boolean }> = [
  { prefix: /^listeners\.tcp\./, off: () => true },
  { prefix: /^management\.tcp\./, off: (tls) => tls.management },
  { prefix: /^prometheus\.tcp\./, off: (tls) => tls.prometheus },
];

/**
 * The plain listener lines with TLS required: AMQP becomes `listeners.tcp = none`, and the plain
 * HTTP listeners of management and Prometheus are not written (each plugin then starts only its
 * TLS listener). Without TLS, or with `tls.required: false`, the lines are returned unchanged.
 */
export function withoutPlainListeners(ctx: ConfContext, lines: Lines): Lines {
  const tls = ctx.tls;
  if (!tls?.required) return lines;
  const kept = lines.filter(([key]) => !PLAIN_KEYS.some((k) => k.prefix.test(key) && k.off(tls)));
  return [['listeners.tcp', oneOf('none', ['none'])], ...kept];
}
