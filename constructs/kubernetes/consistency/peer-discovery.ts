/** Peer discovery: node names, their DNS resolution, and the rabbitmq.conf settings that find the peers. */
import { many, one, type Json } from '../private/stack-json';
import { enabledPluginsText } from './plugins';
import { effectiveConf, type Stack, type Workload } from './private/stack';

/**
 * The DNS names pod i of a StatefulSet has through its headless Service (relative, .svc, fully
 * qualified), any of which RabbitMQ resolves through the pod's search domains. Proxies do not use
 * search domains: see checkBackends (load-balancer.ts).
 */
function podHosts(w: Workload, i: number): string[] {
  const host = `${w.name}-${i}.${w.serviceName}.${w.ns}`;
  return [host, `${host}.svc`, `${host}.svc.cluster.local`];
}

/** Expands `$(VAR)` as Kubernetes does: only variables defined earlier in the list. */
function expandEnv(w: Workload, value: string, podIndex: number, problems: string[]): string {
  const env = many(w.container.env);
  const at = env.findIndex((e: Json) => e.value === value);
  return value.replace(/\$\((\w+)\)/g, (whole, name: string) => {
    const i = env.findIndex((e: Json) => e.name === name);
    if (i < 0 || (at >= 0 && i > at)) {
      problems.push(`${w.r.address}: $(${name}) in ${JSON.stringify(value)} is not defined before it; Kubernetes leaves it unexpanded`);
      return whole;
    }
    const e = env[i];
    const field = one(one(e.value_from)?.field_ref)?.field_path;
    if (field === 'metadata.name') return `${w.name}-${podIndex}`;
    if (field === 'metadata.namespace') return w.ns;
    return typeof e.value === 'string' ? expandEnv(w, e.value, podIndex, problems) : whole;
  });
}

/** The node names the pods will have and the names peer discovery will look for agree and resolve. */
export function checkPeerDiscovery(stack: Stack, w: Workload): string[] {
  const out: string[] = [];
  const env = new Map<string, Json>(many(w.container.env).map((e: Json) => [e.name, e]));
  const pattern = env.get('RABBITMQ_NODENAME')?.value;
  if (typeof pattern !== 'string') {
    return [`${w.r.address}: no RABBITMQ_NODENAME: nodes would be rabbit@<short pod name>, which other pods cannot resolve`];
  }
  const nodeNames: string[] = [];
  for (let i = 0; i < w.replicas; i++) {
    const problems: string[] = [];
    const node = expandEnv(w, pattern, i, problems);
    out.push(...new Set(problems));
    const host = node.slice(node.indexOf('@') + 1);
    if (!podHosts(w, i).includes(host)) {
      out.push(`${w.r.address}: pod ${w.name}-${i} is node ${node}, which does not resolve through headless Service ${w.serviceName} (expected rabbit@${podHosts(w, i)[0]})`);
    }
    nodeNames.push(node);
  }
  if (nodeNames.some((n) => n.includes('.')) && env.get('RABBITMQ_USE_LONGNAME')?.value !== 'true') {
    out.push(`${w.r.address}: node names are fully qualified but RABBITMQ_USE_LONGNAME is not "true"`);
  }
  const conf = effectiveConf(stack, w);
  if (!conf) return [...out, `${w.r.address}: no rabbitmq.conf mounted at /etc/rabbitmq/rabbitmq.conf or /etc/rabbitmq/conf.d/*.conf`];
  const backend = conf.get('cluster_formation.peer_discovery_backend');
  const hint = conf.get('cluster_formation.target_cluster_size_hint');
  if (hint !== undefined && Number(hint) !== w.replicas) out.push(`${w.r.address}: target_cluster_size_hint is ${hint} but replicas is ${w.replicas}`);
  for (const key of ['definitions.local.path', 'load_definitions']) {
    const path = conf.get(key);
    if (path && !w.files.some((f) => f.path === path)) out.push(`${w.r.address}: rabbitmq.conf ${key} = ${path}, but no volume mounts a file there`);
  }
  if (backend === undefined) return [...out, `${w.r.address}: rabbitmq.conf sets no peer discovery backend: every pod would form its own cluster`];
  if (/classic_config$/.test(backend)) {
    const listed = [...conf.entries()].filter(([k]) => k.startsWith('cluster_formation.classic_config.nodes.')).map(([, v]) => v);
    for (const n of listed) if (!nodeNames.includes(n)) out.push(`${w.r.address}: classic_config lists ${n}, which is not the node name of any pod`);
    for (const n of nodeNames) if (!listed.includes(n)) out.push(`${w.r.address}: classic_config does not list ${n}`);
  } else if (/k8s$/.test(backend)) {
    const plugins = enabledPluginsText(stack, w);
    if (plugins !== undefined && !/\brabbitmq_peer_discovery_k8s\b/.test(plugins)) out.push(`${w.r.address}: the k8s peer discovery backend is configured but enabled_plugins lacks rabbitmq_peer_discovery_k8s`);
    const service = conf.get('cluster_formation.k8s.service_name') ?? env.get('K8S_SERVICE_NAME')?.value;
    if (service !== undefined && service !== w.serviceName) out.push(`${w.r.address}: peer discovery looks up Service ${service}, not the headless Service ${w.serviceName}`);
    const suffix = conf.get('cluster_formation.k8s.hostname_suffix');
    if (suffix !== undefined && suffix !== `.${w.serviceName}.${w.ns}`) out.push(`${w.r.address}: cluster_formation.k8s.hostname_suffix ${suffix} makes names other than the pods' (.${w.serviceName}.${w.ns})`);
    const addressType = conf.get('cluster_formation.k8s.address_type');
    if (addressType !== undefined && addressType !== 'hostname') out.push(`${w.r.address}: cluster_formation.k8s.address_type ${addressType} yields rabbit@<ip> names, not the pods' host names`);
  }
  return out;
}
