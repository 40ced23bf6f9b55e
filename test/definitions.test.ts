import * as path from 'node:path';
import { kubernetesAddresses, dockerAddresses, localAddresses } from '../plan/addresses';
import { secretsIn } from '../plan/files';
import { buildPlan } from '../plan/plan';
import { memberAdditions, quorumTargets, repairQuorumMembers, type RabbitCliExecutor } from '../plan/quorum-members';
import { buildDefinitions, type Definitions } from '../rabbitmq/definitions';
import { listEnvironmentFiles, loadSpecFile } from '../spec/load';
import { parseClusterSpec } from '../spec/parse';
import type { TopologySpecInput } from '../spec/topology';
import { parseVersion } from '../spec/version';

type Entry = Record<string, unknown>;
const FIXTURE = path.join(__dirname, 'fixtures/specs/topology-310.yaml');
const fixture = loadSpecFile(FIXTURE).spec;

/** The definitions.json of node 0, parsed. */
function definitionsOf(plan: ReturnType<typeof buildPlan>): Definitions {
  return JSON.parse(plan.nodes[0].definitions.content) as Definitions;
}
const byName = (entries: readonly Entry[], name: string): Entry => {
  const e = entries.find((x) => x.name === name);
  if (!e) throw new Error(`no entry named ${name}`);
  return e;
};
const defsFor = (topology: Partial<TopologySpecInput>, version = '3.10.8', nodes = 3): Definitions =>
  definitionsOf(buildPlan(parseClusterSpec({ name: 'rmq', nodes, rabbitmq: { version }, topology })));

describe('definitions.json of each example environment', () => {
  const envs = listEnvironmentFiles().map(loadSpecFile);

  test('there is at least the dev environment', () => {
    expect(envs.map((e) => e.env)).toContain('dev');
  });

  test.each(envs.map((e) => [e.env, e] as const))('%s: snapshot', (_name, env) => {
    expect(definitionsOf(buildPlan(env.spec))).toMatchSnapshot();
  });

  test('every node of an environment carries the same definitions, with only placeholders for secrets', () => {
    for (const env of envs) {
      const plan = buildPlan(env.spec);
      expect(new Set(plan.nodes.map((n) => n.definitions.content)).size).toBe(1);
      const declared = plan.secrets.map((s) => s.name);
      expect(secretsIn(plan.nodes[0].definitions.content).every((s) => declared.includes(s))).toBe(true);
      expect(plan.nodes[0].definitions.sensitive).toBe(true);
    }
  });

  test('dev: quorum queues with a delivery limit dead-lettering to orders.dead, and 3 quorum shards', () => {
    const dev = definitionsOf(buildPlan(envs.find((e) => e.env === 'dev')!.spec));
    expect(byName(dev.queues, 'orders').arguments).toEqual({ 'x-queue-type': 'quorum' });
    expect(byName(dev.policies, 'orders')).toEqual({
      vhost: '/',
      name: 'orders',
      pattern: '^orders$',
      'apply-to': 'queues',
      definition: { 'delivery-limit': 5, 'dead-letter-exchange': 'orders.dlx', overflow: 'reject-publish' },
      priority: 0,
    });
    expect(dev.bindings).toContainEqual({ source: 'orders.dlx', vhost: '/', destination: 'orders.dead', destination_type: 'queue', routing_key: '', arguments: {} });
    expect(byName(dev.exchanges, 'events').type).toBe('x-consistent-hash');
    expect(dev.queues.filter((q) => String(q.name).startsWith('events.shard.')).map((q) => (q.arguments as Entry)['x-queue-type'])).toEqual(['quorum', 'quorum', 'quorum']);
  });
});

describe('definitions.json of the 3.10 topology fixture', () => {
  const plan = buildPlan(fixture);
  const defs = definitionsOf(plan);

  test('snapshot', () => {
    expect(defs).toMatchSnapshot();
  });

  test('queue types and arguments', () => {
    const args = Object.fromEntries(defs.queues.map((q) => [q.name, q.arguments]));
    expect(args['orders.q']).toEqual({ 'x-queue-type': 'quorum', 'x-quorum-initial-group-size': 3 });
    expect(args['orders.dlq']).toEqual({ 'x-queue-type': 'quorum' });
    expect(args['legacy.pair']).toEqual({ 'x-queue-type': 'classic' });
    expect(args['audit.log']).toEqual({ 'x-queue-type': 'stream' });
    expect(defs.queues.every((q) => q.durable === true && q.auto_delete === false)).toBe(true);
    expect(JSON.stringify(defs)).not.toContain('x-ha-policy');
  });

  test('policy definitions: presets expanded into RabbitMQ keys', () => {
    expect(byName(defs.policies, 'orders-quorum')).toMatchObject({
      pattern: '^orders\\.q$',
      priority: 10,
      definition: { 'delivery-limit': 2, 'dead-letter-exchange': 'orders.dlx', 'max-length': 100000, overflow: 'reject-publish' },
    });
    expect(byName(defs.policies, 'legacy-pair').definition).toEqual({ 'ha-mode': 'exactly', 'ha-params': 2, 'ha-sync-mode': 'automatic' });
    expect(byName(defs.policies, 'legacy-all').definition).toEqual({ 'ha-mode': 'all', 'ha-sync-mode': 'automatic' });
    expect(byName(defs.policies, 'federate-prices')).toMatchObject({ 'apply-to': 'exchanges', definition: { 'federation-upstream': 'origin' } });
    expect(byName(defs.parameters, 'cap-bytes')).toEqual({
      vhost: '/',
      component: 'operator_policy',
      name: 'cap-bytes',
      value: { pattern: '.*', definition: { 'max-length-bytes': 1073741824 }, priority: 0, 'apply-to': 'queues' },
    });
  });

  test('bindings, sharding included: weight 1 from the x-consistent-hash exchange to each shard', () => {
    expect(byName(defs.exchanges, 'events')).toMatchObject({ type: 'x-consistent-hash', durable: true });
    expect(defs.bindings.filter((b) => b.source === 'events')).toEqual(
      [0, 1, 2].map((i) => ({ source: 'events', vhost: '/', destination: `events.shard.${i}`, destination_type: 'queue', routing_key: '1', arguments: {} })),
    );
    expect(defs.bindings).toContainEqual({ source: 'orders', vhost: '/', destination: 'orders.q', destination_type: 'queue', routing_key: 'order.#', arguments: {} });
  });

  test('federation upstream and shovel are runtime parameters whose URIs hold the remote password as a placeholder', () => {
    const upstream = byName(defs.parameters, 'origin');
    expect(upstream).toEqual({
      vhost: '/',
      component: 'federation-upstream',
      name: 'origin',
      value: { uri: 'amqp://federator:{{secret:remote_password_origin}}@127.0.0.1:5672/%2F', 'ack-mode': 'on-confirm' },
    });
    expect(byName(defs.parameters, 'import-orders')).toEqual({
      vhost: '/',
      component: 'shovel',
      name: 'import-orders',
      value: {
        'src-protocol': 'amqp091',
        'src-uri': 'amqp://federator:{{secret:remote_password_origin}}@127.0.0.1:5672/%2F',
        'src-queue': 'outbox',
        'dest-protocol': 'amqp091',
        'dest-uri': 'amqp://',
        'dest-queue': 'orders.imported',
        // Whoever declares orders.imported first (the shovel or the import), it is a quorum queue.
        'dest-queue-args': { 'x-queue-type': 'quorum' },
        'ack-mode': 'on-confirm',
        'src-delete-after': 'never',
      },
    });
  });

  test('users: passwords only as placeholders; plan secrets for each, never a literal', () => {
    expect(defs.users).toEqual([
      { name: 'admin', password: '{{secret:admin_password}}', tags: ['administrator'] },
      { name: 'orders-app', password: '{{secret:user_password_orders_app}}', tags: [] },
      { name: 'ops', password: '{{secret:user_password_ops}}', tags: ['monitoring'] },
    ]);
    const secrets = Object.fromEntries(plan.secrets.map((s) => [s.name, s.source]));
    expect(secrets.user_password_orders_app).toEqual({ generate: { length: 32 } });
    expect(secrets.user_password_ops).toEqual({ variable: 'rmq_topo_ops_password' });
    expect(secrets.remote_password_origin).toEqual({ variable: 'rmq_origin_federator_password' });
  });

  test('the plan enables the plugins the topology needs', () => {
    expect(plan.plugins).toEqual(
      expect.arrayContaining(['rabbitmq_federation', 'rabbitmq_federation_management', 'rabbitmq_shovel', 'rabbitmq_shovel_management', 'rabbitmq_consistent_hash_exchange']),
    );
    expect(plan.nodes[0].enabledPlugins.content).toContain('rabbitmq_consistent_hash_exchange');
  });

  test('rabbitmq.conf sets the target cluster size, so queues are imported once every node runs', () => {
    // Without the hint the first node imports alone and its quorum queues keep 1 member (measured
    // on 3.10.8); the integration test checks the members at first boot.
    for (const n of plan.nodes) expect(n.config.content).toMatch(/^cluster_formation\.target_cluster_size_hint = 3$/m);
  });

  test('identical for Docker, Kubernetes and loopback', () => {
    const v = parseVersion('3.10.8')!;
    const docker = buildDefinitions(fixture, v, dockerAddresses(fixture));
    expect(buildDefinitions(fixture, v, kubernetesAddresses(fixture))).toEqual(docker);
    expect(buildDefinitions(fixture, v, localAddresses(fixture, '/tmp/x', [1, 2, 3].map((i) => ({ amqpPort: i, managementPort: i, prometheusPort: i, distPort: i }))))).toEqual(docker);
  });
});

describe('definitions: target-dependent and version-dependent parts', () => {
  test('mirrored mode nodes names each target its own node names', () => {
    const spec = parseClusterSpec({
      name: 'rmq',
      rabbitmq: { version: '3.13.7' },
      topology: { queues: [{ name: 'legacy' }], policies: [{ name: 'm', pattern: '^legacy$', mirrored: { mode: 'nodes', nodes: [0, 2] } }] },
    });
    const v = parseVersion('3.13.7')!;
    expect(byName(buildDefinitions(spec, v, dockerAddresses(spec)).policies, 'm').definition).toEqual({ 'ha-mode': 'nodes', 'ha-params': ['rabbit@rmq-0', 'rabbit@rmq-2'], 'ha-sync-mode': 'automatic' });
    expect(byName(buildDefinitions(spec, v, kubernetesAddresses(spec)).policies, 'm').definition).toMatchObject({
      'ha-params': ['rabbit@rmq-server-0.rmq-nodes.rabbitmq', 'rabbit@rmq-server-2.rmq-nodes.rabbitmq'],
    });
  });

  test('vhost default queue type (3.11+) at the top level and in metadata', () => {
    const defs = defsFor({ vhosts: [{ name: '/' }, { name: 'orders', description: 'orders', defaultQueueType: 'quorum' }] }, '4.3.4');
    expect(defs.vhosts).toEqual([
      { name: '/' },
      { name: 'orders', description: 'orders', default_queue_type: 'quorum', metadata: { description: 'orders', default_queue_type: 'quorum' } },
    ]);
    // The admin user gets every vhost.
    expect(defs.permissions.map((p) => p.vhost)).toEqual(['/', 'orders']);
  });

  test('a queue without a type takes its vhost default queue type, explicitly', () => {
    const defs = defsFor({ vhosts: [{ name: '/', defaultQueueType: 'quorum' }], queues: [{ name: 'q' }] }, '4.3.4');
    expect(byName(defs.queues, 'q').arguments).toEqual({ 'x-queue-type': 'quorum' });
  });

  test('remote URIs: one per host, amqps with tls, vhost percent-encoded', () => {
    const defs = defsFor({
      exchanges: [{ name: 'x', type: 'topic' }],
      remotes: [{ name: 'Old.DC', hosts: ['a:5671', 'b:5671'], vhost: 'prod/eu', user: 'fed', password: { variable: 'old_pw' }, tls: true }],
      federation: { upstreams: [{ name: 'old', remote: 'Old.DC', exchange: 'x', maxHops: 2, prefetchCount: 500 }] },
    });
    expect(byName(defs.parameters, 'old').value).toEqual({
      uri: ['amqps://fed:{{secret:remote_password_old_dc}}@a:5671/prod%2Feu', 'amqps://fed:{{secret:remote_password_old_dc}}@b:5671/prod%2Feu'],
      'ack-mode': 'on-confirm',
      exchange: 'x',
      'prefetch-count': 500,
      'max-hops': 2,
    });
  });

  test('upstream sets and local shovel endpoints in another vhost', () => {
    const defs = defsFor({
      vhosts: [{ name: '/' }, { name: 'b' }],
      exchanges: [{ name: 'in', vhost: 'b', type: 'fanout' }],
      queues: [{ name: 'q', vhost: 'b' }],
      remotes: [{ name: 'r', hosts: ['h'], user: 'u', password: { variable: 'v' } }],
      federation: { upstreams: [{ name: 'u1', vhost: 'b', remote: 'r' }], upstreamSets: [{ name: 's', vhost: 'b', upstreams: ['u1'] }] },
      shovels: [{ name: 'sh', vhost: 'b', source: { queue: 'q' }, destination: { exchange: 'in', routingKey: 'k' }, deleteAfter: 'queue-length' }],
    });
    expect(byName(defs.parameters, 's')).toEqual({ vhost: 'b', component: 'federation-upstream-set', name: 's', value: [{ upstream: 'u1' }] });
    expect(byName(defs.parameters, 'sh').value).toMatchObject({
      'src-uri': 'amqp:///b',
      'src-queue': 'q',
      'src-queue-args': { 'x-queue-type': 'classic' },
      'dest-uri': 'amqp:///b',
      'dest-exchange': 'in',
      'dest-exchange-key': 'k',
      'src-delete-after': 'queue-length',
    });
  });
});

describe('quorum membership repair (pure decision)', () => {
  const nodes = ['n0', 'n1', 'n2'];

  test('targets: min(initial group size or 3, nodes) for every quorum queue, shards included', () => {
    expect(quorumTargets(fixture)).toEqual([
      { vhost: '/', name: 'orders.q', size: 3, groupSize: 3 },
      { vhost: '/', name: 'orders.dlq', size: 3, groupSize: 3 },
      { vhost: '/', name: 'orders.imported', size: 3, groupSize: 3 },
    ]);
    const five = parseClusterSpec({ name: 'r', nodes: 5, topology: { queues: [{ name: 'a', type: 'quorum' }, { name: 'b', type: 'quorum', initialGroupSize: 5 }] } });
    expect(quorumTargets(five).map((t) => t.size)).toEqual([3, 5]);
    // The size before the node count caps it: the containers cap it with the count they read at start.
    const two = parseClusterSpec({ name: 'r', nodes: 2, topology: { queues: [{ name: 'b', type: 'quorum' }] } });
    expect(quorumTargets(two)).toEqual([{ vhost: '/', name: 'b', size: 2, groupSize: 3 }]);
  });

  test('adds missing members in node order, never beyond the target, never for missing queues', () => {
    const targets = [
      { vhost: '/', name: 'one', size: 3 },
      { vhost: '/', name: 'full', size: 3 },
      { vhost: '/', name: 'absent', size: 3 },
      { vhost: '/', name: 'small', size: 2 },
    ];
    const observed = [
      { vhost: '/', name: 'one', members: ['n1'] },
      { vhost: '/', name: 'full', members: ['n2', 'n0', 'n1'] },
      { vhost: '/', name: 'small', members: ['n2'] },
    ];
    expect(memberAdditions(targets, observed, nodes)).toEqual([
      { vhost: '/', queue: 'one', node: 'n0' },
      { vhost: '/', queue: 'one', node: 'n2' },
      { vhost: '/', queue: 'small', node: 'n0' },
    ]);
  });

  test('repairQuorumMembers reads members with rabbitmqctl and adds them with rabbitmq-queues', async () => {
    const calls: string[] = [];
    const run: RabbitCliExecutor = async (tool, args) => {
      calls.push(`${tool} ${args.join(' ')}`);
      if (tool === 'rabbitmqctl') {
        return { code: 0, stderr: '', stdout: JSON.stringify([{ name: 'orders.q', type: 'quorum', members: nodes }, { name: 'orders.imported', type: 'quorum', members: ['n0'] }, { name: 'x', type: 'classic', members: '' }]) };
      }
      return { code: 0, stdout: '', stderr: '' };
    };
    const added = await repairQuorumMembers(fixture, nodes, run);
    expect(added.map((a) => `${a.queue}@${a.node}`)).toEqual(['orders.imported@n1', 'orders.imported@n2']);
    expect(calls).toEqual([
      'rabbitmqctl list_queues -p / name type members --formatter json --quiet',
      'rabbitmq-queues add_member -p / orders.imported n1',
      'rabbitmq-queues add_member -p / orders.imported n2',
    ]);
  });
});
