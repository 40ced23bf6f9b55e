/** The load balancer Deployment: its Service, its mounted config, its listeners and the servers behind them. */
import { namespaceOf, one, selects, showLabels } from '../private/stack-json';
import { parseProxyConfig, PROXY_CONFIG_PATHS, proxyKindOfImage, type ProxyConfig } from '../private/proxy-config';
import { fileText, type Stack, type Workload } from './private/stack';

/**
 * A load balancer Deployment (a container of the haproxy or nginx image): a Service reaches it,
 * its config is mounted where the image reads it, every container port has a listener, and the
 * config's servers are exactly the RabbitMQ pods' fully qualified DNS names.
 */
export function checkLoadBalancer(stack: Stack, d: Workload, nodes: readonly Workload[]): string[] {
  const kind = proxyKindOfImage(d.container.image);
  if (!kind) return [];
  const out: string[] = [];
  if (!stack.all.service.some((s) => namespaceOf(s) === d.ns && selects(one(s.body.spec)?.selector, d.podLabels))) {
    out.push(`${d.r.address}: no Service selects its pods (${showLabels(d.podLabels)}); clients cannot reach the ${kind} load balancer`);
  }
  const path = PROXY_CONFIG_PATHS[kind];
  const file = d.files.find((f) => f.path === path);
  if (!file) return [...out, `${d.r.address}: container ${d.container.name} mounts no file at ${path}, where the ${kind} image reads its config; it would run the image's default`];
  // A missing Secret or key is reported by checkWorkloadRefs.
  const text = fileText(stack, d, file);
  if (text === undefined) return out;
  const name = path.slice(path.lastIndexOf('/') + 1);
  const config = parseProxyConfig(kind, text);
  for (const [portName, port] of d.ports) {
    if (!config.listeners.has(port)) out.push(`${d.r.address}: container port ${portName} (${port}) has no listener in ${name}; connections to it are refused`);
  }
  return [...out, ...checkBackends(d, name, config, nodes)];
}

/** A DNS domain as the spec's `kubernetes.clusterDomain` allows it (`cluster.local` by default). */
const CLUSTER_DOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

/** A RabbitMQ pod as a proxy names it: `<pod>.<headless>.<namespace>`, then `.svc.<cluster domain>`. */
interface BackendPod {
  readonly w: Workload;
  readonly pod: string;
  readonly relative: string;
}

/** Which pod a server host names, and in which form: fully qualified (with its domain), `.svc` or relative. */
interface BackendMatch {
  readonly p: BackendPod;
  readonly form: 'fqdn' | 'svc' | 'relative';
  readonly domain?: string;
}

function matchBackend(pods: readonly BackendPod[], host: string): BackendMatch | undefined {
  for (const p of pods) {
    if (host === p.relative) return { p, form: 'relative' };
    if (host === `${p.relative}.svc`) return { p, form: 'svc' };
    const prefix = `${p.relative}.svc.`;
    const domain = host.startsWith(prefix) ? host.slice(prefix.length) : undefined;
    if (domain !== undefined && CLUSTER_DOMAIN.test(domain)) return { p, form: 'fqdn', domain };
  }
  return undefined;
}

/**
 * The cluster domain the config's servers use: the most frequent one (the first on a tie),
 * `cluster.local` when no server is fully qualified. The stack JSON carries the domain nowhere
 * else, so one server with a domain of its own is a problem, a common one is not.
 */
function clusterDomainOf(matches: ReadonlyArray<BackendMatch | undefined>): string {
  const counts = new Map<string, number>();
  for (const m of matches) if (m?.domain !== undefined) counts.set(m.domain, (counts.get(m.domain) ?? 0) + 1);
  let best: [string, number] = [DEFAULT_CLUSTER_DOMAIN, 0];
  for (const [d, n] of counts) if (n > best[1]) best = [d, n];
  return best[0];
}

/**
 * Every `server` of the config is a RabbitMQ pod's fully qualified DNS name
 * (`<pod>.<headless>.<namespace>.svc.<cluster domain>`: proxies resolve at run time without the
 * pod's search domains, so a relative or `.svc` name never resolves) and port, and the pools
 * behind the amqp and management listeners list every pod exactly once.
 */
function checkBackends(d: Workload, file: string, config: ProxyConfig, nodes: readonly Workload[]): string[] {
  const out: string[] = [];
  const pods: BackendPod[] = nodes.flatMap((w) => Array.from({ length: w.replicas }, (_, i) => ({ w, pod: `${w.name}-${i}`, relative: `${w.name}-${i}.${w.serviceName}.${w.ns}` })));
  const servers = [...config.pools.values()].flat();
  const domain = clusterDomainOf(servers.map((s) => matchBackend(pods, s.host)));
  const fqdn = (p: BackendPod): string => `${p.relative}.svc.${domain}`;
  const known = pods.map(fqdn).join(', ') || 'none';
  for (const [pool, poolServers] of config.pools) {
    for (const s of poolServers) {
      const m = matchBackend(pods, s.host);
      const at = `${d.r.address}: ${file} pool ${pool} has "${s.text}"`;
      if (!m) {
        out.push(`${at}: ${s.host} is not the DNS name of a RabbitMQ pod of the stack (${known})`);
        continue;
      }
      if (m.form !== 'fqdn') {
        out.push(`${at}: ${s.host} is not fully qualified; the proxy resolves it at run time without search domains, so it never resolves: use ${fqdn(m.p)}`);
      } else if (m.domain !== domain) {
        out.push(`${at}: ${s.host} is in cluster domain ${m.domain}, the other servers in ${domain}; a cluster has one DNS domain: use ${fqdn(m.p)}`);
      }
      if (![...m.p.w.ports.values()].includes(s.port)) out.push(`${at}: port ${s.port} is not a container port of ${m.p.w.r.address}`);
    }
  }
  for (const portName of ['amqp', 'management']) {
    const lbPort = d.ports.get(portName);
    if (lbPort === undefined) {
      out.push(`${d.r.address}: container ${d.container.name} has no port named ${portName}`);
      continue;
    }
    const targets = config.listeners.get(lbPort);
    if (targets === undefined) continue; // reported with the listeners
    if (targets.length !== 1) {
      out.push(`${d.r.address}: ${file} listener :${lbPort} (${portName}) forwards to ${targets.length === 0 ? 'no server pool' : `several pools (${targets.join(', ')})`}`);
      continue;
    }
    const pool = config.pools.get(targets[0]) ?? [];
    for (const p of pods) {
      const listed = pool.filter((s) => matchBackend(pods, s.host)?.p === p);
      // With TLS the node's listener may be amqps / management-tls (beside the plain one, or alone).
      const tlsName = portName === 'amqp' ? 'amqps' : 'management-tls';
      const nodePorts = [portName, tlsName].flatMap((n) => (p.w.ports.has(n) ? [{ name: n, port: p.w.ports.get(n)! }] : []));
      const where = `${file} pool ${targets[0]} (behind the ${portName} listener :${lbPort})`;
      if (listed.length === 0) out.push(`${d.r.address}: ${where} does not list pod ${p.pod} (${fqdn(p)}); it would get no ${portName} clients`);
      else if (listed.length > 1) out.push(`${d.r.address}: ${where} lists pod ${p.pod} ${listed.length} times`);
      else if (nodePorts.length > 0 && !nodePorts.some((n) => n.port === listed[0].port)) {
        out.push(`${d.r.address}: ${where} sends pod ${p.pod} to port ${listed[0].port}, not its ${nodePorts.map((n) => `${n.name} port ${n.port}`).join(' or ')}`);
      }
    }
  }
  return out;
}
