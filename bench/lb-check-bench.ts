/**
 * Hung-node detection against false alarms (`npm run bench`, "Health checks under load" table):
 * the HAProxy and nginx configs rmq-ha renders with the spec's DEFAULT check settings, in front of
 * 3 real RabbitMQ nodes (Debian 3.10.8) on 127.0.0.1, in one run:
 *
 * - load: for LOAD_MS (60 s) a confirmed publisher per node, flat out (persistent 512-byte
 *   messages, 256 unconfirmed at most) on a quorum queue led by that node (every node leads one
 *   queue and follows two); HAProxy's `chkdown` counter (UP->DOWN transitions) of every server
 *   before and after: a false DOWN mark is any increase;
 * - hang: SIGSTOP of each node in turn (its process group: the sh parent and beam.smp) while
 *   the other two keep publishing; ms until HAProxy's stats show the server DOWN (polled every
 *   100 ms), and how many of 10 new connections through nginx get no AMQP answer after that long
 *   (nginx OSS has passive checks only: a stopped VM's kernel still accepts the TCP connection,
 *   so nginx never counts a failure and keeps sending new clients to it). SIGCONT, then the
 *   server must be UP again before the next node.
 * Not a test: nothing here asserts a time; the table reports what was measured.
 */
import { runMain } from './run-main';
import { missingLbPackages } from './lb-bench-settings';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findFreePorts, installedRabbitVersion, isPortOpen, loadBalancerLaunch, startLoadBalancer, startRabbitNodes, stopNodes, type LocalClusterState } from '../local';
import { waitForCluster } from '../local/cluster-ready';
import { launchFromPlan, localPlan, localPorts, localSecrets } from '../local/plan-launch';
import { signal } from '../local/private/proc';
import { planLoadBalancer } from '../plan/load-balancer-plan';
import { parseClusterSpec } from '../spec/parse';
import { parseVersion } from '../spec/version';
import { unansweredHandshakes } from './lb-bench-faults';
import { NEW_CONNECTIONS, sleep } from './lb-bench-settings';
import { bounded, confirmedThroughput, destroyConnection, haproxyShowStat, openProbe, type AmqpTarget, type Probe } from './lb-client';

const LOAD_MS = Number(process.env.BENCH_CHECK_LOAD_MS ?? 60000);
/** The issue's bound for detecting a hung node with the default settings. */
const TARGET_MS = 6000;
const HANG_DEADLINE_MS = 20000;
const BACKEND = 'rabbitmq_amqp';
const log = (text: string): void => {
  process.stderr.write(`[check-bench] ${text}\n`);
};

/** Result: Markdown table. */
export interface LbCheckBenchResult {
  readonly table: string;
}

/** Runs the load and the hangs; undefined when a package is missing. */
export async function runLbCheckBench(): Promise<LbCheckBenchResult | undefined> {
  const missing = missingLbPackages();
  if (missing) {
    log(`skipped: ${missing}`);
    return undefined;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-ha-check-bench-'));
  let state: LocalClusterState | undefined;
  const open: Probe[] = [];
  try {
    const ports = await findFreePorts(8);
    const spec = (kind: 'haproxy' | 'nginx', p: readonly number[]) =>
      parseClusterSpec({
        name: 'rmq-check',
        nodes: 3,
        network: { nodePorts: false },
        rabbitmq: { version: '3.10.8', queueLeaderLocator: 'client-local', diskFreeLimit: { absolute: '50MB' } },
        loadBalancer: { kind, ports: { amqp: p[0], management: p[1], stats: p[2], prometheus: p[3] } },
      });
    const specH = spec('haproxy', ports.slice(0, 4));
    const specN = spec('nginx', ports.slice(4, 8));
    const hc = specH.loadBalancer.kind === 'haproxy' ? specH.loadBalancer.healthCheck : undefined;
    const plan = localPlan(specH, dir, await localPorts(specH, async (p) => !(await isPortOpen(p))), parseVersion(installedRabbitVersion())!);
    const secrets = localSecrets(plan, {});
    const user = specH.credentials.adminUser;
    const password = secrets.admin_password;
    state = await startRabbitNodes(launchFromPlan(plan, dir, secrets));
    await waitForCluster(state, { credentials: { username: user, password }, queues: [], timeoutMs: 180000 });
    const haproxy = await startLoadBalancer(dir, loadBalancerLaunch(planLoadBalancer(specH, plan.addresses, path.join(dir, 'lb-haproxy'))!, secrets, 'haproxy'));
    const nginx = await startLoadBalancer(dir, loadBalancerLaunch(planLoadBalancer(specN, plan.addresses, path.join(dir, 'lb-nginx'))!, secrets, 'nginx'));
    const socket = path.join(haproxy.runtimeDir, 'haproxy.sock');
    const stat = async (): Promise<Map<string, { status: string; chkdown: number; checkMs: number }>> =>
      new Map(
        (await haproxyShowStat(socket).catch(() => []))
          .filter((r) => r.pxname === BACKEND && r.svname !== 'BACKEND')
          .map((r) => [r.svname, { status: r.status, chkdown: Number(r.chkdown), checkMs: Number(r.check_duration) }]),
      );
    const nginxTarget: AmqpTarget = { host: nginx.host, port: nginx.amqpPort, user, password, heartbeatSeconds: 30 };
    const direct = state.nodes.map((n): AmqpTarget => ({ host: '127.0.0.1', port: n.amqpPort, user, password, heartbeatSeconds: 30 }));

    // One publisher per node on a queue that node leads (client-local), bounded in length.
    const publishers: Probe[] = [];
    for (const [i, t] of direct.entries()) {
      const p = await openProbe(t, `check-load-${i}`, 10000);
      open.push(p);
      const ch = await p.conn.createChannel();
      await ch.assertQueue(`check-load-${i}`, { durable: true, arguments: { 'x-queue-type': 'quorum', 'x-max-length': 20000 } });
      await ch.close();
      publishers.push(p);
    }
    const loadOn = (skip: number | undefined, ms: number): Promise<number[]> =>
      Promise.all(publishers.map((p, i) => (i === skip ? Promise.resolve(0) : confirmedThroughput(p.conn, `check-load-${i}`, { durationMs: ms }).catch(() => 0))));

    log(`load: ${LOAD_MS / 1000} s of confirmed publishing on every node`);
    const before = await stat();
    // The slowest answered check seen (HAProxy's check_duration of the last check, sampled).
    let slowestCheckMs = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        for (const s of (await stat()).values()) if (Number.isFinite(s.checkMs)) slowestCheckMs = Math.max(slowestCheckMs, s.checkMs);
        await sleep(250);
      }
    })();
    const rates = await loadOn(undefined, LOAD_MS);
    sampling = false;
    await sampler;
    const after = await stat();
    const falseDowns = [...after].map(([sv, a]) => ({ sv, n: a.chkdown - (before.get(sv)?.chkdown ?? 0) }));
    log(`  ${rates.map((r) => r.toFixed(0)).join(' / ')} confirmed msg/s; false DOWN marks ${falseDowns.map((f) => `${f.sv} ${f.n}`).join(', ')}`);

    const hangs: Array<{ node: string; downMs?: number; nginxUnanswered: number }> = [];
    for (const [i, node] of state.nodes.entries()) {
      const sv = node.shortName;
      const load = loadOn(i, HANG_DEADLINE_MS);
      await sleep(1000);
      const at = Date.now();
      signal(-node.pid, 'SIGSTOP');
      let downMs: number | undefined;
      try {
        while (Date.now() - at < HANG_DEADLINE_MS) {
          if ((await stat()).get(sv)?.status.startsWith('DOWN')) {
            downMs = Date.now() - at;
            break;
          }
          await sleep(100);
        }
        // New clients through nginx after the same time (or the target when HAProxy missed it).
        await sleep(Math.max(0, at + (downMs ?? TARGET_MS) - Date.now()));
        const nginxUnanswered = await unansweredHandshakes(nginxTarget);
        hangs.push({ node: sv, downMs, nginxUnanswered });
        log(`  hang ${sv}: HAProxy DOWN after ${downMs ?? `more than ${HANG_DEADLINE_MS}`} ms; nginx: ${nginxUnanswered}/${NEW_CONNECTIONS} new connections unanswered`);
      } finally {
        signal(-node.pid, 'SIGCONT');
      }
      await load;
      for (let k = 0; k < 80 && !(await stat()).get(sv)?.status.startsWith('UP'); k++) await sleep(250);
      // The hung node's publisher may have lost its connection: reopen it for the next rounds.
      if (publishers[i].closedAt !== undefined) {
        destroyConnection(publishers[i].conn);
        publishers[i] = await bounded(openProbe(direct[i], `check-load-${i}`, 10000), 15000, 'reconnect');
        open.push(publishers[i]);
      }
    }
    const total = falseDowns.reduce((s, f) => s + f.n, 0);
    const detected = hangs.filter((h) => h.downMs !== undefined).map((h) => h.downMs!);
    const table = [
      `### Health checks under load (defaults: inter ${hc?.interSeconds} s, fastinter ${hc?.fastInterSeconds} s, fall ${hc?.fall}, rise ${hc?.rise}, timeout check ${hc?.timeoutSeconds} s; ${new Date().toISOString().slice(0, 10)})`,
      '',
      '| measurement | result | target |',
      '|---|---|---|',
      `| HAProxy false DOWN marks during ${LOAD_MS / 1000} s of confirmed publishing on every node (${rates.map((r) => r.toFixed(0)).join(' / ')} msg/s) | ${total} | 0 |`,
      `| HAProxy: slowest check answer sampled during that load (check_duration every 250 ms) | ${slowestCheckMs} ms | below timeout check ${hc?.timeoutSeconds} s |`,
      ...hangs.map((h) => `| HAProxy: SIGSTOP of ${h.node} (others publishing) → marked DOWN | ${h.downMs === undefined ? `not within ${HANG_DEADLINE_MS / 1000} s` : `${(h.downMs / 1000).toFixed(1)} s`} | <= ${TARGET_MS / 1000} s |`),
      `| HAProxy: slowest of ${hangs.length} hangs | ${detected.length === hangs.length ? `${(Math.max(...detected) / 1000).toFixed(1)} s` : 'missed one'} | <= ${TARGET_MS / 1000} s |`,
      ...hangs.map((h) => `| nginx (passive checks only): new connections to a hung ${h.node} unanswered after the same time | ${h.nginxUnanswered}/${NEW_CONNECTIONS} | never marked down |`),
    ].join('\n');
    return { table };
  } finally {
    for (const p of open) destroyConnection(p.conn);
    if (state) for (const n of state.nodes) signal(-n.pid, 'SIGCONT');
    await stopNodes(dir, { termTimeoutMs: 15000 }).catch((e: unknown) => log(`stop failed: ${(e as Error).message}`));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) runMain(runLbCheckBench);
