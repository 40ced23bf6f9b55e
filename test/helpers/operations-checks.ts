/**
 * Operations on 3 real RabbitMQ nodes (Debian rabbitmq-server 3.10.8 via `rmq-ha local up`), run
 * by test/cluster.integration.test.ts on its cluster (the dev environment with the per-object
 * metrics job on), so that one cluster serves both suites:
 *
 * - Monitoring: the `prometheus.yml` that `local up` writes lists exactly each node's own
 *   Prometheus port; every metric name the alert rules use is in the real `/metrics` (per-node
 *   rules: on every node) or `/metrics/per-object` output; a real Prometheus (Debian's 2.42)
 *   scrapes the nodes with that file and evaluates every rule expression without error, the
 *   cluster-health rules quiet on a healthy cluster.
 * - Backup: `rmq-ha export --dir` / `--url` writes `/api/definitions` with mode 0600; the queues
 *   and policies of the dev spec (`rmq-ha export --env dev`) are in it.
 * - Rolling changes: the checks the review's procedure prints behave as it assumes on 3.10.8
 *   (quorum-critical while a peer is down, check_running and await_online_nodes after it is back),
 *   and Prometheus sees the stopped node through the RabbitmqNodeDown expression.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { runRabbitCli } from '../../local/ctl';
import { findFreePort, isPortOpen } from '../../local/ports';
import { readState } from '../../local/state';
import type { AlertRule } from '../../rabbitmq/monitoring/alert-rules';
import { metricNamesIn } from '../../rabbitmq/monitoring/private/promql';
import { parseClusterSpec } from '../../spec/parse';
import { buildPlan } from '../../plan/plan';
import { localAddresses } from '../../plan/addresses';
import { parseVersion } from '../../spec/version';
import { runCli } from './cli';

const cli = (args: string[], timeoutMs = 180000) => runCli(args, { timeoutMs });

/** Metric names of a Prometheus text exposition (sample lines only). */
function metricNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{| )/.exec(line);
    if (m) names.add(m[1]);
  }
  return names;
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, everyMs = 1000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

interface PromConfig {
  rule_files: string[];
  scrape_configs: Array<{ job_name: string; metrics_path: string; static_configs: Array<{ targets: string[]; labels: Record<string, string> }> }>;
}
interface Defs {
  users: Array<{ name: string; password_hash?: string }>;
  queues: Array<{ name: string; vhost: string; arguments: Record<string, unknown> }>;
  policies: Array<{ name: string; vhost: string; pattern: string; definition: Record<string, unknown> }>;
  exchanges: Array<{ name: string; vhost: string; type: string }>;
}

/** The running cluster the checks use (booted and stopped by the calling suite). */
export interface SharedCluster {
  readonly dir: string;
  /** The spec file `local up --spec` booted. */
  readonly specFile: string;
  readonly password: string;
  /** `prometheusConfig` of the `local up --json` output. */
  readonly prometheusConfig: string;
}

/** Registers the operations tests; `cluster()` is called in their beforeAll. */
export function operationsChecks(cluster: () => SharedCluster): void {
  describe('operations on 3 real RabbitMQ nodes: metrics behind the alert rules, Prometheus, definitions export', () => {
    let dir: string;
    let specFile: string;
    let prometheusConfigFile: string;
    let password: string;
    let rules: readonly AlertRule[];
    let config: PromConfig;
    /** job name -> node -> metric names found on that node, from the last scrape */
    let scraped = new Map<string, Map<string, Set<string>>>();
    let prometheus: ChildProcess | undefined;
    let prometheusUrl: string;

    beforeAll(() => {
      ({ dir, specFile, password, prometheusConfig: prometheusConfigFile } = cluster());
      config = parseYaml(fs.readFileSync(prometheusConfigFile, 'utf8')) as PromConfig;
      // The rules as data, for the same spec, version and loopback ports as the files local up wrote.
      const state = readState(dir)!;
      const spec = parseClusterSpec(parseYaml(fs.readFileSync(specFile, 'utf8')));
      const plan = buildPlan(spec, { version: parseVersion(state.rabbitmqVersion)!, addresses: localAddresses(spec, dir, state.nodes) });
      expect(plan.monitoring.prometheusConfig.content).toBe(fs.readFileSync(prometheusConfigFile, 'utf8'));
      rules = plan.monitoring.rules;
    });

    /** Scrapes every target of every job of the rendered prometheus.yml, as Prometheus would. */
    async function scrapeAll(): Promise<Map<string, Map<string, Set<string>>>> {
      const out = new Map<string, Map<string, Set<string>>>();
      for (const job of config.scrape_configs) {
        const byNode = new Map<string, Set<string>>();
        for (const sc of job.static_configs) {
          const res = await fetch(`http://${sc.targets[0]}${job.metrics_path}`);
          expect(res.status).toBe(200);
          byNode.set(sc.labels.rmq_ha_node, metricNames(await res.text()));
        }
        out.set(job.job_name, byNode);
      }
      return out;
    }

    /** Per-node metrics: on every node; per-queue metrics: on some node (the queue's leader or members). */
    function missing(rule: AlertRule, name: string): boolean {
      const nodes = [...scraped.get(rule.source === 'per-node' ? 'rmq-dev' : 'rmq-dev-per-object')!.values()];
      return rule.source === 'per-node' ? !nodes.every((n) => n.has(name)) : !nodes.some((n) => n.has(name));
    }

    afterAll(async () => {
      if (prometheus?.pid && prometheus.exitCode === null) {
        prometheus.kill('SIGTERM');
        await new Promise((r) => prometheus!.once('exit', r));
      }
    }, 120000);

    test('prometheus.yml (written by local up) targets exactly each node\'s own Prometheus port', () => {
      const state = readState(dir)!;
      expect(config.rule_files).toEqual(['rabbitmq-alerts.yml']);
      expect(fs.existsSync(path.join(path.dirname(prometheusConfigFile), 'rabbitmq-alerts.yml'))).toBe(true);
      expect(config.scrape_configs.map((j) => [j.job_name, j.metrics_path])).toEqual([
        ['rmq-dev', '/metrics'],
        ['rmq-dev-per-object', '/metrics/per-object'],
      ]);
      for (const job of config.scrape_configs) {
        expect(job.static_configs.map((s) => s.targets[0])).toEqual(state.nodes.map((n) => `127.0.0.1:${n.prometheusPort}`));
        expect(job.static_configs.map((s) => s.labels.rmq_ha_node)).toEqual(state.nodes.map((n) => n.shortName));
      }
    });

    test('every metric an alert rule uses exists in the real output of RabbitMQ 3.10.8', async () => {
      expect(readState(dir)!.rabbitmqVersion).toBe('3.10.8');
      const used = rules.filter((r) => r.source !== 'scrape').flatMap((rule) => metricNamesIn(rule.expr).map((name) => ({ rule, name })));
      // Queue metrics appear once the nodes have collected statistics (collect_statistics_interval, 10 s).
      await waitFor('every metric of the rules in the scrapes', 45000, async () => {
        scraped = await scrapeAll();
        return used.every((u) => !missing(u.rule, u.name)) ? true : undefined;
      }, 2000).catch(() => undefined);
      for (const { rule, name } of used) expect({ rule: rule.alert, name, missing: missing(rule, name) }).toEqual({ rule: rule.alert, name, missing: false });
      expect(new Set(used.map((u) => u.name))).toEqual(
        new Set([
          'erlang_vm_dist_node_state',
          'rabbitmq_identity_info',
          'rabbitmq_alarms_memory_used_watermark',
          'rabbitmq_alarms_free_disk_space_watermark',
          'rabbitmq_alarms_file_descriptor_limit',
          'rabbitmq_process_open_fds',
          'rabbitmq_process_max_fds',
          'rabbitmq_process_resident_memory_bytes',
          'rabbitmq_resident_memory_limit_bytes',
          'rabbitmq_disk_space_available_bytes',
          'rabbitmq_disk_space_available_limit_bytes',
          'rabbitmq_connections',
          'rabbitmq_connections_opened_total',
          'rabbitmq_connections_closed_total',
          'rabbitmq_global_messages_unroutable_dropped_total',
          'rabbitmq_global_messages_unroutable_returned_total',
          'rabbitmq_queue_consumers',
          'rabbitmq_queue_messages',
          'rabbitmq_raft_term_total',
        ]),
      );
    }, 60000);

    test('4.2+ names are not what 3.10.8 exports (so the version gate is needed)', () => {
      const perObject = [...scraped.get('rmq-dev-per-object')!.values()];
      expect(perObject.some((n) => n.has('rabbitmq_raft_term_total'))).toBe(true);
      expect(perObject.some((n) => n.has('rabbitmq_raft_term'))).toBe(false);
    });

    test('a real Prometheus scrapes the nodes with the rendered file and evaluates every rule expression', async () => {
      const port = await findFreePort();
      prometheusUrl = `http://127.0.0.1:${port}`;
      prometheus = spawn(
        'prometheus',
        [`--config.file=${prometheusConfigFile}`, `--storage.tsdb.path=${path.join(dir, 'prometheus-data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let log = '';
      prometheus.stderr!.on('data', (d: Buffer) => (log += d.toString()));
      await waitFor('Prometheus to listen', 30000, async () => ((await isPortOpen(port)) ? true : undefined), 300);
      const query = async (q: string): Promise<{ status: string; error?: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } }> =>
        (await (await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(q)}`)).json()) as never;
      // Both jobs up on all 3 targets (first scrapes within one interval of 15 s).
      await waitFor('3 targets up in both jobs', 60000, async () => {
        const r = await query('count by(job) (up == 1)');
        const counts = Object.fromEntries(r.data.result.map((x) => [x.metric.job, x.value[1]]));
        return counts['rmq-dev'] === '3' && counts['rmq-dev-per-object'] === '3' ? true : undefined;
      });
      // The identity join yields the cluster name from cluster_name in rabbitmq.conf, per node.
      const joined = await query('max by(rabbitmq_cluster, rabbitmq_node) (rabbitmq_process_open_fds{job="rmq-dev"} * on(instance) group_left(rabbitmq_cluster, rabbitmq_node) rabbitmq_identity_info{job="rmq-dev"})');
      expect(joined.data.result.map((x) => x.metric).sort((a, b) => a.rabbitmq_node.localeCompare(b.rabbitmq_node))).toEqual(
        [0, 1, 2].map((i) => ({ rabbitmq_cluster: 'rmq-dev', rabbitmq_node: `rmq-dev-${i}@localhost` })),
      );
      const quiet = ['RabbitmqNodeDown', 'NoMajorityOfNodesRunning', 'InsufficientEstablishedErlangDistributionLinks', 'MemoryAlarm', 'RabbitmqDiskAlarm', 'RabbitmqFileDescriptorAlarm', 'FileDescriptorsNearLimit'];
      for (const rule of rules) {
        const r = await query(rule.expr);
        expect({ alert: rule.alert, status: r.status, error: r.error }).toEqual({ alert: rule.alert, status: 'success', error: undefined });
        if (quiet.includes(rule.alert)) expect({ alert: rule.alert, result: r.data.result }).toEqual({ alert: rule.alert, result: [] });
      }
      // The distribution-link rule counts exactly the full mesh of the cluster's nodes (CLI links excluded).
      const links = rules.find((r) => r.alert === 'InsufficientEstablishedErlangDistributionLinks')!.expr.replace(/ < 6$/, '');
      expect((await query(links)).data.result.map((x) => x.value[1])).toEqual(['6']);
      const loaded = (await (await fetch(`${prometheusUrl}/api/v1/rules`)).json()) as { data: { groups: Array<{ name: string; rules: unknown[] }> } };
      expect(loaded.data.groups.map((g) => [g.name, g.rules.length])).toEqual([['rabbitmq-rmq-dev', rules.length]]);
      expect(log).not.toMatch(/level=error/);
    }, 120000);

    test('export --dir writes /api/definitions atomically with mode 0600; the dev spec\'s queues and policies are in it', async () => {
      const out = path.join(dir, 'backup', 'definitions.json');
      const expected = JSON.parse(cli(['export', '--env', 'dev']).stdout) as Defs;
      expect(expected.queues.length).toBeGreaterThanOrEqual(5);
      expect(expected.policies.length).toBeGreaterThanOrEqual(1);
      // Queue import waits for the whole cluster (target-cluster-size hint): poll until it is done.
      const defs = await waitFor('every queue of the spec in the export', 60000, async () => {
        const r = cli(['export', '--dir', dir, '--out', out], 60000);
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(/definitions\.json: 1 vhost\(s\), 1 user\(s\), .* queue\(s\), .* from http:\/\/127\.0\.0\.1:\d+\/api\/definitions \(mode 0600\)/);
        const d = JSON.parse(fs.readFileSync(out, 'utf8')) as Defs;
        return expected.queues.every((q) => d.queues.some((x) => x.name === q.name && x.vhost === q.vhost)) ? d : undefined;
      });
      expect(fs.statSync(out).mode & 0o777).toBe(0o600);
      expect(fs.readdirSync(path.dirname(out))).toEqual(['definitions.json']); // no temp file left
      for (const q of expected.queues) {
        expect(defs.queues.find((x) => x.name === q.name && x.vhost === q.vhost)?.arguments).toEqual(expect.objectContaining(q.arguments));
      }
      for (const p of expected.policies) {
        expect(defs.policies.find((x) => x.name === p.name && x.vhost === p.vhost)).toEqual(expect.objectContaining({ pattern: p.pattern, definition: p.definition }));
      }
      for (const e of expected.exchanges) expect(defs.exchanges.some((x) => x.name === e.name && x.type === e.type)).toBe(true);
      expect(defs.users.find((u) => u.name === 'admin')?.password_hash).toEqual(expect.any(String));
      expect(fs.readFileSync(out, 'utf8')).not.toContain(password);
    }, 90000);

    test('export --url with --user and --password-file; a wrong password or a closed port exits 1 and writes nothing', async () => {
      const state = readState(dir)!;
      const pwFile = path.join(dir, 'pw');
      fs.writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
      const out = path.join(dir, 'url-export.json');
      const url = `http://127.0.0.1:${state.nodes[1].managementPort}`;
      const ok = cli(['export', '--url', url, '--user', 'admin', '--password-file', pwFile, '--out', out], 60000);
      expect(ok.stderr).toBe('');
      expect(ok.code).toBe(0);
      expect(JSON.parse(fs.readFileSync(out, 'utf8')).rabbit_version).toBe('3.10.8');
      expect(fs.statSync(out).mode & 0o777).toBe(0o600);

      const wrong = path.join(dir, 'wrong');
      fs.writeFileSync(wrong, 'not-the-password\n');
      const denied = cli(['export', '--url', url, '--password-file', wrong, '--out', path.join(dir, 'denied.json')], 60000);
      expect(denied.code).toBe(1);
      expect(denied.stderr).toMatch(/user admin was refused \(401\)/);
      expect(fs.existsSync(path.join(dir, 'denied.json'))).toBe(false);

      const closed = await findFreePort();
      const refused = cli(['export', '--url', `http://127.0.0.1:${closed}`, '--password-file', pwFile, '--out', path.join(dir, 'refused.json')], 60000);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/cannot reach the management API: .*ECONNREFUSED/);
      expect(fs.existsSync(path.join(dir, 'refused.json'))).toBe(false);
    }, 90000);

    test('the rolling procedure\'s checks on real nodes: quorum-critical while a peer is down, then check_running and await_online_nodes', async () => {
      const state = readState(dir)!;
      const [n0, , n2] = state.nodes.map((n) => n.nodeName);
      const critical = (node: string) => runRabbitCli(state, node, ['check_if_node_is_quorum_critical'], { tool: 'rabbitmq-diagnostics', timeoutMs: 60000 });
      // Healthy: no quorum queue depends on one node (every dev quorum queue has 3 members).
      await waitFor('node 0 not quorum-critical', 60000, async () => ((await critical(n0)).code === 0 ? true : undefined), 2000);
      // Node 2 goes away (what `terraform apply -target` of its container does): node 0 becomes critical.
      expect((await runRabbitCli(state, n2, ['stop_app'], { timeoutMs: 60000 })).code).toBe(0);
      try {
        const r = await critical(n0);
        expect(r.code).not.toBe(0);
        expect(r.stdout + r.stderr).toMatch(/quorum/i);
        // Prometheus notices the node within a scrape or two: the RabbitmqNodeDown expression names it.
        const nodeDown = rules.find((x) => x.alert === 'RabbitmqNodeDown')!.expr;
        const down = await waitFor('Prometheus to see node 2 down', 60000, async () => {
          const res = (await (await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(nodeDown)}`)).json()) as { data: { result: Array<{ metric: Record<string, string> }> } };
          return res.data.result.length > 0 ? res.data.result.map((x) => x.metric.rmq_ha_node) : undefined;
        }, 2000);
        expect(down).toEqual(['rmq-dev-2']);
      } finally {
        expect((await runRabbitCli(state, n2, ['start_app'], { timeoutMs: 120000 })).code).toBe(0);
      }
      // The procedure's waits: the node runs, the cluster has 3 nodes online, the next node may go.
      expect((await runRabbitCli(state, n2, ['-q', 'check_running'], { tool: 'rabbitmq-diagnostics', timeoutMs: 60000 })).code).toBe(0);
      expect((await runRabbitCli(state, n2, ['await_online_nodes', '3', '--timeout', '120'], { timeoutMs: 150000 })).code).toBe(0);
      await waitFor('node 0 no longer quorum-critical once node 2 rejoined', 90000, async () => ((await critical(n0)).code === 0 ? true : undefined), 2000);
    }, 300000);
  });
}
