/**
 * The enabled plugins file of the Kubernetes pods, on real processes: the init container's own
 * script (taken from the synthesized StatefulSet) seeds the file, then Debian's real
 * `rabbitmq-plugins enable --offline` (RabbitMQ 3.10.8) rewrites it through
 * RABBITMQ_ENABLED_PLUGINS_FILE, as an operator's `kubectl exec` would. Stand-in, said plainly:
 * there is no kubelet here, so the pod's volumes are directories under the temp dir and the
 * read-only projected config volume is a directory and file the unprivileged user cannot write
 * (EACCES where the pod gets EROFS; RabbitMQ reports both as "Could not update").
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { envOf, k8sSpec, podSpecOf, synthStack } from './helpers/kubernetes';

/* eslint-disable @typescript-eslint/no-explicit-any */
jest.setTimeout(120_000);

const json = synthStack(k8sSpec({ rabbitmq: { plugins: ['rabbitmq_federation'] } } as any)).json;
const script: string = podSpecOf(json).init_container[0].command[2];
const pluginsFile: string = envOf(json, 'RABBITMQ_ENABLED_PLUGINS_FILE').value;
const configMapPlugins: string = json.resource.kubernetes_config_map_v1.server_conf.data.enabled_plugins;
/** Unprivileged uid/gid the commands run as when this test runs as root (the pods are non-root). */
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

let root: string;
/** Pod paths mapped to directories under `root`. */
let map: (p: string) => string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-plugins-file-'));
  fs.chmodSync(root, 0o755);
  const dirs = { '/etc/rabbitmq': 'etc', '/var/lib/rabbitmq': 'home', '/tmp/erlang-cookie-secret': 'cookie-secret' } as const;
  map = (p) => Object.entries(dirs).reduce((s, [from, to]) => s.split(from).join(path.join(root, to)), p);
  for (const d of Object.values(dirs)) fs.mkdirSync(path.join(root, d));
  // The projected config volume (0444 files) and the cookie Secret (0400), read-only for the user.
  fs.writeFileSync(path.join(root, 'etc', 'enabled_plugins'), configMapPlugins, { mode: 0o444 });
  fs.writeFileSync(path.join(root, 'cookie-secret', '.erlang.cookie'), 'COOKIECOOKIECOOKIE', { mode: 0o400 });
  if (asRoot) {
    fs.chownSync(path.join(root, 'home'), NOBODY, NOBODY);
    fs.chownSync(path.join(root, 'cookie-secret', '.erlang.cookie'), NOBODY, NOBODY);
  }
  fs.chmodSync(path.join(root, 'etc'), 0o555);
});

afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

/** Runs a command as the pod's (unprivileged) user, bounded in time. */
function run(cmd: string, args: string[], env: Record<string, string> = {}): { code: number | null; out: string } {
  const full = asRoot ? ['setpriv', ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', cmd, ...args]] as const : [cmd, args] as const;
  const r = spawnSync(full[0], [...full[1]], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: path.join(root, 'home'), RABBITMQ_LOG_BASE: path.join(root, 'home'), RABBITMQ_MNESIA_BASE: path.join(root, 'home'), ...env },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const initScript = (): string => map(script).replace(/^sleep \d+$/m, 'true');
const enable = (file: string) => run('rabbitmq-plugins', ['enable', '--offline', 'rabbitmq_shovel'], { RABBITMQ_ENABLED_PLUGINS_FILE: file });

test('before: rabbitmq-plugins enable fails on the read-only projected file (what the pods did)', () => {
  const r = enable(map('/etc/rabbitmq/enabled_plugins'));
  expect(r.code).not.toBe(0);
  expect(r.out).toMatch(/Could not update enabled plugins file .*enabled_plugins/);
  expect(fs.readFileSync(path.join(root, 'etc', 'enabled_plugins'), 'utf8')).toBe(configMapPlugins);
});

test("the init script seeds the writable file with the ConfigMap's list; rabbitmq-plugins enable rewrites it", () => {
  const init = run('sh', ['-c', initScript()]);
  expect(init).toEqual({ code: 0, out: '' });
  expect(fs.readFileSync(map(pluginsFile), 'utf8')).toBe(configMapPlugins);
  expect(configMapPlugins).toMatch(/rabbitmq_federation/);
  const r = enable(map(pluginsFile));
  expect(r.out).toMatch(/The following plugins have been enabled:\s+rabbitmq_shovel/);
  expect(r.code).toBe(0);
  expect(fs.readFileSync(map(pluginsFile), 'utf8')).toMatch(/rabbitmq_shovel/);
});

test("a pod restart runs the script again over the kept emptyDir: the cookie is replaced, the list is the ConfigMap's again", () => {
  const again = run('sh', ['-c', initScript()]);
  expect(again).toEqual({ code: 0, out: '' });
  expect(fs.readFileSync(map(pluginsFile), 'utf8')).toBe(configMapPlugins);
  expect((fs.statSync(map('/var/lib/rabbitmq/.erlang.cookie')).mode & 0o777).toString(8)).toBe('400');
  expect((fs.statSync(map(pluginsFile)).mode & 0o777).toString(8)).toBe('644');
});
