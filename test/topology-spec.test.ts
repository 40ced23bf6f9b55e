/** The topology spec: defaults, field rules, duplicates and references, queues (policies: topology-policies.test.ts). */
import { parseClusterSpec } from '../spec/parse';
import { loadSpecFile } from '../spec/load';
import { QueuePolicy } from '../spec/topology';
import { classicQueue, dlx, expectIssue, issuesOf, quorumQueue } from './helpers/topology-spec';

describe('topology spec: defaults and valid specs', () => {
  test('an empty topology is one vhost "/" and nothing else', () => {
    const spec = parseClusterSpec({ name: 'rmq' });
    expect(spec.topology).toEqual({
      vhosts: [{ name: '/' }],
      users: [],
      permissions: [],
      exchanges: [],
      queues: [],
      bindings: [],
      policies: [],
      operatorPolicies: [],
      sharding: [],
      remotes: [],
      federation: { upstreams: [], upstreamSets: [] },
      shovels: [],
    });
  });

  test('defaults of each object', () => {
    const spec = parseClusterSpec({
      name: 'rmq',
      topology: {
        users: [{ name: 'app' }],
        permissions: [{ user: 'app' }],
        exchanges: [{ name: 'x' }],
        queues: [{ name: 'q' }],
        bindings: [{ source: 'x', destination: 'q' }],
        policies: [{ name: 'p', pattern: '^q$', definition: { 'max-length': 10 } }],
      },
    });
    const t = spec.topology;
    expect(t.users[0]).toEqual({ name: 'app', tags: [], password: { generate: { length: 32 } } });
    expect(t.permissions[0]).toEqual({ user: 'app', vhost: '/', configure: '^$', write: '^$', read: '^$' });
    expect(t.exchanges[0]).toEqual({ name: 'x', vhost: '/', type: 'direct', durable: true, autoDelete: false, internal: false, arguments: {} });
    expect(t.queues[0]).toEqual({ name: 'q', vhost: '/', durable: true, autoDelete: false, arguments: {} });
    expect(t.bindings[0]).toEqual({ vhost: '/', source: 'x', destination: 'q', destinationType: 'queue', routingKey: '', arguments: {} });
    expect(t.policies[0]).toEqual({ name: 'p', vhost: '/', pattern: '^q$', applyTo: 'queues', priority: 0, definition: { 'max-length': 10 } });
  });

  test('the 3.10 fixture and every example environment are valid; parsing is idempotent', () => {
    const fixture = loadSpecFile('test/fixtures/specs/topology-310.yaml').spec;
    expect(parseClusterSpec(fixture)).toEqual(fixture);
    expect(() => loadSpecFile('environments/dev.yaml')).not.toThrow();
  });

  test('QueuePolicy factories build policy inputs', () => {
    const issues = issuesOf({
      exchanges: [dlx],
      queues: [quorumQueue, classicQueue, { name: 'prices' }],
      policies: [
        QueuePolicy.quorum('q', '^orders$', { deliveryLimit: 3, deadLetterExchange: 'dlx' }),
        QueuePolicy.mirrored('m', '^legacy$', { mode: 'all' }),
      ],
    });
    expect(issues).toEqual([]);
    expect(QueuePolicy.federation('f', '^prices$', { upstream: 'up' })).toEqual({ name: 'f', pattern: '^prices$', federation: { upstream: 'up' }, applyTo: 'exchanges' });
  });
});

describe('topology spec: field rules (zod)', () => {
  test('a policy pattern must compile as a regular expression', () => {
    expectIssue(issuesOf({ policies: [{ name: 'p', pattern: 'orders.(', definition: { 'max-length': 1 } }] }), 'topology.policies[0].pattern', 'orders.(', /regular expression that compiles/);
  });

  test('permission regexes must compile', () => {
    expectIssue(issuesOf({ users: [{ name: 'app' }], permissions: [{ user: 'app', read: '[a-' }] }), 'topology.permissions[0].read', '[a-', /regular expression that compiles/);
  });

  test.each([
    ['deliveryLimit', 0, /positive/],
    ['maxLength', -5, /positive/],
    ['maxLengthBytes', 1.5, /whole number/],
  ])('quorum preset %s must be a positive whole number (%p)', (field, value, message) => {
    const issues = issuesOf({ queues: [quorumQueue], policies: [{ name: 'p', pattern: '^orders$', quorum: { [field]: value } }] });
    expectIssue(issues, `topology.policies[0].quorum.${field}`, value, message);
  });

  test('quorum preset overflow reject-publish-dlx is refused (quorum queues do not support it)', () => {
    const issues = issuesOf({ queues: [quorumQueue], policies: [{ name: 'p', pattern: '^orders$', quorum: { overflow: 'reject-publish-dlx' as 'drop-head' } }] });
    expectIssue(issues, 'topology.policies[0].quorum.overflow', 'reject-publish-dlx', /quorum queues do not support reject-publish-dlx/);
  });

  test('user passwords are never literals', () => {
    // The literal is rejected and, being a secret, never echoed back.
    expectIssue(issuesOf({ users: [{ name: 'app', password: 'hunter2hunter2' as never }] }), 'topology.users[0].password', '(hidden: a secret value)', /never written as literals/);
  });

  test('a remote cluster password is a variable, never generated here', () => {
    const issues = issuesOf({ remotes: [{ name: 'old', hosts: ['10.0.0.1'], user: 'fed', password: { generate: { length: 32 } } }] });
    expectIssue(issues, 'topology.remotes[0].password', { generate: { length: 32 } }, /cannot be generated here/);
  });

  test('remote hosts carry no scheme or credentials', () => {
    const issues = issuesOf({ remotes: [{ name: 'old', hosts: ['amqp://fed:secret@10.0.0.1'], user: 'fed', password: { variable: 'old_pw' } }] });
    // The password in the URI is masked in the message (it reaches CI logs); the rest stays to locate it.
    expectIssue(issues, 'topology.remotes[0].hosts[0]', 'amqp://fed:***@10.0.0.1', /without scheme or credentials/);
  });

  test('federation is not an exchange type', () => {
    expectIssue(issuesOf({ exchanges: [{ name: 'up', type: 'x-federation-upstream' as 'direct' }] }), 'topology.exchanges[0].type', 'x-federation-upstream', /federation is a policy/);
  });

  test('queue and exchange names starting with amq. are reserved', () => {
    expectIssue(issuesOf({ queues: [{ name: 'amq.orders' }] }), 'topology.queues[0].name', 'amq.orders', /reserves those names/);
  });

  test('unknown fields get a suggestion', () => {
    expectIssue(issuesOf({ queues: [{ name: 'q', tpye: 'quorum' } as never] }), 'topology.queues[0].tpye', 'quorum', /did you mean 'type'/);
  });

  test('mirrored mode exactly needs a count of at least 2', () => {
    expectIssue(issuesOf({ queues: [classicQueue], policies: [{ name: 'm', pattern: '^legacy$', mirrored: { mode: 'exactly' } }] }), 'topology.policies[0].mirrored.count', undefined, /is required with mode exactly/);
    expectIssue(issuesOf({ queues: [classicQueue], policies: [{ name: 'm', pattern: '^legacy$', mirrored: { mode: 'exactly', count: 1 } }] }), 'topology.policies[0].mirrored.count', 1, />= 2/);
  });

  test('the federation preset names exactly one of upstream and upstreamSet', () => {
    expectIssue(issuesOf({ policies: [{ name: 'f', pattern: '^x$', federation: {} }] }), 'topology.policies[0].federation', {}, /exactly one of upstream or upstreamSet/);
  });

  test('a shovel endpoint is a queue or an exchange', () => {
    const issues = issuesOf({ queues: [classicQueue], shovels: [{ name: 's', source: { queue: 'legacy', exchange: 'x' }, destination: { queue: 'legacy' } }] });
    expectIssue(issues, 'topology.shovels[0].source', { queue: 'legacy', exchange: 'x' }, /exactly one of queue or exchange/);
  });

  test('sharding needs at least 2 shards', () => {
    expectIssue(issuesOf({ sharding: [{ exchange: 'events', shards: 1 }] }), 'topology.sharding[0].shards', 1, /at least 2/);
  });
});

describe('topology spec: duplicates and references', () => {
  test('duplicate queue names in one vhost, sharding queues included', () => {
    const issues = issuesOf({ queues: [{ name: 'q' }, { name: 'q' }, { name: 'events.shard.1' }], sharding: [{ exchange: 'events', shards: 2 }] });
    expectIssue(issues, 'topology.queues[1].name', 'q', /duplicate queue 'q' in vhost \/ \(also declared by topology.queues\[0\]\)/);
    expectIssue(issues, 'topology.sharding[0].queuePrefix', 'events.shard.1', /duplicate queue 'events.shard.1'.*topology.queues\[2\]/);
  });

  test('the same queue name in two vhosts is fine', () => {
    expect(issuesOf({ vhosts: [{ name: '/' }, { name: 'b' }], queues: [{ name: 'q' }, { name: 'q', vhost: 'b' }] })).toEqual([]);
  });

  test('duplicate exchanges, policies, users and vhosts', () => {
    const issues = issuesOf({
      vhosts: [{ name: '/' }, { name: '/' }],
      exchanges: [{ name: 'x' }, { name: 'x' }],
      users: [{ name: 'app' }, { name: 'app' }],
      queues: [classicQueue],
      policies: [
        { name: 'p', pattern: '^legacy$', priority: 1, definition: { 'max-length': 1 } },
        { name: 'p', pattern: '^legacy$', priority: 2, definition: { 'max-length': 2 } },
      ],
    });
    expectIssue(issues, 'topology.vhosts[1].name', '/', /duplicate vhost/);
    expectIssue(issues, 'topology.exchanges[1].name', 'x', /duplicate exchange 'x'/);
    expectIssue(issues, 'topology.users[1].name', 'app', /duplicate user/);
    expectIssue(issues, 'topology.policies[1].name', 'p', /duplicate policy in vhost \//);
  });

  test('a user named like the admin user is refused', () => {
    expectIssue(issuesOf({ users: [{ name: 'admin' }] }), 'topology.users[0].name', 'admin', /is the admin user/);
  });

  test('two users whose password secrets would collide are refused', () => {
    expectIssue(issuesOf({ users: [{ name: 'app.reader' }, { name: 'app_reader' }] }), 'topology.users[1].name', 'app_reader', /same password secret user_password_app_reader as user 'app.reader'/);
  });

  test('permissions name a declared user and vhost', () => {
    const issues = issuesOf({ users: [{ name: 'app' }], permissions: [{ user: 'nobody' }, { user: 'app', vhost: 'missing' }] });
    expectIssue(issues, 'topology.permissions[0].user', 'nobody', /not a user of topology.users \(app\)/);
    expectIssue(issues, 'topology.permissions[1].vhost', 'missing', /not declared in topology.vhosts/);
  });

  test('objects live in declared vhosts', () => {
    expectIssue(issuesOf({ queues: [{ name: 'q', vhost: 'orders' }] }), 'topology.queues[0].vhost', 'orders', /not declared in topology.vhosts \(\/\)/);
  });

  test('bindings name existing exchanges and queues', () => {
    const issues = issuesOf({
      exchanges: [{ name: 'x' }],
      queues: [{ name: 'q' }],
      bindings: [
        { source: 'nope', destination: 'q' },
        { source: 'x', destination: 'missing' },
        { source: 'x', destination: 'y', destinationType: 'exchange' },
        { source: 'amq.topic', destination: 'q', routingKey: '#' },
      ],
    });
    expectIssue(issues, 'topology.bindings[0].source', 'nope', /names no exchange of vhost \//);
    expectIssue(issues, 'topology.bindings[1].destination', 'missing', /names no queue of vhost \//);
    expectIssue(issues, 'topology.bindings[2].destination', 'y', /names no exchange of vhost \//);
    expect(issues.filter((i) => i.path.startsWith('topology.bindings[3]'))).toEqual([]);
  });

  test('x-consistent-hash bindings carry a numeric weight', () => {
    const issues = issuesOf({ exchanges: [{ name: 'h', type: 'x-consistent-hash' }], queues: [{ name: 'q' }], bindings: [{ source: 'h', destination: 'q', routingKey: 'orders' }] });
    expectIssue(issues, 'topology.bindings[0].routingKey', 'orders', /weight of an x-consistent-hash binding/);
  });

  test('federation upstreams and sets name declared remotes and upstreams', () => {
    const issues = issuesOf({
      federation: { upstreams: [{ name: 'up', remote: 'nowhere' }], upstreamSets: [{ name: 'set', upstreams: ['up', 'ghost'] }] },
    });
    expectIssue(issues, 'topology.federation.upstreams[0].remote', 'nowhere', /names no entry of topology.remotes/);
    expectIssue(issues, 'topology.federation.upstreamSets[0].upstreams[1]', 'ghost', /names no upstream of vhost \//);
  });

  test('federation policies name declared upstreams and sets', () => {
    const issues = issuesOf({
      exchanges: [{ name: 'prices', type: 'topic' }],
      policies: [
        { name: 'f1', pattern: '^prices$', applyTo: 'exchanges', federation: { upstream: 'ghost' } },
        { name: 'f2', pattern: '^prices$', applyTo: 'exchanges', priority: 1, federation: { upstreamSet: 'ghosts' } },
      ],
    });
    expectIssue(issues, 'topology.policies[0].federation.upstream', 'ghost', /names no upstream of topology.federation.upstreams/);
    expectIssue(issues, 'topology.policies[1].federation.upstreamSet', 'ghosts', /names no set of topology.federation.upstreamSets/);
  });

  test('a federation policy matches a declared local exchange or queue', () => {
    const issues = issuesOf({
      exchanges: [{ name: 'prices', type: 'topic' }],
      remotes: [{ name: 'old', hosts: ['10.0.0.1'], user: 'fed', password: { variable: 'old_pw' } }],
      federation: { upstreams: [{ name: 'old', remote: 'old' }] },
      policies: [{ name: 'f', pattern: '^rates$', applyTo: 'exchanges', federation: { upstream: 'old' } }],
    });
    expectIssue(issues, 'topology.policies[0].federation.upstream', 'old', /matches no declared exchanges of vhost \/: federation links are made for local exchanges/);
  });

  test('shovels refer to declared local queues and exchanges, and to declared remotes', () => {
    const issues = issuesOf({
      shovels: [
        { name: 's1', source: { remote: 'old', queue: 'outbox' }, destination: { queue: 'inbox' } },
        { name: 's2', source: { exchange: 'events' }, destination: { queue: 'inbox' } },
      ],
    });
    expectIssue(issues, 'topology.shovels[0].source.remote', 'old', /names no entry of topology.remotes/);
    expectIssue(issues, 'topology.shovels[0].destination.queue', 'inbox', /would declare it as a classic queue/);
    expectIssue(issues, 'topology.shovels[1].source.exchange', 'events', /names no exchange of vhost \//);
  });

  test('a shovel from a queue into itself is refused', () => {
    expectIssue(issuesOf({ queues: [classicQueue], shovels: [{ name: 's', source: { queue: 'legacy' }, destination: { queue: 'legacy' } }] }), 'topology.shovels[0].destination.queue', 'legacy', /in a loop/);
  });
});

describe('topology spec: queues', () => {
  test('quorum queues and streams are durable and not auto-delete', () => {
    const issues = issuesOf({ queues: [{ name: 'q', type: 'quorum', durable: false }, { name: 's', type: 'stream', autoDelete: true }] });
    expectIssue(issues, 'topology.queues[0].durable', false, /quorum queues are always durable/);
    expectIssue(issues, 'topology.queues[1].autoDelete', true, /stream queues cannot be auto-delete/);
  });

  test('the quorum initial group size is at most the node count', () => {
    expectIssue(issuesOf({ queues: [{ ...quorumQueue, initialGroupSize: 5 }] }), 'topology.queues[0].initialGroupSize', 5, /at most the node count \(3\)/);
  });

  test('initialGroupSize does not apply to classic queues', () => {
    expectIssue(issuesOf({ queues: [{ name: 'q', initialGroupSize: 3 }] }), 'topology.queues[0].initialGroupSize', 3, /only applies to quorum queues and streams/);
  });

  test('the obsolete x-ha-policy argument is refused with the policy-based replacement', () => {
    const issues = issuesOf({ queues: [{ name: 'q', arguments: { 'x-ha-policy': 'all' } }] });
    expectIssue(issues, 'topology.queues[0].arguments.x-ha-policy', 'all', /removed in RabbitMQ 3\.0.*type: quorum.*policies: \[\{ pattern: "\^name\$", mirrored: \{ mode: all \} \}\]/);
  });

  test('x-queue-type is set with the type field', () => {
    expectIssue(issuesOf({ queues: [{ name: 'q', arguments: { 'x-queue-type': 'quorum' } }] }), 'topology.queues[0].arguments.x-queue-type', 'quorum', /type field/);
  });

  test('unknown queue arguments are refused (RabbitMQ would ignore them)', () => {
    expectIssue(issuesOf({ queues: [{ name: 'q', arguments: { 'x-max-lenght': 10 } }] }), 'topology.queues[0].arguments.x-max-lenght', 10, /not a queue argument RabbitMQ reads.*x-max-length/);
  });

  test('arguments must suit the queue type', () => {
    const issues = issuesOf({
      queues: [
        { ...quorumQueue, arguments: { 'x-max-priority': 10 } },
        { name: 'c', arguments: { 'x-delivery-limit': 3 } },
        { name: 'q2', type: 'quorum', arguments: { 'x-overflow': 'reject-publish-dlx' } },
      ],
    });
    expectIssue(issues, 'topology.queues[0].arguments.x-max-priority', 10, /no effect on quorum queues \(it applies to classic queues\)/);
    expectIssue(issues, 'topology.queues[1].arguments.x-delivery-limit', 3, /no effect on classic queues \(it applies to quorum queues\)/);
    expectIssue(issues, 'topology.queues[2].arguments.x-overflow', 'reject-publish-dlx', /no effect on quorum queues.*drop-head and reject-publish/);
  });

  test('argument values are checked', () => {
    expectIssue(issuesOf({ queues: [{ ...quorumQueue, arguments: { 'x-delivery-limit': 0 } }] }), 'topology.queues[0].arguments.x-delivery-limit', 0, /whole number >= 1/);
  });

  test('x-dead-letter-exchange names a declared exchange', () => {
    expectIssue(issuesOf({ queues: [{ name: 'q', arguments: { 'x-dead-letter-exchange': 'dlx' } }] }), 'topology.queues[0].arguments.x-dead-letter-exchange', 'dlx', /dead-lettered messages would be dropped/);
  });

  test('exchange arguments are known and suit the exchange type', () => {
    const issues = issuesOf({ exchanges: [{ name: 'x', arguments: { 'hash-header': 'h' } }, { name: 'y', arguments: { 'x-delayed-type': 'direct' } }] });
    expectIssue(issues, 'topology.exchanges[0].arguments.hash-header', 'h', /only applies to x-consistent-hash exchanges/);
    expectIssue(issues, 'topology.exchanges[1].arguments.x-delayed-type', 'direct', /not an exchange argument/);
  });

  test('a vhost default queue type needs RabbitMQ 3.11', () => {
    expectIssue(issuesOf({ vhosts: [{ name: '/', defaultQueueType: 'quorum' }] }), 'topology.vhosts[0].defaultQueueType', 'quorum', /needs RabbitMQ >= 3\.11 \(the spec is 3\.10\.8/);
    expect(issuesOf({ vhosts: [{ name: '/', defaultQueueType: 'quorum' }] }, '4.3.4')).toEqual([]);
  });
});
