import { renderHaproxyConfig } from '../haproxy/haproxy-config';
import { renderNginxConfig } from '../nginx/nginx-config';
import type { ClusterSpec } from '../spec/cluster';
import type { AddressTable } from './addresses';
import { makeFile, secretPlaceholder, type RenderedFile } from './files';
import type { LoadBalancerRenderInput } from './load-balancer';
import type { TlsPlan } from './tls';
import { withLoadBalancerTls } from './tls-load-balancer';

/** User of the load balancer's status page (password: the `lb_stats_password` secret). */
export const LB_STATS_USER = 'operator';

/** Where each proxy's config lives in its official image. */
const CONFIG_PATHS = { haproxy: '/usr/local/etc/haproxy/haproxy.cfg', nginx: '/etc/nginx/nginx.conf' } as const;
const CONFIG_NAMES = { haproxy: 'haproxy.cfg', nginx: 'nginx.conf' } as const;

/** The load balancer of a plan: what runs, what it listens on, and its rendered config. */
export interface LoadBalancerPlan {
  readonly kind: 'haproxy' | 'nginx';
  readonly image: string;
  readonly config: RenderedFile;
  readonly input: LoadBalancerRenderInput;
}

/**
 * Renders the load balancer for an address table; undefined when the spec asks for none.
 * @param runtimeDir local runs only: where the proxy's config, pid and logs go
 */
export function planLoadBalancer(spec: ClusterSpec, addresses: AddressTable, runtimeDir?: string, tls?: TlsPlan): LoadBalancerPlan | undefined {
  const lb = spec.loadBalancer;
  if (lb.kind === 'none') return undefined;
  const plain: LoadBalancerRenderInput = {
    clusterName: spec.name,
    backends: addresses.nodes.map((n) => ({
      name: n.shortName,
      // Proxies resolve at run time without search domains: pods need fully qualified names.
      host: addresses.target === 'kubernetes' ? `${n.host}.svc.${spec.kubernetes.clusterDomain}` : n.host,
      amqpPort: n.amqpPort,
      managementPort: n.managementPort,
      prometheusPort: n.prometheusPort,
    })),
    // In a container the proxy must listen on the container's interfaces for published ports or a
    // Service to reach it; the host side of Docker's port publishing binds network.bindAddress.
    settings: addresses.target === 'local' ? lb : { ...lb, bindAddress: '0.0.0.0' },
    heartbeatSeconds: spec.rabbitmq.heartbeatSeconds,
    target: addresses.target,
    ...(addresses.target === 'kubernetes' ? { dnsResolver: spec.kubernetes.dnsResolver } : {}),
    runtimeDir,
    statsCredentials: { user: LB_STATS_USER, passwordRef: secretPlaceholder('lb_stats_password') },
  };
  const input = withLoadBalancerTls(plain, spec, addresses, tls);
  const text = lb.kind === 'haproxy' ? renderHaproxyConfig(input) : renderNginxConfig(input);
  const path = addresses.target === 'local' ? `${runtimeDir}/${CONFIG_NAMES[lb.kind]}` : CONFIG_PATHS[lb.kind];
  return { kind: lb.kind, image: lb.image!, config: makeFile(CONFIG_NAMES[lb.kind], path, text), input };
}
