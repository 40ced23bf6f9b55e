/**
 * The checks the day-two procedures rely on, on a real RabbitMQ 3.10.8 node (cli/review/changes.ts,
 * constructs/kubernetes/private/policies.ts):
 * - a rotated password reaches the broker when a node restarts with the new definitions.json
 *   (definitions.skip_if_unchanged re-imports a changed file, and an existing user's password is
 *   replaced), which is what rolling the pods (secret checksum) or the Docker nodes relies on;
 * - the exact preStop command of the pods, feature-flag step and mirror wait included, runs to
 *   the end on a node and leaves every feature flag enabled.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { findFreePorts, nodePaths, RABBITMQ_BIN_DIR, rabbitNodeEnv, rabbitmqctl, readState, startRabbitNodes, stopNodes, waitForNodes } from '../local';
import { launchFromPlan, localPlan } from '../local/plan-launch';
import { preStopBudget, preStopCommand } from '../constructs/kubernetes/private/policies';
import { completeImportLine, IMPORT_MARKER } from '../rabbitmq/definitions/complete-import';
import { createHash } from 'node:crypto';
import { parseClusterSpec } from '../spec/parse';
import { parseVersion } from '../spec/version';
import type { LocalClusterState } from '../local';

const VERSION = parseVersion('3.10.8')!;
const COOKIE = 'COOKIErotationTEST0123456789abcd';
const PASSWORD_A = 'firstPasswordAAAAAAAA1234';
const PASSWORD_B = 'secondPasswordBBBBBBB5678';

describe('day-two checks on a real 3.10.8 node', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-day-two-'));
  const spec = parseClusterSpec({ name: 'rmq-day2', nodes: 1, rabbitmq: { version: '3.10.8' }, loadBalancer: { kind: 'none' } });
  let managementPort = 0;
  let plan: ReturnType<typeof localPlan>;

  async function boot(password: string): Promise<LocalClusterState> {
    const state = await startRabbitNodes(launchFromPlan(plan, dir, { admin_password: password, erlang_cookie: COOKIE }));
    await waitForNodes(state, { timeoutMs: 90000 });
    return state;
  }

  async function status(password: string): Promise<number> {
    const auth = `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
    const res = await fetch(`http://127.0.0.1:${managementPort}/api/whoami`, { headers: { authorization: auth }, signal: AbortSignal.timeout(10000) });
    return res.status;
  }

  beforeAll(async () => {
    const [amqpPort, mgmt, prometheusPort, distPort] = await findFreePorts(4);
    managementPort = mgmt;
    plan = localPlan(spec, dir, [{ amqpPort, managementPort: mgmt, prometheusPort, distPort }], VERSION);
    await boot(PASSWORD_A);
  }, 120000);

  afterAll(async () => {
    await stopNodes(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60000);

  test('a node restarted with a rotated password in definitions.json takes it; the old one is refused', async () => {
    expect(await status(PASSWORD_A)).toBe(200);
    await stopNodes(dir);
    await boot(PASSWORD_B);
    expect(await status(PASSWORD_B)).toBe(200);
    expect(await status(PASSWORD_A)).toBe(401);
  }, 180000);
  test('the containers\' whole-cluster import line runs to the end once (count read from a conf file), then finds its marker and imports nothing', async () => {
    const state = readState(dir)!;
    const node = state.nodes[0];
    const env = rabbitNodeEnv({ dir: state.dir, nodeName: node.nodeName, paths: nodePaths(state.dir, node.nodeName), distPort: node.distPort, epmdPort: state.epmd.port });
    const work = fs.mkdtempSync(path.join(dir, 'complete-import-'));
    const defs = path.join(work, 'definitions.json');
    const text = JSON.stringify({ queues: [{ name: 'complete.q', vhost: '/', durable: true, auto_delete: false, arguments: { 'x-queue-type': 'quorum' } }] });
    fs.writeFileSync(defs, text);
    const conf = path.join(work, 'rabbitmq.conf');
    fs.writeFileSync(conf, 'heartbeat = 30\ncluster_formation.target_cluster_size_hint = 1\n');
    const line = completeImportLine({ definitionsPath: defs, dataDir: work, nodes: 1, nodesFromConfig: conf });
    // The line detaches its work; its output pipe stays open until that work ends, so this returns then.
    const run = () => spawnSync('/bin/sh', ['-c', line], { env: { ...env, PATH: `${RABBITMQ_BIN_DIR}:${env.PATH}` }, encoding: 'utf8', timeout: 120000 });
    const first = run();
    expect({ code: first.status, out: first.stdout.trim() }).toEqual({ code: 0, out: 'rmq-ha: definitions imported with all 1 nodes running' });
    expect(fs.readFileSync(path.join(work, IMPORT_MARKER), 'utf8').trim()).toBe(createHash('sha256').update(text).digest('hex'));
    const queues = await rabbitmqctl(state, node.nodeName, ['list_queues', 'name', 'type', '--formatter', 'json']);
    expect(JSON.parse(queues.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'complete.q', type: 'quorum' })]));
    const second = run();
    expect({ code: second.status, out: second.stdout.trim() }).toEqual({ code: 0, out: '' });
  }, 150000);
  test('the pods\' preStop command runs to the end and enables every feature flag (last: it drains the node)', async () => {
    const state = readState(dir)!;
    const node = state.nodes[0];
    const env = rabbitNodeEnv({ dir: state.dir, nodeName: node.nodeName, paths: nodePaths(state.dir, node.nodeName), distPort: node.distPort, epmdPort: state.epmd.port });
    const command = preStopCommand(preStopBudget(300, 3), { awaitMirrors: true });
    expect(command).toContain('enable_feature_flag all');
    expect(command).toContain('await_online_synchronized_mirror -t');
    const r = spawnSync('/bin/sh', ['-c', command], { env: { ...env, PATH: `${RABBITMQ_BIN_DIR}:${env.PATH}` }, encoding: 'utf8', timeout: 120000 });
    expect({ code: r.status, stderr: r.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    const flags = await rabbitmqctl(state, node.nodeName, ['list_feature_flags', 'name', 'state', '--formatter', 'json']);
    expect(flags.code).toBe(0);
    const list = JSON.parse(flags.stdout) as Array<{ name: string; state: string }>;
    expect(list.length).toBeGreaterThan(5);
    expect(list.filter((f) => f.state !== 'enabled')).toEqual([]);
  }, 150000);
});
