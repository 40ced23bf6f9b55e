import {
  DEFAULT_HAPROXY_IMAGE,
  DEFAULT_NGINX_IMAGE,
  loadBalancerSpec,
  validateLoadBalancerAgainstHeartbeat,
} from '../spec/load-balancer';

function issues(input: unknown): { path: string; message: string }[] {
  const r = loadBalancerSpec.safeParse(input);
  if (r.success) return [];
  return r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

describe('loadBalancerSpec', () => {
  test('defaults', () => {
    expect(loadBalancerSpec.parse({})).toEqual({
      kind: 'haproxy',
      image: DEFAULT_HAPROXY_IMAGE,
      clientTimeout: 180,
      serverTimeout: 180,
      connectTimeoutSeconds: 5,
      retries: 3,
      healthCheck: { interSeconds: 1, fastInterSeconds: 1, fall: 2, rise: 2, timeoutSeconds: 1 },
      statsPassword: { generate: { length: 24 } },
      passiveCheck: { maxFails: 2, failTimeoutSeconds: 10 },
      ports: { amqp: 5672, management: 15672, stats: 8404, prometheus: 15692 },
      bindAddress: '127.0.0.1',
      prometheus: false,
      replicas: 2,
    });
  });

  test('image defaults by kind; none has no image', () => {
    expect(loadBalancerSpec.parse({ kind: 'nginx' }).image).toBe(DEFAULT_NGINX_IMAGE);
    const none = loadBalancerSpec.parse({ kind: 'none' });
    expect(none.kind).toBe('none');
    expect('image' in none).toBe(false);
    expect(issues({ kind: 'none', image: DEFAULT_NGINX_IMAGE })).toEqual([
      { path: 'image', message: "image has no effect when kind is 'none'; remove it" },
    ]);
  });

  test('default check window: a hung node is DOWN within 6 s (inter + fall x timeout + (fall - 1) x fastinter)', () => {
    const hc = loadBalancerSpec.parse({}).healthCheck;
    expect(hc.interSeconds + hc.fall * hc.timeoutSeconds + (hc.fall - 1) * hc.fastInterSeconds).toBeLessThanOrEqual(6);
  });

  test('partial nested objects keep the other defaults', () => {
    const lb = loadBalancerSpec.parse({ healthCheck: { fall: 5 }, ports: { amqp: 5673 } });
    expect(lb.healthCheck).toEqual({ interSeconds: 1, fastInterSeconds: 1, fall: 5, rise: 2, timeoutSeconds: 1 });
    expect(lb.ports).toEqual({ amqp: 5673, management: 15672, stats: 8404, prometheus: 15692 });
  });

  test.each([
    'haproxy:3.2.22-alpine',
    'haproxy:2.8.16',
    'nginx:1.30.4-alpine',
    'registry.example.com:5000/lb/haproxy:3.2.22-alpine',
    `haproxy@sha256:${'a'.repeat(64)}`,
    `haproxy:3.2.22-alpine@sha256:${'b'.repeat(64)}`,
  ])('accepts the pinned image %s', (image) => {
    expect(issues({ image })).toEqual([]);
  });

  test.each(['haproxy', 'haproxy:latest', 'haproxy:lts-alpine', 'haproxy:3.2', 'nginx:stable-alpine', 'Nginx:1.30.4', ''])(
    'rejects the floating or invalid image %p',
    (image) => {
      expect(issues({ image }).map((i) => i.path)).toEqual(['image']);
    },
  );

  test('bindAddress: IPv4 or IPv6 literal only', () => {
    expect(issues({ bindAddress: '0.0.0.0' })).toEqual([]);
    expect(issues({ bindAddress: '::1' })).toEqual([]);
    expect(issues({ bindAddress: 'localhost' }).map((i) => i.path)).toEqual(['bindAddress']);
  });

  test('rules name the field', () => {
    expect(issues({ replicas: 1 }).map((i) => i.path)).toEqual(['replicas']);
    expect(issues({ kind: 'traefik' }).map((i) => i.path)).toEqual(['kind']);
    expect(issues({ clientTimeout: 0 }).map((i) => i.path)).toEqual(['clientTimeout']);
    expect(issues({ connectTimeoutSeconds: 2.5 }).map((i) => i.path)).toEqual(['connectTimeoutSeconds']);
    expect(issues({ healthCheck: { interSeconds: 2, fastInterSeconds: 3 } })).toEqual([
      {
        path: 'healthCheck.fastInterSeconds',
        message: 'fastInterSeconds must not be greater than interSeconds (it is the faster interval used during transitions)',
      },
    ]);
    expect(issues({ ports: { amqp: 8404 } })).toEqual([
      { path: 'ports', message: 'amqp, management, stats and prometheus ports must all differ' },
    ]);
  });
});

describe('validateLoadBalancerAgainstHeartbeat', () => {
  test('defaults are fine with the 60 s default heartbeat', () => {
    expect(validateLoadBalancerAgainstHeartbeat(loadBalancerSpec.parse({}), 60)).toEqual([]);
  });

  test('a timeout not above the heartbeat names the field, the value and the fix', () => {
    const lb = loadBalancerSpec.parse({ clientTimeout: 50, serverTimeout: 60 });
    expect(validateLoadBalancerAgainstHeartbeat(lb, 60)).toEqual([
      'loadBalancer.clientTimeout=50 s must be greater than the AMQP heartbeat of 60 s, otherwise the haproxy load ' +
        'balancer closes idle connections between heartbeat frames; set loadBalancer.clientTimeout to 120 or more ' +
        '(2 × heartbeat), or lower the heartbeat',
      'loadBalancer.serverTimeout=60 s must be greater than the AMQP heartbeat of 60 s, otherwise the haproxy load ' +
        'balancer closes idle connections between heartbeat frames; set loadBalancer.serverTimeout to 120 or more ' +
        '(2 × heartbeat), or lower the heartbeat',
    ]);
  });

  test('disabled heartbeats are an error when a load balancer is in front', () => {
    const [message] = validateLoadBalancerAgainstHeartbeat(loadBalancerSpec.parse({ kind: 'nginx' }), 0);
    expect(message).toMatch(/heartbeat is 0 \(disabled\).*loadBalancer\.clientTimeout=180 s.*enable heartbeats/);
  });

  test('no load balancer, nothing to check', () => {
    expect(validateLoadBalancerAgainstHeartbeat(loadBalancerSpec.parse({ kind: 'none' }), 0)).toEqual([]);
  });
});
