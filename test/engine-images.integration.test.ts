/**
 * Integration: the private Docker engine (engine/) and the stand-in images (images/).
 *
 * - engineUp starts Debian's dockerd (or finds it running) and its egress rules head DOCKER-USER;
 * - ensureImages builds (first run: debootstrap + packages, a few minutes) or reuses the three
 *   images; each has the official image's user, entrypoint on PATH and CMD; the rabbitmq image has
 *   rabbitmq-diagnostics and the rabbitmq user with uid 999;
 * - a container on an engine network cannot resolve an unknown name through an outside server:
 *   the lookup fails, and fast (the DNS address is rejected locally); no packet is sent off-machine;
 * - engineDown leaves no dockerd, no rule and no bridge.
 *
 * Needs root, docker.io, debootstrap and iptables (test/run-tests.sh installs them). It fails, not
 * skips, when the engine cannot start. An engine that was already up is brought down by the last
 * test and up again afterwards (containers it stopped stay stopped unless they have a restart policy).
 */
import * as fs from 'fs';
import { ENGINE_POOL, engineDown, engineLayout, enginePid, engineUp, RULE_COMMENT } from '../engine';
import { dockerCli, run } from '../engine/private/sys';
import { ensureImages, type StandinImages } from '../images';

const layout = engineLayout();
let dockerHost = '';
let images: StandinImages;
/** An engine someone else started is started again after the down test (its stopped containers stay stopped). */
let wasRunning = false;

async function docker(args: string[], timeoutMs = 60000): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(dockerCli(), args, { env: { ...process.env, DOCKER_HOST: dockerHost }, timeoutMs });
}

async function inspect(image: string): Promise<{ User: string; Entrypoint: string[] | null; Cmd: string[]; Env: string[]; StopSignal?: string }> {
  const r = await docker(['image', 'inspect', '--format', '{{json .Config}}', image]);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}

/** Runs a shell line in a throw-away container without network. */
async function sh(image: string, line: string, user?: string): Promise<string> {
  const r = await docker(['run', '--rm', '--network', 'none', ...(user === undefined ? [] : ['--user', user]), '--entrypoint', '/bin/sh', image, '-c', line]);
  if (r.code !== 0) throw new Error(`${image}: ${line}: exit ${r.code}: ${r.stderr}`);
  return r.stdout.trim();
}

async function dockerUserRules(): Promise<string[]> {
  return (await run('iptables', ['-w', '5', '-S', 'DOCKER-USER'])).stdout.split('\n').filter((l) => l.startsWith('-A '));
}

beforeAll(async () => {
  wasRunning = enginePid(layout) !== undefined;
  const e = await engineUp();
  dockerHost = e.dockerHost;
  images = await ensureImages(dockerHost);
}, 20 * 60 * 1000);

afterAll(async () => {
  if (wasRunning) await engineUp(layout);
  else if (enginePid(layout) !== undefined) await engineDown(layout);
}, 120000);

test('the engine answers on its own socket and the egress rules head DOCKER-USER', async () => {
  expect(dockerHost).toBe(`unix://${layout.socket}`);
  const rules = await dockerUserRules();
  expect(rules[0]).toContain(`-s ${ENGINE_POOL}`);
  expect(rules[0]).toContain('-j REJECT');
  expect(rules[1]).toMatch(new RegExp(`^-A DOCKER-USER -s ${ENGINE_POOL.replace(/\./g, '\\.')} ! -d ${ENGINE_POOL.replace(/\./g, '\\.')} .*${RULE_COMMENT}.* -j DROP$`));
  const forward = (await run('iptables', ['-w', '5', '-S', 'FORWARD'])).stdout.split('\n').filter((l) => l.startsWith('-A '));
  expect(forward[0]).toBe('-A FORWARD -j DOCKER-USER');
  // up again is idempotent: same socket, same dockerd
  const again = await engineUp();
  expect(again.pid).toBe(enginePid(layout));
});

test('image names are pinned to the Debian versions', () => {
  expect(images.rabbitmq).toMatch(/^rmq-ha-standin\/rabbitmq:\d+\.\d+\.\d+-management$/);
  expect(images.haproxy).toMatch(/^rmq-ha-standin\/haproxy:\d+\.\d+\.\d+$/);
  expect(images.nginx).toMatch(/^rmq-ha-standin\/nginx:\d+\.\d+\.\d+$/);
});

test('rabbitmq stand-in: root entrypoint on PATH, CMD rabbitmq-server, rabbitmq uid 999, CLI present', async () => {
  const c = await inspect(images.rabbitmq);
  expect(c.User).toBe('');
  expect(c.Entrypoint).toEqual(['docker-entrypoint.sh']);
  expect(c.Cmd).toEqual(['rabbitmq-server']);
  expect(c.Env).toEqual(expect.arrayContaining(['HOME=/var/lib/rabbitmq', 'RABBITMQ_LOGS=-']));
  const out = await sh(images.rabbitmq, 'id -u rabbitmq; id -g rabbitmq; command -v docker-entrypoint.sh; command -v rabbitmq-diagnostics; command -v rabbitmq-server; stat -c %u /var/lib/rabbitmq');
  expect(out.split('\n')).toEqual(['999', '999', '/usr/local/bin/docker-entrypoint.sh', '/usr/lib/rabbitmq/bin/rabbitmq-diagnostics', '/usr/lib/rabbitmq/bin/rabbitmq-server', '999']);
  // the entrypoint drops to rabbitmq for rabbitmq* commands and passes anything else through
  expect(await sh(images.rabbitmq, 'cp /usr/bin/id /tmp/rabbitmq-id && PATH=/tmp:$PATH docker-entrypoint.sh rabbitmq-id -u; docker-entrypoint.sh id -u')).toBe('999\n0');
}, 60000);

test('haproxy stand-in: user haproxy (99), CMD haproxy -f /usr/local/etc/haproxy/haproxy.cfg, SIGUSR1', async () => {
  const c = await inspect(images.haproxy);
  expect(c.User).toBe('haproxy');
  expect(c.Entrypoint).toEqual(['docker-entrypoint.sh']);
  expect(c.Cmd).toEqual(['haproxy', '-f', '/usr/local/etc/haproxy/haproxy.cfg']);
  expect(c.StopSignal).toBe('SIGUSR1');
  const out = await sh(images.haproxy, 'id -u; command -v docker-entrypoint.sh; command -v haproxy; test -w /var/lib/haproxy && echo writable; test -d /usr/local/etc/haproxy && echo confdir');
  expect(out.split('\n')).toEqual(['99', '/usr/local/bin/docker-entrypoint.sh', '/usr/sbin/haproxy', 'writable', 'confdir']);
}, 60000);

test('nginx stand-in: root master, CMD nginx -g "... daemon off;", stream module present, SIGQUIT', async () => {
  const c = await inspect(images.nginx);
  expect(c.User).toBe('');
  expect(c.Entrypoint).toEqual(['/docker-entrypoint.sh']);
  expect(c.Cmd[0]).toBe('nginx');
  expect(c.Cmd[2]).toMatch(/daemon off;$/);
  expect(c.StopSignal).toBe('SIGQUIT');
  const out = await sh(images.nginx, 'id -u; command -v nginx; test -x /docker-entrypoint.sh && echo entrypoint; test -f /usr/lib/nginx/modules/ngx_stream_module.so && echo stream; id -u nginx');
  expect(out.split('\n')).toEqual(['0', '/usr/sbin/nginx', 'entrypoint', 'stream', '101']);
}, 60000);

test('a lookup of an unknown name on an engine network fails within 16 s (no resolver off the machine)', async () => {
  const net = `rmq-ha-test-dns-${process.pid}`;
  expect((await docker(['network', 'create', net])).code).toBe(0);
  try {
    const t0 = Date.now();
    const r = await docker(['run', '--rm', '--network', net, '--entrypoint', 'getent', images.haproxy, 'hosts', 'rmq-ha-no-such-host.invalid'], 30000);
    const seconds = (Date.now() - t0) / 1000;
    console.log(`unknown-name lookup failed with exit ${r.code} after ${seconds.toFixed(1)} s`);
    expect(r.code).toBe(2); // getent: key not found
    expect(seconds).toBeLessThan(16);
  } finally {
    await docker(['network', 'rm', net]);
  }
}, 60000);

test('engineDown stops the engine and leaves no dockerd, containerd, rule or bridge', async () => {
  const pid = enginePid(layout);
  expect(pid).toBeDefined();
  await engineDown(layout);
  expect(enginePid(layout)).toBeUndefined();
  expect(fs.existsSync(`/proc/${pid}/cmdline`) && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('dockerd')).toBe(false);
  expect((await run('iptables', ['-w', '5', '-S'])).stdout).not.toContain(RULE_COMMENT);
  const links = (await run('ip', ['-o', '-4', 'addr', 'show'])).stdout;
  expect(links).not.toMatch(/inet 10\.213\./);
  const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  expect(mounts).not.toContain(layout.dir);
  const procs = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map((p) => {
    try {
      return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8');
    } catch {
      return '';
    }
  });
  expect(procs.filter((c) => c.includes(layout.execRoot) && /^containerd/.test(c))).toEqual([]);
}, 120000);
