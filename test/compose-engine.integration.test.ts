/**
 * The Compose export run the way its users run it: `rmq-ha export --format compose`, then
 * `docker-compose up -d` (Debian's docker-compose 1.29.2) on the private engine (engine/) with the
 * stand-in images (images/). The three nodes must form one cluster from the exported files alone,
 * the quorum queue must have a member on every node, and a confirmed message must go through the
 * load balancer. Every wait is bounded; `docker-compose down -v` removes what `up` created.
 *
 * The first node is started alone and the others only once it is healthy: the order in which the
 * boot-time import of definitions declared no queue at all (the first node stores the file's hash
 * while alone, the joining nodes skip the unchanged file; seen as a CI failure when the nodes
 * happened to join late). The queue must exist anyway, declared by the import that waits for the
 * whole cluster (rabbitmq/definitions/complete-import.ts).
 */
import * as amqp from 'amqplib';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { clusterStatus, quorumMembers, waitHealthy } from '../e2e/cluster';
import { engineFileDescriptors } from '../e2e/deploy';
import { DockerCli } from '../e2e/docker';
import { mustRun, run, waitFor } from '../e2e/run';
import { choosePorts, E2E_QUEUE, E2E_SECRET_VARIABLES, e2eSecretEnv, e2eSpecYaml } from '../e2e/spec';
import { engineDown, enginePid, engineUp } from '../engine';
import { ensureImages } from '../images';
import { CLI } from './helpers/cli';

const CLUSTER = 'rmq-compose';
const NODES = [0, 1, 2].map((i) => `${CLUSTER}-${i}`);
const log = (msg: string): void => console.log(`compose-engine: ${msg}`);

let work: string;
let dir: string;
let dockerHost: string;
let docker: DockerCli;
let startedEngine = false;
let upRan = false;
const secrets = e2eSecretEnv();
let lbPort = 0;

const compose = (args: readonly string[], timeoutMs: number) =>
  run('docker-compose', ['--project-directory', dir, '-p', CLUSTER, '-f', path.join(dir, 'docker-compose.yml'), ...args], { env: { DOCKER_HOST: dockerHost }, timeoutMs });

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-compose-'));
  dir = path.join(work, 'export');
  startedEngine = enginePid() === undefined;
  const engine = await engineUp();
  dockerHost = engine.dockerHost;
  docker = new DockerCli(dockerHost);
  const images = await ensureImages(dockerHost);
  const fds = engineFileDescriptors();
  const ports = await choosePorts(NODES.length);
  lbPort = ports.lb.amqp;
  const spec = { ...parseYaml(e2eSpecYaml(images, ports, fds)), name: CLUSTER };
  fs.writeFileSync(path.join(work, `${CLUSTER}.yaml`), stringifyYaml(spec));
  await mustRun(process.execPath, [CLI, 'export', '--spec', path.join(work, `${CLUSTER}.yaml`), '--format', 'compose', '--out', dir], { env: { ...secrets, NO_COLOR: '1' }, timeoutMs: 120000 });
}, 20 * 60000);

afterAll(async () => {
  if (upRan) {
    const down = await compose(['down', '-v', '--timeout', '30'], 300000);
    log(`docker-compose down -v: exit ${down.code}`);
  }
  if (work) fs.rmSync(work, { recursive: true, force: true });
  if (startedEngine) await engineDown();
}, 10 * 60000);

describe('the Compose export on a real engine', () => {
  test('docker-compose up forms a 3-node cluster; the quorum queue spans every node; a confirmed message goes through the load balancer', async () => {
    upRan = true;
    const first = await compose(['up', '-d', '--no-build', NODES[0]], 600000);
    expect(`${first.code}\n${first.stderr.slice(-3000)}`).toMatch(/^0\n/);
    const alone = await waitHealthy(docker, [NODES[0]], 300000);
    log(`${NODES[0]} healthy alone after ${alone} ms; starting the others`);
    const up = await compose(['up', '-d', '--no-build'], 600000);
    expect(`${up.code}\n${up.stderr.slice(-3000)}`).toMatch(/^0\n/);
    const formed = await waitFor(async () => {
      const s = await clusterStatus(docker, NODES[0]).catch(() => undefined);
      return s && s.running_nodes.length === 3 ? s : undefined;
    }, 300000, 3000);
    expect(formed).toBeDefined();
    log(`cluster formed ${formed!.ms} ms after docker-compose up: ${formed!.value.running_nodes.join(', ')}`);
    expect([...formed!.value.running_nodes].sort()).toEqual(NODES.map((n) => `rabbit@${n}`));
    const members = await waitFor(async () => {
      const m = await quorumMembers(docker, NODES[0], E2E_QUEUE).catch(() => []);
      return m.length === 3 ? m : undefined;
    }, 120000, 3000);
    expect(members?.value.sort()).toEqual(NODES.map((n) => `rabbit@${n}`));
    const logs = await docker.run(['logs', NODES[0]]);
    log(`${NODES[0]}: ${`${logs.stdout}${logs.stderr}`.split('\n').filter((l) => /rmq-ha:|skipping queue/.test(l)).join(' | ')}`);

    const password = secrets[`TF_VAR_${E2E_SECRET_VARIABLES.admin}`];
    const conn = await amqp.connect({ hostname: '127.0.0.1', port: lbPort, username: 'admin', password, heartbeat: 10 });
    try {
      const ch = await conn.createConfirmChannel();
      const body = `compose-${Date.now()}`;
      ch.sendToQueue(E2E_QUEUE, Buffer.from(body), { persistent: true });
      await ch.waitForConfirms();
      const got = await waitFor(async () => {
        const m = await ch.get(E2E_QUEUE, { noAck: true });
        return m ? m.content.toString() : undefined;
      }, 30000, 500);
      expect(got?.value).toBe(body);
    } finally {
      await conn.close();
    }
  }, 20 * 60000);
});
