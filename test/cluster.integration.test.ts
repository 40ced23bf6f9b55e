/**
 * The foundation proven on real RabbitMQ: `rmq-ha local up` boots the dev environment's rendered
 * files (only the address table differs from what the Docker containers carry) as 3 Debian
 * rabbitmq-server nodes on loopback, and the cluster forms. The spec is environments/dev.yaml with
 * the per-object metrics job on (it changes only the Prometheus files, not the nodes), so the
 * operations checks (test/helpers/operations-checks.ts) run on the same cluster: one boot for both.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as amqp from 'amqplib';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { clusterStatus, runRabbitCli } from '../local/ctl';
import { apiVhostProbe, cliVhostProbe, waitForVhosts } from '../local/vhosts-ready';
import { ROOT, runCli } from './helpers/cli';
import { operationsChecks } from './helpers/operations-checks';
import { readState } from '../local/state';
import { waitForCluster } from '../local/cluster-ready';
import { clientListenerActive } from '../local/management-api';
import { nodePaths } from '../local/layout';
import { harnessListeningSockets, harnessPids, isLoopbackAddress } from '../local/sockets';
import { isAlive as isProcessAlive, signal } from '../local/private/proc';
import { restartRabbitNode } from '../local/start';
import { RABBITMQ_BIN_DIR, rabbitNodeEnv } from '../local/rabbit-env';
import { vhostRepairLine } from '../rabbitmq/definitions/complete-import';

const cli = (args: string[]) => runCli(args, { timeoutMs: 180000 });

interface UpJson {
  nodes: Array<{ name: string; amqpPort: number; managementPort: number }>;
  amqpUris: string[];
  managementUrls: string[];
  username: string;
  passwordFile: string;
  loadBalancer?: { kind: string; amqpUri: string; managementUrl: string };
  prometheusConfig: string;
  timeline: Array<{ phase: string; ms: number; atMs: number }>;
}

describe('dev environment on 3 real RabbitMQ nodes (rmq-ha local)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-dev-'));
  const specFile = path.join(dir, 'dev.yaml');
  let up: UpJson;
  let password: string;

  beforeAll(() => {
    const dev = parseYaml(fs.readFileSync(path.join(ROOT, 'environments/dev.yaml'), 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(specFile, stringifyYaml({ ...dev, monitoring: { perObject: { enabled: true, intervalSeconds: 15 } } }));
    const r = cli(['local', 'up', '--spec', specFile, '--dir', dir, '--json', '--timeout', '150']);
    if (r.code !== 0) throw new Error(`local up failed (${r.code}): ${r.stderr}`);
    up = JSON.parse(r.stdout) as UpJson;
    password = fs.readFileSync(up.passwordFile, 'utf8').trim();
  }, 200000);

  afterAll(() => {
    cli(['local', 'down', '--dir', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 90000);

  test('--json prints the endpoints, never the password', () => {
    expect(up.nodes.map((n) => n.name)).toEqual(['rmq-dev-0@localhost', 'rmq-dev-1@localhost', 'rmq-dev-2@localhost']);
    expect(up.amqpUris).toHaveLength(3);
    expect(up.username).toBe('admin');
    expect(JSON.stringify(up)).not.toContain(password);
    expect(fs.statSync(up.passwordFile).mode & 0o777).toBe(0o600);
  });

  test('cluster_status on every node shows all 3 running in one cluster', async () => {
    const state = readState(dir)!;
    for (const n of state.nodes) {
      const s = await clusterStatus(state, n.nodeName);
      expect([...s.runningNodes].sort()).toEqual(up.nodes.map((x) => x.name));
    }
    // Three CLI VMs, each bounded at 30 s: with two busy loops beside the fresh cluster they took
    // over 30 s together (jest's default bound).
  }, 100000);

  // What local up's boot stage waits for (local/cluster-ready.ts): the answering node's own
  // client listener, so a node's API says nothing of another node's port.
  test("each node's management API reports its own AMQP listener active, and not another node's", async () => {
    const state = readState(dir)!;
    const auth = { username: 'admin', password };
    for (const [i, n] of state.nodes.entries()) {
      const otherNode = state.nodes[(i + 1) % state.nodes.length];
      expect(await clientListenerActive(n.managementPort, n.amqpPort, auth)).toEqual(expect.objectContaining({ ok: true }));
      expect(await clientListenerActive(n.managementPort, otherNode.amqpPort, auth)).toEqual({
        ok: false,
        reason: `GET /api/health/checks/port-listener/${otherNode.amqpPort} answered 503`,
      });
    }
  });

  // Formerly local-harness's own 3-node boot: the same checks on this cluster (one boot for both).
  test('state.json records a live pid per node and the harness epmd; every file is in the fixed layout, nothing read from /etc/rabbitmq', () => {
    const state = readState(dir)!;
    expect(state.rabbitmqVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(state.nodes.map((n) => n.shortName)).toEqual(['rmq-dev-0', 'rmq-dev-1', 'rmq-dev-2']);
    expect([state.epmd.pid, ...state.nodes.map((n) => n.pid)].every(isProcessAlive)).toBe(true);
    for (const node of state.nodes) {
      const paths = nodePaths(dir, node.nodeName);
      expect(fs.statSync(paths.cookie).mode & 0o777).toBe(0o400);
      expect(fs.existsSync(paths.rabbitmqConf) && fs.existsSync(paths.enabledPlugins) && fs.existsSync(paths.definitions)).toBe(true);
      expect(fs.existsSync(path.join(paths.data, node.nodeName))).toBe(true);
      const log = fs.readFileSync(paths.mainLog, 'utf8');
      // The node's own config file first; a conf.d file would be listed on a line of its own.
      const conf = paths.rabbitmqConf.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      expect(log).toMatch(new RegExp(`config file\\(s\\) : ${conf}\\n`));
      expect(log).not.toMatch(/conf\.d\//);
      // Absolute system paths only (not our own `.../rmq-dev-0/etc/rabbitmq.conf`).
      expect(log).not.toMatch(/(?<![\w.-])\/(etc\/rabbitmq|var\/lib\/rabbitmq|var\/log\/rabbitmq)/);
    }
  });

  test('the admin user from the rendered definitions logs in over HTTP and AMQP', async () => {
    const auth = `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
    const res = await fetch(`${up.managementUrls[1]}api/whoami`, { headers: { authorization: auth } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(expect.objectContaining({ name: 'admin', tags: ['administrator'] }));
    const conn = await amqp.connect(`amqp://admin:${password}@127.0.0.1:${up.nodes[2].amqpPort}`);
    const props = (conn.connection as unknown as { serverProperties: Record<string, unknown> }).serverProperties;
    expect(props.cluster_name).toBe('rmq-dev');
    await conn.close();
  });

  test('guest does not exist (definitions imported at first boot), and a wrong password is refused', async () => {
    const auth = `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
    const users = (await (await fetch(`${up.managementUrls[0]}api/users`, { headers: { authorization: auth } })).json()) as Array<{ name: string }>;
    expect(users.map((u) => u.name)).toEqual(['admin']);
    await expect(amqp.connect(`amqp://guest:guest@127.0.0.1:${up.nodes[0].amqpPort}`)).rejects.toThrow(/ACCESS_REFUSED|403/);
    await expect(amqp.connect(`amqp://admin:wrong@127.0.0.1:${up.nodes[0].amqpPort}`)).rejects.toThrow(/ACCESS_REFUSED|403/);
  });

  test("nothing the cluster started listens beyond loopback", () => {
    const sockets = harnessListeningSockets(readState(dir)!);
    expect(sockets.length).toBeGreaterThanOrEqual(3 * 4);
    expect(sockets.filter((s) => !isLoopbackAddress(s.address))).toEqual([]);
  });

  test('the spec\'s HAProxy runs in front: publish with a confirm and consume through it', async () => {
    expect(up.loadBalancer).toEqual(expect.objectContaining({ kind: 'haproxy', amqpUri: expect.stringMatching(/^amqp:\/\/127\.0\.0\.1:\d+$/) }));
    const conn = await amqp.connect(up.loadBalancer!.amqpUri.replace('amqp://', `amqp://admin:${password}@`));
    try {
      const ch = await conn.createConfirmChannel();
      await ch.assertQueue('through-lb', { durable: true, arguments: { 'x-queue-type': 'quorum' } });
      ch.sendToQueue('through-lb', Buffer.from('hello'), { persistent: true });
      await ch.waitForConfirms();
      const msg = await ch.get('through-lb', { noAck: true });
      expect(msg && msg.content.toString()).toBe('hello');
    } finally {
      await conn.close();
    }
    const res = await fetch(`${up.loadBalancer!.managementUrl}api/overview`, { headers: { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` } });
    expect(res.status).toBe(200);
  });

  test('status lists every node in the cluster and the load balancer', () => {
    const r = cli(['local', 'status', '--dir', dir, '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as { nodes: Array<{ alive: boolean }>; runningNodes: string[]; loadBalancers: Array<{ kind: string; alive: boolean }> };
    expect(s.nodes.map((n) => n.alive)).toEqual([true, true, true]);
    expect(s.runningNodes).toHaveLength(3);
    expect(s.loadBalancers).toEqual([expect.objectContaining({ kind: 'haproxy', alive: true })]);
  });

  test('a second up on the same directory refuses', () => {
    const r = cli(['local', 'up', '--env', 'dev', '--dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/already runs a cluster/);
  });

  test('--json has a timeline of every phase up to traffic through the load balancer', () => {
    const phases = up.timeline;
    expect(phases.map((p) => p.phase)).toEqual(['render', 'spawn', 'boot', 'formation', 'vhosts', 'definitions', 'quorum-members', 'load-balancer', 'traffic']);
    expect(phases.every((p, i) => p.ms >= 0 && p.atMs >= (i === 0 ? 0 : phases[i - 1].atMs))).toBe(true);
  });

  test('a spec queue missing after formation is declared again by a second import of the definitions file', async () => {
    const state = readState(dir)!;
    const auth = { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` };
    const del = await fetch(`${up.managementUrls[0]}api/queues/%2F/events.shard.1`, { method: 'DELETE', headers: auth });
    expect(del.status).toBe(204);
    const reimports: string[] = [];
    const queues = [{ vhost: '/', name: 'events.shard.1' }];
    const definitionsFile = nodePaths(dir, state.nodes[0].nodeName).definitions;
    await waitForCluster(state, { credentials: { username: 'admin', password }, queues, timeoutMs: 60000, definitionsFile, reimportAfterMs: 0, onReimport: (m) => reimports.push(m) });
    expect(reimports).toEqual(['/ events.shard.1']);
    const q = (await (await fetch(`${up.managementUrls[0]}api/queues/%2F/events.shard.1`, { headers: auth })).json()) as { type: string };
    expect(q.type).toBe('quorum');
  });

  test.each(['management API', 'CLI'] as const)('a vhost left down on one node after formation is restarted there (%s probe)', async (how) => {
    // A vhost of its own, so stopping it (RabbitMQ deletes its data on that node) touches nothing else.
    const state = readState(dir)!;
    const node = state.nodes[1].nodeName;
    const vhost = `fault-${how === 'CLI' ? 'cli' : 'api'}`;
    expect((await runRabbitCli(state, node, ['add_vhost', vhost])).code).toBe(0);
    const stop = await runRabbitCli(state, node, ['eval', `rabbit_vhost_sup_sup:stop_and_delete_vhost(<<"${vhost}">>).`]);
    expect(stop.stdout.trim()).toBe('ok');
    const probe = how === 'CLI' ? cliVhostProbe(state) : apiVhostProbe(up.nodes[0].managementPort, { username: 'admin', password });
    expect(await probe.down()).toEqual({ ok: true, down: { [node]: [vhost] } });
    const restarts: string[] = [];
    await waitForVhosts(probe, { deadline: Date.now() + 60000, graceMs: 0, onRestart: (n, v) => restarts.push(`${v} on ${n}`) });
    expect(restarts).toEqual([`${vhost} on ${node}`]);
    expect((await runRabbitCli(state, node, ['-q', 'check_virtual_hosts'], { tool: 'rabbitmq-diagnostics' })).code).toBe(0);
    expect((await runRabbitCli(state, node, ['delete_vhost', vhost])).code).toBe(0);
  }, 120000);

  // The containers' vhost step (rabbitmq/definitions/complete-import.ts) on a real node: a vhost
  // that does not run on it is started there; one check, no pause.
  test("a vhost left down on one node is started there by the containers' shell step (vhostRepairLine)", async () => {
    const state = readState(dir)!;
    const node = state.nodes[1];
    const vhost = 'fault-sh';
    expect((await runRabbitCli(state, node.nodeName, ['add_vhost', vhost])).code).toBe(0);
    const stop = await runRabbitCli(state, node.nodeName, ['eval', `rabbit_vhost_sup_sup:stop_and_delete_vhost(<<"${vhost}">>).`]);
    expect(stop.stdout.trim()).toBe('ok');
    const env = rabbitNodeEnv({ dir: state.dir, nodeName: node.nodeName, paths: nodePaths(state.dir, node.nodeName), distPort: node.distPort, epmdPort: state.epmd.port });
    const out = await new Promise<string>((resolve, reject) =>
      execFile('/bin/sh', ['-c', vhostRepairLine(1, 0)], { env: { ...env, PATH: `${RABBITMQ_BIN_DIR}:${env.PATH}` }, timeout: 90000 }, (e, stdout) => (e ? reject(e) : resolve(stdout))),
    );
    expect(out.trim()).toBe(`rmq-ha: vhost ${vhost} did not run on this node with the cluster whole: restarted it`);
    expect((await runRabbitCli(state, node.nodeName, ['-q', 'check_virtual_hosts'], { tool: 'rabbitmq-diagnostics' })).code).toBe(0);
    expect((await runRabbitCli(state, node.nodeName, ['delete_vhost', vhost])).code).toBe(0);
  }, 120000);

  // What local up does when a node's boot fails (local/cluster-ready.ts, restartExited): the
  // node killed here is seen as exited by the boot stage, started once more, and the wait goes on
  // to a whole cluster with the spec's queues.
  test('a node that exits during the boot stage is started once more from its own files, and the cluster is whole again', async () => {
    const state = readState(dir)!;
    const victim = state.nodes[2];
    signal(-victim.pid, 'SIGKILL');
    for (let i = 0; i < 50 && isProcessAlive(victim.pid); i++) await new Promise((r) => setTimeout(r, 100));
    expect(isProcessAlive(victim.pid)).toBe(false);
    const files = nodePaths(dir, victim.nodeName);
    const launch = {
      ...victim,
      files: { rabbitmqConf: fs.readFileSync(files.rabbitmqConf, 'utf8'), enabledPlugins: fs.readFileSync(files.enabledPlugins, 'utf8'), definitions: fs.readFileSync(files.definitions, 'utf8') },
    };
    const restarts: string[] = [];
    const queues = [{ vhost: '/', name: 'events.shard.1' }];
    await waitForCluster(state, {
      credentials: { username: 'admin', password },
      queues,
      timeoutMs: 90000,
      restartExited: (node, why) => {
        restarts.push(`${node.nodeName} ${why}`);
        return restartRabbitNode(dir, launch);
      },
    });
    expect(restarts).toEqual([`${victim.nodeName} exited during boot (pid ${victim.pid})`]);
    const after = readState(dir)!.nodes[2];
    expect(after.pid).not.toBe(victim.pid);
    expect(isProcessAlive(after.pid)).toBe(true);
    const s = await clusterStatus(readState(dir)!, after.nodeName);
    expect([...s.runningNodes].sort()).toEqual(up.nodes.map((x) => x.name));
  }, 120000);

  // Its rolling-procedure check stops and restarts a node's app.
  operationsChecks(() => ({ dir, specFile, password, prometheusConfig: up.prometheusConfig }));

  // Last of all.
  test('local down stops every process the harness started, by pid (nodes, epmd, HAProxy); a second down finds them gone', () => {
    const state = readState(dir)!;
    const pids = harnessPids(state);
    const proxies = (state.loadBalancers ?? []).map((l) => l.pid);
    expect(pids.length).toBeGreaterThanOrEqual(1 + 2 * state.nodes.length); // epmd; each node's VM and its erl_child_setup
    expect(proxies).toHaveLength(1);
    const down = cli(['local', 'down', '--dir', dir]);
    expect({ code: down.code, out: down.stdout.trim() }).toEqual({ code: 0, out: 'stopped 5, already gone 0, left alone 0' });
    expect([...pids, ...proxies].filter(isProcessAlive)).toEqual([]);
    const again = cli(['local', 'down', '--dir', dir]);
    expect({ code: again.code, out: again.stdout.trim() }).toEqual({ code: 0, out: 'stopped 0, already gone 5, left alone 0' });
  }, 60000);
});
