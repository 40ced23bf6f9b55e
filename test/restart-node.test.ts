/**
 * restartRabbitNode's refusals, on a state.json written here (no RabbitMQ process): it starts a node
 * again only when the harness has a state, the node is in it, its recorded process is gone and the
 * ports it is given are the recorded ones. The start itself runs in load-balancer.integration (the
 * nginx half starts the node the haproxy half killed) and cluster.integration (the boot wait starts
 * a killed node once more). Also the boot waits' rule for an exited node (aliveOrRestarted): once
 * started again, the second exit fails.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { restartRabbitNode } from '../local/start';
import { aliveOrRestarted, LocalNodeStartError } from '../local/wait';
import { writeState } from '../local/state';
import type { LocalNodeLaunch, LocalNodeState } from '../local/types';

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

describe('aliveOrRestarted: what the boot waits do with a node whose process exited', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-ha-exited-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const ports = { amqpPort: 25672, managementPort: 25673, prometheusPort: 25674, distPort: 25675 };
  const node = (pid: number): LocalNodeState => ({ nodeName: 'rmq-x-0@localhost', shortName: 'rmq-x-0', pid, ...ports });
  const GONE = 99999999;

  test('a live node is waited for as it is; restart is not called', () => {
    const calls: string[] = [];
    const live = node(process.pid);
    expect(aliveOrRestarted(dir, live, (n, why) => (calls.push(why), n), { restarted: false })).toBe(live);
    expect(calls).toEqual([]);
  });

  test('the first exit starts it once more; the second fails with the node named', () => {
    const calls: string[] = [];
    const attempt = { restarted: false };
    const again = aliveOrRestarted(dir, node(GONE), (_n, why) => (calls.push(why), node(GONE - 1)), attempt);
    expect(calls).toEqual([`exited during boot (pid ${GONE})`]);
    expect(again.pid).toBe(GONE - 1);
    let error: unknown;
    try {
      aliveOrRestarted(dir, again, () => node(process.pid), attempt);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LocalNodeStartError);
    expect((error as Error).message).toMatch(new RegExp(`^RabbitMQ node rmq-x-0@localhost exited during boot \\(pid ${GONE - 1}, started twice\\)`));
    expect(calls).toHaveLength(1);
  });

  test('without a restart, the first exit fails the wait', () => {
    expect(() => aliveOrRestarted(dir, node(GONE), undefined, { restarted: false })).toThrow(`RabbitMQ node rmq-x-0@localhost exited during boot (pid ${GONE})`);
  });
});
