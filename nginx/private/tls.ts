/**
 * TLS in nginx.conf. Passthrough: AMQPS and HTTPS pass through `stream {}` as bytes (the
 * management proxy moves from `http {}` to `stream {}`). Terminate: the listeners present the load
 * balancer's certificate and nginx opens a verified TLS connection to the node (`proxy_ssl_*`,
 * the same directives in the stream and http modules).
 */
import type { LoadBalancerRenderInput, LoadBalancerTlsInput } from '../../plan/load-balancer';
import { block, hostPort, type Lines, secs } from './text';

/** `listen` suffix: ` ssl` when terminating. */
export function listenTls(tls: LoadBalancerTlsInput | undefined): string {
  return tls?.mode === 'terminate' ? ' ssl' : '';
}

/**
 * Server-side and node-side TLS lines of a terminating server, else nothing. In `http {}` the node
 * side is TLS through `proxy_pass https://` (there is no `proxy_ssl on` there).
 */
export function terminateLines(tls: LoadBalancerTlsInput | undefined, context: 'stream' | 'http'): Lines {
  if (tls?.mode !== 'terminate') return [];
  return [
    "# TLS terminates here with the load balancer's certificate.",
    `ssl_certificate ${tls.certFile};`,
    `ssl_certificate_key ${tls.keyFile};`,
    'ssl_protocols TLSv1.2 TLSv1.3;',
    tls.clientCertificates !== 'none' && [
      `ssl_client_certificate ${tls.caFile};`,
      `ssl_verify_client ${tls.clientCertificates === 'required' ? 'on' : 'optional'};`,
    ],
    '# A new TLS connection to the node, verified against the cluster CA for the name every node certificate carries.',
    context === 'stream' && 'proxy_ssl on;',
    `proxy_ssl_trusted_certificate ${tls.caFile};`,
    'proxy_ssl_verify on;',
    'proxy_ssl_verify_depth 2;',
    `proxy_ssl_name ${tls.nodeName};`,
    'proxy_ssl_server_name on;',
    'proxy_ssl_protocols TLSv1.2 TLSv1.3;',
    tls.clientCertificates !== 'none' && [`proxy_ssl_certificate ${tls.certFile};`, `proxy_ssl_certificate_key ${tls.keyFile};`],
  ];
}

/** True when the management proxy passes TLS through (then it lives in `stream {}`). */
export function managementInStream(tls: LoadBalancerTlsInput | undefined): boolean {
  return tls?.mode === 'passthrough' && tls.managementTls;
}

/** Management over HTTPS passed through as TCP (stream upstream and server). */
export function managementStreamBlocks(input: LoadBalancerRenderInput, passive: string, zone: string | false, suffix: string): Lines {
  const { settings: lb, backends } = input;
  const name = 'rabbitmq_management_tls';
  return [
    '',
    block(`upstream ${name}`, [
      zone,
      '# HTTPS to the nodes passes through unopened: the nodes present their certificates.',
      backends.map((b) => `server ${hostPort(b.host, b.managementPort)} ${passive}${suffix};`),
    ]),
    '',
    block('server', [
      `listen ${hostPort(lb.bindAddress, lb.ports.management)};`,
      `proxy_pass ${name};`,
      `proxy_connect_timeout ${secs(lb.connectTimeoutSeconds)};`,
      'proxy_next_upstream on;',
      `proxy_next_upstream_tries ${lb.retries + 1};`,
    ]),
  ];
}
