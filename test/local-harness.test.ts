/**
 * Integration: a real RabbitMQ node (Debian's rabbitmq-server package) that cannot boot fails
 * `waitForNodes` fast with its log tail, and stopNodes leaves nothing running. The harness's
 * state.json, formation, loopback-only listeners, fixed layout and stop by pid are checked on the
 * 3-node cluster `local up` boots in test/cluster.integration.test.ts (one boot for both).
 * Set RMQ_HA_KEEP_TMP=1 to keep the directories.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  findFreePorts,
  isProcessAlive as isAlive,
  LocalNodeLaunch,
  LocalNodeStartError,
  startRabbitNodes,
  stopNodes,
  waitForNodes,
} from '../local';

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

describeWithRabbit('local harness: a node that cannot boot', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-ha-local-'));
  const badDir = path.join(dir, 'bad');

  afterAll(async () => {
    await stopNodes(badDir, { termTimeoutMs: 5000 });
    if (!process.env.RMQ_HA_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true });
  }, 45000);

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
