/**
 * plan/listeners.ts says which listeners a node opens; the rendered rabbitmq.conf is what opens
 * them. For every TLS variant the two must agree, so no target exposes or probes a port that
 * does not listen, or hides one that does.
 */
import { nodeListeners, preferredListener } from '../plan/listeners';
import { PORTS } from '../plan/ports';
import { confOf, planFor } from './helpers/specs';

/** Ports rabbitmq.conf opens for AMQP, management and Prometheus (the defaults when a plugin has no port key). */
function confPorts(conf: Map<string, string>): number[] {
  const out: number[] = [];
  if (conf.get('listeners.tcp') !== 'none') out.push(Number(conf.get('listeners.tcp.default') ?? PORTS.amqp));
  if (conf.has('listeners.ssl.default')) out.push(Number(conf.get('listeners.ssl.default')));
  // A plugin with neither key listens on its default plain port; with tls.required only the ssl one is written.
  out.push(...(conf.has('management.ssl.port') ? [Number(conf.get('management.ssl.port'))] : []));
  if (conf.has('management.tcp.port') || !conf.has('management.ssl.port')) out.push(Number(conf.get('management.tcp.port') ?? PORTS.management));
  out.push(...(conf.has('prometheus.ssl.port') ? [Number(conf.get('prometheus.ssl.port'))] : []));
  if (conf.has('prometheus.tcp.port') || !conf.has('prometheus.ssl.port')) out.push(Number(conf.get('prometheus.tcp.port') ?? PORTS.prometheus));
  return out.sort((a, b) => a - b);
}

describe('the listeners of a node are the ones its rabbitmq.conf opens', () => {
  test.each([
    ['no TLS', { enabled: false }],
    ['TLS required', { enabled: true }],
    ['TLS beside plain', { enabled: true, required: false }],
    ['TLS required, management and Prometheus plain', { enabled: true, management: false, prometheus: false }],
    ['TLS required, Prometheus plain', { enabled: true, prometheus: false }],
  ])('%s', (_name, tls) => {
    for (const target of ['docker', 'kubernetes'] as const) {
      const plan = planFor({ target, nodes: 3, tls });
      const listeners = nodeListeners(plan.nodes[1].address, plan.tls);
      expect(listeners.map((l) => l.port).sort((a, b) => a - b)).toEqual(confPorts(confOf(plan, 1)));
    }
  });

  test('clients are pointed at the TLS listener when there is one', () => {
    const plan = planFor({ target: 'kubernetes', tls: { enabled: true, required: false, management: false } });
    const listeners = nodeListeners(plan.nodes[0].address, plan.tls);
    expect(preferredListener(listeners, 'amqp')).toMatchObject({ name: 'amqps', port: 5671, tls: true });
    expect(preferredListener(listeners, 'management')).toMatchObject({ name: 'management', port: 15672, tls: false });
  });
});
