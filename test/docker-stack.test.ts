import { testApp } from './helpers/app';
import { Testing } from 'cdktf';
import { RabbitMqClusterStack } from '../stacks/rabbitmq-cluster-stack';
import { listEnvironmentFiles, loadSpecFile } from '../spec/load';
import type { ClusterSpecInput } from '../spec/cluster';
import { terraformLiteral, toTerraformText } from '../constructs/private/terraform-text';
import { DOCKER_PROVIDER_VERSION } from '../stacks/private/docker-target';
import { cpusText, goDuration } from '../constructs/docker/rabbitmq-node';

interface Synth {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  output: Record<string, { value: unknown; sensitive?: boolean }>;
  variable?: Record<string, { sensitive?: boolean }>;
}

function synth(spec: ClusterSpecInput, id = 'test'): Synth {
  const app = testApp();
  const stack = new RabbitMqClusterStack(app, id, { spec });
  return JSON.parse(Testing.synth(stack, true)) as Synth;
}

type Container = {
  name: string;
  hostname: string;
  upload: Array<{ file: string; content: string; permissions: string }>;
  healthcheck: { test: string[]; interval?: string; timeout?: string; start_period?: string };
  networks_advanced: Array<{ aliases: string[] }>;
  ports: Array<{ internal: number; external: number; ip: string }>;
  volumes: Array<{ volume_name: string; container_path: string }>;
  entrypoint: string[];
  stop_timeout?: number;
  destroy_grace_seconds?: number;
  init?: boolean;
};
const containers = (s: Synth): Container[] =>
  Object.entries(s.resource.docker_container ?? {}).filter(([k]) => k.startsWith('node_')).map(([, c]) => c as unknown as Container);
const lbContainer = (s: Synth) => s.resource.docker_container.load_balancer as unknown as Container & { depends_on: string[] };
const upload = (c: Container, suffix: string) => c.upload.find((u) => u.file.endsWith(suffix))!;

const dockerEnvs = listEnvironmentFiles().map(loadSpecFile).filter((e) => e.spec.target === 'docker');

describe('Docker stack of each example environment', () => {
  test('there is at least the dev environment', () => {
    expect(dockerEnvs.map((e) => e.env)).toContain('dev');
  });

  test.each(dockerEnvs.map((e) => [e.env, e] as const))('%s: snapshot', (_name, env) => {
    expect(synth(env.spec, env.env)).toMatchSnapshot();
  });
});

describe('Docker stack: what matters', () => {
  const s = synth({ name: 'rmq', nodes: 3 });
  const cs = containers(s);

  test('required_providers pins kreuzwerker/docker 4.6.0 (3.6.2 panics on cpus: upstream #759, fixed by #771; 4.6.0 is what the Go module proxy serves)', () => {
    const tf = (s as unknown as { terraform: { required_providers: Record<string, { source: string; version: string }> } }).terraform;
    expect(DOCKER_PROVIDER_VERSION).toBe('4.6.0');
    expect(tf.required_providers.docker).toEqual({ source: 'kreuzwerker/docker', version: DOCKER_PROVIDER_VERSION });
  });

  test('required_version: Terraform 1.4 or later (terraform_data keeps the secret fingerprints)', () => {
    const tf = (s as unknown as { terraform: { required_version: string } }).terraform;
    expect(tf.required_version).toBe('>= 1.4.0');
    expect(Object.keys((s as unknown as { resource: { terraform_data: object } }).resource.terraform_data).sort()).toEqual(['admin_password_fingerprint', 'erlang_cookie_fingerprint']);
  });

  test('one container and one volume per node, one network, pinned image', () => {
    expect(cs).toHaveLength(3);
    expect(Object.keys(s.resource.docker_volume)).toEqual(['node_0', 'node_1', 'node_2']);
    expect(Object.keys(s.resource.docker_network)).toEqual(['cluster']);
    expect(s.resource.docker_image.rabbitmq.name).toBe('rabbitmq:4.3.4-management');
  });

  test('unique, stable host names that are also the network aliases', () => {
    expect(cs.map((c) => c.hostname)).toEqual(['rmq-0', 'rmq-1', 'rmq-2']);
    expect(cs.map((c) => c.networks_advanced[0].aliases)).toEqual([['rmq-0'], ['rmq-1'], ['rmq-2']]);
  });

  test('every node lists every node as a peer', () => {
    for (const c of cs) {
      const conf = upload(c, '90-rmq-ha.conf').content;
      for (const peer of ['rabbit@rmq-0', 'rabbit@rmq-1', 'rabbit@rmq-2']) expect(conf).toContain(`= ${peer}\n`);
    }
  });

  test('one cookie, generated and shared by all nodes, installed root-only then for rabbitmq', () => {
    expect(Object.keys(s.resource.random_password).sort()).toEqual(['admin_password', 'erlang_cookie', 'lb_stats_password']);
    const cookies = cs.map((c) => upload(c, 'erlang.cookie'));
    expect(new Set(cookies.map((u) => u.content))).toEqual(new Set(['${random_password.erlang_cookie.result}']));
    expect(cookies.every((u) => u.permissions === '0400')).toBe(true);
    expect(cs[0].entrypoint[2]).toContain('install -o rabbitmq -g rabbitmq -m 0400 /etc/rabbitmq/rmq-ha/erlang.cookie /var/lib/rabbitmq/.erlang.cookie');
    expect(cs[0].entrypoint[2]).toMatch(/exec docker-entrypoint\.sh rabbitmq-server$/);
    expect(cs[0].entrypoint[2]).not.toMatch(/reset|join_cluster/);
  });

  test('every node imports the definitions once more when the whole cluster runs (queues need every node), guarded by a marker', () => {
    for (const c of cs) {
      const start = c.entrypoint[2];
      const line = start.split('\n').find((l) => l.includes('await_online_nodes'));
      expect(line).toBeDefined();
      // Detached in the background before the exec, bounded, with the node count and the file the boot import reads.
      expect(line).toMatch(/^\( \( .* \) & \)$/);
      expect(line).toContain('n=3;');
      expect(line).toContain('await_online_nodes "$n" --timeout 1800');
      expect(line).toContain("defs='/etc/rabbitmq/definitions.json'");
      expect(line).toContain("mark='/var/lib/rabbitmq/.rmq-ha-definitions.sha256'");
      expect(line).toContain('import_definitions "$defs"');
      // A vhost that does not run on the node once the cluster is whole is started there, before the import.
      expect(line).toContain('out=$(rabbitmq-diagnostics -q check_virtual_hosts 2>&1) && return 0');
      expect(line!.indexOf('restart_vhost -p "$v"')).toBeLessThan(line!.indexOf('import_definitions "$defs"'));
      expect(start.indexOf(line!)).toBeLessThan(start.indexOf('exec docker-entrypoint.sh'));
      // No quorum queue in this spec: no membership step.
      expect(line).not.toContain('grow');
    }
  });

  test("then each node joins the spec's quorum queues that were declared short (peers in node order, named as the plan names them)", () => {
    const withQueues = containers(synth({ name: 'rmq', nodes: 3, topology: { queues: [{ name: 'orders', type: 'quorum' }, { name: 'audit', type: 'classic' }] } }));
    for (const c of withQueues) {
      const line = c.entrypoint[2].split('\n').find((l: string) => l.includes('await_online_nodes'))!;
      expect(line).toContain('node="rabbit@rmq-$i"');
      expect(line.match(/grow '[^']*' '[^']+' \d+/g)).toEqual(["grow '/' 'orders' 3"]);
      expect(line.indexOf('grow()')).toBeGreaterThan(line.indexOf('import_definitions "$defs"'));
    }
  });

  test('health check runs rabbitmq-diagnostics; durations as the provider reads them back (ForceNew block)', () => {
    expect(cs[0].healthcheck.test).toEqual(['CMD-SHELL', 'rabbitmq-diagnostics -q check_virtual_hosts && rabbitmq-diagnostics -q check_local_alarms']);
    // `60s` in the config against `1m0s` in the state replaced every node on every apply.
    expect(cs[0].healthcheck).toEqual(expect.objectContaining({ interval: '5s', timeout: '20s', start_period: '1m0s' }));
    expect(goDuration(90)).toBe('1m30s');
    expect(goDuration(3600)).toBe('1h0m0s');
    // cpus too forces a new container: written as the provider reads it back.
    expect((cs[0] as unknown as { cpus: string }).cpus).toBe('2.0');
    expect([1, 2, 1.5, 0.25].map(cpusText)).toEqual(['1.0', '2.0', '1.5', '0.25']);
    // No swap, and no engine default (2 x memory) for the next plan to undo.
    expect((cs[0] as unknown as { memory_swap: number; memory: number }).memory_swap).toBe((cs[0] as unknown as { memory: number }).memory);
  });

  test('nodes stop cleanly on docker stop and on a Terraform destroy or replace (provider default 0 s would SIGKILL)', () => {
    for (const c of cs) {
      expect(c.stop_timeout).toBe(120);
      expect(c.destroy_grace_seconds).toBe(120);
      expect(c.init).toBe(true);
    }
    const lb = s.resource.docker_container.load_balancer;
    expect(lb.destroy_grace_seconds).toBe(10);
  });

  test('data on a named volume per node, ports published on loopback only', () => {
    expect(cs.map((c) => c.volumes[0])).toEqual(
      [0, 1, 2].map((i) => ({ volume_name: `\${docker_volume.node_${i}.name}`, container_path: '/var/lib/rabbitmq' })),
    );
    expect(cs.flatMap((c) => c.ports.map((p) => p.ip))).toEqual(Array(6).fill('127.0.0.1'));
    expect(cs.map((c) => c.ports.map((p) => p.external))).toEqual([[5673, 15673], [5674, 15674], [5675, 15675]]);
  });

  test('every secret from a variable (stats password too): no hashicorp/random, so only the docker provider is needed', () => {
    const v = synth({
      name: 'rmq',
      nodes: 3,
      credentials: { adminPassword: { variable: 'rmq_admin' }, erlangCookie: { variable: 'rmq_cookie' } },
      loadBalancer: { statsPassword: { variable: 'rmq_stats' } },
    }) as Synth & { terraform: { required_providers: Record<string, unknown> }; variable: Record<string, unknown> };
    expect(Object.keys(v.terraform.required_providers)).toEqual(['docker']);
    expect(v.resource.random_password).toBeUndefined();
    expect(Object.keys(v.variable).sort()).toEqual(['rmq_admin', 'rmq_cookie', 'rmq_stats']);
    expect(upload(lbContainer(v), 'haproxy.cfg').content).toContain('stats auth operator:${var.rmq_stats}');
  });

  test('no secret literal anywhere: passwords and cookie are Terraform references, placeholders all resolved', () => {
    const text = JSON.stringify(s);
    expect(text).not.toContain('{{secret:');
    const defs = JSON.parse(upload(cs[0], 'definitions.json').content) as { users: Array<{ name: string; password: string }> };
    expect(defs.users).toEqual([expect.objectContaining({ name: 'admin', password: '${random_password.admin_password.result}' })]);
    expect(upload(cs[0], 'definitions.json').file).toBe('/etc/rabbitmq/rmq-ha/definitions.json');
    expect(upload(cs[0], 'definitions.json').permissions).toBe('0400');
  });

  test('outputs: endpoints per node, failover list, sensitive credentials', () => {
    expect(s.output.amqp_uris.value).toEqual(['amqp://127.0.0.1:5673', 'amqp://127.0.0.1:5674', 'amqp://127.0.0.1:5675']);
    expect(s.output.admin_password).toEqual(expect.objectContaining({ sensitive: true, value: '${random_password.admin_password.result}' }));
    expect(s.output.erlang_cookie.sensitive).toBe(true);
    expect(s.output.admin_username.value).toBe('admin');
  });

  test('a password from a Terraform variable is a sensitive variable, not a generated one', () => {
    const v = synth({ name: 'rmq', credentials: { adminPassword: { variable: 'rmq_admin_password' } } });
    expect(v.variable?.rmq_admin_password.sensitive).toBe(true);
    expect(Object.keys(v.resource.random_password).sort()).toEqual(['erlang_cookie', 'lb_stats_password']);
    expect(v.output.admin_password.value).toBe('${var.rmq_admin_password}');
  });

  test('literal ${ in rendered text is escaped for Terraform', () => {
    expect(toTerraformText(terraformLiteral('a ${b} %{c} {{secret:admin_password}}'), () => '${random_password.x.result}')).toBe('a $${b} %%{c} ${random_password.x.result}');
  });

  test('HAProxy container: pinned image, config uploaded with secrets resolved, ports on loopback, after the nodes', () => {
    const lb = lbContainer(s);
    expect(s.resource.docker_image.load_balancer.name).toBe('haproxy:3.2.22-alpine');
    expect(lb.upload).toEqual([expect.objectContaining({ file: '/usr/local/etc/haproxy/haproxy.cfg', permissions: '0444' })]);
    const cfg = lb.upload[0].content;
    expect(cfg).toContain('stats auth operator:${random_password.lb_stats_password.result}');
    for (const n of ['rmq-0', 'rmq-1', 'rmq-2']) expect(cfg).toMatch(new RegExp(`^\\s*server ${n} ${n}:5672 port 15692$`, "m"));
    expect(cfg).toMatch(/bind 0\.0\.0\.0:5672/); // inside the container; the host side is loopback
    expect(lb.ports.map((p) => [p.internal, p.external, p.ip])).toEqual([[5672, 5672, '127.0.0.1'], [15672, 15672, '127.0.0.1'], [8404, 8404, '127.0.0.1']]);
    expect(lb.depends_on).toEqual(['docker_container.node_0', 'docker_container.node_1', 'docker_container.node_2']);
    expect(s.output.amqp_uri.value).toBe('amqp://127.0.0.1:5672');
    expect(s.output.management_url.value).toBe('http://127.0.0.1:15672/');
    expect(s.output.lb_stats_password.sensitive).toBe(true);
  });

  test('Nginx container with its own config path; no load balancer with kind none', () => {
    const n = synth({ name: 'rmq', loadBalancer: { kind: 'nginx' } });
    expect(lbContainer(n).upload[0].file).toBe('/etc/nginx/nginx.conf');
    expect(lbContainer(n).upload[0].content).not.toContain('load_module'); // built into the official image
    // nginx's status page answers loopback only: not published, no password, no stats output.
    expect(lbContainer(n).ports.map((p) => p.internal)).toEqual([5672, 15672]);
    expect(n.output.load_balancer_stats_url).toBeUndefined();
    expect(Object.keys(n.resource.random_password).sort()).toEqual(['admin_password', 'erlang_cookie']);
    const none = synth({ name: 'rmq', loadBalancer: { kind: 'none' } });
    expect(none.resource.docker_container.load_balancer).toBeUndefined();
    expect(none.output.amqp_uri).toBeUndefined();
    expect(Object.keys(none.resource.random_password).sort()).toEqual(['admin_password', 'erlang_cookie']);
  });

  test('nodePorts: false publishes nothing and outputs network-internal endpoints', () => {
    const n = synth({ name: 'rmq', nodes: 1, network: { nodePorts: false } });
    expect(containers(n)[0].ports).toEqual([]);
    expect(n.output.amqp_uris.value).toEqual(['amqp://rmq-0:5672']);
  });
});

describe('secrets supplied as Terraform variables', () => {
  test('terraform plan rejects a value that would break JSON, URIs or config files', () => {
    const v = synth({ name: 'rmq', credentials: { adminPassword: { variable: 'rmq_admin_password' } } });
    const variable = v.variable!.rmq_admin_password as { sensitive?: boolean; validation?: Array<{ condition: string; error_message: string }> };
    expect(variable.validation).toEqual([
      { condition: '${can(regex("^[A-Za-z0-9_.~-]{16,255}$", var.rmq_admin_password))}', error_message: expect.stringMatching(/TF_VAR_rmq_admin_password must be 16-255 characters/) },
    ]);
  });
});
