/**
 * TLS proven on real processes: `rmq-ha local up` with TLS on boots 3 Debian rabbitmq-server 3.10.8
 * nodes with the Erlang distribution over TLS, behind HAProxy (TLS passed through) and then nginx
 * (TLS terminated), with a CA generated for the run. openssl s_client, amqplib and pika (Debian's
 * python3-pika) verify every certificate against that CA; a plain AMQP client is refused; and
 * expired, wrong-host and unknown-CA certificates (served by `openssl s_server`) are refused by
 * every client. One cluster at a time (3 live nodes at most).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as amqp from 'amqplib';
import { clusterStatus, runRabbitCli } from '../local/ctl';
import { findFreePort } from '../local/ports';
import { harnessListeningSockets, isLoopbackAddress, listeningSockets } from '../local/sockets';
import { readState } from '../local/state';
import { createLocalCa, issueLocalCertificate } from '../local/tls-certs';
import { runCli } from './helpers/cli';
import { publishTls, sClient } from './helpers/tls-clients';

const cli = (args: string[]) => runCli(args, { timeoutMs: 200000 });
const PIKA = path.join(__dirname, 'fixtures/tls/pika_tls_publish.py');

interface UpJson {
  nodes: Array<{ name: string; amqpPort: number }>;
  passwordFile: string;
  loadBalancer?: { kind: string; amqpUri: string; managementUrl: string };
  tls: { caFile: string; amqpsUris: string[]; managementUrls: string[] };
  timeline: Array<{ phase: string; ms: number }>;
}

function pika(port: number, ca: string, password: string, name = 'localhost'): { code: number | null; out: string } {
  const r = spawnSync('/usr/bin/python3', [PIKA, '127.0.0.1', String(port), name, ca, 'admin', '25'], { input: password, encoding: 'utf8', timeout: 60000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}`.trim() };
}

function writeSpec(dir: string, lb: 'haproxy' | 'nginx', mode: 'passthrough' | 'terminate'): string {
  const file = path.join(dir, `tls-${lb}.yaml`);
  fs.writeFileSync(
    file,
    [
      `name: rmq-tls-${lb}`,
      'nodes: 3',
      'rabbitmq: { version: "3.10.8" }',
      `loadBalancer: { kind: ${lb} }`,
      `tls: { enabled: true, interNode: true, loadBalancer: { mode: ${mode} } }`,
      // A binding: local up's TLS wait (local/cluster-ready-cli.ts) waits for it as for the queue.
      'topology:',
      '  exchanges: [{ name: orders, type: topic }]',
      '  queues: [{ name: orders, type: quorum }]',
      '  bindings: [{ source: orders, destination: orders, routingKey: "order.#" }]',
      '',
    ].join('\n'),
  );
  return file;
}

describe.each([
  ['haproxy', 'passthrough'],
  ['nginx', 'terminate'],
] as const)('3 nodes with TLS and inter-node TLS behind %s (%s)', (lb, mode) => {
  let dir: string;
  let up: UpJson;
  let password: string;
  let nodePorts: number[];
  let lbPort: number;

  beforeAll(() => {
    // Made here, not at collection time: a filtered run (-t) skips afterAll and would leave it behind.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `rmq-tls-${lb}-`));
    const r = cli(['local', 'up', '--spec', writeSpec(dir, lb, mode), '--dir', path.join(dir, 'run'), '--json', '--timeout', '150']);
    if (r.code !== 0) throw new Error(`local up failed (${r.code}): ${r.stderr}`);
    up = JSON.parse(r.stdout) as UpJson;
    password = fs.readFileSync(up.passwordFile, 'utf8').trim();
    nodePorts = up.nodes.map((n) => n.amqpPort);
    lbPort = Number(new URL(up.loadBalancer!.amqpUri).port);
  }, 220000);

  afterAll(() => {
    cli(['local', 'down', '--dir', path.join(dir, 'run')]);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 90000);

  test('local up --json reports tls: { caFile, amqpsUris, managementUrls }; keys are owner-only', () => {
    expect(up.tls.amqpsUris).toEqual([...nodePorts.map((p) => `amqps://localhost:${p}`), `amqps://localhost:${lbPort}`]);
    expect(up.tls.managementUrls).toHaveLength(4);
    expect(up.tls.managementUrls.every((u) => u.startsWith('https://localhost:'))).toBe(true);
    expect(fs.readFileSync(up.tls.caFile, 'utf8')).toContain('BEGIN CERTIFICATE');
    const run = path.join(dir, 'run');
    for (const short of [0, 1, 2].map((i) => `rmq-tls-${lb}-${i}`)) {
      expect(fs.statSync(path.join(run, 'nodes', short, 'etc/tls/tls.key')).mode & 0o777).toBe(0o600);
    }
    expect(fs.statSync(path.join(run, 'tls/ca.key')).mode & 0o777).toBe(0o600);
  });

  test("when local up returns, the spec's queue and binding exist and its timeline has every stage (the TLS wait, over the CLI)", async () => {
    const state = readState(path.join(dir, 'run'))!;
    const b = await runRabbitCli(state, state.nodes[0].nodeName, ['-q', 'list_bindings', 'source_name', 'destination_name', 'routing_key', '--formatter', 'json']);
    expect(JSON.parse(b.stdout)).toContainEqual({ source_name: 'orders', destination_name: 'orders', routing_key: 'order.#' });
    expect(up.timeline.map((p) => p.phase).slice(0, 6)).toEqual(['render', 'spawn', 'boot', 'formation', 'vhosts', 'definitions']);
  }, 60000);

  test('openssl s_client completes a verified handshake on every AMQPS port (nodes and load balancer)', () => {
    for (const port of [...nodePorts, lbPort]) {
      const r = sClient(port, up.tls.caFile);
      expect(r.out).toMatch(/Verify return code: 0 \(ok\)/);
      expect(r.out).toMatch(/New, TLSv1\.[23], Cipher is /);
      expect(r.code).toBe(0);
    }
  });

  test('amqplib publishes with confirms over TLS on each node and through the load balancer', async () => {
    for (const uri of up.tls.amqpsUris) expect(await publishTls(uri, up.tls.caFile, password)).toMatch(/^confirmed 20 over TLSv1\.[23]$/);
  }, 60000);

  test('pika publishes with confirms over TLS directly and through the load balancer', () => {
    for (const port of [nodePorts[0], lbPort]) expect(pika(port, up.tls.caFile, password)).toEqual({ code: 0, out: 'confirmed 25' });
  }, 120000);

  test('a plain AMQP client is refused on the TLS-only ports; no plain listener exists', async () => {
    for (const port of [nodePorts[1], lbPort]) {
      await expect(amqp.connect(`amqp://admin:${password}@127.0.0.1:${port}`, { timeout: 5000 })).rejects.toThrow();
    }
    const state = readState(path.join(dir, 'run'))!;
    const listening = new Set(listeningSockets().map((s) => s.port));
    expect(harnessListeningSockets(state).every((s) => isLoopbackAddress(s.address))).toBe(true);
    const tlsAndDist = new Set([...nodePorts, lbPort, ...state.nodes.map((n) => n.distPort)]);
    for (const p of tlsAndDist) expect(listening.has(p)).toBe(true);
    // The plain ports of the address table (management and Prometheus over HTTP) are closed.
    for (const n of state.nodes) {
      expect(listening.has(n.managementPort)).toBe(false);
      expect(listening.has(n.prometheusPort)).toBe(false);
    }
  });

  test('the cluster formed over TLS distribution: inet_tls on every node, TLS connection controllers, diagnostics lists amqp/ssl and https', async () => {
    const state = readState(path.join(dir, 'run'))!;
    for (const n of state.nodes) {
      expect([...(await clusterStatus(state, n.nodeName)).runningNodes].sort()).toEqual(up.nodes.map((x) => x.name).sort());
      const proto = await runRabbitCli(state, n.nodeName, ['eval', 'init:get_argument(proto_dist).']);
      expect(proto.stdout.trim()).toBe('{ok,[["inet_tls"]]}');
      // inet_tls_dist controls each connection with a process (TLS), inet_tcp_dist with a port.
      const ctrl = await runRabbitCli(state, n.nodeName, ['eval', '[is_pid(C) || {N, C} <- erlang:system_info(dist_ctrl), lists:prefix("rmq-tls", atom_to_list(N))].']);
      expect(ctrl.stdout.replace(/\s/g, '')).toMatch(/^\[true(,true)+\]$/);
    }
    const listeners = await runRabbitCli(state, state.nodes[0].nodeName, ['listeners'], { tool: 'rabbitmq-diagnostics' });
    expect(listeners.stdout).toMatch(/protocol: amqp\/ssl/);
    expect(listeners.stdout).toMatch(/protocol: https,/);
    expect(listeners.stdout).toMatch(/protocol: https\/prometheus/);
    expect(listeners.stdout).not.toMatch(/protocol: amqp,/);
  }, 120000);

  test('management over HTTPS through the load balancer, verified against the CA', async () => {
    const url = new URL('api/overview', up.loadBalancer!.managementUrl);
    const body = await new Promise<string>((resolve, reject) => {
      const req = https.get(url, { ca: fs.readFileSync(up.tls.caFile), auth: `admin:${password}`, timeout: 10000 }, (res) => {
        let data = '';
        res.on('data', (c) => (data += c));
        res.on('end', () => (res.statusCode === 200 ? resolve(data) : reject(new Error(`status ${res.statusCode}`))));
      });
      req.on('error', reject);
    });
    expect(JSON.parse(body).cluster_name).toBe(`rmq-tls-${lb}`);
  });
});

describe('clients refuse expired, wrong-host and unknown-CA certificates (openssl s_server presents them)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-badcert-'));
  const ca = createLocalCa(path.join(dir, 'ca'), 'rmq-ha test CA', 2);
  const other = createLocalCa(path.join(dir, 'other-ca'), 'someone else', 2);
  const local = { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] };
  const cases = [
    ['expired', issueLocalCertificate(ca, path.join(dir, 'expired'), local, -1), /certificate has expired|CERT_HAS_EXPIRED/i],
    ['wrong host', issueLocalCertificate(ca, path.join(dir, 'wrong-host'), { dnsNames: ['other.example'], ipAddresses: [] }, 2), /altnames|hostname mismatch|ERR_TLS_CERT_ALTNAME_INVALID|doesn't match/i],
    ['unknown CA', issueLocalCertificate(other, path.join(dir, 'unknown-ca'), local, 2), /unable to (get local issuer|verify)|UNABLE_TO_VERIFY_LEAF_SIGNATURE/i],
  ] as const;
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test.each(cases)('%s: openssl s_client, amqplib and pika refuse it', async (_name, cert, reason) => {
    const port = await findFreePort();
    const server = spawn('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', cert.certFile, '-key', cert.keyFile, '-quiet', '-naccept', '10'], { stdio: ['pipe', 'ignore', 'ignore'] });
    try {
      for (let i = 0; i < 50 && !(await new Promise<boolean>((r) => net.connect(port, '127.0.0.1').once('connect', function (this: net.Socket) { this.destroy(); r(true); }).once('error', () => r(false)))); i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const s = sClient(port, ca.certFile);
      expect(s.code).not.toBe(0);
      expect(s.out).toMatch(/verify error/);
      await expect(amqp.connect(`amqps://admin:x@localhost:${port}`, { ca: [fs.readFileSync(ca.certFile)], servername: 'localhost', timeout: 5000 })).rejects.toThrow(reason);
      const p = pika(port, ca.certFile, 'x');
      expect(p.code).toBe(3);
      expect(p.out).toMatch(/CERTIFICATE_VERIFY_FAILED/);
    } finally {
      server.kill('SIGTERM');
    }
  }, 60000);
});
