/**
 * The environment the end-to-end run deploys: 3 RabbitMQ 3.10.8 nodes (the stand-in image) behind
 * HAProxy (its stand-in), published on loopback ports that are free on this machine, a quorum
 * queue with a policy, and resource limits this host can grant.
 */
import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import { findFreePorts, isPortOpen } from '../cli/local';
import type { StandinImages } from '../images';

/** Ports the stack publishes on 127.0.0.1. */
export interface E2ePorts {
  /** Node i listens on amqpBase + i and managementBase + i. */
  readonly amqpBase: number;
  readonly managementBase: number;
  readonly lb: { readonly amqp: number; readonly management: number; readonly stats: number };
}

/** `count` consecutive free loopback ports, starting at a multiple of 10 in [30000, 60000). */
async function freeRange(count: number, avoid: ReadonlySet<number>): Promise<number> {
  for (let base = 30000 + Math.floor(Math.random() * 2000) * 10; base < 60000; base += 10) {
    const ports = Array.from({ length: count }, (_, i) => base + i);
    if (ports.some((p) => avoid.has(p))) continue;
    if ((await Promise.all(ports.map((p) => isPortOpen(p)))).every((open) => !open)) return base;
  }
  throw new Error(`no ${count} consecutive free ports on 127.0.0.1`);
}

export async function choosePorts(nodes: number): Promise<E2ePorts> {
  const [amqp, management, stats] = await findFreePorts(3);
  const avoid = new Set([amqp, management, stats]);
  const amqpBase = await freeRange(nodes, avoid);
  for (let i = 0; i < nodes; i++) avoid.add(amqpBase + i);
  const managementBase = await freeRange(nodes, avoid);
  return { amqpBase, managementBase, lb: { amqp, management, stats } };
}

/** What the run may vary between applies. */
export interface E2eVariant {
  /** rabbitmq.heartbeatSeconds: a change rewrites rabbitmq.conf, so every node container is replaced. @default 30 */
  readonly heartbeatSeconds?: number;
}

export const E2E_CLUSTER = 'rmq-e2e';

/**
 * Secrets come from Terraform variables (TF_VAR_<name>), as a pipeline sets them: the stack then
 * needs no hashicorp/random, which the Go module proxy does not serve (providers/README.md).
 */
export const E2E_SECRET_VARIABLES = { admin: 'rmq_e2e_admin_password', cookie: 'rmq_e2e_erlang_cookie', stats: 'rmq_e2e_stats_password' } as const;

/** TF_VAR_* values for the secrets: random, 32 characters of the allowed set. */
export function e2eSecretEnv(): Record<string, string> {
  const value = () => randomBytes(24).toString('base64').replace(/[^A-Za-z0-9]/g, 'x').slice(0, 32);
  return Object.fromEntries(Object.values(E2E_SECRET_VARIABLES).map((v) => [`TF_VAR_${v}`, value()]));
}
export const E2E_QUEUE = 'orders';

/** The spec file text (YAML) of the end-to-end environment. */
export function e2eSpecYaml(images: StandinImages, ports: E2ePorts, fileDescriptors: number, variant: E2eVariant = {}): string {
  return stringify({
    name: E2E_CLUSTER,
    target: 'docker',
    nodes: 3,
    rabbitmq: { version: '3.10.8', image: images.rabbitmq, heartbeatSeconds: variant.heartbeatSeconds ?? 30, diskFreeLimit: { absolute: '100MB' } },
    // cpus is a string attribute that kreuzwerker/docker 3.6.2 panicked on (#759): applied here.
    resources: { memory: '1GiB', cpus: 1, fileDescriptors },
    credentials: { adminPassword: { variable: E2E_SECRET_VARIABLES.admin }, erlangCookie: { variable: E2E_SECRET_VARIABLES.cookie } },
    network: { nodePorts: { amqpBase: ports.amqpBase, managementBase: ports.managementBase } },
    loadBalancer: { kind: 'haproxy', image: images.haproxy, ports: ports.lb, statsPassword: { variable: E2E_SECRET_VARIABLES.stats } },
    topology: {
      exchanges: [{ name: 'orders.dlx', type: 'fanout' }],
      queues: [
        { name: E2E_QUEUE, type: 'quorum' },
        { name: 'orders.dead', type: 'quorum' },
      ],
      bindings: [{ source: 'orders.dlx', destination: 'orders.dead' }],
      policies: [{ name: 'orders', pattern: '^orders$', quorum: { deliveryLimit: 5, deadLetterExchange: 'orders.dlx' } }],
    },
  });
}
