/**
 * A consistency checker for synthesized Kubernetes stacks: the checks a real cluster would make
 * at apply or boot time, made on the Terraform JSON instead, with no cluster and no terraform.
 * It reads only the JSON (any producer, not just this toolkit) and recomputes what RabbitMQ and
 * Kubernetes would do with it: which pods a selector picks, which port a name resolves to, which
 * node names peer discovery will use and whether DNS can resolve them, which pods a load balancer's
 * config (haproxy.cfg, nginx.conf) sends clients to.
 *
 * `checkKubernetesStack(json)` returns one line per problem, `<terraform address>: <problem>`,
 * and [] for a consistent stack. The CLI's `validate` runs it on every Kubernetes environment.
 */
import {
  dataKeys,
  findByName,
  many,
  mountedFiles,
  nameOf,
  namespaceOf,
  one,
  parseSysctl,
  quantityOf,
  resourcesOf,
  selects,
  showLabels,
  versionOf,
  type Json,
  type Labels,
  type MountedFile,
  type StackResource,
} from './private/stack-json';
import { majority } from './private/policies';
import { parseProxyConfig, PROXY_CONFIG_PATHS, proxyKindOfImage, type ProxyConfig } from './private/proxy-config';

const T = {
  sts: 'kubernetes_stateful_set_v1',
  deployment: 'kubernetes_deployment_v1',
  service: 'kubernetes_service_v1',
  secret: 'kubernetes_secret_v1',
  configMap: 'kubernetes_config_map_v1',
  pdb: 'kubernetes_pod_disruption_budget_v1',
  role: 'kubernetes_role_v1',
  roleBinding: 'kubernetes_role_binding_v1',
  serviceAccount: 'kubernetes_service_account_v1',
  namespace: 'kubernetes_namespace_v1',
} as const;

/** The permissions `rabbitmq_peer_discovery_k8s` uses before 4.1, as `resource:verb`. */
export const PEER_DISCOVERY_PERMISSIONS = ['endpoints:get', 'events:create'] as const;

interface Stack {
  readonly all: Record<keyof typeof T, StackResource[]>;
}

/** One StatefulSet (RabbitMQ nodes) or Deployment (load balancer), read once. */
interface Workload {
  readonly r: StackResource;
  readonly name: string;
  readonly ns: string;
  readonly replicas: number;
  readonly podLabels: Labels;
  readonly podSpec: Json;
  readonly container: Json;
  readonly ports: ReadonlyMap<string, number>;
  readonly serviceName: string;
  readonly files: readonly MountedFile[];
  readonly version?: [number, number, number];
}

/**
 * Checks a synthesized stack (the `cdk.tf.json` text or its parsed object) and returns the
 * problems found, each prefixed with the Terraform address it concerns; [] when consistent.
 */
export function checkKubernetesStack(json: string | object): string[] {
  const raw: Json = typeof json === 'string' ? JSON.parse(json) : json;
  const stack: Stack = { all: Object.fromEntries(Object.entries(T).map(([k, type]) => [k, resourcesOf(raw, type)])) as Stack['all'] };
  if (stack.all.sts.length === 0) return ['stack: no kubernetes_stateful_set_v1, nothing to check (is the target kubernetes?)'];
  const workloads = stack.all.sts.map(readWorkload(stack));
  const deployments = stack.all.deployment.map(readWorkload(stack));
  const pods = [...workloads, ...deployments];
  return [
    ...checkNamespaces(stack),
    ...workloads.flatMap((w) => [...checkWorkloadRefs(stack, w), ...checkHeadless(stack, w), ...checkPeerDiscovery(stack, w), ...checkRbac(stack, w)]),
    ...deployments.flatMap((d) => [...checkWorkloadRefs(stack, d), ...checkLoadBalancer(stack, d, workloads)]),
    ...checkServices(stack, pods),
    ...checkDisruptionBudgets(stack, workloads, deployments),
    ...checkConfigMaps(stack),
  ];
}

const lookupIn = (stack: Stack, ns: string) => (kind: 'configMap' | 'secret', name: string) =>
  findByName(kind === 'configMap' ? stack.all.configMap : stack.all.secret, name, ns);

const readWorkload = (stack: Stack) => (r: StackResource): Workload => {
  const spec = one(r.body.spec) ?? {};
  const template = one(spec.template) ?? {};
  const podSpec = one(template.spec) ?? {};
  const containers = many(podSpec.container);
  const container = containers.find((c: Json) => c.name === 'rabbitmq') ?? containers[0] ?? {};
  const ns = namespaceOf(r) ?? 'default';
  const podLabels: Labels = one(template.metadata)?.labels ?? {};
  return {
    r,
    name: nameOf(r) ?? '',
    ns,
    replicas: Number(spec.replicas ?? 1),
    podLabels,
    podSpec,
    container,
    ports: new Map(many(container.port).map((p: Json) => [String(p.name ?? ''), Number(p.container_port)])),
    serviceName: spec.service_name ?? '',
    files: mountedFiles(podSpec, container, lookupIn(stack, ns)),
    version: versionOf(podLabels['app.kubernetes.io/version'] ?? container.image),
  };
};

/** Text of a mounted file (from the stack's ConfigMap or Secret), if the stack has it. */
function fileText(stack: Stack, w: Workload, f: MountedFile): string | undefined {
  const r = lookupIn(stack, w.ns)(f.kind, f.source);
  const v = r?.body.data?.[f.key];
  return typeof v === 'string' ? v : undefined;
}

/** rabbitmq.conf as the node reads it: /etc/rabbitmq/rabbitmq.conf, then conf.d/*.conf in order. */
function effectiveConf(stack: Stack, w: Workload): Map<string, string> | undefined {
  const confs = w.files.filter((f) => /^\/etc\/rabbitmq\/(rabbitmq\.conf|conf\.d\/[^/]+\.conf)$/.test(f.path)).sort((a, b) => a.path.localeCompare(b.path));
  if (confs.length === 0) return undefined;
  const merged = new Map<string, string>();
  for (const f of confs) for (const [k, v] of parseSysctl(fileText(stack, w, f) ?? '')) merged.set(k, v);
  return merged;
}

function checkNamespaces(stack: Stack): string[] {
  const out: string[] = [];
  const created = new Map(stack.all.namespace.map((n) => [nameOf(n), n.address]));
  for (const key of Object.keys(T) as Array<keyof typeof T>) {
    if (key === 'namespace') continue;
    for (const r of stack.all[key]) {
      const ns = namespaceOf(r);
      if (!ns) out.push(`${r.address}: has no metadata.namespace (it would land in the provider's default namespace)`);
      else if (created.has(ns) && !many(r.body.depends_on).includes(created.get(ns))) {
        out.push(`${r.address}: is in namespace ${ns}, created by ${created.get(ns)}, but does not depend on it (Terraform may create it first and delete the namespace under it)`);
      }
    }
  }
  return out;
}

/** Every Secret/ConfigMap key an env var or volume refers to exists; every mount names a volume. */
function checkWorkloadRefs(stack: Stack, w: Workload): string[] {
  const out: string[] = [];
  const lookup = lookupIn(stack, w.ns);
  const need = (what: string, kind: 'configMap' | 'secret', name: string, key: string | undefined, optional: boolean): void => {
    if (optional) return;
    const r = lookup(kind, name);
    const type = kind === 'configMap' ? 'ConfigMap' : 'Secret';
    if (!r) out.push(`${w.r.address}: ${what} refers to ${type} ${name}, which the stack does not create in namespace ${w.ns}`);
    else if (key !== undefined && !dataKeys(r).has(key)) out.push(`${w.r.address}: ${what} refers to key ${key} of ${r.address}, which has only ${[...dataKeys(r)].join(', ') || 'no keys'}`);
  };
  const volumeNames = new Set([...many(w.podSpec.volume).map((v: Json) => v.name), ...many(one(w.r.body.spec)?.volume_claim_template).map((t: Json) => one(t.metadata)?.name)]);
  for (const c of [...many(w.podSpec.init_container), ...many(w.podSpec.container)]) {
    for (const e of many(c.env)) {
      const from = one(e.value_from);
      const s = one(from?.secret_key_ref);
      const m = one(from?.config_map_key_ref);
      if (s) need(`env ${e.name} of container ${c.name}`, 'secret', s.name, s.key, s.optional === true);
      if (m) need(`env ${e.name} of container ${c.name}`, 'configMap', m.name, m.key, m.optional === true);
    }
    for (const e of many(c.env_from)) {
      const s = one(e.secret_ref);
      const m = one(e.config_map_ref);
      if (s) need(`envFrom of container ${c.name}`, 'secret', s.name, undefined, s.optional === true);
      if (m) need(`envFrom of container ${c.name}`, 'configMap', m.name, undefined, m.optional === true);
    }
    for (const vm of many(c.volume_mount)) {
      if (!volumeNames.has(vm.name)) out.push(`${w.r.address}: container ${c.name} mounts volume ${vm.name}, which the pod does not define`);
    }
  }
  for (const v of many(w.podSpec.volume)) {
    const items = (x: Json): string[] => many(x?.items).map((i: Json) => String(i.key));
    const sec = one(v.secret);
    const cm = one(v.config_map);
    const refs: Array<[kind: 'configMap' | 'secret', name: string, keys: string[], optional: boolean]> = [];
    if (sec) refs.push(['secret', sec.secret_name, items(sec), sec.optional === true]);
    if (cm) refs.push(['configMap', cm.name, items(cm), cm.optional === true]);
    for (const p of many(v.projected)) {
      for (const src of many(p.sources)) {
        for (const x of many(src.secret)) refs.push(['secret', x.name, items(x), x.optional === true]);
        for (const x of many(src.config_map)) refs.push(['configMap', x.name, items(x), x.optional === true]);
      }
    }
    for (const [kind, name, keys, optional] of refs) {
      if (keys.length === 0) need(`volume ${v.name}`, kind, name, undefined, optional);
      for (const key of keys) need(`volume ${v.name}`, kind, name, key, optional);
    }
  }
  return out;
}

/** `serviceName` is a headless Service that selects the pods and publishes them before they are ready. */
function checkHeadless(stack: Stack, w: Workload): string[] {
  const svc = stack.all.service.find((s) => nameOf(s) === w.serviceName && namespaceOf(s) === w.ns);
  if (!svc) return [`${w.r.address}: service_name ${w.serviceName || '(empty)'} is not a Service of the stack in namespace ${w.ns}; pods get no DNS names`];
  const spec = one(svc.body.spec) ?? {};
  const out: string[] = [];
  if (spec.cluster_ip !== 'None') out.push(`${svc.address}: is the service_name of ${w.r.address} but is not headless (cluster_ip must be "None")`);
  if (spec.publish_not_ready_addresses !== true) {
    out.push(`${svc.address}: must set publish_not_ready_addresses: nodes look each other up before any of them is ready`);
  }
  if (!selects(spec.selector, w.podLabels)) out.push(`${svc.address}: selector ${showLabels(spec.selector)} does not select the pods of ${w.r.address} (${showLabels(w.podLabels)})`);
  return out;
}

/**
 * The DNS names pod i of a StatefulSet has through its headless Service (relative, .svc, fully
 * qualified), any of which RabbitMQ resolves through the pod's search domains. Proxies do not use
 * search domains: see checkBackends.
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
function checkPeerDiscovery(stack: Stack, w: Workload): string[] {
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
    const pluginsPath = env.get('RABBITMQ_ENABLED_PLUGINS_FILE')?.value ?? '/etc/rabbitmq/enabled_plugins';
    const pluginsFile = w.files.find((f) => f.path === pluginsPath);
    const plugins = pluginsFile ? fileText(stack, w, pluginsFile) : undefined;
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

/** Peer discovery before 4.1 gets exactly endpoints:get and events:create; from 4.1 no RBAC and no token. */
function checkRbac(stack: Stack, w: Workload): string[] {
  const out: string[] = [];
  const conf = effectiveConf(stack, w);
  const usesApi = /k8s$/.test(conf?.get('cluster_formation.peer_discovery_backend') ?? '') && (w.version === undefined || w.version[0] < 4 || (w.version[0] === 4 && w.version[1] < 1));
  const sa = w.podSpec.service_account_name ?? 'default';
  const automount = w.podSpec.automount_service_account_token !== false;
  const bindings = stack.all.roleBinding.filter(
    (b) => namespaceOf(b) === w.ns && many(b.body.subject).some((s: Json) => s.kind === 'ServiceAccount' && s.name === sa && (s.namespace ?? w.ns) === w.ns),
  );
  const roles = bindings.map((b) => {
    const ref = one(b.body.role_ref) ?? {};
    const role = ref.kind === 'Role' ? stack.all.role.find((r) => nameOf(r) === ref.name && namespaceOf(r) === w.ns) : undefined;
    if (!role) out.push(`${b.address}: binds ${ref.kind ?? '?'} ${ref.name ?? '?'}, which is not a Role of the stack in namespace ${w.ns}`);
    return role;
  });
  const granted = new Set<string>();
  for (const role of roles) {
    for (const rule of many(role?.body.rule)) {
      const core = many(rule.api_groups).includes('');
      for (const res of many(rule.resources)) for (const verb of many(rule.verbs)) granted.add(core ? `${res}:${verb}` : `${many(rule.api_groups).join(',')}/${res}:${verb}`);
    }
  }
  if (usesApi) {
    if (!automount) out.push(`${w.r.address}: peer discovery before 4.1 calls the Kubernetes API, but the ServiceAccount token is not mounted`);
    if (sa !== 'default' && !stack.all.serviceAccount.some((s) => nameOf(s) === sa && namespaceOf(s) === w.ns)) out.push(`${w.r.address}: runs as ServiceAccount ${sa}, which the stack does not create`);
    for (const p of PEER_DISCOVERY_PERMISSIONS) if (!granted.has(p)) out.push(`${w.r.address}: ServiceAccount ${sa} lacks ${p}, which peer discovery before 4.1 calls`);
    const extra = [...granted].filter((p) => !(PEER_DISCOVERY_PERMISSIONS as readonly string[]).includes(p));
    if (extra.length > 0) out.push(`${w.r.address}: ServiceAccount ${sa} is granted more than peer discovery needs: ${extra.join(', ')}`);
  } else {
    if (automount) out.push(`${w.r.address}: mounts a ServiceAccount token nothing uses (peer discovery from 4.1 does not call the API); set automount_service_account_token = false`);
    if (granted.size > 0) out.push(`${w.r.address}: ServiceAccount ${sa} is granted ${[...granted].join(', ')}, which peer discovery from 4.1 does not use`);
  }
  return out;
}

/** Every Service selects the pods of one workload, and every target port is a container port of those pods. */
function checkServices(stack: Stack, workloads: readonly Workload[]): string[] {
  const out: string[] = [];
  for (const s of stack.all.service) {
    const spec = one(s.body.spec) ?? {};
    const selected = workloads.filter((w) => w.ns === namespaceOf(s) && selects(spec.selector, w.podLabels));
    if (selected.length === 0) {
      out.push(`${s.address}: selector ${showLabels(spec.selector)} matches no pod of the stack (pod labels: ${workloads.map((w) => showLabels(w.podLabels)).join(' ')})`);
      continue;
    }
    if (selected.length > 1) {
      out.push(`${s.address}: selector ${showLabels(spec.selector)} matches the pods of ${selected.map((w) => w.r.address).join(' and ')}; each connection would land on either`);
    }
    for (const w of selected) {
      for (const p of many(spec.port)) {
        const target = p.target_port ?? p.port;
        const ok = /^\d+$/.test(String(target)) ? [...w.ports.values()].includes(Number(target)) : w.ports.has(String(target));
        if (!ok) out.push(`${s.address}: port ${p.name ?? p.port} targets ${target}, which is not a container port of ${w.r.address} (${[...w.ports.keys()].join(', ')})`);
      }
    }
  }
  return out;
}

/**
 * A budget selects the RabbitMQ pods and never allows an eviction that could cost a quorum queue
 * its majority; the load balancer pods have a budget too.
 */
function checkDisruptionBudgets(stack: Stack, workloads: readonly Workload[], deployments: readonly Workload[]): string[] {
  const out: string[] = [];
  const budgetsOf = (w: Workload): StackResource[] => stack.all.pdb.filter((p) => namespaceOf(p) === w.ns && selects(one(one(p.body.spec)?.selector)?.match_labels, w.podLabels));
  for (const d of deployments) {
    if (proxyKindOfImage(d.container.image) && budgetsOf(d).length === 0) out.push(`${d.r.address}: no PodDisruptionBudget selects its pods; a node drain may evict every proxy at once`);
  }
  for (const w of workloads) {
    const budgets = budgetsOf(w);
    if (budgets.length === 0) out.push(`${w.r.address}: no PodDisruptionBudget selects its pods; a node drain may evict several at once`);
    const safe = Math.min(1, Math.max(0, w.replicas - majority(w.replicas)));
    for (const p of budgets) {
      const spec = one(p.body.spec) ?? {};
      const maxUnavailable = quantityOf(spec.max_unavailable, w.replicas);
      const minAvailable = quantityOf(spec.min_available, w.replicas);
      const allowed = maxUnavailable ?? (minAvailable !== undefined ? w.replicas - minAvailable : undefined);
      if (allowed === undefined) out.push(`${p.address}: sets neither max_unavailable nor min_available`);
      else if (allowed > safe) {
        out.push(`${p.address}: allows ${allowed} of ${w.replicas} pods to be evicted at once; at most ${safe} keeps every quorum queue (3 replicas or more) a majority: use max_unavailable = "${safe}"`);
      }
    }
  }
  for (const p of stack.all.pdb) {
    const sel = one(one(p.body.spec)?.selector)?.match_labels;
    if (![...workloads, ...deployments].some((w) => w.ns === namespaceOf(p) && selects(sel, w.podLabels))) out.push(`${p.address}: selector ${showLabels(sel)} matches no pod of the stack`);
  }
  return out;
}

/**
 * A load balancer Deployment (a container of the haproxy or nginx image): a Service reaches it,
 * its config is mounted where the image reads it, every container port has a listener, and the
 * config's servers are exactly the RabbitMQ pods' fully qualified DNS names.
 */
function checkLoadBalancer(stack: Stack, d: Workload, nodes: readonly Workload[]): string[] {
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
      const nodePort = p.w.ports.get(portName);
      const where = `${file} pool ${targets[0]} (behind the ${portName} listener :${lbPort})`;
      if (listed.length === 0) out.push(`${d.r.address}: ${where} does not list pod ${p.pod} (${fqdn(p)}); it would get no ${portName} clients`);
      else if (listed.length > 1) out.push(`${d.r.address}: ${where} lists pod ${p.pod} ${listed.length} times`);
      else if (nodePort !== undefined && listed[0].port !== nodePort) out.push(`${d.r.address}: ${where} sends pod ${p.pod} to port ${listed[0].port}, not its ${portName} port ${nodePort}`);
    }
  }
  return out;
}

const SECRET_KEY = /(^|[._])(pass|password|passwd|passphrase|secret|cookie|token)$/i;

/** A ConfigMap is readable by anyone with view rights: no secret placeholder, reference or literal. */
function checkConfigMaps(stack: Stack): string[] {
  const out: string[] = [];
  for (const cm of stack.all.configMap) {
    for (const [key, value] of Object.entries<Json>(cm.body.data ?? {})) {
      const text = String(value);
      if (/erlang\.cookie/.test(key)) out.push(`${cm.address}: key ${key} holds the Erlang cookie; it belongs in a Secret`);
      if (text.includes('{{secret:')) out.push(`${cm.address}: key ${key} holds a secret placeholder; files with secrets go into a Secret`);
      if (/\$\{(random_password\.|var\.|random_string\.)/.test(text)) out.push(`${cm.address}: key ${key} holds a secret reference (${/\$\{[^}]+\}/.exec(text)?.[0]}); it would be stored in clear in the ConfigMap`);
      for (const [k, v] of parseSysctl(text)) if (SECRET_KEY.test(k) && v !== '') out.push(`${cm.address}: key ${key} sets ${k} in clear; move it to a Secret`);
      if (/"(password|password_hash)"\s*:\s*"[^"]+"/.test(text)) out.push(`${cm.address}: key ${key} holds a password in JSON; move the file to a Secret`);
    }
  }
  return out;
}
