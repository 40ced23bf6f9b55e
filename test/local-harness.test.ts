/**
 * Integration: boots 3 real RabbitMQ nodes (Debian's rabbitmq-server package) with the local
 * harness, checks cluster formation, loopback-only listeners and the fixed layout, stops them by
 * pid, and checks that a node that cannot boot fails `waitForNodes` fast with its log tail.
 * Skipped when rabbitmq-server is not installed. Set RMQ_HA_KEEP_TMP=1 to keep the directories.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  clusterStatus,
  findFreePorts,
  harnessListeningSockets,
  harnessPids,
  isProcessAlive as isAlive,
  LocalClusterState,
  LocalNodeLaunch,
  LocalNodeStartError,
  nodePaths,
  readState,
  startRabbitNodes,
  stopNodes,
  waitForNodes,
} from '../cli/local';

// npm test installs rabbitmq-server or fails; without it these tests fail, never skip.
const describeWithRabbit = describe;
const NODE_NAMES = ['rmq-t-0@localhost', 'rmq-t-1@localhost', 'rmq-t-2@localhost'];

/** Minimal hand-written rabbitmq.conf: classic_config peer discovery, everything on 127.0.0.1. */
function rabbitmqConf(ports: { amqp: number; management: number; prometheus: number }, extra = ''): string {
  return [
    'cluster_formation.peer_discovery_backend = classic_config',
    ...NODE_NAMES.map((name, i) => `cluster_formation.classic_config.nodes.${i + 1} = ${name}`),
    `listeners.tcp.1 = 127.0.0.1:${ports.amqp}`,
    'management.tcp.ip = 127.0.0.1',
    `management.tcp.port = ${ports.management}`,
    'prometheus.tcp.ip = 127.0.0.1',
    `prometheus.tcp.port = ${ports.prometheus}`,
    extra,
  ].join('\n');
}

async function launchNodes(names: readonly string[], extraConf = ''): Promise<LocalNodeLaunch[]> {
  const ports = await findFreePorts(names.length * 4);
  return names.map((nodeName, i) => {
    const [amqp, management, prometheus, dist] = ports.slice(i * 4, i * 4 + 4);
    return {
      nodeName,
      amqpPort: amqp,
      managementPort: management,
      prometheusPort: prometheus,
      distPort: dist,
      files: {
        rabbitmqConf: rabbitmqConf({ amqp, management, prometheus }, extraConf),
        enabledPlugins: '[rabbitmq_management,rabbitmq_prometheus].\n',
      },
    };
  });
}

describeWithRabbit('local harness: 3 real RabbitMQ nodes on 127.0.0.1', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-ha-local-'));
  const badDir = path.join(dir, 'bad');
  let state: LocalClusterState;
  let startedAt = 0;
  let startedPids: number[] = [];

  beforeAll(async () => {
    startedAt = Date.now();
    state = await startRabbitNodes({ dir, cookie: 'local-harness-test-cookie', nodes: await launchNodes(NODE_NAMES) });
    await waitForNodes(state, { timeoutMs: 60000 });
    console.log(`3 nodes booted (check_running ok on all) in ${Date.now() - startedAt} ms`);
  }, 70000);

  afterAll(async () => {
    await stopNodes(dir, { termTimeoutMs: 15000 });
    await stopNodes(badDir, { termTimeoutMs: 5000 });
    if (!process.env.RMQ_HA_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true });
  }, 45000);

  it('records state.json with a pid per node and the harness epmd', () => {
    expect(readState(dir)).toEqual(state);
    expect(state.rabbitmqVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(state.nodes.map((n) => n.shortName)).toEqual(['rmq-t-0', 'rmq-t-1', 'rmq-t-2']);
    expect([state.epmd.pid, ...state.nodes.map((n) => n.pid)].every(isAlive)).toBe(true);
  });

  it('forms one cluster with all 3 nodes running', async () => {
    let status = await clusterStatus(state, NODE_NAMES[0]);
    const deadline = Date.now() + 20000;
    while (status.runningNodes.length < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      status = await clusterStatus(state, NODE_NAMES[0]);
    }
    console.log(`cluster of 3 formed ${Date.now() - startedAt} ms after start`);
    for (const name of NODE_NAMES) {
      const seen = name === NODE_NAMES[0] ? status : await clusterStatus(state, name);
      expect(seen.runningNodes).toEqual([...NODE_NAMES].sort());
      expect(seen.diskNodes).toEqual([...NODE_NAMES].sort());
      expect(seen.partitions).toEqual({});
    }
  }, 40000);

  it('listens on 127.0.0.1 only (epmd adds the ::1 loopback)', () => {
    startedPids = harnessPids(state);
    const sockets = harnessListeningSockets(state);
    const epmdPid = state.epmd.pid;
    // epmd always binds ::1 next to its -address list (OTP epmd_srv.c); everything else: 127.0.0.1.
    const offenders = sockets.filter(
      (s) => !(s.address === '127.0.0.1' || (s.address === '::1' && s.owners.every((o) => o.pid === epmdPid))),
    );
    expect(offenders).toEqual([]);
    const ports = sockets.filter((s) => s.address === '127.0.0.1').map((s) => s.port);
    const expected = [state.epmd.port, ...state.nodes.flatMap((n) => [n.amqpPort, n.managementPort, n.prometheusPort, n.distPort])];
    expect([...new Set(ports)].sort()).toEqual(expected.sort());
  });

  it('keeps every file in the fixed layout and reads nothing from /etc/rabbitmq', () => {
    for (const node of state.nodes) {
      const paths = nodePaths(dir, node.nodeName);
      expect(fs.statSync(paths.cookie).mode & 0o777).toBe(0o400);
      expect(fs.existsSync(paths.rabbitmqConf) && fs.existsSync(paths.enabledPlugins)).toBe(true);
      expect(fs.existsSync(path.join(paths.data, node.nodeName))).toBe(true);
      const log = fs.readFileSync(paths.mainLog, 'utf8');
      // Exactly one config file: a conf.d file would be listed on the next line.
      const conf = paths.rabbitmqConf.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      expect(log).toMatch(new RegExp(`config file\\(s\\) : ${conf}\\n.*  cookie hash`));
      // Absolute system paths only (not our own `.../rmq-t-0/etc/rabbitmq.conf`).
      expect(log).not.toMatch(/(?<![\w.-])\/(etc\/rabbitmq|var\/lib\/rabbitmq|var\/log\/rabbitmq)/);
    }
  });

  it('stops every started process by pid, idempotently', async () => {
    expect(startedPids.length).toBeGreaterThanOrEqual(1 + 2 * NODE_NAMES.length);
    const began = Date.now();
    const report = await stopNodes(dir, { termTimeoutMs: 20000 });
    console.log(`stopped in ${Date.now() - began} ms: ${JSON.stringify(report)}`);
    expect(report.stopped.sort()).toEqual([...NODE_NAMES, 'epmd'].sort());
    expect(startedPids.filter(isAlive)).toEqual([]);
    const again = await stopNodes(dir);
    expect(again.notRunning.sort()).toEqual([...NODE_NAMES, 'epmd'].sort());
    expect(fs.existsSync(path.join(dir, 'state.json'))).toBe(true);
  }, 35000);

  it('fails waitForNodes fast, with the log tail, when a node cannot boot', async () => {
    // An unknown key: RabbitMQ validates rabbitmq.conf at boot and exits.
    const nodes = await launchNodes([NODE_NAMES[0]], 'no_such.setting = 1');
    const bad = await startRabbitNodes({ dir: badDir, cookie: 'local-harness-test-cookie', nodes });
    const error = await waitForNodes(bad, { timeoutMs: 30000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalNodeStartError);
    // "exited during boot", not the timeout's "did not report running": the wait saw the exit.
    expect((error as LocalNodeStartError).message).toMatch(/exited during boot/);
    expect((error as LocalNodeStartError).logTail).toMatch(/no_such\.setting/);
    await stopNodes(badDir);
    expect(isAlive(bad.epmd.pid)).toBe(false);
  }, 40000);
});
