/**
 * The Docker target against the seed chapter's Compose file (`npm run bench`, "Docker: ..."
 * table), on the same private engine (engine/) and the same stand-in RabbitMQ 3.10.8 image
 * (images/), in one run:
 *
 * - rmq-ha: `terraform apply` of the synthesized stack (the e2e spec: 3 nodes, HAProxy, quorum
 *   queues) until every node container is healthy and node 0's `rabbitmqctl cluster_status` lists
 *   3 running nodes (`terraform init` is timed apart: it runs once per stack directory);
 * - seed: `docker-compose up -d` (1.29.2) of bench/fixtures/seed-docker-compose.yml (its start
 *   script as written: `rabbitmqctl reset` on every start, `join_cluster rabbitmq1`) until
 *   rabbitmq1's `cluster_status` lists 3 running nodes. As written it never clusters (the CLI
 *   reads `rabbitmq1` as the node rabbitmq1@<own host>), so it runs a second time with only
 *   `join_cluster rabbit@rabbitmq1`, the smallest change that makes it form;
 * - then on each: N persistent messages (confirmed) into a durable classic and a quorum queue,
 *   both declared through node 1 (which leads them), `docker restart` of node 1, the cluster
 *   formed again (bounded), and the messages counted (`rabbitmqctl list_queues` on node 0, or on
 *   node 1 itself when it runs alone).
 *
 * It uses the shared engine: `npm run bench` runs it as a child under
 * `flock /var/lock/rmq-ha-engine.lock`, and everything it creates is removed again (terraform
 * destroy, docker-compose down -v, engine down). Not a test: it prints what it measured.
 */
import { runMain } from './run-main';
import * as amqp from 'amqplib';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { findFreePorts } from '../local';
import { hardNofileOf } from '../cli/private/host-limits';
import { clusterStatus, listQueues, waitFormed, waitHealthy } from '../e2e/cluster';
import { DockerCli } from '../e2e/docker';
import { mustRun, run, waitFor } from '../e2e/run';
import { choosePorts, E2E_CLUSTER, e2eSecretEnv, e2eSpecYaml } from '../e2e/spec';
import { mustTerraform, terraform, terraformOutputs, type TerraformContext } from '../e2e/terraform';
import { engineDown, enginePid, engineUp } from '../engine';
import { ensureImages } from '../images';
import { ensureProviders } from '../providers';
import { fixturesDir } from './lb-bench-seed';

const MESSAGES = Number(process.env.BENCH_DOCKER_MESSAGES ?? 1000);
const FORM_TIMEOUT_MS = 300000;
/** How long the seed as written gets to form (its scripts are through after about 30-40 s). */
const SEED_AS_WRITTEN_WAIT_MS = 90000;
const SEED_PROJECT = 'rmqhaseed';
const CLASSIC = 'bench-classic';
const QUORUM = 'bench-quorum';
const log = (text: string): void => {
  process.stderr.write(`[docker-bench] ${text}\n`);
};

/** What one side measured. */
interface Side {
  formedMs?: number;
  note?: string;
  restart?: { classic: string; quorum: string; nodesAfter: number; formedAgainMs?: number };
}

/** Publishes `MESSAGES` persistent messages with confirms into a classic and a quorum queue. */
async function publishBoth(port: number, user: string, password: string): Promise<void> {
  // A node can count as running in the cluster a moment before its AMQP listener accepts.
  const connect = () => amqp.connect({ protocol: 'amqp', hostname: '127.0.0.1', port, username: user, password, heartbeat: 10 }, { timeout: 10000 });
  const opened = await waitFor(connect, 60000, 1000);
  if (!opened) throw new Error(`no AMQP connection to 127.0.0.1:${port} within 60 s`);
  const conn = opened.value;
  try {
    const ch = await conn.createConfirmChannel();
    await ch.assertQueue(CLASSIC, { durable: true });
    await ch.assertQueue(QUORUM, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    const body = Buffer.alloc(512, 'x');
    for (let i = 0; i < MESSAGES; i++) {
      ch.sendToQueue(CLASSIC, body, { persistent: true });
      ch.sendToQueue(QUORUM, body, { persistent: true });
    }
    await ch.waitForConfirms();
  } finally {
    await conn.close().catch(() => undefined);
  }
}

/** Message count of both queues as one node reports them ("missing" when the queue is gone). */
async function counts(docker: DockerCli, container: string): Promise<{ classic: string; quorum: string }> {
  const q = await listQueues(docker, container).catch(() => ({}) as Record<string, { messages: number }>);
  const show = (name: string): string => (q[name] ? String(q[name].messages) : 'missing');
  return { classic: show(CLASSIC), quorum: show(QUORUM) };
}

/**
 * Publish through node 1, `docker restart` node 1, wait for the cluster (bounded), count where the
 * queues are visible: on node 0 in a cluster, on node 1 itself when it runs alone.
 */
async function restartRound(
  docker: DockerCli,
  nodes: readonly string[],
  port1: number,
  creds: { user: string; password: string },
  side: Side,
  opts: { clustered: boolean; scripted: boolean },
): Promise<void> {
  const { clustered, scripted } = opts;
  const countOn = clustered ? nodes[0] : nodes[1];
  await publishBoth(port1, creds.user, creds.password);
  // A quorum queue's message count in list_queues follows its log with a delay: wait until both show N.
  const expected = String(MESSAGES);
  const settled = await waitFor(async () => {
    const c = await counts(docker, countOn);
    return c.classic === expected && c.quorum === expected ? c : undefined;
  }, 30000, 1000);
  const before = settled?.value ?? (await counts(docker, countOn));
  log(`  before restart: classic ${before.classic}, quorum ${before.quorum}`);
  const restartedAt = Math.floor(Date.now() / 1000);
  await docker.must(['restart', nodes[1]], 120000);
  // A start script (the seed's) boots the node, then resets it 10 s later: wait for its last step.
  if (scripted) {
    const log1 = async () => {
      const r = await docker.run(['logs', '--since', String(restartedAt), nodes[1]]);
      return `${r.stdout}${r.stderr}`.includes('Starting node') ? true : undefined;
    };
    await waitFor(log1, 180000, 1000);
  }
  const formedAgainMs = clustered ? await waitFormed(docker, nodes[0], 3, 180000) : await settle(docker, nodes[1]);
  const status = await clusterStatus(docker, countOn).catch(() => undefined);
  const after = await counts(docker, countOn);
  side.restart = { classic: `${before.classic} → ${after.classic}`, quorum: `${before.quorum} → ${after.quorum}`, nodesAfter: status?.running_nodes.length ?? 0, formedAgainMs };
  log(`  after restart: classic ${after.classic}, quorum ${after.quorum}, ${side.restart.nodesAfter} running nodes as node 0 sees it`);
}

/** ms until a restarted node's own start script is through (its rabbit app runs again), bounded. */
async function settle(docker: DockerCli, container: string): Promise<number | undefined> {
  return (await waitFor(async () => ((await docker.run(['exec', container, 'rabbitmq-diagnostics', '-q', 'check_running'], 60000)).code === 0 ? true : undefined), 180000, 2000))?.ms;
}

/**
 * The seed's Compose file with the stand-in image and loopback ports; `fixJoin` also changes
 * `join_cluster rabbitmq1` (which the CLI reads as the node rabbitmq1@<own host>, so as written the
 * seed never clusters) into `join_cluster rabbit@rabbitmq1`, the one word that makes it form.
 */
function seedCompose(image: string, ports: readonly number[], fixJoin: boolean): string {
  const doc = parse(fs.readFileSync(path.join(fixturesDir(), 'seed-docker-compose.yml'), 'utf8')) as { services: Record<string, { image: string; ports: string[]; command: string }> };
  let k = 0;
  for (const svc of Object.values(doc.services)) {
    svc.image = image;
    svc.ports = svc.ports.map((p) => `127.0.0.1:${ports[k++]}:${p.split(':')[1]}`);
    if (fixJoin) svc.command = svc.command.replace('join_cluster rabbitmq1;', 'join_cluster rabbit@rabbitmq1;');
  }
  return stringify(doc);
}

/** One seed run: up, time to 3 running nodes (bounded), the restart round, down. */
async function seedRun(docker: DockerCli, dockerHost: string, work: string, image: string, fixJoin: boolean): Promise<Side> {
  const side: Side = {};
  const file = path.join(work, `docker-compose-${fixJoin ? 'fixed' : 'as-written'}.yml`);
  const compose = (args: readonly string[], timeoutMs = 300000) => run('docker-compose', ['-p', SEED_PROJECT, '-f', file, ...args], { env: { DOCKER_HOST: dockerHost }, timeoutMs });
  const ports = await findFreePorts(6);
  fs.writeFileSync(file, seedCompose(image, ports, fixJoin));
  const nodes = [1, 2, 3].map((i) => `${SEED_PROJECT}_rabbitmq${i}_1`);
  try {
    log(`seed${fixJoin ? ' (join_cluster rabbit@rabbitmq1)' : ''}: docker-compose up -d`);
    const began = Date.now();
    const up = await compose(['up', '-d']);
    if (up.code !== 0) throw new Error(`docker-compose up failed: ${up.stderr.slice(-2000)}`);
    // As written the start scripts end after about 30 s (a 10 s `wait` on a pid file that is not there, then the CLI calls).
    const formed = await waitFormed(docker, nodes[0], 3, fixJoin ? FORM_TIMEOUT_MS : SEED_AS_WRITTEN_WAIT_MS, 500);
    side.formedMs = formed === undefined ? undefined : Date.now() - began;
    if (formed === undefined) {
      const seen = await Promise.all(nodes.map(async (n) => (await clusterStatus(docker, n).catch(() => undefined))?.running_nodes.length ?? 0));
      side.note = `no cluster after ${((Date.now() - began) / 1000).toFixed(0)} s: the nodes see ${seen.join(' / ')} running node(s)`;
    }
    log(`  formed after ${side.formedMs ?? 'never'} ms ${side.note ?? ''}`);
    // Users: RABBITMQ_DEFAULT_USER/PASS when the image honours them, else guest (the stand-in keeps guest reachable, as upstream).
    const users = await docker.run(['exec', nodes[1], 'rabbitmqctl', '-q', 'list_users'], 60000);
    const creds = users.stdout.includes('admin') ? { user: 'admin', password: 'password' } : { user: 'guest', password: 'guest' };
    side.note = `${side.note ? `${side.note}; ` : ''}published as ${creds.user}`;
    await restartRound(docker, nodes, ports[2], creds, side, { clustered: formed !== undefined, scripted: true });
  } finally {
    await compose(['down', '-v', '--remove-orphans'], 300000);
  }
  return side;
}

async function main(): Promise<string> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-ha-docker-bench-'));
  const engine = await engineUp();
  const docker = new DockerCli(engine.dockerHost);
  let tf: TerraformContext | undefined;
  const ours: Side = {};
  let seedAsWritten: Side = {};
  let seedFixed: Side = {};
  let initMs = 0;
  try {
    const images = await ensureImages(engine.dockerHost);
    const providers = await ensureProviders();
    const pid = enginePid();
    const fds = Math.min(65536, (pid && hardNofileOf(pid)) || hardNofileOf('self') || 65536);
    const ports = await choosePorts(3);
    const specFile = path.join(work, 'e2e.yaml');
    fs.writeFileSync(specFile, e2eSpecYaml(images, ports, fds));
    const out = path.join(work, 'out');
    await mustRun(process.execPath, [path.resolve(__dirname, '../rmq-ha.js'), 'synth', '--spec', specFile, '--out', out], { timeoutMs: 120000 });
    tf = { terraform: providers.terraform, cliConfig: providers.cliConfig, dockerHost: engine.dockerHost, dir: path.join(out, 'stacks', 'e2e'), variables: e2eSecretEnv() };
    initMs = (await mustTerraform(tf, ['init', '-input=false', '-no-color'], 300000)).ms;

    log('rmq-ha: terraform apply');
    const nodes = [0, 1, 2].map((i) => `${E2E_CLUSTER}-${i}`);
    const began = Date.now();
    await mustTerraform(tf, ['apply', '-no-color'], 900000);
    await waitHealthy(docker, nodes, FORM_TIMEOUT_MS);
    const formed = await waitFormed(docker, nodes[0], 3, FORM_TIMEOUT_MS, 500);
    ours.formedMs = formed === undefined ? undefined : Date.now() - began;
    log(`  formed and healthy after ${ours.formedMs} ms`);
    const o = await terraformOutputs(tf);
    await restartRound(docker, nodes, ports.amqpBase + 1, { user: String(o.admin_username), password: String(o.admin_password) }, ours, { clustered: true, scripted: false });
    await mustTerraform(tf, ['destroy', '-input=false', '-no-color'], 600000);
    tf = undefined;

    seedAsWritten = await seedRun(docker, engine.dockerHost, work, images.rabbitmq, false);
    seedFixed = await seedRun(docker, engine.dockerHost, work, images.rabbitmq, true);
  } finally {
    if (tf) await terraform(tf, ['destroy', '-input=false', '-no-color'], 600000);
    fs.rmSync(work, { recursive: true, force: true });
    await engineDown();
  }
  const ms = (v?: number): string => (v === undefined ? 'did not form' : `${(v / 1000).toFixed(1)} s`);
  const ratio = (seed: Side): string =>
    ours.formedMs !== undefined && seed.formedMs !== undefined ? `rmq-ha ${(ours.formedMs / seed.formedMs).toFixed(2)}x this (target <= 1x)` : '';
  const restart = (s: Side): string =>
    s.restart ? `classic ${s.restart.classic}, quorum ${s.restart.quorum}; ${s.restart.nodesAfter} node(s) running after (${ms(s.restart.formedAgainMs)})` : 'not measured';
  return [
    `### Docker: rmq-ha stack vs the seed chapter's Compose file (same engine, stand-in rabbitmq 3.10.8 image, ${new Date().toISOString().slice(0, 10)})`,
    '',
    '| measurement | rmq-ha (terraform apply) | seed as written (docker-compose up -d) | seed with `join_cluster rabbit@rabbitmq1` | ratio to the fixed seed |',
    '|---|---|---|---|---|',
    `| to a formed cluster (3 running nodes; rmq-ha: also every container healthy) | ${ms(ours.formedMs)} | ${ms(seedAsWritten.formedMs)} | ${ms(seedFixed.formedMs)} | ${ratio(seedFixed)} |`,
    `| ${MESSAGES} persistent messages into a classic and a quorum queue on node 1, docker restart of node 1: before → after | ${restart(ours)} | ${restart(seedAsWritten)} | ${restart(seedFixed)} | |`,
    '',
    `terraform init (once per stack directory, not counted): ${(initMs / 1000).toFixed(1)} s. Seed as written: ${seedAsWritten.note ?? ''}. Fixed seed: ${seedFixed.note ?? ''}.`,
  ].join('\n');
}

if (require.main === module) runMain(main);
