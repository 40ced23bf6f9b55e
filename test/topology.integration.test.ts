/**
 * Integration: the 3.10 topology fixture on 3 real RabbitMQ nodes on 127.0.0.1, plus a single-node
 * "origin" cluster it federates from and shovels out of. Everything is rendered by buildPlan for
 * loopback and booted by the local harness; assertions go through rabbitmqctl and AMQP (amqplib).
 * Skipped when rabbitmq-server is not installed. Set RMQ_HA_KEEP_TMP=1 to keep the directories.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { execFile } from 'node:child_process';
import {
  clusterStatus,
  nodePaths,
  RABBITMQ_BIN_DIR,
  rabbitNodeEnv,
  runRabbitCli,
  startRabbitNodes,
  stopNodes,
  waitForNodes,
  type LocalClusterState,
} from '../local';
import { waitForCluster } from '../local/cluster-ready';
import { launchFromPlan } from '../local/plan-launch';
import { localAddresses } from '../plan/addresses';
import { nodeHostName } from '../plan/names';
import { buildPlan, type ClusterPlan } from '../plan/plan';
import { quorumTargets, repairQuorumMembers, type RabbitCliExecutor } from '../plan/quorum-members';
import type { ClusterSpec } from '../spec/cluster';
import { clusterSpecFrom, parseClusterSpec } from '../spec/parse';
import { effectivePolicy, resolveTopology } from '../spec/topology';
import { parseVersion } from '../spec/version';
import { connect, freeNodePorts, secret, waitFor } from './helpers/topology-helpers';
import { quorumGrowLine } from '../rabbitmq/definitions/complete-import';

// npm test installs rabbitmq-server or fails; without it this suite fails, never skips.
const describeWithRabbit = describe;
const VERSION = parseVersion('3.10.8')!;
// Every wait here is bounded, and generously: a bound costs time only when something is broken, and
// the project's CI machine was seen three times slower than a quiet one (3 nodes running after 63 s
// there, 21 s here), which the earlier bounds (20-30 s) did not survive.
jest.setTimeout(120000);
const FIXTURE = path.join(__dirname, 'fixtures/specs/topology-310.yaml');

interface QueueRow {
  name: string;
  type: string;
  policy: string;
  members: string[] | '';
  slave_pids: string[] | '';
  synchronised_slave_pids: string[] | '';
  messages: number;
}

describeWithRabbit('topology on real RabbitMQ 3.10: 3-node cluster + single-node origin', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-ha-topology-'));
  const mainDir = path.join(root, 'main');
  const originDir = path.join(root, 'origin');
  const t0 = Date.now();
  let spec: ClusterSpec;
  let plan: ClusterPlan;
  let main: LocalClusterState;
  let origin: LocalClusterState;
  const values: Record<string, string> = {};
  const originValues: Record<string, string> = {};
  let firstBoot: QueueRow[] = [];
  const timings: Record<string, number> = {};

  const ctl = (args: readonly string[], node = 0) => runRabbitCli(main, main.nodes[node].nodeName, args, { timeoutMs: 60000 });
  const listQueues = async (): Promise<QueueRow[]> => {
    const r = await ctl(['list_queues', '-p', '/', 'name', 'type', 'policy', 'members', 'slave_pids', 'synchronised_slave_pids', 'messages', '--formatter', 'json']);
    if (r.code !== 0) throw new Error(`list_queues failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as QueueRow[];
  };
  /** JSON rows of a rabbitmqctl listing run against every node of main, concatenated. */
  const onEveryNode = async (args: readonly string[]): Promise<unknown[]> => {
    const rows: unknown[] = [];
    for (let i = 0; i < main.nodes.length; i++) {
      const r = await ctl(args, i);
      if (r.code === 0) rows.push(...(JSON.parse(r.stdout.trim() || '[]') as unknown[]));
    }
    return rows;
  };
  /** GET on the management HTTP API of main's node 0, as the admin user. */
  const api = async <T>(pathname: string): Promise<T> => {
    const auth = Buffer.from(`admin:${values.admin_password}`).toString('base64');
    const res = await fetch(`http://127.0.0.1:${main.nodes[0].managementPort}/api${pathname}`, { headers: { authorization: `Basic ${auth}` } });
    if (!res.ok) throw new Error(`GET /api${pathname}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const amqpUrl = (state: LocalClusterState, user: string, password: string, node = 0): string =>
    `amqp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${state.nodes[node].amqpPort}/%2F`;

  beforeAll(async () => {
    // origin: one node, the cluster being migrated from, with the federator account main connects as.
    const originSpec = clusterSpecFrom({
      name: 'rmq-origin',
      nodes: 1,
      rabbitmq: { version: '3.10.8' },
      topology: {
        users: [{ name: 'federator', password: { variable: 'rmq_origin_federator_password' } }],
        permissions: [{ user: 'federator', configure: '.*', write: '.*', read: '.*' }],
        exchanges: [{ name: 'prices', type: 'topic' }],
        queues: [{ name: 'outbox' }],
      },
    });
    const originPlan = buildPlan(originSpec, { addresses: localAddresses(originSpec, originDir, await freeNodePorts(1)), version: VERSION });
    const federatorPassword = secret();
    Object.assign(originValues, { admin_password: secret(), erlang_cookie: secret() + secret(), user_password_federator: federatorPassword });

    // main: the fixture, with origin's real loopback port.
    const input = parseDocument(fs.readFileSync(FIXTURE, 'utf8')).toJS() as { topology: { remotes: Array<{ hosts: string[] }> } };
    input.topology.remotes[0].hosts = [`127.0.0.1:${originPlan.addresses.nodes[0].amqpPort}`];
    spec = parseClusterSpec(input, FIXTURE);
    plan = buildPlan(spec, { addresses: localAddresses(spec, mainDir, await freeNodePorts(3)), version: VERSION });
    Object.assign(values, {
      admin_password: secret(),
      erlang_cookie: secret() + secret(),
      user_password_orders_app: secret(),
      user_password_ops: secret(),
      remote_password_origin: federatorPassword,
    });

    const started = Date.now();
    [origin, main] = await Promise.all([
      startRabbitNodes(launchFromPlan(originPlan, originDir, originValues)),
      startRabbitNodes(launchFromPlan(plan, mainDir, values)),
    ]);
    await Promise.all([waitForNodes(origin, { timeoutMs: 180000 }), waitForNodes(main, { timeoutMs: 180000 })]);
    timings.nodesRunning = Date.now() - started;
    const formed = await waitFor('3 running nodes in the cluster', 120000, async () => {
      const s = await clusterStatus(main, main.nodes[0].nodeName);
      return s.runningNodes.length === 3 ? s : undefined;
    });
    timings.formed = Date.now() - started;
    // Queues and bindings: the boot import declares them only when every node ran by then (a node
    // that joins late logs "fewer than target cluster size ... skipping queue and binding import");
    // as local up does, waitForCluster then imports the file again once they are still missing 15 s
    // after formation, and waits for every vhost on every node (one left down is restarted). The
    // project's CI machine once ran this suite with one shard getting no messages and the federated
    // message never arriving; and in two lanes the boot import skipped every queue, which the
    // suite's own 120 s wait for the boot import's queues did not survive.
    const resolved = resolveTopology(spec.topology);
    let reimported = 'no';
    await waitForCluster(main, {
      credentials: { username: spec.credentials.adminUser, password: values.admin_password },
      queues: resolved.queues,
      bindings: resolved.bindings,
      timeoutMs: 180000,
      definitionsFile: nodePaths(mainDir, main.nodes[0].nodeName).definitions,
      onReimport: (missing) => {
        reimported = `yes (missing after formation: ${missing})`;
        console.log(`topology: missing after formation, imported again: ${missing}`);
      },
      onVhostRestart: (node, vhost) => console.log(`topology: vhost ${vhost} was down on ${node}: restarted`),
    });
    timings.definitions = Date.now() - started;
    firstBoot = await listQueues();
    expect(firstBoot).toHaveLength(resolved.queues.length);
    console.log(
      `booted in ${timings.nodesRunning} ms (origin 1 node, main 3 nodes); cluster of ${formed.value.runningNodes.length} after ${timings.formed} ms; ` +
        `${firstBoot.length} queues and every binding after ${timings.definitions} ms (imported again: ${reimported}). Quorum members at first boot:\n` +
        firstBoot.filter((q) => q.type === 'quorum').map((q) => `  ${q.name}: ${(q.members || []).join(', ')}`).join('\n'),
    );
  }, 420000);

  afterAll(async () => {
    await Promise.all([stopNodes(mainDir, { termTimeoutMs: 15000 }), stopNodes(originDir, { termTimeoutMs: 15000 })]);
    if (!process.env.RMQ_HA_KEEP_TMP) fs.rmSync(root, { recursive: true, force: true });
    console.log(`topology suite: ${Date.now() - t0} ms in total`);
  }, 60000);

  it('declares every queue with its declared type', async () => {
    const rows = await listQueues();
    const expected = Object.fromEntries(resolveTopology(spec.topology).queues.map((q) => [q.name, q.type]));
    expect(Object.fromEntries(rows.map((r) => [r.name, r.type]))).toEqual(expected);
  });

  it('applies the intended policy and operator policy to each queue', async () => {
    const r = resolveTopology(spec.topology);
    const want = Object.fromEntries(
      r.queues.map((q) => {
        const subject = { vhost: q.vhost, name: q.name, target: q.type };
        return [q.name, { policy: effectivePolicy(r.policies, subject)?.name ?? '', operator: effectivePolicy(r.operatorPolicies, subject)?.name ?? '' }];
      }),
    );
    // rabbitmqctl shows the policy; the operator policy is only in the HTTP API (refreshed per stats interval).
    const seen = await waitFor('policies in the HTTP API', 120000, async () => {
      const queues = await api<Array<{ name: string; policy?: string | null; operator_policy?: string | null }>>('/queues/%2F?columns=name,policy,operator_policy');
      const got = Object.fromEntries(queues.map((q) => [q.name, { policy: q.policy || '', operator: q.operator_policy || '' }]));
      return Object.keys(got).length === r.queues.length && Object.values(got).every((g) => g.operator !== '') ? got : undefined;
    }, 1000);
    expect(seen.value).toEqual(want);
    const ctlPolicies = Object.fromEntries((await listQueues()).map((q) => [q.name, q.policy || '']));
    expect(ctlPolicies).toEqual(Object.fromEntries(Object.entries(want).map(([k, v]) => [k, v.policy])));
    // The facts behind it, spelled out.
    expect(seen.value['orders.q'].policy).toBe('orders-quorum');
    expect(seen.value['legacy.pair'].policy).toBe('legacy-pair');
    expect(seen.value['audit.log'].policy).toBe('audit-retention');
    expect(seen.value['events.shard.0'].policy).toBe('');
    expect(Object.values(seen.value).every((g) => g.operator === 'cap-bytes')).toBe(true);
  }, 180000);

  // RabbitMQ 3.10 gives a quorum queue members on the running nodes only: when the node that boots
  // last runs the import during its own boot, that node is left out (rabbitmq/definitions/
  // complete-import.ts; seen here in 1 of 6 runs: orders.q on rmq-topo-0 and rmq-topo-2). A
  // majority is what the boot import guarantees; the repair after formation (next test) makes it 3.
  it('gives every quorum queue declared by the definitions file members on a majority of the 3 nodes at first boot', () => {
    const nodes = main.nodes.map((n) => n.nodeName);
    for (const name of ['orders.q', 'orders.dlq']) {
      const q = firstBoot.find((x) => x.name === name)!;
      const members = q.members || [];
      expect({ name, members: members.length >= 2, unknown: members.filter((m) => !nodes.includes(m)) }).toEqual({ name, members: true, unknown: [] });
    }
  });

  it('repairs quorum membership after formation, so every quorum queue spans the 3 nodes', async () => {
    const run: RabbitCliExecutor = (tool, args) => runRabbitCli(main, main.nodes[0].nodeName, args, { tool, timeoutMs: 60000 });
    const added = await repairQuorumMembers(spec, plan.addresses.nodes.map((n) => n.nodeName), run);
    console.log(`repairQuorumMembers added ${added.length} member(s): ${added.map((a) => `${a.queue}@${a.node}`).join(', ') || 'none'}`);
    const again = await repairQuorumMembers(spec, plan.addresses.nodes.map((n) => n.nodeName), run);
    expect(again).toEqual([]);
    const rows = await listQueues();
    const nodes = main.nodes.map((n) => n.nodeName).sort();
    for (const t of quorumTargets(spec)) {
      const q = rows.find((x) => x.name === t.name)!;
      expect({ name: t.name, members: [...(q.members || [])].sort() }).toEqual({ name: t.name, members: nodes });
    }
  });

  it("the containers' membership step: each node joins a short quorum queue only while it is among the first missing nodes (run on all 3 at once)", async () => {
    // Declared on node 0 alone, as the last booting node's import leaves a queue (members on running nodes only).
    const conn = await connect(amqpUrl(main, 'admin', values.admin_password));
    try {
      const ch = await conn.createChannel();
      await ch.assertQueue('grow.all', { durable: true, arguments: { 'x-queue-type': 'quorum', 'x-quorum-initial-group-size': 1 } });
      await ch.assertQueue('grow.two', { durable: true, arguments: { 'x-queue-type': 'quorum', 'x-quorum-initial-group-size': 1 } });
      await ch.close();
    } finally {
      await conn.close();
    }
    const targets = [
      { vhost: '/', name: 'grow.all', size: 3, groupSize: 3 },
      { vhost: '/', name: 'grow.two', size: 2, groupSize: 2 },
    ];
    const line = quorumGrowLine(3, targets, (i) => `${nodeHostName(spec.name, i)}@localhost`);
    const outputs = await Promise.all(
      main.nodes.map(
        (n) =>
          new Promise<string>((resolve, reject) => {
            const env = rabbitNodeEnv({ dir: main.dir, nodeName: n.nodeName, paths: nodePaths(main.dir, n.nodeName), distPort: n.distPort, epmdPort: main.epmd.port });
            execFile('/bin/sh', ['-c', line], { env: { ...env, PATH: `${RABBITMQ_BIN_DIR}:${env.PATH}` }, timeout: 120000 }, (e, out) => (e ? reject(e) : resolve(out)));
          }),
      ),
    );
    console.log(`membership step on 3 nodes at once:\n${outputs.map((o, i) => `  node ${i}: ${o.trim() || '(nothing)'}`).join('\n')}`);
    const members = Object.fromEntries((await listQueues()).filter((q) => q.name.startsWith('grow.')).map((q) => [q.name, [...(q.members || [])].sort()]));
    const nodes = main.nodes.map((n) => n.nodeName).sort();
    expect(members['grow.all']).toEqual(nodes);
    // One member was missing for size 2: exactly one node joined, never both.
    expect(members['grow.two']).toHaveLength(2);
    expect(outputs.join('\n').match(/joined quorum queue grow\.two/g)).toHaveLength(1);
    expect(outputs.join('\n').match(/joined quorum queue grow\.all/g)).toHaveLength(2);
    expect(outputs.join('\n')).not.toContain('failed');
  }, 180000);

  it('mirrors classic queues per ha-mode: exactly 2 -> 1 mirror, all -> 2 mirrors, all synchronised', async () => {
    const rows = await waitFor('mirrors synchronised', 180000, async () => {
      const q = await listQueues();
      const pair = q.find((x) => x.name === 'legacy.pair')!;
      const all = q.find((x) => x.name === 'legacy.all')!;
      return pair.synchronised_slave_pids.length === 1 && all.synchronised_slave_pids.length === 2 ? q : undefined;
    });
    const byName = Object.fromEntries(rows.value.map((q) => [q.name, q]));
    expect(byName['legacy.pair'].slave_pids).toHaveLength(1);
    expect(byName['legacy.all'].slave_pids).toHaveLength(2);
    expect(byName['prices.local'].slave_pids).toEqual('');
  }, 240000);

  it('dead-letters a message rejected more often than the delivery limit (2) into orders.dlq', async () => {
    const conn = await connect(amqpUrl(main, 'orders-app', values.user_password_orders_app, 1));
    try {
      const ch = await conn.createConfirmChannel();
      const body = `order-${Date.now()}`;
      ch.publish('orders', 'order.created', Buffer.from(body), { persistent: true });
      await ch.waitForConfirms();
      let deliveries = 0;
      const dead = await waitFor('the message in orders.dlq', 60000, async () => {
        const m = await ch.get('orders.q', { noAck: false });
        if (m) {
          deliveries++;
          ch.nack(m, false, true);
          return undefined;
        }
        const d = await ch.get('orders.dlq', { noAck: false });
        if (!d) return undefined;
        ch.ack(d);
        return d;
      }, 100);
      expect(dead.value.content.toString()).toBe(body);
      expect(deliveries).toBe(3);
      const death = (dead.value.properties.headers?.['x-death'] as Array<Record<string, unknown>> | undefined)?.[0];
      expect(death).toEqual(expect.objectContaining({ queue: 'orders.q', reason: 'delivery_limit' }));
      expect((await ch.checkQueue('orders.q')).messageCount).toBe(0);
      await ch.close();
    } finally {
      await conn.close();
    }
  }, 150000);

  it('spreads messages published to the x-consistent-hash exchange over all 3 shards', async () => {
    const conn = await connect(amqpUrl(main, 'orders-app', values.user_password_orders_app, 2));
    const total = 600;
    try {
      const ch = await conn.createConfirmChannel();
      for (let i = 0; i < total; i++) ch.publish('events', `customer-${i}`, Buffer.from(String(i)));
      await ch.waitForConfirms();
      await ch.close();
    } finally {
      await conn.close();
    }
    const admin = await connect(amqpUrl(main, 'admin', values.admin_password));
    try {
      const ch = await admin.createChannel();
      const counts = [];
      for (let i = 0; i < 3; i++) counts.push((await ch.checkQueue(`events.shard.${i}`)).messageCount);
      console.log(`sharding: ${total} messages -> shards ${counts.join(' / ')}`);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(total);
      for (const c of counts) expect(c).toBeGreaterThan(total / 3 / 2);
      await ch.close();
    } finally {
      await admin.close();
    }
  });

  it('federates the prices exchange from origin: the link runs and moves a message', async () => {
    // Links run on one node (whichever started them); federation_status reports its own node's links.
    const link = await waitFor('federation link running', 180000, async () => {
      const links = (await onEveryNode(['federation_status', '--formatter', 'json'])) as Array<{ upstream: string; status: string }>;
      return links.find((l) => l.upstream === 'origin' && l.status === 'running');
    });
    timings.federationRunning = link.ms;
    const up = await connect(amqpUrl(origin, 'federator', originValues.user_password_federator));
    const down = await connect(amqpUrl(main, 'admin', values.admin_password));
    try {
      const pub = await up.createConfirmChannel();
      const sub = await down.createChannel();
      const body = `eur-usd-${Date.now()}`;
      const got = await waitFor('the federated message in prices.local', 60000, async () => {
        pub.publish('prices', 'eur.usd', Buffer.from(body));
        await pub.waitForConfirms();
        const m = await sub.get('prices.local', { noAck: true });
        return m ? m : undefined;
      }, 500);
      expect(got.value.content.toString()).toBe(body);
      console.log(`federation link running after ${link.ms} ms of waiting; message crossed in ${got.ms} ms`);
      await pub.close();
      await sub.close();
    } finally {
      await up.close();
      await down.close();
    }
  }, 300000);

  it("shovels origin's outbox into orders.imported", async () => {
    const running = await waitFor('shovel running', 180000, async () => {
      const shovels = (await onEveryNode(['shovel_status', '--formatter', 'json'])) as Array<{ name: string; state: string }>;
      return shovels.find((s) => s.name === 'import-orders' && s.state === 'running');
    });
    const up = await connect(amqpUrl(origin, 'federator', originValues.user_password_federator));
    const n = 5;
    try {
      const ch = await up.createConfirmChannel();
      for (let i = 0; i < n; i++) ch.sendToQueue('outbox', Buffer.from(`legacy-order-${i}`), { persistent: true });
      await ch.waitForConfirms();
      await ch.close();
    } finally {
      await up.close();
    }
    const moved = await waitFor(`${n} messages in orders.imported`, 60000, async () => {
      const q = (await listQueues()).find((x) => x.name === 'orders.imported')!;
      return q.messages >= n ? q.messages : undefined;
    });
    expect(moved.value).toBe(n);
    console.log(`shovel running after ${running.ms} ms of waiting; ${n} messages moved in ${moved.ms} ms`);
  }, 300000);
});
