import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { renderHaproxyConfig } from '../haproxy';
import {
  VM_CHECK_REQUEST,
} from '../haproxy/private/amqp-check';
import type { LoadBalancerRenderInput, LoadBalancerTarget } from '../plan/load-balancer';
import { loadBalancerSpec, type LoadBalancerSpecInput } from '../spec/load-balancer';

const HEARTBEAT = 60;
const NODES = ['rmq-dev-0', 'rmq-dev-1', 'rmq-dev-2'];

function hostFor(target: LoadBalancerTarget, node: string): string {
  if (target === 'local') return '127.0.0.1';
  if (target === 'docker') return node;
  return `${node}.rmq-dev-nodes.rabbitmq.svc.cluster.local`;
}

function input(
  target: LoadBalancerTarget,
  spec: LoadBalancerSpecInput = {},
  extra: Partial<LoadBalancerRenderInput> = {},
): LoadBalancerRenderInput {
  return {
    clusterName: 'dev',
    backends: NODES.map((name, i) => ({
      name,
      host: hostFor(target, name),
      // Local nodes share 127.0.0.1, so each gets its own ports.
      amqpPort: target === 'local' ? 5672 + i : 5672,
      managementPort: target === 'local' ? 15672 + i : 15672,
      prometheusPort: target === 'local' ? 15692 + i : 15692,
    })),
    settings: loadBalancerSpec.parse(spec),
    heartbeatSeconds: HEARTBEAT,
    target,
    runtimeDir: target === 'local' ? '/run/rmq-ha/dev' : undefined,
    statsCredentials: { user: 'lbadmin', passwordRef: '@@RMQ_HA_LB_STATS_PASSWORD@@' },
    ...extra,
  };
}

/** The lines of one section (header up to the next blank line), without indentation. */
function section(text: string, header: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(header);
  if (start < 0) throw new Error(`no section ${header}`);
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end).map((l) => l.trim());
}

/** Directive lines of a section (comments dropped). */
function directives(text: string, header: string): string[] {
  return section(text, header).filter((l) => !l.startsWith('#'));
}

function seconds(line: string | undefined): number {
  const m = /(\d+)s$/.exec(line ?? '');
  if (!m) throw new Error(`no seconds value in ${line}`);
  return Number(m[1]);
}

describe('renderHaproxyConfig', () => {
  describe.each<LoadBalancerTarget>(['local', 'docker', 'kubernetes'])('defaults, target %s', (target) => {
    const text = renderHaproxyConfig(input(target));

    test('matches the snapshot', () => {
      expect(text).toMatchSnapshot();
    });

    test('AMQP idle timeouts are at least 2 x heartbeat and equal', () => {
      const defaults = directives(text, 'defaults');
      const client = seconds(defaults.find((l) => l.startsWith('timeout client ')));
      const server = seconds(defaults.find((l) => l.startsWith('timeout server ')));
      expect(client).toBeGreaterThanOrEqual(2 * HEARTBEAT);
      expect(server).toBe(client);
      // "timeout tunnel" would silently replace both.
      expect(text).not.toMatch(/^\s*timeout tunnel/m);
    });

    test('AMQP backend: leastconn, redispatch, keepalives, a check that logs nothing on the nodes', () => {
      const amqp = directives(text, 'backend rabbitmq_amqp');
      expect(amqp).toContain('mode tcp');
      expect(amqp).toContain('balance leastconn');
      expect(amqp).toContain('option srvtcpka');
      expect(amqp).toContain('option tcp-check');
      // No AMQP protocol header: every such check logged a warning on every node.
      expect(amqp.filter((d) => d.startsWith('tcp-check'))).toEqual([
        ...(target === 'local' ? [] : ['tcp-check connect port 5672']),
        'tcp-check connect',
        'tcp-check send "GET / HTTP/1.0\\r\\n\\r\\n"',
        'tcp-check expect rstring ^HTTP/1\\.[01]\\ [0-9]{3}',
      ]);
      expect(VM_CHECK_REQUEST).toBe('GET / HTTP/1.0\\r\\n\\r\\n');
      // Each server's check port is its Prometheus listener; state changes are not logged twice.
      expect(amqp.filter((d) => d.startsWith('server ')).every((d) => / port \d+$/.test(d))).toBe(true);
      expect(amqp).toContain('no log');
      expect(amqp).toContain(
        'default-server check inter 1s fastinter 1s downinter 1s fall 2 rise 2 slowstart 30s on-marked-down shutdown-sessions',
      );
      expect(directives(text, 'frontend amqp')).toEqual(
        expect.arrayContaining(['option clitcpka', 'option tcplog', 'default_backend rabbitmq_amqp']),
      );
      const defaults = directives(text, 'defaults');
      expect(defaults).toEqual(
        expect.arrayContaining(['option redispatch', 'retries 3', 'timeout connect 5s', 'timeout check 1s']),
      );
      // The seed's wrong expectation ("AMQP" echoed back) must not come back.
      expect(text).not.toContain('expect binary 414d5150');
    });

    test('management backend: roundrobin and a node-local check without credentials', () => {
      const mgmt = directives(text, 'backend rabbitmq_management');
      expect(mgmt).toContain('mode http');
      expect(mgmt).toContain('balance roundrobin');
      expect(mgmt).toContain('option httpchk');
      expect(mgmt).toContain('http-check send meth HEAD uri / ver HTTP/1.1 hdr Host localhost');
      expect(mgmt).toContain('http-check expect status 200');
      expect(mgmt.join('\n')).not.toMatch(/Authorization/);
      expect(text).not.toMatch(/^\s*http-check.*\/api\/health\/checks\/alarms/m);
    });

    test('each node appears once per backend with its own port', () => {
      NODES.forEach((node, i) => {
        const host = hostFor(target, node);
        const amqpPort = target === 'local' ? 5672 + i : 5672;
        const mgmtPort = target === 'local' ? 15672 + i : 15672;
        const promPort = target === 'local' ? 15692 + i : 15692;
        expect(directives(text, 'backend rabbitmq_amqp').filter((l) => l.startsWith(`server ${node} `))).toEqual([
          `server ${node} ${host}:${amqpPort} port ${promPort}`,
        ]);
        expect(directives(text, 'backend rabbitmq_management').filter((l) => l.startsWith(`server ${node} `))).toEqual([
          `server ${node} ${host}:${mgmtPort}`,
        ]);
      });
      expect(text.match(/^\s*server /gm)).toHaveLength(2 * NODES.length);
    });

    test('every listener binds to 127.0.0.1, nothing to 0.0.0.0', () => {
      const binds = text.split('\n').filter((l) => /^\s*bind /.test(l)).map((l) => l.trim());
      expect(binds).toEqual(['bind 127.0.0.1:5672', 'bind 127.0.0.1:15672', 'bind 127.0.0.1:8404']);
      expect(text).not.toContain('0.0.0.0');
      expect(text).not.toMatch(/bind \*/);
    });

    test('stats page: authenticated with the password placeholder, version hidden, read-only', () => {
      const stats = directives(text, 'frontend stats');
      expect(stats).toEqual(
        expect.arrayContaining([
          'mode http',
          'stats enable',
          'stats uri /stats',
          'stats auth lbadmin:@@RMQ_HA_LB_STATS_PASSWORD@@',
          'stats hide-version',
        ]),
      );
      expect(stats.some((l) => l.startsWith('stats admin'))).toBe(false);
    });

    test('no Prometheus pass-through unless asked', () => {
      expect(text).not.toContain('frontend prometheus');
      expect(text).not.toContain('prometheus-exporter');
    });
  });

  describe('targets', () => {
    test('docker: embedded DNS resolver and start-up without resolvable names', () => {
      const text = renderHaproxyConfig(input('docker'));
      expect(directives(text, 'resolvers docker')).toContain('nameserver dns 127.0.0.11:53');
      expect(directives(text, 'defaults')).toContain(
        'default-server init-addr last,libc,none resolvers docker resolve-prefer ipv4',
      );
      expect(directives(text, 'global')).toContain('stats socket /var/lib/haproxy/admin.sock mode 600 level admin');
    });

    test('kubernetes: cluster DNS from resolv.conf', () => {
      const text = renderHaproxyConfig(input('kubernetes'));
      expect(directives(text, 'resolvers cluster')).toContain('parse-resolv-conf');
      expect(directives(text, 'defaults')).toContain(
        'default-server init-addr last,libc,none resolvers cluster resolve-prefer ipv4',
      );
    });

    test('local: runtime files under runtimeDir, no resolvers', () => {
      const text = renderHaproxyConfig(input('local'));
      expect(directives(text, 'global')).toEqual(
        expect.arrayContaining([
          'pidfile /run/rmq-ha/dev/haproxy.pid',
          'stats socket /run/rmq-ha/dev/haproxy.sock mode 600 level admin',
        ]),
      );
      expect(text).not.toContain('resolvers');
      expect(text).not.toContain('/var/');
    });
  });

  describe('settings', () => {
    test('timeouts, retries and check timing come from the spec', () => {
      const text = renderHaproxyConfig(
        input('docker', {
          clientTimeout: 300,
          serverTimeout: 300,
          connectTimeoutSeconds: 2,
          retries: 5,
          healthCheck: { interSeconds: 2, fastInterSeconds: 1, fall: 4, rise: 3, timeoutSeconds: 2 },
        }),
      );
      const defaults = directives(text, 'defaults');
      expect(defaults).toEqual(
        expect.arrayContaining([
          'timeout client 300s',
          'timeout server 300s',
          'timeout connect 2s',
          'retries 5',
          'timeout check 2s',
        ]),
      );
      expect(directives(text, 'backend rabbitmq_amqp')).toContain(
        'default-server check inter 2s fastinter 1s downinter 2s fall 4 rise 3 slowstart 30s on-marked-down shutdown-sessions',
      );
    });

    test('bindAddress and ports are used for every listener', () => {
      const text = renderHaproxyConfig(
        input('docker', { bindAddress: '0.0.0.0', ports: { amqp: 5673, management: 15673, stats: 9000 } }),
      );
      expect(text.match(/^\s*bind .*$/gm)?.map((l) => l.trim())).toEqual([
        'bind 0.0.0.0:5673',
        'bind 0.0.0.0:15673',
        'bind 0.0.0.0:9000',
      ]);
    });

    test('prometheus: per-node routes, never balanced, plus HAProxy metrics', () => {
      const text = renderHaproxyConfig(input('docker', { prometheus: true }));
      const fe = directives(text, 'frontend prometheus');
      expect(fe).toContain('bind 127.0.0.1:15692');
      expect(fe).toContain('http-request use-service prometheus-exporter if { path /metrics }');
      for (const node of NODES) {
        expect(fe).toContain(`use_backend rabbitmq_prometheus_${node} if { path_beg /nodes/${node}/ }`);
        const be = directives(text, `backend rabbitmq_prometheus_${node}`);
        expect(be.filter((l) => l.startsWith('server '))).toEqual([`server ${node} ${node}:15692`]);
        expect(be).toContain('http-request replace-path ^/nodes/[^/]+(/.*)$ \\1');
        expect(be.some((l) => l.startsWith('balance'))).toBe(false);
      }
    });
  });

  describe('input validation', () => {
    test('rejects settings of another kind', () => {
      expect(() => renderHaproxyConfig(input('docker', { kind: 'nginx' }))).toThrow(/needs settings.kind 'haproxy'/);
    });

    test('local target needs runtimeDir', () => {
      expect(() => renderHaproxyConfig(input('local', {}, { runtimeDir: undefined }))).toThrow(/runtimeDir is required/);
    });

    test('names every invalid field at once', () => {
      const base = input('docker');
      const bad: LoadBalancerRenderInput = {
        ...base,
        backends: [base.backends[0], { ...base.backends[0], amqpPort: 0 }],
        statsCredentials: { user: 'lb admin', passwordRef: 'has space' },
      };
      expect(() => renderHaproxyConfig(bad)).toThrow(
        /backends\[1\]\.name="rmq-dev-0" is used twice[\s\S]*backends\[1\]\.amqpPort=0[\s\S]*statsCredentials\.user[\s\S]*statsCredentials\.passwordRef/,
      );
    });

    test('rejects an empty backend list', () => {
      expect(() => renderHaproxyConfig({ ...input('docker'), backends: [] })).toThrow(/at least one node/);
    });
  });
});

describe('haproxy -c accepts the rendered config', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rmq-ha-haproxy-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function check(name: string, text: string): { status: number | null; output: string } {
    const file = join(dir, name);
    writeFileSync(file, text);
    // In a network namespace of its own with only loopback up: the docker and kubernetes configs
    // name nodes by DNS name and haproxy -c resolves them with libc; no query may leave this machine.
    const r = spawnSync('unshare', ['--net', 'sh', '-c', 'ip link set lo up && exec haproxy -c -f "$0"', file], { encoding: 'utf8' });
    if (r.error) throw r.error;
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  }

  test('local target (loopback nodes), with prometheus: valid, no warnings', () => {
    const r = check('local.cfg', renderHaproxyConfig(input('local', { prometheus: true }, { runtimeDir: dir })));
    expect(r.output).toContain('Configuration file is valid');
    expect(r.status).toBe(0);
    expect(r.output).not.toMatch(/WARNING|ALERT/);
  });

  test.each<LoadBalancerTarget>(['docker', 'kubernetes'])(
    '%s target: valid although node names do not resolve here (init-addr none)',
    (target) => {
      const r = check(`${target}.cfg`, renderHaproxyConfig(input(target, { prometheus: true })));
      expect(r.output).toContain('Configuration file is valid');
      expect(r.status).toBe(0);
      const warnings = r.output.split('\n').filter((l) => /WARNING|ALERT/.test(l));
      // kubernetes reads this machine's /etc/resolv.conf (parse-resolv-conf), whose nameserver the
      // isolated namespace cannot reach: that socket warning is the isolation, not the config.
      const allowed = target === 'kubernetes' ? /could not resolve address '.*', disabling server|resolvers 'cluster': can't connect socket for nameserver/ : /could not resolve address '.*', disabling server/;
      for (const w of warnings) expect(w).toMatch(allowed);
      expect(warnings.some((w) => /could not resolve address/.test(w))).toBe(true);
    },
  );

  test('IPv6 bind address', () => {
    const r = check('ipv6.cfg', renderHaproxyConfig(input('local', { bindAddress: '::1' }, { runtimeDir: dir })));
    expect(r.status).toBe(0);
  });
});
