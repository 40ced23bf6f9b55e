/**
 * The enabled plugins file: where RabbitMQ reads it (RABBITMQ_ENABLED_PLUGINS_FILE, else
 * /etc/rabbitmq/enabled_plugins), that `rabbitmq-plugins enable` can write it at run time, and
 * what it holds when a pod starts (a mounted file, or one an init container copies there).
 */
import { many, mountedFiles, type Json } from '../private/stack-json';
import { fileText, lookupIn, type Stack, type Workload } from './private/stack';

const DEFAULT_PATH = '/etc/rabbitmq/enabled_plugins';
/** Volume sources the kubelet mounts read-only whatever the mount says. */
const READ_ONLY_SOURCES = ['config_map', 'secret', 'projected', 'downward_api'] as const;

/** Path RabbitMQ reads its enabled plugins from. */
export function enabledPluginsPath(w: Workload): string {
  const e = many(w.container.env).find((x: Json) => x.name === 'RABBITMQ_ENABLED_PLUGINS_FILE');
  return typeof e?.value === 'string' ? e.value : DEFAULT_PATH;
}

/** The volume mount of the main container that holds `path` (the deepest one). */
function mountOf(w: Workload, path: string): Json | undefined {
  return many(w.container.volume_mount)
    .filter((m: Json) => path === m.mount_path || path.startsWith(`${String(m.mount_path).replace(/\/+$/, '')}/`))
    .sort((a: Json, b: Json) => String(b.mount_path).length - String(a.mount_path).length)[0];
}

/** The file an init container copies to `path` (`cp SRC PATH` in its command), if SRC is mounted in it. */
function seededFrom(stack: Stack, w: Workload, path: string): { init: string; text?: string } | undefined {
  for (const init of many(w.podSpec.init_container)) {
    const script = many(init.command).join(' ');
    const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const src = new RegExp(`\\bcp\\s+(?:-\\S+\\s+)*(\\S+)\\s+${escaped}(?:\\s|$)`).exec(script)?.[1];
    if (!src) continue;
    const file = mountedFiles(w.podSpec, init, lookupIn(stack, w.ns)).find((f) => f.path === src);
    if (file) return { init: String(init.name), text: fileText(stack, w, file) };
  }
  return undefined;
}

/** Text of the enabled plugins file a pod starts with, when the stack shows it. */
export function enabledPluginsText(stack: Stack, w: Workload): string | undefined {
  const path = enabledPluginsPath(w);
  const mounted = w.files.find((f) => f.path === path);
  return mounted ? fileText(stack, w, mounted) : seededFrom(stack, w, path)?.text;
}

/** The file exists when the node starts and `rabbitmq-plugins enable` can rewrite it. */
export function checkEnabledPlugins(stack: Stack, w: Workload): string[] {
  const path = enabledPluginsPath(w);
  const mount = mountOf(w, path);
  const volume = mount ? many(w.podSpec.volume).find((v: Json) => v.name === mount.name) : undefined;
  if (!mount || !volume) return [`${w.r.address}: no volume holds the enabled plugins file ${path}: the node starts with the image's plugins only`];
  const source = READ_ONLY_SOURCES.find((s) => volume[s] !== undefined);
  if (source || mount.read_only === true) {
    return [
      `${w.r.address}: the enabled plugins file ${path} is on read-only volume ${volume.name}: \`rabbitmq-plugins enable\` fails at run time; ` +
        'point RABBITMQ_ENABLED_PLUGINS_FILE at an emptyDir that an init container seeds from the ConfigMap',
    ];
  }
  if (!w.files.some((f) => f.path === path) && !seededFrom(stack, w, path)) {
    return [`${w.r.address}: no init container copies the enabled plugins to ${path} (volume ${volume.name}): the node starts without the spec's plugins`];
  }
  return [];
}
