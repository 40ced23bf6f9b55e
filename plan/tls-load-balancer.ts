/** The load balancer's render input with TLS: backends on their TLS ports, listeners on the TLS ports. */
import type { ClusterSpec } from '../spec/cluster';
import type { AddressTable } from './addresses';
import type { LoadBalancerRenderInput } from './load-balancer';
import type { TlsPlan } from './tls';

/** `input` unchanged without TLS; otherwise pointed at the nodes' TLS listeners, with the TLS settings. */
export function withLoadBalancerTls(input: LoadBalancerRenderInput, spec: ClusterSpec, addresses: AddressTable, tls: TlsPlan | undefined): LoadBalancerRenderInput {
  if (!tls?.loadBalancer || input.settings.kind === 'none') return input;
  const lbTls = tls.loadBalancer;
  const ports = spec.tls.loadBalancer.ports;
  return {
    ...input,
    backends: input.backends.map((b, i) => {
      const p = addresses.nodes[i].tlsPorts;
      if (!p) throw new Error(`load balancer: node ${b.name} has no TLS ports`);
      return { ...b, amqpPort: p.amqps, managementPort: tls.management ? p.management : b.managementPort, prometheusPort: tls.prometheus ? p.prometheus : b.prometheusPort };
    }),
    settings: { ...input.settings, ports: { ...input.settings.ports, amqp: ports.amqps, management: ports.management } },
    tls: {
      mode: lbTls.mode,
      caFile: lbTls.paths.ca,
      certFile: lbTls.paths.cert,
      keyFile: lbTls.paths.key,
      combinedFile: lbTls.combinedPath,
      nodeName: tls.sharedNodeName,
      managementTls: tls.management,
      prometheusTls: tls.prometheus,
      clientCertificates: tls.clientCertificates,
    },
  };
}
