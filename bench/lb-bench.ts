/**
 * Load balancer benchmark (`npm run bench`, second table): HAProxy and nginx with the configs
 * rmq-ha renders and with the seed chapter's configs (bench/fixtures/seed-*), all four running
 * side by side in front of the same 3 real RabbitMQ nodes (Debian 3.10.8) on 127.0.0.1, measured
 * with amqplib clients in one run:
 *
 * - kill: a publisher (confirms, one message every 50 ms) connected through the proxy to node C;
 *   SIGKILL of C; time until its first confirmed publish on a new connection; and how many of 10
 *   new connections opened 0.5 s after the kill fail (before any health check noticed);
 * - hang: the same with SIGSTOP of node B; plus, once HAProxy's check window has passed, how
 *   many of 10 new connections through the proxy still land on the hung node;
 * - idle: whether a connection that sends nothing outlives 3 heartbeats (and the proxy's timeouts);
 * - throughput: confirmed publishes per second through the proxy as a ratio to a direct connection
 *   to the same node: 6 rounds of 0.5 s runs on each side, alternating which side goes first
 *   (3 s per side), 512-byte persistent messages, at most 256 unconfirmed; the median of the
 *   per-round ratios; the same comparison between two direct connections shows the noise floor.
 *
 * The quorum queue's leader is on node A, which is never faulted: the numbers are the proxies'
 * failover, not a leader election. Client policy (what an application has to do with amqplib,
 * which has no automatic recovery): heartbeat 5 s; a confirm later than 5 s, a nack or a closed
 * connection drops the connection; connect + handshake bounded by 5 s; 100 ms before the next
 * attempt. Each fault is measured once: single samples, not medians.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  checkInstalled,
  clusterStatus,
  findFreePorts,
  installedRabbitVersion,
  isPortOpen,
  loadBalancerLaunch,
  startLoadBalancer,
  startRabbitNodes,
  stopNodes,
  waitForNodes,
  type LoadBalancerLaunch,
  type LocalClusterState,
  type LocalNodeState,
} from '../cli/local';
import { launchFromPlan, localPlan, localPorts, localSecrets } from '../cli/local/plan-launch';
import { signal } from '../cli/local/private/proc';
import { planLoadBalancer } from '../plan/load-balancer-plan';
import type { ClusterSpecInput } from '../spec/cluster';
import { parseClusterSpec } from '../spec/parse';
import { parseVersion } from '../spec/version';
import {
  amqpHandshake,
  bounded,
  confirmedThroughput,
  destroyConnection,
  FailoverPublisher,
  haproxyShowStat,
  nodeOfConnection,
  openProbe,
  publishConfirmed,
  QUORUM,
  type AmqpTarget,
  type ManagementTarget,
  type Probe,
} from './lb-client';

const HEARTBEAT_S = 5;
/** Proxy idle timeout of the rmq-ha configs: 2 × heartbeat, the smallest recommended value. */
const IDLE_TIMEOUT_S = 10;
const HEALTH_CHECK = { interSeconds: 2, fastInterSeconds: 1, fall: 3, rise: 2, timeoutSeconds: 2 };
/** inter + fall × timeout check + (fall − 1) × fastinter: HAProxy's bound for a hung node. */
const CHECK_WINDOW_MS =
  (HEALTH_CHECK.interSeconds + HEALTH_CHECK.fall * HEALTH_CHECK.timeoutSeconds + (HEALTH_CHECK.fall - 1) * HEALTH_CHECK.fastInterSeconds) * 1000;
const NEW_CONNECTIONS = 10;
/** New connections after a kill are tried this long after it (publishers have reconnected by then). */
const KILL_PROBE_DELAY_MS = 500;
const HANDSHAKE_TIMEOUT_MS = 3000;
/** A hang is kept well below net_ticktime (60 s, detection after 45–75 s), so no partition follows. */
const HANG_DEADLINE_MS = 25000;
const KILL_DEADLINE_MS = 20000;
/** Rounds of throughput runs per configuration; each round runs both sides once. */
const THROUGHPUT_ROUNDS = 6;
/** Length of one run: 6 × 0.5 s = 3 s of publishing per side and configuration. */
const THROUGHPUT_RUN_MS = 500;
const QUEUE = 'lb-bench';

/** The configurations compared, in table order. */
const CONFIGS = [
  { name: 'haproxy', label: 'rmq-ha HAProxy', kind: 'haproxy', seed: false },
  { name: 'nginx', label: 'rmq-ha nginx', kind: 'nginx', seed: false },
  { name: 'seed-haproxy', label: 'seed chapter HAProxy', kind: 'haproxy', seed: true },
  { name: 'seed-nginx', label: 'seed chapter nginx', kind: 'nginx', seed: true },
] as const;
type ConfigName = (typeof CONFIGS)[number]['name'];

/** One row of the table. */
export interface LbBenchRow {
  readonly label: string;
  /** ms from SIGKILL to the first confirmed publish on a new connection; undefined: none in time. */
  killMs?: number;
  /** ms from SIGSTOP to the first confirmed publish on a new connection; undefined: none in time. */
  hangMs?: number;
  /** New connections (of NEW_CONNECTIONS) that got no AMQP answer: sent to the hung node. */
  onHung?: number;
  /** New connections (of NEW_CONNECTIONS) opened 0.5 s after the kill that got no AMQP answer. */
  failedAfterKill?: number;
  /** Idle connection: undefined = survived, else when and why it closed. */
  idleClosed?: { readonly afterMs: number; readonly reason: string };
  idleChecked: boolean;
  /** Mean confirmed msg/s through the proxy and directly to the same node. */
  lbRate?: number;
  directRate?: number;
  /** Median over the rounds of (through the proxy / direct). */
  throughputRatio?: number;
  /** Why a measurement is missing. */
  notes: string[];
}

/** Result of `runLbBench`. */
export interface LbBenchResult {
  readonly rows: readonly LbBenchRow[];
  /** Markdown: heading, table, notes. */
  readonly table: string;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const log = (text: string): void => {
  process.stderr.write(`[lb-bench] ${text}\n`);
};

/** bench/fixtures, from the sources (ts-node) or from dist/bench (npm run bench). */
function fixturesDir(): string {
  for (const candidate of [path.join(__dirname, 'fixtures'), path.resolve(__dirname, '../../bench/fixtures')]) {
    if (fs.existsSync(path.join(candidate, 'seed-haproxy.cfg'))) return candidate;
  }
  throw new Error(`bench/fixtures/seed-haproxy.cfg not found next to ${__dirname}`);
}

/** A seed fixture with its `{{...}}` placeholders filled in. */
function seedLaunch(name: 'seed-haproxy' | 'seed-nginx', dir: string, nodes: readonly LocalNodeState[], ports: { amqp: number; management: number }): LoadBalancerLaunch {
  const kind = name === 'seed-haproxy' ? 'haproxy' : 'nginx';
  const file = kind === 'haproxy' ? 'seed-haproxy.cfg' : 'seed-nginx.conf';
  const runtimeDir = path.join(dir, `lb-${name}`);
  const values: Record<string, string> = { LB_AMQP_PORT: String(ports.amqp), LB_MANAGEMENT_PORT: String(ports.management), RUNTIME_DIR: runtimeDir };
  nodes.forEach((n, i) => {
    values[`NODE_${i + 1}_AMQP_PORT`] = String(n.amqpPort);
    values[`NODE_${i + 1}_MANAGEMENT_PORT`] = String(n.managementPort);
  });
  const config = fs.readFileSync(path.join(fixturesDir(), file), 'utf8').replace(/\{\{([A-Z0-9_]+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`${file}: no value for {{${key}}}`);
    return value;
  });
  return { name, kind, config, configPath: path.join(runtimeDir, file), runtimeDir, host: '127.0.0.1', amqpPort: ports.amqp };
}

/**
 * Starts a publisher through `target` that ends up connected to `node` (new connections are
 * spread by the proxy, so up to 8 tries), or the last one tried when none landed there.
 */
async function publisherOn(
  target: AmqpTarget,
  node: string,
  name: string,
  api: ManagementTarget,
): Promise<{ publisher: FailoverPublisher; onNode: boolean }> {
  for (let attempt = 1; ; attempt++) {
    const publisher = new FailoverPublisher({ target, queue: QUEUE, name, intervalMs: 50, confirmTimeoutMs: 5000, connectTimeoutMs: 5000, backoffMs: 100 });
    await publisher.start(15000);
    const on = await nodeOfConnection(publisher.current!, api);
    if (on === node || attempt === 8) return { publisher, onNode: on === node };
    await publisher.stop();
  }
}

/** One fault for every proxy at once: steer a publisher per proxy onto `victim`, fault it, time the recovery. */
async function faultRound(
  fault: 'kill' | 'hang',
  victim: LocalNodeState,
  targets: ReadonlyMap<ConfigName, AmqpTarget>,
  api: ManagementTarget,
  rows: Map<ConfigName, LbBenchRow>,
  during?: (faultAt: number) => Promise<void>,
): Promise<void> {
  const publishers = new Map<ConfigName, FailoverPublisher>();
  try {
    for (const [name, target] of targets) {
      const { publisher, onNode } = await publisherOn(target, victim.nodeName, `${fault}-${name}`, api);
      publishers.set(name, publisher);
      if (!onNode) rows.get(name)!.notes.push(`${fault}: the publisher could not be placed on ${victim.nodeName} in 8 tries`);
    }
    const generations = new Map([...publishers].map(([name, p]) => [name, p.generation] as const));
    const deadline = fault === 'kill' ? KILL_DEADLINE_MS : HANG_DEADLINE_MS;
    const faultAt = Date.now();
    signal(-victim.pid, fault === 'kill' ? 'SIGKILL' : 'SIGSTOP');
    log(`${fault === 'kill' ? 'SIGKILL' : 'SIGSTOP'} ${victim.nodeName}`);
    try {
      const extra = during ? during(faultAt) : Promise.resolve();
      await Promise.all([
        extra,
        ...[...publishers].map(async ([name, p]) => {
          const first = await p.firstConfirmAfterFault(faultAt, generations.get(name)!, deadline);
          const row = rows.get(name)!;
          if (fault === 'kill') row.killMs = first && first.at - faultAt;
          else row.hangMs = first && first.at - faultAt;
          const seen = [...new Set(p.errors.filter((e) => e.at >= faultAt).map((e) => e.message))];
          log(`  ${name}: ${first ? `${first.at - faultAt} ms` : `no confirm within ${deadline} ms`} (client saw: ${seen.join('; ') || 'nothing'})`);
        }),
      ]);
    } finally {
      if (fault === 'hang') signal(-victim.pid, 'SIGCONT');
    }
  } finally {
    await Promise.all([...publishers.values()].map((p) => p.stop()));
  }
}

function fmtMs(ms: number | undefined, deadline: number): string {
  if (ms === undefined) return `none in ${deadline / 1000} s`;
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function renderTable(rows: readonly LbBenchRow[], date: string, control?: number): string {
  const header = [
    'configuration',
    'kill → confirmed publish',
    `new conns failing ${KILL_PROBE_DELAY_MS / 1000} s after kill`,
    'hang → confirmed publish',
    `new conns on hung node (${CHECK_WINDOW_MS / 1000} s after hang)`,
    `idle ${3 * HEARTBEAT_S} s (3 × heartbeat)`,
    'confirmed msg/s via LB / direct (median ratio)',
  ];
  const body = rows.map((r) => [
    r.label,
    fmtMs(r.killMs, KILL_DEADLINE_MS),
    r.failedAfterKill === undefined ? 'n/a' : `${r.failedAfterKill}/${NEW_CONNECTIONS}`,
    fmtMs(r.hangMs, HANG_DEADLINE_MS),
    r.onHung === undefined ? 'n/a' : `${r.onHung}/${NEW_CONNECTIONS}`,
    !r.idleChecked ? 'n/a' : r.idleClosed ? `closed after ${(r.idleClosed.afterMs / 1000).toFixed(1)} s` : 'survives',
    r.throughputRatio !== undefined && r.lbRate !== undefined && r.directRate !== undefined
      ? `${r.throughputRatio.toFixed(2)} (${r.lbRate.toFixed(0)} / ${r.directRate.toFixed(0)})`
      : 'n/a',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  const notes = rows.flatMap((r) => r.notes.map((n) => `- ${r.label}: ${n}`));
  return [
    `### Load balancers: failover, idle connections, throughput (${date}, 3 RabbitMQ 3.10.8 nodes on 127.0.0.1)`,
    '',
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...body.map(line),
    '',
    `Targets: kill < 1 s; after a hang no new connection on the hung node once the check window (${CHECK_WINDOW_MS / 1000} s) has passed (nginx: measured);`,
    'idle connections survive 3 heartbeats; throughput through the LB >= 0.90 of direct.',
    `rmq-ha configs: heartbeat ${HEARTBEAT_S} s, idle timeouts ${IDLE_TIMEOUT_S} s, HAProxy checks inter ${HEALTH_CHECK.interSeconds}s fastinter ${HEALTH_CHECK.fastInterSeconds}s fall ${HEALTH_CHECK.fall} rise ${HEALTH_CHECK.rise}, timeout check ${HEALTH_CHECK.timeoutSeconds}s.`,
    'Kill times include the client\'s 100 ms pause before reconnecting. Hang times: the publisher drops a connection whose',
    'confirm takes more than 5 s; the seed nginx config cuts every connection silent for 1 s, including one to a hung node.',
    control === undefined ? '' : `Noise floor: the same throughput comparison between two direct connections gave ${control.toFixed(2)}.`,
    ...notes,
  ]
    .filter((l, i, all) => l !== '' || all[i - 1] !== '')
    .join('\n');
}

/**
 * Runs the benchmark (about 2.5 minutes: 3 nodes boot, 4 proxies, 9 throughput runs, 15 s idle,
 * a hang of at most 25 s, a kill). Starts and stops everything itself, under a temp directory.
 * @returns undefined (with a reason on stderr) when the Debian packages are missing
 */
export async function runLbBench(): Promise<LbBenchResult | undefined> {
  const installed = checkInstalled();
  const missing = (['haproxy', 'nginx', 'libnginx-mod-stream'] as const).filter((p) => installed.versions[p] === undefined);
  if (!installed.ok || missing.length > 0) {
    log(`skipped: ${installed.hint || `missing ${missing.join(', ')}`}`);
    return undefined;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-ha-lb-bench-'));
  const rows = new Map<ConfigName, LbBenchRow>(CONFIGS.map((c) => [c.name, { label: c.label, idleChecked: false, notes: [] }]));
  let state: LocalClusterState | undefined;
  const open: Probe[] = [];
  try {
    const ports = await findFreePorts(12);
    const base: ClusterSpecInput = {
      name: 'rmq-bench',
      nodes: 3,
      network: { nodePorts: false },
      rabbitmq: { version: '3.10.8', heartbeatSeconds: HEARTBEAT_S, queueLeaderLocator: 'client-local', diskFreeLimit: { absolute: '50MB' } },
    };
    const ours = (kind: 'haproxy' | 'nginx', p: readonly number[]) =>
      parseClusterSpec({
        ...base,
        loadBalancer: {
          kind,
          clientTimeout: IDLE_TIMEOUT_S,
          serverTimeout: IDLE_TIMEOUT_S,
          healthCheck: HEALTH_CHECK,
          ports: { amqp: p[0], management: p[1], stats: p[2], prometheus: p[3] },
        },
      });
    const specH = ours('haproxy', ports.slice(0, 4));
    const specN = ours('nginx', ports.slice(4, 8));
    const nodePorts = await localPorts(specH, async (p) => !(await isPortOpen(p)));
    const plan = localPlan(specH, dir, nodePorts, parseVersion(installedRabbitVersion())!);
    const secrets = localSecrets(plan, {});
    const began = Date.now();
    state = await startRabbitNodes(launchFromPlan(plan, dir, secrets));
    await waitForNodes(state, { timeoutMs: 120000 });
    for (let i = 0; i < 60 && (await clusterStatus(state, state.nodes[0].nodeName)).runningNodes.length < 3; i++) await sleep(500);
    log(`3 nodes up in ${Date.now() - began} ms`);

    const launches: LoadBalancerLaunch[] = [
      loadBalancerLaunch(planLoadBalancer(specH, plan.addresses, path.join(dir, 'lb-haproxy'))!, secrets, 'haproxy'),
      loadBalancerLaunch(planLoadBalancer(specN, plan.addresses, path.join(dir, 'lb-nginx'))!, secrets, 'nginx'),
      seedLaunch('seed-haproxy', dir, state.nodes, { amqp: ports[8], management: ports[9] }),
      seedLaunch('seed-nginx', dir, state.nodes, { amqp: ports[10], management: ports[11] }),
    ];
    const user = specH.credentials.adminUser;
    const password = secrets.admin_password;
    const targets = new Map<ConfigName, AmqpTarget>();
    for (const launch of launches) {
      const lb = await startLoadBalancer(dir, launch);
      targets.set(launch.name as ConfigName, { host: lb.host, port: lb.amqpPort, user, password, heartbeatSeconds: HEARTBEAT_S });
    }
    const [nodeA, nodeB, nodeC] = state.nodes;
    const api: ManagementTarget = { host: '127.0.0.1', port: nodeA.managementPort, user, password };
    const direct = (n: LocalNodeState): AmqpTarget => ({ host: '127.0.0.1', port: n.amqpPort, user, password, heartbeatSeconds: HEARTBEAT_S });
    const byName = (nodeName: string): LocalNodeState => state!.nodes.find((n) => n.nodeName === nodeName)!;

    // The queue's leader goes to node A (client-local locator, declared on a direct connection).
    const admin = await openProbe(direct(nodeA), 'bench-admin', 10000);
    open.push(admin);
    const adminCh = await admin.conn.createChannel();
    await adminCh.assertQueue(QUEUE, QUORUM);

    // Throughput: through each proxy and directly to the node that proxy picked, interleaved in
    // short runs (proxy/direct, then direct/proxy, ...) so that bursts of other load on the machine
    // hit both sides; the ratio is the median of the per-round ratios.
    log('throughput');
    const steer = async (target: AmqpTarget, name: string, node?: string): Promise<{ probe: Probe; node: string }> => {
      for (let i = 0; ; i++) {
        const probe = await openProbe(target, name, 10000);
        const on = await nodeOfConnection(probe.conn, api);
        if (node === undefined || on === node) return { probe, node: on };
        destroyConnection(probe.conn);
        if (i === 8) throw new Error(`${name}: no connection through port ${target.port} reached ${node} in 9 tries`);
      }
    };
    const compare = async (a: AmqpTarget, directTo: (node: string) => AmqpTarget, name: string): Promise<{ ratio: number; a: number; b: number; node: string }> => {
      const first = await steer(a, `${name}-a`);
      const b = directTo(first.node);
      const sides = [first, await steer(b, `${name}-b`, first.node)];
      const targetsAB = [a, b];
      const rates: [number[], number[]] = [[], []];
      for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
        for (const side of round % 2 === 0 ? [0, 1] : [1, 0]) {
          // The seed nginx config closes a connection that was silent for 1 s (e.g. during the other run).
          if (sides[side].probe.closedAt !== undefined) {
            destroyConnection(sides[side].probe.conn);
            sides[side] = await steer(targetsAB[side], `${name}-${side === 0 ? 'a' : 'b'}`, first.node);
          }
          rates[side].push(await confirmedThroughput(sides[side].probe.conn, QUEUE, { durationMs: THROUGHPUT_RUN_MS }));
        }
        await bounded(adminCh.purgeQueue(QUEUE), 10000, 'queue.purge');
      }
      for (const side of sides) destroyConnection(side.probe.conn);
      const ratios = rates[0].map((r, i) => r / rates[1][i]).sort((x, y) => x - y);
      const avg = (xs: number[]): number => xs.reduce((t, x) => t + x, 0) / xs.length;
      return { ratio: (ratios[(ratios.length - 1) >> 1] + ratios[ratios.length >> 1]) / 2, a: avg(rates[0]), b: avg(rates[1]), node: first.node };
    };
    await steer(direct(nodeA), 'warm-up').then(async ({ probe }) => {
      await confirmedThroughput(probe.conn, QUEUE, { durationMs: 1000 });
      destroyConnection(probe.conn);
      await bounded(adminCh.purgeQueue(QUEUE), 10000, 'queue.purge');
    });
    const control = (await compare(direct(nodeA), (node) => direct(byName(node)), 'control')).ratio;
    log(`  control (direct vs direct): ${control.toFixed(2)}`);
    for (const [name, target] of targets) {
      const row = rows.get(name)!;
      const c = await compare(target, (node) => direct(byName(node)), `throughput-${name}`);
      Object.assign(row, { lbRate: c.a, directRate: c.b, throughputRatio: c.ratio });
      log(`  ${name}: ${c.a.toFixed(0)} msg/s via the proxy, ${c.b.toFixed(0)} msg/s direct to ${c.node}, median ratio ${c.ratio.toFixed(2)}`);
    }

    // Idle: one connection per proxy that sends nothing for 3 heartbeats, then publishes.
    log(`idle ${3 * HEARTBEAT_S} s`);
    const idle = new Map<ConfigName, Probe>();
    for (const [name, target] of targets) {
      const probe = await openProbe(target, `idle-${name}`, 10000);
      open.push(probe);
      idle.set(name, probe);
    }
    const idleChannels = new Map(await Promise.all([...idle].map(async ([name, p]) => [name, await p.conn.createConfirmChannel()] as const)));
    await sleep(3 * HEARTBEAT_S * 1000 + 500);
    for (const [name, probe] of idle) {
      const row = rows.get(name)!;
      row.idleChecked = true;
      if (probe.closedAt === undefined) {
        const published = await publishConfirmed(idleChannels.get(name)!, QUEUE, Buffer.from('idle'), 5000).then(
          () => true,
          () => false,
        );
        if (!published) row.idleClosed = { afterMs: Date.now() - probe.openedAt, reason: 'open, but no confirm' };
      } else row.idleClosed = { afterMs: probe.closedAt - probe.openedAt, reason: probe.closeReason ?? 'closed' };
      log(`  ${name}: ${row.idleClosed ? `closed after ${row.idleClosed.afterMs} ms (${row.idleClosed.reason})` : 'survived'}`);
      destroyConnection(probe.conn);
    }

    // Hang of node B; once the check window has passed, 10 new connections per proxy.
    log('hang');
    const statsSocket = path.join(launches[0].runtimeDir, 'haproxy.sock');
    await faultRound('hang', nodeB, targets, api, rows, async (faultAt) => {
      const shortB = nodeB.nodeName.split('@')[0];
      let down: number | undefined;
      while (Date.now() - faultAt < CHECK_WINDOW_MS) {
        const row = (await haproxyShowStat(statsSocket).catch(() => [])).find((r) => r.pxname === 'rabbitmq_amqp' && r.svname === shortB);
        if (down === undefined && row?.status.startsWith('DOWN')) down = Date.now() - faultAt;
        await sleep(200);
      }
      rows.get('haproxy')!.notes.push(`marked the hung node DOWN after ${down === undefined ? `more than ${CHECK_WINDOW_MS} ms` : `${down} ms`}.`);
      await Promise.all(
        [...targets].map(async ([name, target]) => {
          const tries = await Promise.all(Array.from({ length: NEW_CONNECTIONS }, () => amqpHandshake(target.host, target.port, HANDSHAKE_TIMEOUT_MS)));
          for (const t of tries) t.socket.destroy();
          rows.get(name)!.onHung = tries.filter((t) => !t.answered).length;
          log(`  ${name}: ${rows.get(name)!.onHung}/${NEW_CONNECTIONS} new connections without an answer`);
        }),
      );
    });
    // Let node B settle (and HAProxy see it UP again) before the next fault.
    for (let i = 0; i < 40; i++) {
      const row = (await haproxyShowStat(statsSocket).catch(() => [])).find((r) => r.pxname === 'rabbitmq_amqp' && r.svname === nodeB.nodeName.split('@')[0]);
      if (row?.status.startsWith('UP')) break;
      await sleep(250);
    }

    log('kill');
    await faultRound('kill', nodeC, targets, api, rows, async (faultAt) => {
      // Before any check has noticed: does a new connection get to a live node?
      await sleep(Math.max(0, faultAt + KILL_PROBE_DELAY_MS - Date.now()));
      await Promise.all(
        [...targets].map(async ([name, target]) => {
          const tries = await Promise.all(Array.from({ length: NEW_CONNECTIONS }, () => amqpHandshake(target.host, target.port, HANDSHAKE_TIMEOUT_MS)));
          for (const t of tries) t.socket.destroy();
          rows.get(name)!.failedAfterKill = tries.filter((t) => !t.answered).length;
          log(`  ${name}: ${rows.get(name)!.failedAfterKill}/${NEW_CONNECTIONS} new connections ${KILL_PROBE_DELAY_MS} ms after the kill failed`);
        }),
      );
    });

    const result = [...rows.values()];
    return { rows: result, table: renderTable(result, new Date().toISOString().slice(0, 10), control) };
  } finally {
    for (const p of open) destroyConnection(p.conn);
    if (state) for (const n of state.nodes) signal(-n.pid, 'SIGCONT');
    await stopNodes(dir, { termTimeoutMs: 15000 }).catch((e: unknown) => log(`stop failed: ${(e as Error).message}`));
    if (!process.env.RMQ_HA_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }
}

if (require.main === module) {
  runLbBench().then(
    (r) => {
      if (r) process.stdout.write(`${r.table}\n`);
      process.exit(0);
    },
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
