/**
 * The synthesized stack as the consistency checks read it: resources by kind, and each
 * StatefulSet or Deployment read once into a Workload (pod labels, ports, mounted files, version).
 */
import {
  findByName,
  many,
  mountedFiles,
  nameOf,
  namespaceOf,
  one,
  parseSysctl,
  resourcesOf,
  versionOf,
  type Json,
  type Labels,
  type MountedFile,
  type StackResource,
} from '../../private/stack-json';

/** The resource types the checks read, by the key they are kept under. */
export const T = {
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
  networkPolicy: 'kubernetes_network_policy_v1',
} as const;

/** The stack's resources, by the keys of T. */
export interface Stack {
  readonly all: Record<keyof typeof T, StackResource[]>;
}

/** One StatefulSet (RabbitMQ nodes) or Deployment (load balancer), read once. */
export interface Workload {
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

/** Reads the resources of every type of T from the stack's Terraform JSON. */
export function readStack(raw: Json): Stack {
  return { all: Object.fromEntries(Object.entries(T).map(([k, type]) => [k, resourcesOf(raw, type)])) as Stack['all'] };
}

/** Finds a ConfigMap or Secret of the stack by name in namespace `ns`. */
export const lookupIn = (stack: Stack, ns: string) => (kind: 'configMap' | 'secret', name: string) =>
  findByName(kind === 'configMap' ? stack.all.configMap : stack.all.secret, name, ns);

/** Reads one StatefulSet or Deployment into a Workload. */
export const readWorkload = (stack: Stack) => (r: StackResource): Workload => {
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
export function fileText(stack: Stack, w: Workload, f: MountedFile): string | undefined {
  const r = lookupIn(stack, w.ns)(f.kind, f.source);
  const v = r?.body.data?.[f.key];
  return typeof v === 'string' ? v : undefined;
}

/** rabbitmq.conf as the node reads it: /etc/rabbitmq/rabbitmq.conf, then conf.d/*.conf in order. */
export function effectiveConf(stack: Stack, w: Workload): Map<string, string> | undefined {
  const confs = w.files.filter((f) => /^\/etc\/rabbitmq\/(rabbitmq\.conf|conf\.d\/[^/]+\.conf)$/.test(f.path)).sort((a, b) => a.path.localeCompare(b.path));
  if (confs.length === 0) return undefined;
  const merged = new Map<string, string>();
  for (const f of confs) for (const [k, v] of parseSysctl(fileText(stack, w, f) ?? '')) merged.set(k, v);
  return merged;
}
