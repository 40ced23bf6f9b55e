/**
 * restartRabbitNode's refusals, on a state.json written here (no RabbitMQ process): it starts a node
 * again only when the harness has a state, the node is in it, its recorded process is gone and the
 * ports it is given are the recorded ones. The start itself runs in load-balancer.integration (the
 * nginx half starts the node the haproxy half killed).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { restartRabbitNode } from '../cli/local/start';
import { writeState } from '../cli/local/state';
import type { LocalNodeLaunch, LocalNodeState } from '../cli/local/types';

describe('restartRabbitNode refuses', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-ha-restart-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const ports = { amqpPort: 25672, managementPort: 25673, prometheusPort: 25674, distPort: 25675 };
  const node = (pid: number): LocalNodeState => ({ nodeName: 'rmq-r-0@localhost', shortName: 'rmq-r-0', pid, ...ports });
  const launch = (over: Partial<LocalNodeLaunch> = {}): LocalNodeLaunch => ({
    nodeName: 'rmq-r-0@localhost',
    ...ports,
    files: { rabbitmqConf: '', enabledPlugins: '[].\n' },
    ...over,
  });
  const state = (pid: number) => writeState({ version: 1, dir, startedAt: new Date().toISOString(), rabbitmqVersion: '3.10.8', epmd: { port: 25676, pid: 999999 }, nodes: [node(pid)] });
  // A pid no process has: above the kernel's pid_max on any default Linux (4194304).
  const GONE = 99999999;

  test('a directory without state.json', () => {
    expect(() => restartRabbitNode(path.join(dir, 'nothing'), launch())).toThrow(/has no state\.json: start the cluster first/);
  });

  test('a node that is not in the state', () => {
    state(GONE);
    expect(() => restartRabbitNode(dir, launch({ nodeName: 'rmq-r-9@localhost' }))).toThrow("node rmq-r-9@localhost is not in");
  });

  test('a node whose process still runs (this jest worker stands in for it)', () => {
    state(process.pid);
    expect(() => restartRabbitNode(dir, launch())).toThrow(`node rmq-r-0@localhost still runs (pid ${process.pid})`);
  });

  test('other ports than the recorded ones', () => {
    state(GONE);
    expect(() => restartRabbitNode(dir, launch({ amqpPort: 25680 }))).toThrow('node rmq-r-0@localhost: amqpPort 25680 differs from the recorded 25672');
  });
});
