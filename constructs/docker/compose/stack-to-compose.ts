/**
 * Converts the Docker resources of a synthesized Terraform JSON stack into the Compose file that
 * creates the same network, volumes and containers (the Compose Specification, as read by
 * `docker compose` v2 and docker-compose 1.27+). The stack stays the one place where container
 * decisions are made; this reads them, the way stackToManifests does for Kubernetes.
 *
 * Files the provider uploads into a container (`upload`) become read-only bind mounts of files
 * written beside the Compose file: Compose has no upload. The caller resolves apply-time values
 * (secrets) first; any interpolation left that is not a reference to a resource of the stack is an
 * error, never a silent placeholder.
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

/** A file to write beside the Compose file, bind-mounted into a service. */
export interface ComposeFile {
  /** Path relative to the Compose file's directory. */
  readonly path: string;
  readonly content: string;
  /** File mode (the upload's permissions). */
  readonly mode: number;
}

export interface ComposeProject {
  /** The Compose file as an object (serialize with any YAML writer). */
  readonly compose: Record<string, unknown>;
  readonly files: readonly ComposeFile[];
}

/**
 * Attributes of docker_container the conversion knows; anything else in a stack is an error, so a
 * new container setting cannot be silently dropped from the export. Each with what it becomes.
 */
const CONTAINER_ATTRIBUTES: Readonly<Record<string, string>> = {
  '//': 'cdktf metadata: dropped',
  name: 'container_name',
  hostname: 'hostname',
  image: 'image (the docker_image name)',
  entrypoint: 'entrypoint',
  command: 'command',
  env: 'environment',
  labels: 'labels',
  healthcheck: 'healthcheck',
  init: 'init',
  memory: 'mem_limit (MiB)',
  memory_swap: 'memswap_limit (MiB)',
  cpus: 'cpus',
  ports: 'ports (host address:host port:container port)',
  restart: 'restart',
  stop_timeout: 'stop_grace_period',
  ulimit: 'ulimits',
  upload: 'read-only bind mounts of files written beside the Compose file',
  volumes: 'volumes',
  networks_advanced: 'networks with aliases',
  depends_on: 'depends_on (Terraform ordering between containers)',
  lifecycle: 'Terraform-only (preconditions that stop terraform apply on a silent secret rotation): dropped, Compose has no apply step',
  must_run: 'Terraform-only (the provider checks the container runs after apply): dropped',
  destroy_grace_seconds: 'Terraform-only (how long destroy waits): dropped; stop_timeout gives the stop grace',
};

const REFERENCE = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}$/;

/** A service or file path segment from a container name. */
function safeSegment(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** A Terraform string as the literal it stands for: `$${` and `%%{` are Terraform's escapes. */
function literal(s: string): string {
  return s.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}

/** Compose interpolates `$NAME` in its file: every `$` of a value is written `$$`. */
function composeEscaped(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\$/g, '$$$$');
  if (Array.isArray(value)) return value.map(composeEscaped);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, composeEscaped(v)]));
  return value;
}

function refused(where: string, value: unknown): never {
  throw new Error(`${where}: ${JSON.stringify(value)} is known only when Terraform applies the stack; resolve it before exporting`);
}

function labelsOf(list: Json): Record<string, string> | undefined {
  if (!Array.isArray(list) || list.length === 0) return undefined;
  return Object.fromEntries(list.map((l: Json) => [String(l.label), String(l.value)]));
}

/** The Compose project equivalent to the stack's Docker resources (pure). */
export function stackToCompose(stackJson: Json): ComposeProject {
  const stack: Json = typeof stackJson === 'string' ? JSON.parse(stackJson) : stackJson;
  const r: Json = stack?.resource ?? {};
  // Only what the conversion reads: docker_* resources, without Terraform's own lifecycle blocks.
  const read = Object.fromEntries(
    Object.entries<Json>(r)
      .filter(([t]) => t.startsWith('docker_'))
      .map(([t, byName]) => [t, Object.fromEntries(Object.entries<Json>(byName).map(([n, b]) => [n, { ...b, lifecycle: undefined }]))]),
  );
  const text = JSON.stringify(read);
  for (const m of text.matchAll(/(?<!\$)\$\{([^}]*)\}/g)) {
    if (!/^(docker_image|docker_network|docker_volume|docker_container)\.[A-Za-z0-9_-]+\.[a-z_]+$/.test(m[1])) refused('resource', m[0]);
  }
  const unknown = Object.keys(r).filter((t) => t.startsWith('docker_') && !['docker_container', 'docker_image', 'docker_network', 'docker_volume'].includes(t));
  if (unknown.length > 0) throw new Error(`${unknown.join(', ')}: no Compose equivalent is known for this resource type`);

  /** `${docker_volume.node_0.name}` -> the volume's name, and so on. */
  const resolve = (value: unknown, where: string): string => {
    const s = String(value);
    const m = REFERENCE.exec(s);
    if (!m) return s;
    const [, type, name, attribute] = m;
    const body = r[type]?.[name];
    if (!body) refused(where, s);
    if (type === 'docker_image' && (attribute === 'image_id' || attribute === 'name')) return String(body.name);
    if ((type === 'docker_network' || type === 'docker_volume') && attribute === 'name') return String(body.name);
    if (type === 'docker_container' && attribute === 'name') return String(body.name);
    return refused(where, s);
  };

  const networks: Record<string, unknown> = {};
  for (const body of Object.values<Json>(r.docker_network ?? {})) {
    networks[body.name] = { name: body.name, driver: body.driver ?? 'bridge', ...(labelsOf(body.labels) ? { labels: labelsOf(body.labels) } : {}), ...(body.attachable !== undefined ? { attachable: body.attachable } : {}) };
  }
  const volumes: Record<string, unknown> = {};
  for (const body of Object.values<Json>(r.docker_volume ?? {})) {
    volumes[body.name] = { name: body.name, ...(labelsOf(body.labels) ? { labels: labelsOf(body.labels) } : {}) };
  }

  const files: ComposeFile[] = [];
  const services: Record<string, unknown> = {};
  const containers = Object.entries<Json>(r.docker_container ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const serviceOf = new Map(containers.map(([address, body]) => [`docker_container.${address}`, safeSegment(String(body.name))]));
  for (const [address, body] of containers) {
    const where = `docker_container.${address}`;
    for (const k of Object.keys(body)) if (!(k in CONTAINER_ATTRIBUTES)) throw new Error(`${where}.${k}: no Compose equivalent is known for this attribute (add it to CONTAINER_ATTRIBUTES)`);
    const service = safeSegment(String(body.name));
    const s: Record<string, unknown> = { container_name: body.name, image: resolve(body.image, `${where}.image`) };
    if (body.hostname) s.hostname = body.hostname;
    if (body.entrypoint) s.entrypoint = body.entrypoint.map(literal);
    if (body.command) s.command = body.command.map(literal);
    if (body.env?.length) s.environment = body.env.map(literal);
    if (body.init !== undefined) s.init = body.init;
    if (body.restart) s.restart = body.restart;
    if (body.stop_timeout !== undefined) s.stop_grace_period = `${body.stop_timeout}s`;
    if (body.memory !== undefined) s.mem_limit = `${body.memory}m`;
    if (body.memory_swap !== undefined) s.memswap_limit = `${body.memory_swap}m`;
    if (body.cpus !== undefined) s.cpus = Number(body.cpus);
    const labels = labelsOf(body.labels);
    if (labels) s.labels = labels;
    if (body.healthcheck) {
      const h = body.healthcheck;
      s.healthcheck = { test: h.test.map(literal), ...(h.interval ? { interval: h.interval } : {}), ...(h.timeout ? { timeout: h.timeout } : {}), ...(h.retries !== undefined ? { retries: h.retries } : {}), ...(h.start_period ? { start_period: h.start_period } : {}) };
    }
    if (body.ulimit?.length) s.ulimits = Object.fromEntries(body.ulimit.map((u: Json) => [u.name, { soft: u.soft, hard: u.hard }]));
    if (body.ports?.length) s.ports = body.ports.map((p: Json) => `${p.ip ? `${p.ip}:` : ''}${p.external}:${p.internal}/${p.protocol ?? 'tcp'}`);
    const mounts: string[] = [];
    for (const v of body.volumes ?? []) {
      if (!v.volume_name) throw new Error(`${where}.volumes: only named volumes are exported, got ${JSON.stringify(v)}`);
      mounts.push(`${resolve(v.volume_name, `${where}.volumes`)}:${v.container_path}${v.read_only ? ':ro' : ''}`);
    }
    for (const u of body.upload ?? []) {
      if (u.content === undefined) throw new Error(`${where}.upload: only uploads with content are exported`);
      const rel = `files/${service}${String(u.file).startsWith('/') ? '' : '/'}${u.file}`;
      files.push({ path: rel, content: literal(String(u.content)), mode: parseInt(String(u.permissions ?? '0644'), 8) });
      mounts.push(`./${rel}:${u.file}:ro`);
    }
    if (mounts.length > 0) s.volumes = mounts;
    if (body.networks_advanced?.length) {
      s.networks = Object.fromEntries(body.networks_advanced.map((n: Json) => [resolve(n.name, `${where}.networks_advanced`), n.aliases?.length ? { aliases: n.aliases } : {}]));
    }
    const deps = (body.depends_on ?? []).map((d: string) => serviceOf.get(d)).filter((d: string | undefined): d is string => d !== undefined);
    if (deps.length > 0) s.depends_on = deps;
    services[service] = s;
  }
  const compose = { services, ...(Object.keys(networks).length ? { networks } : {}), ...(Object.keys(volumes).length ? { volumes } : {}) };
  return { compose: composeEscaped(compose) as Record<string, unknown>, files };
}
