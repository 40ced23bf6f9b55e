import { spawnSync } from 'child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { renderNginxConfig } from '../nginx';
import type { LoadBalancerRenderInput, LoadBalancerTarget } from '../plan/load-balancer';
import { loadBalancerSpec, type LoadBalancerSpecInput } from '../spec/load-balancer';

const HEARTBEAT = 60;
const NODES = ['rmq-dev-0', 'rmq-dev-1', 'rmq-dev-2'];
const DEBIAN_LOAD_MODULE = 'load_module /usr/lib/nginx/modules/ngx_stream_module.so;';

function hostFor(target: LoadBalancerTarget, node: string, ip: boolean): string {
  if (ip || target === 'local') return '127.0.0.1';
  if (target === 'docker') return node;
  return `${node}.rmq-dev-nodes.rabbitmq.svc.cluster.local`;
}

function input(
  target: LoadBalancerTarget,
  spec: LoadBalancerSpecInput = {},
  extra: Partial<LoadBalancerRenderInput> & { ipHosts?: boolean } = {},
): LoadBalancerRenderInput {
  const { ipHosts = false, ...rest } = extra;
  const distinctPorts = target === 'local' || ipHosts;
  return {
    clusterName: 'dev',
    backends: NODES.map((name, i) => ({
      name,
      host: hostFor(target, name, ipHosts),
      // Nodes sharing 127.0.0.1 get their own ports.
      amqpPort: distinctPorts ? 5672 + i : 5672,
      managementPort: distinctPorts ? 15672 + i : 15672,
      prometheusPort: distinctPorts ? 15692 + i : 15692,
    })),
    settings: loadBalancerSpec.parse({ kind: 'nginx', ...spec }),
    heartbeatSeconds: HEARTBEAT,
    target,
    runtimeDir: target === 'local' ? '/run/rmq-ha/dev' : undefined,
    statsCredentials: { user: 'lbadmin', passwordRef: '@@RMQ_HA_LB_STATS_PASSWORD@@' },
    ...rest,
  };
}

/** Body lines of the first block whose header line is exactly `header {` (no nested blocks inside). */
function block(text: string, header: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === `${header} {`);
  if (start < 0) throw new Error(`no block ${header}`);
  const indent = lines[start].length - lines[start].trimStart().length;
  const end = lines.findIndex((l, i) => i > start && l === `${' '.repeat(indent)}}`);
  return lines
    .slice(start + 1, end)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** Directive lines (comments and blank lines dropped), trimmed. */
function directiveLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

function seconds(text: string, directive: string): number {
  const m = new RegExp(`^\\s*${directive} (\\d+)s;$`, 'm').exec(text);
  if (!m) throw new Error(`no ${directive}`);
  return Number(m[1]);
}

describe('renderNginxConfig', () => {
  describe.each<LoadBalancerTarget>(['local', 'docker', 'kubernetes'])('defaults, target %s', (target) => {
    const text = renderNginxConfig(input(target));
    const lines = directiveLines(text);

    test('matches the snapshot', () => {
      expect(text).toMatchSnapshot();
    });

    test('AMQP idle timeout is at least 2 x heartbeat (never the seed 1s) and no proxy_responses', () => {
      expect(seconds(text, 'proxy_timeout')).toBeGreaterThanOrEqual(2 * HEARTBEAT);
      expect(text).not.toMatch(/proxy_timeout 1s/);
      expect(text).not.toContain('proxy_responses');
    });

    test('AMQP stream: least_conn, fast failover to the next node, keepalives', () => {
      const upstream = block(text, 'upstream rabbitmq_amqp');
      expect(upstream).toContain('least_conn;');
      const server = block(text, 'server');
      expect(server).toEqual(
        expect.arrayContaining([
          'listen 127.0.0.1:5672 so_keepalive=on;',
          'proxy_pass rabbitmq_amqp;',
          'proxy_connect_timeout 5s;',
          'proxy_timeout 180s;',
          'proxy_next_upstream on;',
          'proxy_next_upstream_tries 4;',
          'proxy_next_upstream_timeout 20s;',
          'proxy_socket_keepalive on;',
        ]),
      );
    });

    test('each node appears once per upstream with passive check parameters', () => {
      const amqp = block(text, 'upstream rabbitmq_amqp').filter((l) => l.startsWith('server '));
      const mgmt = block(text, 'upstream rabbitmq_management').filter((l) => l.startsWith('server '));
      expect(amqp).toHaveLength(NODES.length);
      expect(mgmt).toHaveLength(NODES.length);
      NODES.forEach((node, i) => {
        const host = hostFor(target, node, false);
        const port = target === 'local' ? 5672 + i : 5672;
        expect(amqp.filter((l) => l.startsWith(`server ${host}:${port} `))).toHaveLength(1);
      });
      for (const l of [...amqp, ...mgmt]) expect(l).toMatch(/ max_fails=2 fail_timeout=10s( resolve)?;$/);
    });

    test('management UI: proxy_pass without URI part so %2F survives', () => {
      expect(lines).toContain('proxy_pass http://rabbitmq_management;');
      expect(text).not.toMatch(/proxy_pass http:\/\/rabbitmq_management\//);
      expect(lines).toContain('listen 127.0.0.1:15672;');
    });

    test('stub_status is restricted to loopback', () => {
      expect(block(text, 'location = /nginx_status')).toEqual(['stub_status;', 'allow 127.0.0.1;', 'allow ::1;', 'deny all;']);
      expect(lines).toContain('listen 127.0.0.1:8404;');
    });

    test('every listener binds to 127.0.0.1, nothing to 0.0.0.0', () => {
      const listens = lines.filter((l) => l.startsWith('listen '));
      expect(listens).toEqual(['listen 127.0.0.1:5672 so_keepalive=on;', 'listen 127.0.0.1:15672;', 'listen 127.0.0.1:8404;']);
      expect(text).not.toContain('0.0.0.0');
    });

    test('load_module only for the Debian binaries (local)', () => {
      expect(lines.filter((l) => l.startsWith('load_module'))).toEqual(target === 'local' ? [DEBIAN_LOAD_MODULE] : []);
    });

    test('worker_processes: 2 in a container ("auto" would count the host\'s CPUs), auto on local', () => {
      expect(lines.filter((l) => l.startsWith('worker_processes'))).toEqual([target === 'local' ? 'worker_processes auto;' : 'worker_processes 2;']);
    });

    test('never daemon off (the official image passes it on the command line)', () => {
      expect(text).not.toMatch(/^\s*daemon /m);
    });

    test('no Prometheus pass-through unless asked', () => {
      expect(text).not.toContain('rabbitmq_prometheus');
    });
  });

  describe('targets', () => {
    test('local: pid, logs and temp files under runtimeDir, nothing under /var', () => {
      const lines = directiveLines(renderNginxConfig(input('local')));
      expect(lines).toEqual(
        expect.arrayContaining([
          'pid /run/rmq-ha/dev/nginx.pid;',
          'error_log /run/rmq-ha/dev/nginx-error.log warn;',
          'access_log /run/rmq-ha/dev/nginx-amqp-access.log amqp;',
          'access_log /run/rmq-ha/dev/nginx-http-access.log;',
          'client_body_temp_path /run/rmq-ha/dev/nginx-client-body;',
          'proxy_temp_path /run/rmq-ha/dev/nginx-proxy;',
          'fastcgi_temp_path /run/rmq-ha/dev/nginx-fastcgi;',
          'uwsgi_temp_path /run/rmq-ha/dev/nginx-uwsgi;',
          'scgi_temp_path /run/rmq-ha/dev/nginx-scgi;',
        ]),
      );
      expect(lines.join('\n')).not.toContain('/var/');
      expect(lines.some((l) => l.startsWith('resolver'))).toBe(false);
    });

    test('docker with the default image (1.30.4): names re-resolved at run time via 127.0.0.11', () => {
      const text = renderNginxConfig(input('docker'));
      const lines = directiveLines(text);
      expect(lines.filter((l) => l.startsWith('resolver '))).toEqual([
        'resolver 127.0.0.11 valid=10s ipv6=off;',
        'resolver 127.0.0.11 valid=10s ipv6=off;',
      ]);
      expect(block(text, 'upstream rabbitmq_amqp')[0]).toBe('zone rabbitmq_amqp 64k;');
      expect(block(text, 'upstream rabbitmq_amqp')).toContain('server rmq-dev-0:5672 max_fails=2 fail_timeout=10s resolve;');
      expect(lines).toContain('error_log stderr warn;');
      expect(lines.some((l) => l.startsWith('pid '))).toBe(false);
    });

    test('kubernetes: cluster DNS resolver', () => {
      const lines = directiveLines(renderNginxConfig(input('kubernetes')));
      expect(lines).toContain('resolver kube-dns.kube-system.svc valid=10s ipv6=off;');
    });

    test('an image older than 1.27.3 resolves names at start-up only', () => {
      const text = renderNginxConfig(input('docker', { image: 'nginx:1.26.3-alpine' }));
      expect(text).not.toMatch(/^\s*resolver /m);
      expect(text).not.toMatch(/ resolve;$/m);
      expect(text).not.toMatch(/^\s*zone /m);
      expect(text).toContain('# Node names are resolved once at start-up');
    });
  });

  describe('settings', () => {
    test('timeouts, retries and passive check come from the spec', () => {
      const text = renderNginxConfig(
        input('docker', {
          clientTimeout: 300,
          connectTimeoutSeconds: 2,
          retries: 2,
          passiveCheck: { maxFails: 3, failTimeoutSeconds: 30 },
        }),
      );
      const lines = directiveLines(text);
      expect(lines).toEqual(
        expect.arrayContaining([
          'proxy_timeout 300s;',
          'proxy_connect_timeout 2s;',
          'proxy_next_upstream_tries 3;',
          'proxy_next_upstream_timeout 6s;',
          'server rmq-dev-1:5672 max_fails=3 fail_timeout=30s resolve;',
        ]),
      );
    });

    test('bindAddress 0.0.0.0 and IPv6 only when asked', () => {
      const v4 = directiveLines(renderNginxConfig(input('docker', { bindAddress: '0.0.0.0' })));
      expect(v4.filter((l) => l.startsWith('listen '))).toEqual([
        'listen 0.0.0.0:5672 so_keepalive=on;',
        'listen 0.0.0.0:15672;',
        'listen 0.0.0.0:8404;',
      ]);
      const v6 = directiveLines(renderNginxConfig(input('docker', { bindAddress: '::' })));
      expect(v6.filter((l) => l.startsWith('listen '))[0]).toBe('listen [::]:5672 so_keepalive=on;');
    });

    test('prometheus: one upstream and one path per node, prefix stripped', () => {
      const text = renderNginxConfig(input('docker', { prometheus: true }));
      expect(directiveLines(text)).toContain('listen 127.0.0.1:15692;');
      for (const node of NODES) {
        expect(block(text, `upstream rabbitmq_prometheus_${node}`)).toEqual([
          `zone rabbitmq_prometheus_${node} 64k;`,
          `server ${node}:15692 resolve;`,
        ]);
        expect(block(text, `location /nodes/${node}/`)).toContain(`proxy_pass http://rabbitmq_prometheus_${node}/;`);
      }
    });
  });

  describe('input validation', () => {
    test('rejects settings of another kind', () => {
      expect(() => renderNginxConfig({ ...input('docker'), settings: loadBalancerSpec.parse({}) })).toThrow(
        /needs settings.kind 'nginx'/,
      );
    });

    test('local target needs an absolute runtimeDir without spaces', () => {
      expect(() => renderNginxConfig(input('local', {}, { runtimeDir: 'relative/dir' }))).toThrow(/runtimeDir=/);
      expect(() => renderNginxConfig(input('local', {}, { runtimeDir: '/tmp/a b' }))).toThrow(/runtimeDir=/);
    });
  });
});

describe('nginx -t accepts the rendered config', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rmq-ha-nginx-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function check(binary: string, name: string, text: string): { status: number | null; output: string } {
    const file = join(dir, name);
    writeFileSync(file, text);
    // Output to a file, not a pipe: jest's child stdio are sockets, which /dev/stdout cannot open.
    const outFile = join(dir, `${name}.out`);
    const out = openSync(outFile, 'w');
    try {
      // -e: the error log used before the config is read (default /var/log/nginx/error.log).
      const r = spawnSync(binary, ['-t', '-c', file, '-e', join(dir, `${name}.startup-error.log`)], {
        stdio: ['ignore', out, out],
      });
      if (r.error) throw r.error;
      return { status: r.status, output: readFileSync(outFile, 'utf8') };
    } finally {
      closeSync(out);
    }
  }

  test('local target with prometheus (Debian nginx + dynamic stream module)', () => {
    const r = check('nginx', 'local.conf', renderNginxConfig(input('local', { prometheus: true }, { runtimeDir: dir })));
    expect(r.output).toContain('test is successful');
    expect(r.status).toBe(0);
    expect(r.output).not.toMatch(/\[(warn|emerg|alert)\]/);
  });

  test.each<LoadBalancerTarget>(['docker', 'kubernetes'])(
    '%s target with an image that resolves at start-up, IP nodes, stream module loaded as Debian needs it',
    (target) => {
      // Debian's 1.22 knows neither the built-in stream module nor "resolve"; node names do not resolve here.
      const text = renderNginxConfig(input(target, { image: 'nginx:1.26.3-alpine', prometheus: true }, { ipHosts: true }));
      const r = check('nginx', `${target}.conf`, `${DEBIAN_LOAD_MODULE}\n${text}`);
      expect(r.output).toContain('test is successful');
      expect(r.status).toBe(0);
    },
  );
});
