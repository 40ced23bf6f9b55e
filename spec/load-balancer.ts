/**
 * The `loadBalancer` section of a cluster spec: which proxy sits in front of the RabbitMQ nodes and
 * how it treats long-lived AMQP connections.
 *
 * Defaults follow the measurements in `research/lb-ops-security.md` §0–§2 (HAProxy 2.6 / nginx 1.22
 * in front of RabbitMQ 3.10.8): idle timeouts well above the heartbeat, fast connect failover,
 * an AMQP-level health check, listeners on loopback unless asked otherwise.
 *
 * The cross-field rule "idle timeouts must exceed the AMQP heartbeat" needs the heartbeat from
 * another section, so the caller runs {@link validateLoadBalancerAgainstHeartbeat}.
 */
import { z } from 'zod';
import { secretSource } from './secret';

/** Closed set of load balancer implementations. `none`: clients connect to the nodes directly. */
export const LOAD_BALANCER_KINDS = ['haproxy', 'nginx', 'none'] as const;
export type LoadBalancerKind = (typeof LOAD_BALANCER_KINDS)[number];

/**
 * Default HAProxy image: official image, 3.2 LTS branch (supported until 2030), Alpine variant.
 * 3.2.22 is the newest 3.2 tag in docker-library/official-images `library/haproxy` (2026-08-21).
 * The rendered config only uses directives that HAProxy 2.6 already accepts (checked with
 * `haproxy -c` on Debian's 2.6.12), so the same text works on the image and on a local binary.
 */
export const DEFAULT_HAPROXY_IMAGE = 'haproxy:3.2.22-alpine';

/**
 * Default nginx image: official image, current stable branch (1.30), Alpine variant.
 * 1.30.4 is the `stable-alpine` tag in docker-library/official-images `library/nginx` (2026-08-21).
 * nginx.org builds include the stream module statically (no `load_module`) and, since 1.27.3,
 * re-resolve upstream names at run time (`server ... resolve`), which the nginx renderer uses for
 * container targets.
 */
export const DEFAULT_NGINX_IMAGE = 'nginx:1.30.4-alpine';

/** Default AMQP idle timeout: 3 × the RabbitMQ default heartbeat of 60 s (research §0). */
export const DEFAULT_IDLE_TIMEOUT_SECONDS = 180;

/**
 * An image reference pinned to an exact version: `name:1.2.3…` (tag starting with a full
 * major.minor.patch version) or a digest `name@sha256:…`. Floating tags (`latest`, `alpine`,
 * `lts`, `2.8`, `stable-alpine`) change under a running deployment and are rejected.
 */
const PINNED_IMAGE = /^(?:[a-z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:[._/-][a-z0-9]+)*(?::\d+\.\d+\.\d+[A-Za-z0-9_.-]*)?(?:@sha256:[a-f0-9]{64})?$/;
function isPinnedImage(image: string): boolean {
  return PINNED_IMAGE.test(image) && (/@sha256:/.test(image) || /:\d+\.\d+\.\d+[A-Za-z0-9_.-]*$/.test(image));
}

const seconds = (max: number) => z.number().int().min(1).max(max);
const port = () => z.number().int().min(1).max(65535);

/** Active health check (HAProxy `check inter/fastinter/fall/rise`, `timeout check`). */
export const loadBalancerHealthCheckSpec = z
  .object({
    /**
     * Interval between checks of a server in a stable state. It also bounds how long one check
     * waits to connect (min of inter and the connect timeout): a killed container's vanished
     * address costs at most this per check. The check is two cheap connections (see
     * haproxy/private/amqp-check.ts) that leave nothing in the node's log.
     * @default 1
     */
    interSeconds: seconds(300).default(1).describe('Seconds between checks while a server is stable (HAProxy `inter`).'),
    /**
     * Interval while a server is changing state (after one failed or one passed check), so a
     * crashed node is marked down after about inter + (fall − 1) × fastInter seconds.
     * @default 1
     */
    fastInterSeconds: seconds(300)
      .default(1)
      .describe('Seconds between checks while a server is going up or down (HAProxy `fastinter`).'),
    /**
     * Consecutive failed checks before a server is marked down. Two: a busy node answers the check
     * in milliseconds (no false DOWN in 60 s of confirmed publishing on every node, `npm run
     * bench`), and a refused connection fails at once, so a killed node is out after about
     * inter + fastInter.
     * @default 2
     */
    fall: z.number().int().min(1).max(100).default(2).describe('Failed checks in a row before a server is marked DOWN.'),
    /**
     * Consecutive passed checks before a server is marked up again.
     * @default 2
     */
    rise: z.number().int().min(1).max(100).default(2).describe('Passed checks in a row before a server is marked UP.'),
    /**
     * Read timeout of one check. It dominates how fast a hung (SIGSTOPped) node is detected:
     * about inter + fall × timeout + (fall − 1) × fastInter (research §1.3): at most 4 s with the
     * defaults (1 + 2 × 1 + 1; 3.5 s measured in `npm run bench` with SIGSTOP on 3.10.8 while the
     * other nodes published flat out). The answer of a busy node takes milliseconds; the bench
     * prints the slowest check it saw during the load.
     * @default 1
     */
    timeoutSeconds: seconds(60).default(1).describe('Seconds a check may wait for the answer (HAProxy `timeout check`).'),
  })
  .refine((c) => c.fastInterSeconds <= c.interSeconds, {
    message: 'fastInterSeconds must not be greater than interSeconds (it is the faster interval used during transitions)',
    path: ['fastInterSeconds'],
  });

/** Nginx open source has no active checks: passive failure accounting per server. */
export const loadBalancerPassiveCheckSpec = z.strictObject({
  /**
   * Failed connection attempts within failTimeoutSeconds before nginx skips the server.
   * @default 2
   */
  maxFails: z.number().int().min(1).max(100).default(2).describe('nginx `max_fails`: failed connects before a server is skipped.'),
  /**
   * Window for counting failures, and how long a failed server is skipped.
   * @default 10
   */
  failTimeoutSeconds: seconds(3600)
    .default(10)
    .describe('nginx `fail_timeout`: failure window and how long a failed server is skipped.'),
});

/** TCP ports the load balancer listens on (not the node ports: those come from the plan). */
export const loadBalancerPortsSpec = z
  .object({
    /**
     * AMQP 0-9-1 listener.
     * @default 5672
     */
    amqp: port().default(5672).describe('Port the load balancer accepts AMQP connections on.'),
    /**
     * Management UI / HTTP API listener.
     * @default 15672
     */
    management: port().default(15672).describe('Port the load balancer serves the management UI and HTTP API on.'),
    /**
     * Load balancer's own status page (HAProxy stats with authentication; nginx stub_status,
     * loopback only).
     * @default 8404
     */
    stats: port().default(8404).describe("Port of the load balancer's own status page."),
    /**
     * Prometheus pass-through listener, used only when `prometheus` is true.
     * @default 15692
     */
    prometheus: port().default(15692).describe('Port of the Prometheus pass-through (only when `prometheus` is true).'),
  })
  .refine((p) => new Set([p.amqp, p.management, p.stats, p.prometheus]).size === 4, {
    message: 'amqp, management, stats and prometheus ports must all differ',
  });

const loadBalancerObject = z.strictObject({
  /**
   * Which proxy to put in front of the nodes. `none` leaves the nodes reachable directly.
   * @default 'haproxy' -- active AMQP-level checks; nginx open source only has passive checks.
   */
  kind: z.enum(LOAD_BALANCER_KINDS).default('haproxy').describe('Load balancer implementation: haproxy, nginx or none.'),
  /**
   * Container image for Docker and Kubernetes targets, pinned to an exact version or digest.
   * @default - {@link DEFAULT_HAPROXY_IMAGE} or {@link DEFAULT_NGINX_IMAGE}, by `kind`.
   */
  image: z
    .string()
    .refine(isPinnedImage, {
      message: 'image must be pinned: a tag that starts with major.minor.patch (e.g. haproxy:3.2.22-alpine) or an @sha256: digest',
    })
    .optional()
    .describe('Container image pinned to an exact version or digest; defaults by kind.'),
  /**
   * AMQP client-side idle timeout in seconds (HAProxy `timeout client`, nginx `proxy_timeout`).
   * Must be greater than the AMQP heartbeat; 2 × heartbeat or more is recommended.
   * @default 180
   */
  clientTimeout: seconds(86400)
    .default(DEFAULT_IDLE_TIMEOUT_SECONDS)
    .describe('Seconds an AMQP client connection may stay silent; must exceed the heartbeat.'),
  /**
   * AMQP server-side idle timeout in seconds (HAProxy `timeout server`). Keep it equal to
   * clientTimeout: HAProxy applies the smaller of the two to a TCP tunnel.
   * @default 180
   */
  serverTimeout: seconds(86400)
    .default(DEFAULT_IDLE_TIMEOUT_SECONDS)
    .describe('Seconds the node side of an AMQP connection may stay silent; keep equal to clientTimeout.'),
  /**
   * Time allowed to open a TCP connection to a node before trying the next one.
   * @default 5
   */
  connectTimeoutSeconds: seconds(120).default(5).describe('Seconds to establish a TCP connection to a node.'),
  /**
   * Extra connection attempts after a failed connect (HAProxy `retries` with `option redispatch`;
   * nginx `proxy_next_upstream_tries` = retries + 1).
   * @default 3
   */
  retries: z.number().int().min(0).max(20).default(3).describe('Connection retries after a failed connect to a node.'),
  /**
   * Active health check timing (HAProxy).
   * @default - { interSeconds: 1, fastInterSeconds: 1, fall: 2, rise: 2, timeoutSeconds: 1 }
   */
  healthCheck: loadBalancerHealthCheckSpec.prefault({}).describe('Active health check timing (HAProxy).'),
  /**
   * Passive failure accounting (nginx).
   * @default - { maxFails: 2, failTimeoutSeconds: 10 }
   */
  passiveCheck: loadBalancerPassiveCheckSpec.prefault({}).describe('Passive failure accounting (nginx).'),
  /**
   * Password of HAProxy's stats page (user `operator`): generated by Terraform, or a sensitive
   * variable (`TF_VAR_<name>`) when the pipeline keeps its secrets itself. Unused by nginx (its
   * status page answers loopback only).
   * @default { generate: { length: 24 } }
   */
  statsPassword: secretSource.default({ generate: { length: 24 } }).describe("Password of HAProxy's stats page: generated, or a Terraform variable."),
  /**
   * Ports the load balancer listens on.
   * @default - { amqp: 5672, management: 15672, stats: 8404, prometheus: 15692 }
   */
  ports: loadBalancerPortsSpec.prefault({}).describe('Ports the load balancer listens on.'),
  /**
   * Address the listeners bind to on a machine the load balancer shares with others (`rmq-ha
   * local`). In a container or pod the proxy listens on the container's own interfaces and
   * exposure is decided outside it: Docker publishes the ports on `network.bindAddress`,
   * Kubernetes through the Service type.
   * @default '127.0.0.1' -- nothing listens on all interfaces unless asked.
   */
  bindAddress: z
    .union([z.ipv4(), z.ipv6()])
    .default('127.0.0.1')
    .describe('IPv4 or IPv6 address all listeners bind to; 0.0.0.0 only when asked for.'),
  /**
   * Prometheus pass-through: the load balancer listens on `ports.prometheus` and forwards
   * `/nodes/<node>/<path>` to exactly that node's Prometheus endpoint (`/nodes/rmq-dev-0/metrics`),
   * so each scrape still hits one known node (RabbitMQ metrics are per node and must not be
   * load balanced). HAProxy also serves its own metrics at `/metrics` there.
   * @default false
   */
  prometheus: z
    .boolean()
    .default(false)
    .describe('Expose per-node Prometheus endpoints through the load balancer at /nodes/<node>/metrics.'),
  /**
   * Load balancer replicas on Kubernetes (ignored by Docker and local targets). At least 2, so
   * that one pod can be rescheduled without cutting all AMQP connections.
   * @default 2
   */
  replicas: z.number().int().min(2).max(20).default(2).describe('Load balancer pods on Kubernetes (at least 2).'),
});

type LoadBalancerObject = z.output<typeof loadBalancerObject>;

/**
 * The resolved `loadBalancer` section. `image` is always set for `haproxy` and `nginx`, so
 * `if (lb.kind !== 'none') use(lb.image)` type-checks.
 */
export type LoadBalancerSpec = Omit<LoadBalancerObject, 'kind' | 'image'> &
  (
    | { readonly kind: 'haproxy' | 'nginx'; readonly image: string }
    | { readonly kind: 'none'; readonly image?: undefined }
  );

/** Default image for a kind. */
export function defaultLoadBalancerImage(kind: 'haproxy' | 'nginx'): string {
  return kind === 'haproxy' ? DEFAULT_HAPROXY_IMAGE : DEFAULT_NGINX_IMAGE;
}

/** zod schema of the `loadBalancer` section (parse once at the boundary; defaults included). */
export const loadBalancerSpec = loadBalancerObject
  .superRefine((lb, ctx) => {
    if (lb.kind === 'none' && lb.image !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['image'], message: "image has no effect when kind is 'none'; remove it" });
    }
  })
  .transform((lb): LoadBalancerSpec => {
    if (lb.kind === 'none') {
      const { image: _unused, ...rest } = lb;
      return { ...rest, kind: 'none' };
    }
    return { ...lb, kind: lb.kind, image: lb.image ?? defaultLoadBalancerImage(lb.kind) };
  });

/** What a spec file or TS object may contain (every field optional). */
export type LoadBalancerSpecInput = z.input<typeof loadBalancerSpec>;

/**
 * Cross-section rule: the load balancer's AMQP idle timeouts must exceed the negotiated AMQP
 * heartbeat (RabbitMQ sends heartbeat frames every heartbeat/2 seconds on an idle connection; a
 * shorter proxy timeout closes idle connections, measured in research §0 and §7.4).
 *
 * @param lb resolved load balancer section
 * @param heartbeatSeconds server heartbeat in seconds (0 = heartbeats disabled)
 * @returns one message per violated rule, naming the field, the value and the fix; empty if fine
 */
export function validateLoadBalancerAgainstHeartbeat(lb: LoadBalancerSpec, heartbeatSeconds: number): string[] {
  if (lb.kind === 'none') return [];
  const errors: string[] = [];
  if (heartbeatSeconds === 0) {
    errors.push(
      `heartbeat is 0 (disabled) while loadBalancer.kind is '${lb.kind}': the load balancer closes silent AMQP ` +
        `connections after loadBalancer.clientTimeout=${lb.clientTimeout} s and TCP keepalives do not reset its timer; ` +
        `enable heartbeats (e.g. 60) so idle connections stay open`,
    );
    return errors;
  }
  const recommended = 2 * heartbeatSeconds;
  for (const field of ['clientTimeout', 'serverTimeout'] as const) {
    const value = lb[field];
    if (value <= heartbeatSeconds) {
      errors.push(
        `loadBalancer.${field}=${value} s must be greater than the AMQP heartbeat of ${heartbeatSeconds} s, ` +
          `otherwise the ${lb.kind} load balancer closes idle connections between heartbeat frames; ` +
          `set loadBalancer.${field} to ${recommended} or more (2 × heartbeat), or lower the heartbeat`,
      );
    }
  }
  return errors;
}
