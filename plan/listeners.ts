/**
 * Which client-facing listeners a node has open, as the rendered rabbitmq.conf opens them (plain
 * AMQP/HTTP, their TLS counterparts, or both), so that targets expose, probe and admit exactly
 * those ports and no other. The rules mirror rabbitmq/tls-conf-rules.ts (`withoutPlainListeners`):
 * with `tls.required` plain AMQP is off, and plain management/Prometheus are off when their HTTPS
 * listener replaces them.
 */
import type { NodeAddress } from './addresses';
import type { TlsPlan } from './tls';

/** A listener's role; the TLS roles are the names Kubernetes ports get (at most 15 characters). */
export type ListenerName = 'amqp' | 'management' | 'prometheus' | 'amqps' | 'management-tls' | 'prometheus-tls';

/** One open listener of a node. */
export interface NodeListener {
  readonly name: ListenerName;
  readonly port: number;
  /** Kubernetes `appProtocol` (IANA service names where there is one). */
  readonly appProtocol: string;
  /** What it serves: clients (AMQP, management UI and API) or scrapers (Prometheus). */
  readonly kind: 'client' | 'metrics';
  readonly tls: boolean;
}

/** The client and metrics listeners of `node`, plain ones first, in a fixed order. */
export function nodeListeners(node: NodeAddress, tls: TlsPlan | undefined): NodeListener[] {
  const plain: NodeListener[] = [
    { name: 'amqp', port: node.amqpPort, appProtocol: 'amqp', kind: 'client', tls: false },
    { name: 'management', port: node.managementPort, appProtocol: 'http', kind: 'client', tls: false },
    { name: 'prometheus', port: node.prometheusPort, appProtocol: 'prometheus.io/metrics', kind: 'metrics', tls: false },
  ];
  if (!tls) return plain;
  const p = node.tlsPorts;
  if (!p) throw new Error(`listeners: node ${node.nodeName} has no TLS ports`);
  const secure: NodeListener[] = [
    { name: 'amqps', port: p.amqps, appProtocol: 'amqps', kind: 'client', tls: true },
    ...(tls.management ? [{ name: 'management-tls', port: p.management, appProtocol: 'https', kind: 'client', tls: true } as const] : []),
    ...(tls.prometheus ? [{ name: 'prometheus-tls', port: p.prometheus, appProtocol: 'https', kind: 'metrics', tls: true } as const] : []),
  ];
  const plainOff: Record<'amqp' | 'management' | 'prometheus', boolean> = {
    amqp: tls.required,
    management: tls.required && tls.management,
    prometheus: tls.required && tls.prometheus,
  };
  return [...plain.filter((l) => !plainOff[l.name as keyof typeof plainOff]), ...secure];
}

/** The listener a readiness check should use: AMQP if it listens in the clear, else AMQPS. */
export function amqpListener(listeners: readonly NodeListener[]): NodeListener {
  const l = listeners.find((x) => x.name === 'amqp') ?? listeners.find((x) => x.name === 'amqps');
  if (!l) throw new Error('listeners: no AMQP listener');
  return l;
}

/** The management listener an HTTP probe should use (plain if open, else HTTPS), if any. */
export function managementListener(listeners: readonly NodeListener[]): NodeListener | undefined {
  return listeners.find((x) => x.name === 'management') ?? listeners.find((x) => x.name === 'management-tls');
}

/** The listener clients should use for AMQP or management: the TLS one when there is one, else the plain one. */
export function preferredListener(listeners: readonly NodeListener[], role: 'amqp' | 'management'): NodeListener {
  const tlsName = role === 'amqp' ? 'amqps' : 'management-tls';
  const l = listeners.find((x) => x.name === tlsName) ?? listeners.find((x) => x.name === role);
  if (!l) throw new Error(`listeners: no ${role} listener`);
  return l;
}
