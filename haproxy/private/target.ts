/** What differs between targets in haproxy.cfg: runtime files and name resolution. */
import type { LoadBalancerTarget } from '../../plan/load-balancer';
import { section } from './text';

/** Name of the `resolvers` section per target (none for local: addresses are IPs or /etc/hosts names). */
const RESOLVERS: Record<LoadBalancerTarget, string | undefined> = {
  docker: 'docker',
  kubernetes: 'cluster',
  local: undefined,
};

/**
 * Runtime API socket in the official image: it runs as user `haproxy`, which can write only to
 * its working directory /var/lib/haproxy (not /var/run).
 */
const IMAGE_ADMIN_SOCKET = '/var/lib/haproxy/admin.sock';

/** `global` lines that depend on the target (pid file, runtime API socket). */
export function targetGlobalLines(target: LoadBalancerTarget, runtimeDir: string | undefined): string[] {
  if (target === 'local') {
    return [
      '# Local run: every runtime file under the runtime directory, nothing in /var.',
      `pidfile ${runtimeDir}/haproxy.pid`,
      '# Runtime API (show stat, disable/enable server during maintenance) without a reload.',
      `stats socket ${runtimeDir}/haproxy.sock mode 600 level admin`,
    ];
  }
  return [
    '# Runtime API (show stat, disable/enable server during maintenance) without a reload;',
    '# /var/lib/haproxy is the only directory the image\'s haproxy user can write.',
    `stats socket ${IMAGE_ADMIN_SOCKET} mode 600 level admin`,
  ];
}

/** The `resolvers` section, or nothing for the local target. */
export function resolversSection(target: LoadBalancerTarget): string[] {
  const name = RESOLVERS[target];
  if (name === undefined) return [];
  const nameserver =
    target === 'docker'
      ? ['# Docker\'s embedded DNS server: resolves container names on user-defined networks.', 'nameserver dns 127.0.0.11:53']
      : ['# Kubernetes: the nameservers of the pod (cluster DNS) from /etc/resolv.conf.', 'parse-resolv-conf'];
  return section(`resolvers ${name}`, [
    ...nameserver,
    '# Room for answers with many records (default 512 bytes).',
    'accepted_payload_size 8192',
    '# Re-resolve every 10 s so a node that comes back with a new address is picked up.',
    'hold valid 10s',
  ]);
}

/** `default-server` line for the `defaults` section (container targets only). */
export function defaultServerResolutionLines(target: LoadBalancerTarget): string[] {
  const name = RESOLVERS[target];
  if (name === undefined) return [];
  return [
    '# Start even when a node name does not resolve yet (nodes start after or with the LB):',
    '# such a server starts DOWN without an address and gets one from the resolvers at run time.',
    '# resolve-prefer ipv4: container networks are IPv4 unless configured otherwise.',
    `default-server init-addr last,libc,none resolvers ${name} resolve-prefer ipv4`,
  ];
}
