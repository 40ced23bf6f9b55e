/** The topology spec's policy rules, and the warnings the plan gives about a topology. */
import { parseClusterSpec } from '../spec/parse';
import { buildPlan } from '../plan/plan';
import { classicQueue, dlx, expectIssue, issuesOf, quorumQueue, type Input } from './helpers/topology-spec';

describe('topology spec: policies', () => {
  test('the mirrored preset is refused from 4.0 with the quorum alternative', () => {
    const issues = issuesOf({ queues: [classicQueue], policies: [{ name: 'm', pattern: '^legacy$', mirrored: { mode: 'all' } }] }, '4.3.4');
    expectIssue(issues, 'topology.policies[0].mirrored', { mode: 'all', syncMode: 'automatic' }, /removed in RabbitMQ 4\.0.*type: quorum/);
  });

  test('raw ha-* keys are refused from 4.0 too', () => {
    const issues = issuesOf({ queues: [classicQueue], policies: [{ name: 'm', pattern: '^legacy$', definition: { 'ha-mode': 'all' } }] }, '4.0.0');
    expectIssue(issues, 'topology.policies[0].definition.ha-mode', 'all', /ha-mode is not available in RabbitMQ 4\.0\.0: classic queue mirroring was removed in RabbitMQ 4\.0.*type: quorum/);
  });

  test('ha-* never applies to quorum queues: refused with applyTo quorum_queues', () => {
    const issues = issuesOf({ queues: [quorumQueue], policies: [{ name: 'm', pattern: '^orders$', applyTo: 'quorum_queues', definition: { 'ha-mode': 'all' } }] }, '3.13.7');
    expectIssue(issues, 'topology.policies[0].definition.ha-mode', 'all', /only affects classic queues, but this policy applies to quorum queues.*ha-\* never applies/);
  });

  test('ha-* never applies to quorum queues: refused when the pattern reaches a declared quorum queue', () => {
    const issues = issuesOf({ queues: [quorumQueue, classicQueue], policies: [{ name: 'ha', pattern: '.*', mirrored: { mode: 'all' } }] });
    expectIssue(issues, 'topology.policies[0].mirrored.mode', 'all', /reaches 'orders' \(declared queue matched by ".\*"\), but quorum queues do not support ha-mode, so RabbitMQ silently skips the whole policy.*narrow the pattern/);
  });

  test('overflow reject-publish-dlx is not for quorum queues', () => {
    const typed = issuesOf({ queues: [quorumQueue], policies: [{ name: 'o', pattern: '^orders$', applyTo: 'quorum_queues', definition: { overflow: 'reject-publish-dlx' } }] }, '3.13.7');
    expectIssue(typed, 'topology.policies[0].definition.overflow', 'reject-publish-dlx', /overflow reject-publish-dlx only affects classic queues.*quorum queues support drop-head and reject-publish/);
    const reached = issuesOf({ queues: [quorumQueue], policies: [{ name: 'o', pattern: '^orders$', definition: { overflow: 'reject-publish-dlx' } }] });
    expectIssue(reached, 'topology.policies[0].definition.overflow', 'reject-publish-dlx', /reaches 'orders'.*quorum queues ignore overflow reject-publish-dlx/);
  });

  test('delivery-limit only applies to quorum queues', () => {
    const typed = issuesOf({ queues: [classicQueue], policies: [{ name: 'd', pattern: '^legacy$', applyTo: 'classic_queues', definition: { 'delivery-limit': 3 } }] }, '3.13.7');
    expectIssue(typed, 'topology.policies[0].definition.delivery-limit', 3, /delivery-limit only affects quorum queues, but this policy applies to classic queues/);
    const reached = issuesOf({ queues: [classicQueue], policies: [{ name: 'd', pattern: '^legacy$', definition: { 'delivery-limit': 3 } }] });
    expectIssue(reached, 'topology.policies[0].definition.delivery-limit', 3, /reaches 'legacy'.*classic queues do not support delivery-limit, so RabbitMQ silently skips the whole policy/);
  });

  test('delivery limits and lengths are positive', () => {
    const issues = issuesOf({ queues: [quorumQueue], policies: [{ name: 'p', pattern: '^orders$', definition: { 'delivery-limit': 0, 'max-length': -1 } }] });
    expectIssue(issues, 'topology.policies[0].definition.delivery-limit', 0, /whole number >= 1/);
    expectIssue(issues, 'topology.policies[0].definition.max-length', -1, /whole number >= 1/);
  });

  test('unknown policy keys are refused (RabbitMQ rejects the import)', () => {
    expectIssue(issuesOf({ policies: [{ name: 'p', pattern: '.*', definition: { 'max-lenght': 1 } }] }), 'topology.policies[0].definition.max-lenght', 1, /not recognised policy settings.*max-length/);
  });

  test('applyTo classic_queues, quorum_queues and streams need RabbitMQ 3.12', () => {
    expectIssue(issuesOf({ queues: [quorumQueue], policies: [{ name: 'p', pattern: '^orders$', applyTo: 'quorum_queues', quorum: { deliveryLimit: 3 } }] }), 'topology.policies[0].applyTo', 'quorum_queues', /needs RabbitMQ >= 3\.12/);
  });

  test('a policy without keys is refused', () => {
    expectIssue(issuesOf({ policies: [{ name: 'p', pattern: '.*' }] }), 'topology.policies[0].definition', {}, /is empty/);
  });

  test('a key set both by a preset and by definition is refused', () => {
    const issues = issuesOf({ queues: [quorumQueue], policies: [{ name: 'p', pattern: '^orders$', definition: { 'delivery-limit': 5 }, quorum: { deliveryLimit: 3 } }] });
    expectIssue(issues, 'topology.policies[0].definition.delivery-limit', 5, /also set by a preset \(topology.policies\[0\].quorum.deliveryLimit = 3\)/);
  });

  test('keys that no single queue type supports make a policy that never applies', () => {
    const issues = issuesOf({ policies: [{ name: 'p', pattern: '^nothing$', definition: { 'delivery-limit': 3, 'ha-mode': 'all' } }] });
    expectIssue(issues, 'topology.policies[0]', { 'delivery-limit': 3, 'ha-mode': 'all' }, /can never apply to a queue.*delivery-limit \(quorum queues\), ha-mode \(classic queues\); split it/);
  });

  test('a queue key in a policy for exchanges has no effect', () => {
    expectIssue(issuesOf({ policies: [{ name: 'p', pattern: '.*', applyTo: 'exchanges', definition: { 'max-length': 5 } }] }), 'topology.policies[0].definition.max-length', 5, /only affects classic queues, quorum queues, but this policy applies to exchanges/);
  });

  test('dead-letter-exchange names a declared exchange', () => {
    const issues = issuesOf({ queues: [quorumQueue], policies: [{ name: 'p', pattern: '^orders$', quorum: { deadLetterExchange: 'orders.dlx' } }] });
    expectIssue(issues, 'topology.policies[0].quorum.deadLetterExchange', 'orders.dlx', /dead-lettered messages would be dropped; declare it/);
  });

  test('mirroring asks for no more replicas or nodes than the cluster has', () => {
    const exactly = issuesOf({ queues: [classicQueue], policies: [{ name: 'm', pattern: '^legacy$', mirrored: { mode: 'exactly', count: 4 } }] });
    expectIssue(exactly, 'topology.policies[0].mirrored.count', 4, /more replicas than nodes \(3\)/);
    const nodes = issuesOf({ queues: [classicQueue], policies: [{ name: 'm', pattern: '^legacy$', mirrored: { mode: 'nodes', nodes: [0, 3] } }] });
    expectIssue(nodes, 'topology.policies[0].mirrored.nodes', [0, 3], /node indexes must be 0-2/);
  });

  test('raw ha-mode nodes is refused: node names differ per target', () => {
    const issues = issuesOf({ queues: [classicQueue], policies: [{ name: 'm', pattern: '^legacy$', definition: { 'ha-mode': 'nodes', 'ha-params': ['rabbit@a', 'rabbit@b'] } }] });
    expectIssue(issues, 'topology.policies[0].definition.ha-mode', 'nodes', /node names differ per target.*mirrored preset/);
  });

  test('operator policies take only the keys RabbitMQ allows there', () => {
    const issues = issuesOf({ exchanges: [dlx], operatorPolicies: [{ name: 'op', pattern: '.*', definition: { 'dead-letter-exchange': 'dlx' } }] });
    expectIssue(issues, 'topology.operatorPolicies[0].definition.dead-letter-exchange', 'dlx', /not accepted in operator policies.*expires, message-ttl, max-length, max-length-bytes, delivery-limit/);
  });

  test('an operator policy delivery-limit reaching a classic queue is refused', () => {
    const issues = issuesOf({ queues: [classicQueue], operatorPolicies: [{ name: 'op', pattern: '.*', definition: { 'delivery-limit': 5 } }] });
    expectIssue(issues, 'topology.operatorPolicies[0].definition.delivery-limit', 5, /reaches 'legacy'.*silently skips the whole operator policy/);
  });
});

describe('topology warnings (plan)', () => {
  const warningsOf = (topology: Input, version = '3.10.8') =>
    buildPlan(parseClusterSpec({ name: 'rmq', nodes: 3, rabbitmq: { version }, topology })).warnings.filter((w) => w.path.startsWith('topology'));

  test('two catch-all policies of equal priority', () => {
    const w = warningsOf({ queues: [classicQueue], policies: [{ name: 'a', pattern: '.*', definition: { 'max-length': 1 } }, { name: 'b', pattern: '^', definition: { expires: 1000 } }] });
    expect(w).toEqual([{ id: 'policy-priority-tie', path: 'topology.policies[1].priority', message: expect.stringMatching(/'b' and 'a' \(vhost \/\) have the same priority 0.*both patterns match every name.*higher priority/) }]);
  });

  test('one pattern matches the literal of the other', () => {
    const w = warningsOf({ policies: [{ name: 'a', pattern: '^orders\\.', definition: { 'max-length': 1 } }, { name: 'b', pattern: '^orders\\.q$', definition: { expires: 1000 } }] });
    expect(w).toEqual([expect.objectContaining({ id: 'policy-priority-tie', message: expect.stringMatching(/"\^orders\\\\\." matches 'orders.q'/) })]);
  });

  test('a declared queue matched by both', () => {
    const w = warningsOf({ queues: [{ name: 'orders.eu' }], policies: [{ name: 'a', pattern: 'eu$', definition: { 'max-length': 1 } }, { name: 'b', pattern: '^orders', definition: { expires: 1000 } }] });
    expect(w).toEqual([expect.objectContaining({ id: 'policy-priority-tie', message: expect.stringMatching(/both match 'orders.eu'/) })]);
  });

  test('no warning with different priorities, vhosts or apply-to', () => {
    expect(warningsOf({ policies: [{ name: 'a', pattern: '.*', definition: { 'max-length': 1 } }, { name: 'b', pattern: '.*', priority: 1, definition: { expires: 1000 } }] })).toEqual([]);
    expect(warningsOf({ policies: [{ name: 'a', pattern: '.*', definition: { 'max-length': 1 } }, { name: 'b', pattern: '.*', applyTo: 'exchanges', definition: { 'alternate-exchange': 'amq.fanout' } }] })).toEqual([]);
  });

  test('classic mirroring is deprecated, even group sizes, shovels declaring quorum queues', () => {
    const w = warningsOf({
      queues: [classicQueue, { ...quorumQueue, initialGroupSize: 2 }],
      remotes: [{ name: 'old', hosts: ['10.0.0.1'], user: 'fed', password: { variable: 'old_pw' } }],
      policies: [{ name: 'm', pattern: '^legacy$', mirrored: { mode: 'all' } }],
      shovels: [{ name: 's', source: { remote: 'old', queue: 'outbox' }, destination: { queue: 'orders' } }],
    });
    expect(w.map((x) => [x.id, x.path])).toEqual([
      ['quorum-group-size-even', 'topology.queues[1].initialGroupSize'],
      ['classic-mirroring-deprecated', 'topology.policies[0].mirrored'],
      ['shovel-declares-quorum-queue', 'topology.shovels[0].destination.queue'],
    ]);
  });
});
