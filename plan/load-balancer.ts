/**
 * Plain-data input of the load balancer config renderers (`haproxy/`, `nginx/`): no zod, no cdktf.
 * The plan builds it from the resolved spec and the address table of the target.
 */
import type { LoadBalancerSpec } from '../spec/load-balancer';

/** Where the rendered config runs; decides name resolution and file locations. */
export type LoadBalancerTarget = 'docker' | 'kubernetes' | 'local';

/** One RabbitMQ node as the load balancer reaches it. */
export interface LoadBalancerBackend {
  /** Node name, used as the server name in the config, e.g. `rmq-dev-0`. Letters, digits, `.`, `_`, `-`. */
  readonly name: string;
  /**
   * Host name or IP address of the node as seen from the load balancer. Docker: the container's
   * network alias; Kubernetes: a fully qualified pod DNS name (the proxies' runtime resolvers do
   * not apply search domains); local: an IP address such as 127.0.0.1.
   */
  readonly host: string;
  /** AMQP 0-9-1 port of the node. */
  readonly amqpPort: number;
  /** Management UI / HTTP API port of the node. */
  readonly managementPort: number;
  /** `rabbitmq_prometheus` port of the node. */
  readonly prometheusPort: number;
}

/**
 * TLS at the load balancer. The backends' ports are then their TLS listeners, and the
 * `settings.ports.amqp`/`management` listeners serve AMQPS and HTTPS.
 */
export interface LoadBalancerTlsInput {
  /** `passthrough`: bytes forwarded to the node's TLS listener; `terminate`: own certificate, verified TLS to the node. */
  readonly mode: 'passthrough' | 'terminate';
  /** CA that node certificates are verified against (health checks, re-encryption). */
  readonly caFile: string;
  /** The proxy's own certificate and key (terminate), and both in one file (HAProxy `crt`). */
  readonly certFile: string;
  readonly keyFile: string;
  readonly combinedFile: string;
  /** Name every node certificate carries, checked when the proxy connects to a node over TLS. */
  readonly nodeName: string;
  /** The nodes' management listener is HTTPS. */
  readonly managementTls: boolean;
  /** The nodes' Prometheus listener (the health check's port) is HTTPS. */
  readonly prometheusTls: boolean;
  /** Client certificates asked for at a terminating proxy (and presented by it to the nodes). */
  readonly clientCertificates: 'none' | 'optional' | 'required';
}

/** Everything a renderer needs; the same input renders the same text. */
export interface LoadBalancerRenderInput {
  /** Cluster name, written into the header comment and the stats realm. */
  readonly clusterName: string;
  /** Nodes behind the load balancer, in a fixed order (the config lists them in this order). */
  readonly backends: readonly LoadBalancerBackend[];
  /** Resolved `loadBalancer` spec section. */
  readonly settings: LoadBalancerSpec;
  /** AMQP heartbeat in seconds the nodes negotiate; only documented in the rendered comments. */
  readonly heartbeatSeconds: number;
  /**
   * `docker`: Docker's embedded DNS (127.0.0.11), names may not resolve yet at start-up;
   * `kubernetes`: official image, cluster DNS; `local`: Debian binaries on this machine
   * (nginx needs `load_module` for the dynamic stream module; pid/log/temp files go under
   * {@link runtimeDir}).
   */
  readonly target: LoadBalancerTarget;
  /**
   * DNS server nginx re-resolves node names with (Kubernetes: `kubernetes.dnsResolver`).
   * @default - the target's: Docker's embedded DNS 127.0.0.11, `kube-dns.kube-system.svc` on
   * Kubernetes; unused locally and by HAProxy (which reads the pod's resolv.conf).
   */
  readonly dnsResolver?: string;
  /**
   * Local target only: absolute directory for pid, log, socket and temp files.
   * @default - required when target is 'local', ignored otherwise.
   */
  readonly runtimeDir?: string;
  /**
   * Credentials of the load balancer's status page. `passwordRef` is a placeholder substituted
   * later (never a literal password); renderers copy it verbatim into the config text.
   */
  readonly statsCredentials: { readonly user: string; readonly passwordRef: string };
  /** TLS; undefined when TLS is off. */
  readonly tls?: LoadBalancerTlsInput;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const HOST = /^[A-Za-z0-9_.:-]+$/;
/** One config token: no whitespace, quotes, backslashes, `#` (comment), `;` or braces (nginx). */
const TOKEN = /^[^\s"'\\#;{}]+$/;
const SECRET_TOKEN = /^[^\s"'\\#;]+$/;
const PATH = /^\/[^\s"'\\#;{}]*$/;

/**
 * Checks the invariants both renderers rely on and throws one Error listing every violation
 * (field, value, rule). The spec section was validated by zod already; this guards the parts the
 * plan computes.
 */
export function assertRenderableLoadBalancerInput(input: LoadBalancerRenderInput): void {
  const errors: string[] = [];
  if (!NAME.test(input.clusterName)) {
    errors.push(`clusterName=${JSON.stringify(input.clusterName)} must match ${NAME}`);
  }
  if (input.backends.length === 0) errors.push('backends must list at least one node');
  const seen = new Set<string>();
  input.backends.forEach((b, i) => {
    if (!NAME.test(b.name)) errors.push(`backends[${i}].name=${JSON.stringify(b.name)} must match ${NAME}`);
    if (seen.has(b.name)) errors.push(`backends[${i}].name=${JSON.stringify(b.name)} is used twice; node names must be unique`);
    seen.add(b.name);
    if (!HOST.test(b.host)) errors.push(`backends[${i}].host=${JSON.stringify(b.host)} must be a host name or IP address`);
    for (const key of ['amqpPort', 'managementPort', 'prometheusPort'] as const) {
      const p = b[key];
      if (!Number.isInteger(p) || p < 1 || p > 65535) errors.push(`backends[${i}].${key}=${p} must be an integer port 1-65535`);
    }
  });
  if (input.dnsResolver !== undefined && !HOST.test(input.dnsResolver)) {
    errors.push(`dnsResolver=${JSON.stringify(input.dnsResolver)} must be a host name or IP address`);
  }
  if (!Number.isInteger(input.heartbeatSeconds) || input.heartbeatSeconds < 0) {
    errors.push(`heartbeatSeconds=${input.heartbeatSeconds} must be a non-negative integer`);
  }
  if (input.target === 'local') {
    if (input.runtimeDir === undefined) errors.push("runtimeDir is required when target is 'local'");
    else if (!PATH.test(input.runtimeDir)) {
      errors.push(`runtimeDir=${JSON.stringify(input.runtimeDir)} must be an absolute path without spaces, quotes, '#', ';' or braces`);
    }
  }
  const { user, passwordRef } = input.statsCredentials;
  if (!TOKEN.test(user) || user.includes(':')) {
    errors.push(`statsCredentials.user=${JSON.stringify(user)} must be one token without ':', whitespace, quotes, '#', ';' or braces`);
  }
  // Only HAProxy writes it (`stats auth user:password`), where braces are plain characters; this
  // lets the plan's `{{secret:NAME}}` placeholder through.
  if (!SECRET_TOKEN.test(passwordRef)) {
    errors.push(`statsCredentials.passwordRef=${JSON.stringify(passwordRef)} must be one token without whitespace, quotes, '#' or ';'`);
  }
  if (errors.length > 0) {
    throw new Error(`invalid load balancer render input:\n  - ${errors.join('\n  - ')}`);
  }
}
