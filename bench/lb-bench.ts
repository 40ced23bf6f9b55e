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
import { runMain } from './run-main';
import { missingLbPackages } from './lb-bench-settings';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
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
} from '../local';
import { launchFromPlan, localPlan, localPorts, localSecrets } from '../local/plan-launch';
import { signal } from '../local/private/proc';
import { planLoadBalancer } from '../plan/load-balancer-plan';
import type { ClusterSpecInput } from '../spec/cluster';
import { parseClusterSpec } from '../spec/parse';
import { parseVersion } from '../spec/version';
import { faultRound, unansweredHandshakes } from './lb-bench-faults';
import { seedLaunch } from './lb-bench-seed';
import {
  CHECK_WINDOW_MS,
  CONFIGS,
  HEALTH_CHECK,
  HEARTBEAT_S,
  IDLE_TIMEOUT_S,
  KILL_PROBE_DELAY_MS,
  log,
  NEW_CONNECTIONS,
  QUEUE,
  sleep,
  THROUGHPUT_ROUNDS,
  THROUGHPUT_RUN_MS,
  type ConfigName,
  type LbBenchResult,
  type LbBenchRow,
} from './lb-bench-settings';
import { renderTable } from './lb-bench-table';
import {
  bounded,
  confirmedThroughput,
  destroyConnection,
  haproxyShowStat,
  nodeOfConnection,
  openProbe,
  publishConfirmed,
  QUORUM,
  type AmqpTarget,
  type ManagementTarget,
  type Probe,
} from './lb-client';

export type { LbBenchResult, LbBenchRow } from './lb-bench-settings';

/**
 * Runs the benchmark (about 2.5 minutes: 3 nodes boot, 4 proxies, 9 throughput runs, 15 s idle,
 * a hang of at most 25 s, a kill). Starts and stops everything itself, under a temp directory.
 * @returns undefined (with a reason on stderr) when the Debian packages are missing
 */
export async function runLbBench(): Promise<LbBenchResult | undefined> {
  const missing = missingLbPackages();
  if (missing) {
    log(`skipped: ${missing}`);
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
          rows.get(name)!.onHung = await unansweredHandshakes(target);
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
          rows.get(name)!.failedAfterKill = await unansweredHandshakes(target);
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

if (require.main === module) runMain(runLbBench);
