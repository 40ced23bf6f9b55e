/**
 * What both waits of `local up` (local/cluster-ready.ts over the management API, and
 * local/cluster-ready-cli.ts over the CLI for TLS specs) count as not loaded yet: missingFrom.
 */
import { missingFrom } from '../local/cluster-ready';

describe('missingFrom: the spec queues and bindings a cluster lacks', () => {
  const wanted = {
    queues: [
      { vhost: '/', name: 'orders' },
      { vhost: 'shop', name: 'orders' },
    ],
    bindings: [{ vhost: '/', source: 'events', destination: 'orders', routingKey: 'order.*' }],
  };

  test('everything there: nothing missing (other queues and bindings do not matter)', () => {
    const have = {
      queues: [...wanted.queues, { vhost: '/', name: 'other' }],
      bindings: [...wanted.bindings, { vhost: '/', source: '', destination: 'orders', routingKey: 'orders' }],
    };
    expect(missingFrom(wanted, have)).toEqual([]);
  });

  test('a queue in another vhost, and a binding with another routing key, do not count', () => {
    const have = {
      queues: [{ vhost: '/', name: 'orders' }],
      bindings: [{ vhost: '/', source: 'events', destination: 'orders', routingKey: 'order.created' }],
    };
    expect(missingFrom(wanted, have)).toEqual(['shop orders', '/ events -> orders']);
  });

  test('without wanted bindings only queues are compared', () => {
    expect(missingFrom({ queues: wanted.queues }, { queues: [], bindings: [] })).toEqual(['/ orders', 'shop orders']);
  });
});
