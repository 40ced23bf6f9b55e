/**
 * Integration: the HAProxy and nginx configs rmq-ha renders for the local target, run as real
 * processes (Debian haproxy 2.6 / nginx 1.22 + libnginx-mod-stream) in front of 3 real RabbitMQ
 * 3.10.8 nodes on 127.0.0.1, exercised with amqplib through the proxy:
 *
 * - publish and consume with publisher confirms (quorum queue);
 * - an idle connection outlives 3 heartbeats (5 s) and the proxy's idle timeout (10 s);
 * - after SIGSTOP of a node (hung: its kernel still accepts TCP), new connections through HAProxy
 *   avoid it once the health-check window has passed; for nginx (passive checks only) the share
 *   that still lands on it is measured and printed, not asserted;
 * - after SIGKILL of the node a publisher is connected to, the publisher reconnects through the
 *   proxy and gets a confirm; the time is printed.
 *
 * One cluster for both proxies, one proxy at a time; the node the haproxy half kills is started
 * again before the nginx half. Timing is asserted only against the functional bounds (the check
 * window); measured times are printed. Set RMQ_HA_KEEP_TMP=1 to keep the directory.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  amqpHandshake,
  bounded,
  destroyConnection,
  FailoverPublisher,
  haproxyShowStat,
  nodeOfConnection,
  openProbe,
  publishConfirmed,
  QUORUM,
  quorumLeader,
  type AmqpTarget,
  type ManagementTarget,
  type Probe,
} from '../bench/lb-client';
import {
  checkLoadBalancerConfig,
  findFreePorts,
  installedRabbitVersion,
  isPortOpen,
  LoadBalancerConfigError,
  loadBalancerLaunch,
  readState,
  restartRabbitNode,
  startLoadBalancer,
  stopLoadBalancer,
  startRabbitNodes,
  stopNodes,
  waitForNodes,
  type LoadBalancerLaunch,
  type LocalClusterState,
  type LocalNodeState,
} from '../local';
import { waitForCluster } from '../local/cluster-ready';
import { launchFromPlan, localPlan, localPorts, localSecrets, type LocalSecrets } from '../local/plan-launch';
import { isAlive, signal } from '../local/private/proc';
import type { ClusterPlan } from '../plan/plan';
import { parseClusterSpec } from '../spec/parse';
import { parseVersion } from '../spec/version';

// npm test installs the Debian packages or fails; a missing binary fails these tests, never skips them.
const describeWithProxies = describe;

const HEARTBEAT_S = 5;
/** Proxy idle timeout: 2 × heartbeat, the smallest value the spec recommends. */
const LB_IDLE_TIMEOUT_S = 10;
const HEALTH_CHECK = { interSeconds: 2, fastInterSeconds: 1, fall: 3, rise: 2, timeoutSeconds: 2 };
/**
 * HAProxy's window for a hung node: inter + fall × timeout check + (fall − 1) × fastinter
 * (research §1.3; 8–10 s measured with these values).
 */
const CHECK_WINDOW_MS =
  (HEALTH_CHECK.interSeconds + HEALTH_CHECK.fall * HEALTH_CHECK.timeoutSeconds + (HEALTH_CHECK.fall - 1) * HEALTH_CHECK.fastInterSeconds) * 1000;
/** Handshake bound of a new connection: one landing on the hung node never completes it. */
const HANDSHAKE_TIMEOUT_MS = 3000;
/**
 * Bound of an ordinary connection's open (a live node): generous, since a bound costs time only when
 * something is broken and the project's CI machine was seen three times slower than a quiet one.
 */
const OPEN_TIMEOUT_MS = 20000;
const NEW_CONNECTIONS = 10;
/** Bound of the publisher's reconnect after SIGKILL of its node (200 ms measured on a quiet machine; printed). */
const FAILOVER_BOUND_MS = 45000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

type Kind = 'haproxy' | 'nginx';

// One cluster for both proxies (#15: no second 3-node boot). Each half starts its proxy in front
// of it; the haproxy half's SIGKILL case leaves a node dead, which the nginx half starts again
// (same data directory and ports) before its own cases.
describeWithProxies('HAProxy and nginx (rendered by rmq-ha) in front of one cluster of 3 real RabbitMQ nodes', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-ha-lb-'));
  const specOf = (kind: Kind, lbPorts: readonly number[]) =>
    parseClusterSpec({
      name: 'rmq-lbt',
      nodes: 3,
      network: { nodePorts: false },
      rabbitmq: {
        version: '3.10.8',
        heartbeatSeconds: HEARTBEAT_S,
        // Leaders of queues declared on a direct connection go to that node: the tests place them.
        queueLeaderLocator: 'client-local',
        diskFreeLimit: { absolute: '50MB' },
      },
      loadBalancer: {
        kind,
        clientTimeout: LB_IDLE_TIMEOUT_S,
        serverTimeout: LB_IDLE_TIMEOUT_S,
        healthCheck: HEALTH_CHECK,
        ports: { amqp: lbPorts[0], management: lbPorts[1], stats: lbPorts[2], prometheus: lbPorts[3] },
      },
    });
  const cluster = {} as {
    ports: Awaited<ReturnType<typeof localPorts>>;
    plan: ClusterPlan;
    secrets: LocalSecrets;
    launch: ReturnType<typeof launchFromPlan>;
  };
  const waitFormed = (plan: ClusterPlan, secrets: LocalSecrets, onVhostRestart: (node: string, vhost: string) => void) =>
    waitForCluster(readState(dir)!, {
      credentials: { username: plan.spec.credentials.adminUser, password: secrets.admin_password },
      queues: [],
      timeoutMs: 180000,
      onVhostRestart,
    });

  beforeAll(async () => {
    const began = Date.now();
    const spec = specOf('haproxy', await findFreePorts(4));
    cluster.ports = await localPorts(spec, async (p) => !(await isPortOpen(p)));
    cluster.plan = localPlan(spec, dir, cluster.ports, parseVersion(installedRabbitVersion())!);
    cluster.secrets = localSecrets(cluster.plan, {});
    cluster.launch = launchFromPlan(cluster.plan, dir, cluster.secrets);
    await waitForNodes(await startRabbitNodes(cluster.launch), { timeoutMs: 180000 });
    // As local up does: formed, and every vhost running on every node. The project's CI machine
    // once refused every client of the nginx half at open (ConnectionClose) right after this setup.
    await waitFormed(cluster.plan, cluster.secrets, (node, vhost) => console.log(`vhost ${vhost} was down on ${node} after formation: restarted`));
    console.log(`3 nodes up in ${Date.now() - began} ms`);
  }, 420000);

  afterAll(async () => {
    try {
      const report = await stopNodes(dir, { termTimeoutMs: 15000 });
      // The nginx half's SIGKILL case leaves one node dead: the rest are stopped, nothing is left alone.
      expect([...report.stopped, ...report.killed, ...report.notRunning].sort()).toEqual(['epmd', 'rmq-lbt-0@localhost', 'rmq-lbt-1@localhost', 'rmq-lbt-2@localhost']);
      expect(report.skipped).toEqual([]);
    } finally {
      if (!process.env.RMQ_HA_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60000);

  describe.each(['haproxy', 'nginx'] as const)('%s', (kind) => {
    let state: LocalClusterState;
    let plan: ClusterPlan;
    let secrets: LocalSecrets;
    let launch: LoadBalancerLaunch;
    let lb: AmqpTarget;
    const probes: Probe[] = [];
    const stopped = new Set<number>();

    const mgmt = (node: LocalNodeState): ManagementTarget => ({
      host: '127.0.0.1',
      port: node.managementPort,
      user: plan.spec.credentials.adminUser,
      password: secrets.admin_password,
    });
    const direct = (node: LocalNodeState): AmqpTarget => ({ ...lb, port: node.amqpPort });
    const byName = (nodeName: string): LocalNodeState => state.nodes.find((n) => n.nodeName === nodeName)!;
    const other = (...not: string[]): LocalNodeState => state.nodes.find((n) => !not.includes(n.nodeName) && isAlive(n.pid))!;
    const open = async (target: AmqpTarget, name: string): Promise<Probe> => {
      const probe = await openProbe(target, name, OPEN_TIMEOUT_MS);
      probes.push(probe);
      return probe;
    };

    beforeAll(async () => {
      const began = Date.now();
      // A node the other half killed starts again, and the cluster is whole before this half.
      const dead = readState(dir)!.nodes.filter((n) => !isAlive(n.pid));
      for (const n of dead) restartRabbitNode(dir, cluster.launch.nodes.find((l) => l.nodeName === n.nodeName)!);
      if (dead.length > 0) {
        await waitForNodes(readState(dir)!, { timeoutMs: 180000 });
        await waitFormed(cluster.plan, cluster.secrets, (node, vhost) => console.log(`${kind}: vhost ${vhost} was down on ${node} after the restart: restarted`));
        console.log(`${kind}: ${dead.map((n) => n.nodeName).join(', ')} started again and back in the cluster in ${Date.now() - began} ms`);
      }
      state = readState(dir)!;
      plan = kind === 'haproxy' ? cluster.plan : localPlan(specOf(kind, await findFreePorts(4)), dir, cluster.ports, cluster.plan.version);
      secrets = { ...localSecrets(plan, {}), ...cluster.secrets };
      launch = loadBalancerLaunch(plan.loadBalancer!, secrets);
      const started = await startLoadBalancer(dir, launch);
      lb = { host: started.host, port: started.amqpPort, user: plan.spec.credentials.adminUser, password: secrets.admin_password, heartbeatSeconds: HEARTBEAT_S };
      console.log(`${kind}: the proxy up in ${Date.now() - began} ms`);
    }, 420000);

    afterAll(async () => {
      for (const p of probes) destroyConnection(p.conn);
      for (const pid of stopped) signal(-pid, 'SIGCONT');
      if (launch) expect(await stopLoadBalancer(dir, kind)).toBe('stopped');
    }, 60000);

    it('checks the config before starting and records the proxy in state.json', async () => {
      const recorded = readState(dir)!.loadBalancers!;
      expect(recorded).toEqual([expect.objectContaining({ name: kind, kind, amqpPort: lb.port, configPath: launch.configPath })]);
      expect(isAlive(recorded[0].pid)).toBe(true);
      // A broken copy (its own directory) is rejected with the tool's own message.
      const brokenDir = path.join(dir, 'broken');
      const broken = { ...launch, runtimeDir: brokenDir, configPath: path.join(brokenDir, path.basename(launch.configPath)) };
      const error = await checkLoadBalancerConfig({ ...broken, config: `${launch.config}\nno_such_directive on;\n` }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LoadBalancerConfigError);
      expect((error as Error).message).toMatch(kind === 'haproxy' ? /unknown keyword 'no_such_directive'/ : /unknown directive "no_such_directive"/);
    });

    it('health checks leave nothing in the node logs (4 check intervals, no client traffic)', async () => {
      if (kind !== 'haproxy') return; // nginx has passive checks only
      const logs = state.nodes.map((n) => path.join(dir, 'nodes', n.shortName, 'log', `${n.nodeName}.log`));
      const lines = () => logs.map((f) => fs.readFileSync(f, 'utf8').split('\n').length);
      const before = lines();
      await sleep(4 * HEALTH_CHECK.interSeconds * 1000);
      // The old check (AMQP header, then close) logged "accepting AMQP connection" and "client
      // unexpectedly closed TCP connection" on every node for every check.
      expect(lines()).toEqual(before);
      for (const f of logs) expect(fs.readFileSync(f, 'utf8')).not.toContain('client unexpectedly closed TCP connection');
    }, 30000);

    it('publishes with confirms to a quorum queue and consumes through the proxy', async () => {
      const probe = await open(lb, 'pubsub');
      const ch = await probe.conn.createConfirmChannel();
      await ch.assertQueue(`lb-${kind}-pubsub`, QUORUM);
      const sent = Array.from({ length: 100 }, (_, i) => `m-${i}`);
      for (const body of sent) ch.sendToQueue(`lb-${kind}-pubsub`, Buffer.from(body), { persistent: true });
      await bounded(ch.waitForConfirms(), 30000, 'confirms of 100 publishes');
      const received: string[] = [];
      await ch.prefetch(50);
      const done = new Promise<void>((resolve) => {
        void ch.consume(`lb-${kind}-pubsub`, (msg) => {
          if (!msg) return;
          received.push(msg.content.toString());
          ch.ack(msg);
          if (received.length === sent.length) resolve();
        });
      });
      await bounded(done, 30000, 'consuming 100 messages');
      expect(received.sort()).toEqual([...sent].sort());
      const info = await bounded(
        fetch(`http://127.0.0.1:${state.nodes[0].managementPort}/api/queues/%2F/lb-${kind}-pubsub`, {
          headers: { authorization: `Basic ${Buffer.from(`${lb.user}:${lb.password}`).toString('base64')}` },
        }).then((r) => r.json() as Promise<{ type: string }>),
        15000,
        'GET /api/queues',
      );
      expect(info.type).toBe('quorum');
      expect(probe.closedAt).toBeUndefined();
    }, 120000);

    it('keeps an idle connection open for 3 heartbeats, longer than its own idle timeout', async () => {
      const idleMs = 3 * HEARTBEAT_S * 1000 + 500;
      expect(idleMs).toBeGreaterThan(LB_IDLE_TIMEOUT_S * 1000);
      const probe = await open(lb, 'idle');
      const ch = await probe.conn.createConfirmChannel();
      await ch.assertQueue(`lb-${kind}-idle`, QUORUM);
      await sleep(idleMs);
      expect(probe.closeReason).toBeUndefined();
      await publishConfirmed(ch, `lb-${kind}-idle`, Buffer.from('after idle'), 15000);
      console.log(`${kind}: idle ${idleMs} ms (proxy idle timeout ${LB_IDLE_TIMEOUT_S} s, heartbeat ${HEARTBEAT_S} s), then a confirmed publish on the same connection`);
    }, 90000);

    it(
      kind === 'haproxy'
        ? 'sends no new connection to a hung node once the health-check window has passed'
        : 'measures the share of new connections that still land on a hung node (passive checks only)',
      async () => {
        const victim = await open(lb, 'hang-victim');
        const hung = byName(await nodeOfConnection(victim.conn, mgmt(state.nodes[0])));
        const socket = path.join(launch.runtimeDir, 'haproxy.sock');
        const serverRow = async () =>
          (await haproxyShowStat(socket)).find((r) => r.pxname === 'rabbitmq_amqp' && r.svname === hung.nodeName.split('@')[0])!;
        const t0 = Date.now();
        signal(-hung.pid, 'SIGSTOP');
        stopped.add(hung.pid);
        try {
          let downAfterMs: number | undefined;
          if (kind === 'haproxy') {
            while (Date.now() - t0 < CHECK_WINDOW_MS + 5000) {
              if ((await serverRow()).status.startsWith('DOWN')) {
                downAfterMs = Date.now() - t0;
                break;
              }
              await sleep(200);
            }
          }
          await sleep(Math.max(0, t0 + CHECK_WINDOW_MS - Date.now()));
          const totalBefore = kind === 'haproxy' ? Number((await serverRow()).stot) : 0;
          // New connections at the protocol level (see amqpHandshake): a node that answers the
          // protocol header is alive; one sent to the hung node gets no answer. All stay open until
          // the batch is done, as connecting clients would. (The node of a live connection cannot
          // be asked for here: while a node is hung every queue declaration blocks, because Mnesia
          // waits for the hung replica, so nodeOfConnection would hang too.)
          const attempts = await Promise.all(Array.from({ length: NEW_CONNECTIONS }, () => amqpHandshake(lb.host, lb.port, HANDSHAKE_TIMEOUT_MS)));
          for (const a of attempts) a.socket.destroy();
          const onHung = attempts.filter((a) => !a.answered).length;
          const outcomes = attempts.map((a) => (a.answered ? `answered ${a.ms} ms` : 'no answer'));
          const victimCut = victim.closedAt === undefined ? 'still open' : `closed after ${victim.closedAt - t0} ms (${victim.closeReason})`;
          console.log(
            `${kind}: ${hung.nodeName} SIGSTOPped; ` +
              (kind === 'haproxy' ? `marked DOWN after ${downAfterMs ?? 'never'} ms; ` : '') +
              `${NEW_CONNECTIONS} new connections opened ${CHECK_WINDOW_MS} ms after the stop: ${onHung}/${NEW_CONNECTIONS} landed on the hung node ` +
              `[${outcomes.join(', ')}]; the client connected to the hung node: ${victimCut}`,
          );
          expect(attempts).toHaveLength(NEW_CONNECTIONS);
          if (kind === 'haproxy') {
            // Marked DOWN within the polling bound (window + 5 s); the figure is printed, not asserted
            // (no timing asserts: bench/lb-check-bench.ts measures the window under load).
            expect(downAfterMs).toBeDefined();
            expect(onHung).toBe(0);
            // HAProxy's own counter: not one session went to the hung server.
            expect(Number((await serverRow()).stot)).toBe(totalBefore);
            // on-marked-down shutdown-sessions cut the client of the hung node.
            expect(victim.closedAt).toBeDefined();
          }
        } finally {
          signal(-hung.pid, 'SIGCONT');
          stopped.delete(hung.pid);
        }
        // Back in service before the next case: a direct handshake to the resumed node works, and
        // HAProxy has marked it UP again (rise checks), so no state change falls into the next case.
        const back = await openProbe(direct(hung), 'resumed', OPEN_TIMEOUT_MS);
        destroyConnection(back.conn);
        if (kind === 'haproxy') {
          const upBy = Date.now() + 30000;
          while (!(await serverRow()).status.startsWith('UP') && Date.now() < upBy) await sleep(200);
          expect((await serverRow()).status).toMatch(/^UP/);
        }
      },
      120000,
    );

    it('reconnects a publisher through the proxy after SIGKILL of its node and gets a confirm', async () => {
      // The measurement needs the publisher on one connection from the moment its node is picked
      // to the kill. A publish right after the quorum queue's declaration can be nacked (seen on
      // 3.10.8: "reconnected before the kill (attempt 1): nack"), and the publisher reconnects on a
      // nack, maybe to another node: .ci/run at 686d097 then killed a node the publisher had left
      // (no error and no new connection within 45 s). Such a reconnect starts the case again with a
      // new publisher and queue (at most 3 times, each one printed).
      let publisher: FailoverPublisher | undefined;
      try {
        let victim: LocalNodeState | undefined;
        let api: ManagementTarget | undefined;
        let generation = 0;
        for (let attempt = 1; attempt <= 3 && victim === undefined; attempt++) {
          const queue = `lb-${kind}-failover-${attempt}`;
          publisher = new FailoverPublisher({ target: lb, queue, name: `failover-${attempt}`, intervalMs: 50, confirmTimeoutMs: 15000 });
          await publisher.start(30000);
          generation = publisher.generation;
          const onNode = byName(await nodeOfConnection(publisher.current!, mgmt(state.nodes[0])));
          // The queue's leader goes on another node (client-local locator, declared directly there),
          // so the measurement is the proxy's failover, not a quorum-queue leader election.
          const leaderNode = other(onNode.nodeName);
          const declarer = await open(direct(leaderNode), `declare-${attempt}`);
          const ch = await declarer.conn.createChannel();
          await ch.assertQueue(queue, QUORUM);
          api = mgmt(leaderNode);
          expect(await quorumLeader(api, queue)).not.toBe(onNode.nodeName);
          const declaredAt = Date.now();
          expect(await publisher.waitForConfirm((c) => c.at > declaredAt, 30000)).toBeDefined();
          if (publisher.generation === generation) {
            victim = onNode;
          } else {
            console.log(`${kind}: the publisher on ${onNode.nodeName} reconnected before the kill (attempt ${attempt}): ${publisher.errors.map((e) => e.message).join('; ')}`);
            await publisher.stop();
          }
        }
        expect(victim).toBeDefined();
        const t0 = Date.now();
        signal(-victim!.pid, 'SIGKILL');
        const first = await publisher!.firstConfirmAfterFault(t0, generation, FAILOVER_BOUND_MS);
        const errors = publisher!.errors.filter((e) => e.at >= t0).map((e) => e.message);
        console.log(
          `${kind}: SIGKILL of ${victim!.nodeName}; first confirmed publish on a new connection after ` +
            `${first ? first.at - t0 : `none within ${FAILOVER_BOUND_MS}`} ms (client saw: ${errors.join('; ') || 'nothing'})` +
            (first ? '' : `; victim alive: ${isAlive(victim!.pid)}; connections opened: ${publisher!.generation}; confirms after the kill: ${publisher!.confirms.filter((c) => c.at >= t0).length}`),
        );
        expect(first).toBeDefined();
        const now = byName(await nodeOfConnection(publisher!.current!, api!));
        expect(now.nodeName).not.toBe(victim!.nodeName);
      } finally {
        await publisher?.stop();
      }
    }, 150000);
  });
});
