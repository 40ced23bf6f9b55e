/**
 * Monitoring renderers: the `monitoring` spec section, `prometheus.yml` (per-node targets from the
 * address table, never the load balancer), `rabbitmq-alerts.yml` (every rule with for, severity,
 * summary and the cluster label), version gating of metric names, Kubernetes pod annotations, and
 * Debian's promtool on the rendered files. Metric names are checked against real nodes in
 * helpers/operations-checks.ts.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { localAddresses } from '../plan/addresses';
import { buildPlan } from '../plan/plan';
import { planFiles } from '../plan/plan-files';
import { alertRules, majorityOf, promDuration, raftTermMetric, rateWindow } from '../rabbitmq/monitoring/alert-rules';
import { metricNamesIn } from '../rabbitmq/monitoring/private/promql';
import type { ClusterSpecInput } from '../spec/cluster';
import { SpecError } from '../spec/errors';
import { parseClusterSpec } from '../spec/parse';
import { parseVersion } from '../spec/version';
import { statefulSet, synthStack, k8sSpec } from './helpers/kubernetes';

/* eslint-disable @typescript-eslint/no-explicit-any */
interface PromConfig {
  rule_files?: string[];
  scrape_configs: Array<{ job_name: string; metrics_path: string; scrape_interval: string; scrape_timeout: string; static_configs: Array<{ targets: string[]; labels: Record<string, string> }> }>;
}
interface RuleFile {
  groups: Array<{ name: string; rules: Array<{ alert: string; expr: string; for: string; labels: Record<string, string>; annotations: Record<string, string> }> }>;
}

const spec = (input: Partial<ClusterSpecInput> = {}) => parseClusterSpec({ name: 'rmq', ...input });
const plan = (input: Partial<ClusterSpecInput> = {}) => buildPlan(spec(input));
const promConfig = (input: Partial<ClusterSpecInput> = {}): PromConfig => parseYaml(plan(input).monitoring.prometheusConfig.content) as PromConfig;
const ruleFile = (input: Partial<ClusterSpecInput> = {}, version?: string): RuleFile => {
  const p = buildPlan(spec(input), version ? { version: parseVersion(version)! } : {});
  return parseYaml(p.monitoring.alertRules!.content) as RuleFile;
};
const targetsOf = (c: PromConfig, job = 0): string[] => c.scrape_configs[job].static_configs.flatMap((s) => s.targets);
const localPlan = (input: Partial<ClusterSpecInput> = {}) => {
  const s = spec(input);
  const ports = Array.from({ length: s.nodes }, (_, i) => ({ amqpPort: 5700 + i, managementPort: 15700 + i, prometheusPort: 15800 + i, distPort: 25700 + i }));
  return buildPlan(s, { addresses: localAddresses(s, '/tmp/rmq-local', ports) });
};

describe('monitoring spec section', () => {
  test('defaults: per-node scrape every 15 s, per-object off, alert rules and pod annotations on', () => {
    expect(spec().monitoring).toEqual({
      scrapeIntervalSeconds: 15,
      scrapeTimeoutSeconds: 10,
      perObject: { enabled: false, intervalSeconds: 60 },
      alertRules: true,
      podAnnotations: true,
    });
  });

  test.each([
    [{ scrapeIntervalSeconds: 10 }, 'monitoring.scrapeIntervalSeconds', /at least 15 s/],
    [{ scrapeIntervalSeconds: 20, scrapeTimeoutSeconds: 30 }, 'monitoring.scrapeTimeoutSeconds', /must not be greater than scrapeIntervalSeconds/],
    [{ perObject: { enabled: true, intervalSeconds: 5 } }, 'monitoring.perObject.intervalSeconds', /at least 15 s/],
    [{ jobName: 'has space' }, 'monitoring.jobName', /Prometheus job name/],
    [{ scrapeInterval: '15s' }, 'monitoring.scrapeInterval', /unknown field; allowed fields: scrapeIntervalSeconds/],
  ])('rejects %j at %s', (monitoring, at, message) => {
    let error: unknown;
    try {
      spec({ monitoring } as Partial<ClusterSpecInput>);
    } catch (e) {
      error = e;
    }
    expect(SpecError.isSpecError(error)).toBe(true);
    const issue = (error as SpecError).issues.find((i) => i.path === at);
    expect(issue?.message).toMatch(message);
  });

  test('scraping faster than the nodes collect statistics is a warning', () => {
    const w = plan({ monitoring: { scrapeIntervalSeconds: 15 }, rabbitmq: { collectStatisticsIntervalMs: 30000 } }).warnings;
    expect(w).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'scrape-faster-than-statistics', path: 'monitoring.scrapeIntervalSeconds' })]));
    expect(plan().warnings.map((x) => x.id)).not.toContain('scrape-faster-than-statistics');
  });
});

describe('prometheus.yml', () => {
  test('docker: one target per container on :15692, the node name as label, never the load balancer', () => {
    const c = promConfig();
    expect(c.rule_files).toEqual(['rabbitmq-alerts.yml']);
    expect(c.scrape_configs).toHaveLength(1);
    const job = c.scrape_configs[0];
    expect(job).toEqual(expect.objectContaining({ job_name: 'rmq', metrics_path: '/metrics', scrape_interval: '15s', scrape_timeout: '10s' }));
    expect(job.static_configs).toEqual([0, 1, 2].map((i) => ({ targets: [`rmq-${i}:15692`], labels: { rmq_ha_node: `rmq-${i}` } })));
    const p = plan({ loadBalancer: { kind: 'haproxy', prometheus: true } });
    expect(p.loadBalancer).toBeDefined();
    const text = p.monitoring.prometheusConfig.content;
    expect(text).not.toMatch(/rmq-lb|:8404|nodes\//);
  });

  test('kubernetes: pod DNS names through the headless Service', () => {
    expect(targetsOf(promConfig({ target: 'kubernetes', kubernetes: { namespace: 'mq' } }))).toEqual([
      'rmq-server-0.rmq-nodes.mq:15692',
      'rmq-server-1.rmq-nodes.mq:15692',
      'rmq-server-2.rmq-nodes.mq:15692',
    ]);
  });

  test('local: the loopback Prometheus port of each node; files under <dir>/monitoring', () => {
    const p = localPlan();
    const c = parseYaml(p.monitoring.prometheusConfig.content) as PromConfig;
    expect(targetsOf(c)).toEqual(['127.0.0.1:15800', '127.0.0.1:15801', '127.0.0.1:15802']);
    expect(p.monitoring.prometheusConfig.path).toBe('/tmp/rmq-local/monitoring/prometheus.yml');
    expect(plan().monitoring.prometheusConfig.path).toBe('/etc/prometheus/prometheus.yml');
  });

  test('targets are the only difference between docker, kubernetes and local (rules differ only in peer names)', () => {
    const strip = (text: string): string => text.replace(/^#.*\n/gm, '').replace(/- [^\s]+:\d+\n/g, '- T\n').replace(/rmq_ha_node: .*/g, 'rmq_ha_node: N');
    const docker = plan().monitoring.prometheusConfig.content;
    const k8s = plan({ target: 'kubernetes' }).monitoring.prometheusConfig.content;
    const local = localPlan().monitoring.prometheusConfig.content;
    expect(strip(k8s)).toBe(strip(docker));
    expect(strip(local)).toBe(strip(docker));
    const peerless = (text: string): string => text.replace(/peer=~"[^"]*"/g, 'peer=~"P"');
    expect(peerless(plan({ target: 'kubernetes' }).monitoring.alertRules!.content)).toBe(peerless(plan().monitoring.alertRules!.content));
  });

  test('per-object job only when enabled, on /metrics/per-object at its own interval; job name from the spec', () => {
    const c = promConfig({ monitoring: { jobName: 'mq_prod', perObject: { enabled: true } } });
    expect(c.scrape_configs.map((j) => [j.job_name, j.metrics_path, j.scrape_interval])).toEqual([
      ['mq_prod', '/metrics', '15s'],
      ['mq_prod-per-object', '/metrics/per-object', '1m'],
    ]);
    expect(targetsOf(c, 1)).toEqual(targetsOf(c, 0));
  });

  test('alertRules: false renders no rules file and no rule_files entry', () => {
    const p = plan({ monitoring: { alertRules: false } });
    expect(p.monitoring.alertRules).toBeUndefined();
    expect(parseYaml(p.monitoring.prometheusConfig.content).rule_files).toBeUndefined();
    expect(planFiles(p).map((f) => f.path).filter((f) => f.startsWith('monitoring/'))).toEqual(['monitoring/prometheus.yml']);
  });

  test('render lays the files out under monitoring/', () => {
    expect(planFiles(plan()).map((f) => f.path).filter((f) => f.startsWith('monitoring/'))).toEqual(['monitoring/prometheus.yml', 'monitoring/rabbitmq-alerts.yml']);
  });
});

describe('rabbitmq-alerts.yml', () => {
  const file = ruleFile();
  const rules = file.groups[0].rules;

  test('one group for the cluster; every rule has for, severity, rabbitmq_cluster, rulesgroup and a summary', () => {
    expect(file.groups.map((g) => g.name)).toEqual(['rabbitmq-rmq']);
    expect(rules.length).toBeGreaterThanOrEqual(10);
    for (const r of rules) {
      expect(r.for).toMatch(/^\d+[smh]$/);
      expect(['warning', 'critical']).toContain(r.labels.severity);
      expect(r.labels).toEqual(expect.objectContaining({ rabbitmq_cluster: 'rmq', rulesgroup: 'rabbitmq' }));
      expect(r.annotations.summary.length).toBeGreaterThan(20);
      expect(r.annotations.description.length).toBeGreaterThan(20);
    }
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
  });

  test('the operator rules it adapts are there', () => {
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'MemoryAlarm',
        'RabbitmqDiskAlarm',
        'RabbitmqFileDescriptorAlarm',
        'FileDescriptorsNearLimit',
        'HighConnectionChurn',
        'InsufficientEstablishedErlangDistributionLinks',
        'LowDiskWatermarkPredicted',
        'UnroutableMessages',
        'NoMajorityOfNodesRunning',
        'RabbitmqNodeDown',
      ]),
    );
  });

  test('every metric selector names the cluster job; RabbitMQ series are joined with rabbitmq_identity_info', () => {
    for (const r of rules) {
      for (const name of metricNamesIn(r.expr)) expect(r.expr).toContain(`${name}{job="rmq"`);
      if (r.expr.includes('rabbitmq_') && !r.expr.startsWith('up')) {
        expect(r.expr).toMatch(/\* on\(instance\) group_left\(rabbitmq_cluster[^)]*\) rabbitmq_identity_info\{job="rmq"\}/);
      }
    }
  });

  test('node counts come from the spec: majority and full-mesh link count', () => {
    const five = ruleFile({ nodes: 5 }).groups[0].rules;
    expect(five.find((r) => r.alert === 'NoMajorityOfNodesRunning')!.expr).toBe('(count(up{job="rmq"} == 1) or vector(0)) < 3');
    expect(five.find((r) => r.alert === 'InsufficientEstablishedErlangDistributionLinks')!.expr).toMatch(/\) < 20$/);
    expect(rules.find((r) => r.alert === 'InsufficientEstablishedErlangDistributionLinks')!.expr).toContain('peer=~"rabbit@rmq-0|rabbit@rmq-1|rabbit@rmq-2"');
    const single = ruleFile({ nodes: 1 }).groups[0].rules;
    expect(single.map((r) => r.alert)).not.toContain('InsufficientEstablishedErlangDistributionLinks');
    expect([1, 2, 3, 4, 5, 7].map(majorityOf)).toEqual([1, 2, 2, 3, 3, 4]);
  });

  test('rate windows: 5 minutes, or 4 scrape intervals when scrapes are slower', () => {
    expect(rateWindow(spec())).toBe('5m');
    expect(rateWindow(spec({ monitoring: { scrapeIntervalSeconds: 120, scrapeTimeoutSeconds: 10 } }))).toBe('8m');
    expect([90, 300, 3600, 86400].map(promDuration)).toEqual(['90s', '5m', '1h', '24h']);
  });

  test('per-object rules only with the per-object job; the Raft term name follows the version', () => {
    expect(rules.map((r) => r.alert)).not.toContain('QueueHasNoConsumers');
    const on = { monitoring: { perObject: { enabled: true } } };
    const old = ruleFile(on, '3.10.8').groups[0].rules;
    expect(old.map((r) => r.alert)).toEqual(expect.arrayContaining(['QueueHasNoConsumers', 'QueueIsGrowing', 'QuorumQueueLeaderElections']));
    for (const r of old.filter((x) => x.alert.startsWith('Queue'))) expect(r.expr).toContain('{job="rmq-per-object"}');
    expect(old.find((r) => r.alert === 'QuorumQueueLeaderElections')!.expr).toContain('changes(rabbitmq_raft_term_total{job="rmq-per-object"}[15m])');
    const current = ruleFile(on, '4.2.0').groups[0].rules;
    expect(current.find((r) => r.alert === 'QuorumQueueLeaderElections')!.expr).toContain('changes(rabbitmq_raft_term{job="rmq-per-object"}[15m])');
    expect(['3.10.8', '4.0.9', '4.1.4', '4.2.0', '4.3.4'].map((v) => raftTermMetric(parseVersion(v)!))).toEqual([
      'rabbitmq_raft_term_total',
      'rabbitmq_raft_term_total',
      'rabbitmq_raft_term_total',
      'rabbitmq_raft_term',
      'rabbitmq_raft_term',
    ]);
  });

  test('metricNamesIn finds metrics, not label names in groupings and matchers', () => {
    expect(metricNamesIn('max by(rabbitmq_cluster) (rabbitmq_x{job="a",rabbitmq_node="b"} * on(instance) group_left(rabbitmq_cluster, rabbitmq_node) rabbitmq_identity_info{job="a"}) or up{job="a"} == 0')).toEqual([
      'rabbitmq_identity_info',
      'rabbitmq_x',
      'up',
    ]);
  });

  test('alertRules is pure and deterministic', () => {
    const ctx = { spec: spec(), version: parseVersion('4.3.4')!, addresses: plan().addresses };
    expect(alertRules(ctx)).toEqual(alertRules(ctx));
    expect(plan().monitoring.alertRules!.content).toBe(plan().monitoring.alertRules!.content);
  });
});

describe('Kubernetes pod annotations', () => {
  const annotations = (extra: Partial<ClusterSpecInput> = {}): Record<string, string> => statefulSet(synthStack(k8sSpec(extra)).json).spec.template.metadata.annotations;

  test('the RabbitMQ pods carry the prometheus.io scrape annotations', () => {
    expect(annotations()).toEqual(expect.objectContaining({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '15692', 'prometheus.io/path': '/metrics' }));
  });

  test('switched off with monitoring.podAnnotations: false; the spec\'s own pod annotations win', () => {
    expect(Object.keys(annotations({ monitoring: { podAnnotations: false } })).filter((k) => k.startsWith('prometheus.io/'))).toEqual([]);
    expect(annotations({ kubernetes: { podAnnotations: { 'prometheus.io/scrape': 'false' } } })['prometheus.io/scrape']).toBe('false');
  });

  test('docker plans carry no pod annotations', () => {
    expect(plan().monitoring.podAnnotations).toEqual({});
  });
});

describe('scraping under TLS', () => {
  test('tls.prometheus: every job scrapes the TLS listener (15691) over HTTPS, verified against the CA file beside prometheus.yml', () => {
    const c = parseYaml(plan({ tls: { enabled: true }, monitoring: { perObject: { enabled: true } } }).monitoring.prometheusConfig.content) as { scrape_configs: Array<Record<string, any>> }; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(c.scrape_configs).toHaveLength(2);
    for (const job of c.scrape_configs) {
      expect(job.scheme).toBe('https');
      expect(job.tls_config).toEqual({ ca_file: 'rabbitmq-ca.pem' });
      expect(job.static_configs.flatMap((x: { targets: string[] }) => x.targets)).toEqual(['rmq-0:15691', 'rmq-1:15691', 'rmq-2:15691']);
    }
    expect(plan({ tls: { enabled: true } }).monitoring.prometheusConfig.content).toContain('terraform output -raw tls_ca_certificate');
  });
  test('without TLS, or with the Prometheus endpoint left plain, the scrape stays HTTP on 15692', () => {
    for (const input of [{}, { tls: { enabled: true, required: false, prometheus: false } }] as Array<Partial<ClusterSpecInput>>) {
      const c = promConfig(input);
      expect(c.scrape_configs[0]).not.toHaveProperty('scheme');
      expect(targetsOf(c)).toEqual(['rmq-0:15692', 'rmq-1:15692', 'rmq-2:15692']);
    }
  });
});

describe('promtool (Debian prometheus package) accepts the rendered files', () => {
  const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-promtool-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('promtool is installed (test/run-tests.sh installs the prometheus package)', () => {
    expect(promtool.error).toBeUndefined();
    expect(promtool.status).toBe(0);
  });

  test.each([
    ['docker, 3 nodes', {}],
    ['kubernetes, 5 nodes, per-object on', { target: 'kubernetes', nodes: 5, monitoring: { perObject: { enabled: true } } }],
    ['docker 3.10 per-object', { rabbitmq: { version: '3.10.8' }, monitoring: { perObject: { enabled: true }, scrapeIntervalSeconds: 30 } }],
    ['single node', { nodes: 1 }],
    ['docker, TLS (HTTPS scrape, per-object on)', { tls: { enabled: true }, monitoring: { perObject: { enabled: true } } }],
  ] as Array<[string, Partial<ClusterSpecInput>]>)('%s: promtool check config (and the rules file it names)', (name, input) => {
    const dir = path.join(tmp, name.replace(/\W+/g, '-'));
    fs.mkdirSync(dir, { recursive: true });
    for (const f of planFiles(plan(input)).filter((x) => x.path.startsWith('monitoring/'))) fs.writeFileSync(path.join(dir, path.basename(f.path)), f.content);
    const config = spawnSync('promtool', ['check', 'config', path.join(dir, 'prometheus.yml')], { encoding: 'utf8' });
    expect(config.stderr + config.stdout).toMatch(/SUCCESS: .* is valid prometheus config file syntax/);
    expect(config.status).toBe(0);
    const rules = spawnSync('promtool', ['check', 'rules', path.join(dir, 'rabbitmq-alerts.yml')], { encoding: 'utf8' });
    expect(rules.stdout).toMatch(/SUCCESS: \d+ rules found/);
    expect(rules.status).toBe(0);
  });

  test('promtool test rules: the alerts fire on synthetic series (joins, majority, link count)', () => {
    const dir = path.join(tmp, 'unit');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'rabbitmq-alerts.yml'), plan().monitoring.alertRules!.content);
    const id = (i: number): string => `rabbitmq_identity_info{job="rmq",instance="rmq-${i}:15692",rmq_ha_node="rmq-${i}",rabbitmq_node="rabbit@rmq-${i}",rabbitmq_cluster="rmq"}`;
    const series = [
      { series: 'up{job="rmq",instance="rmq-0:15692",rmq_ha_node="rmq-0"}', values: '1x20' },
      { series: 'up{job="rmq",instance="rmq-1:15692",rmq_ha_node="rmq-1"}', values: '0x20' },
      { series: 'up{job="rmq",instance="rmq-2:15692",rmq_ha_node="rmq-2"}', values: '0x20' },
      ...[0, 1, 2].map((i) => ({ series: id(i), values: '1x20' })),
      { series: 'rabbitmq_alarms_memory_used_watermark{job="rmq",instance="rmq-1:15692",rmq_ha_node="rmq-1"}', values: '0 0 1x18' },
      { series: 'rabbitmq_alarms_memory_used_watermark{job="rmq",instance="rmq-0:15692",rmq_ha_node="rmq-0"}', values: '0x20' },
      // node 0 sees only node 1; every other link is down: 1 of 6 links.
      { series: 'erlang_vm_dist_node_state{job="rmq",instance="rmq-0:15692",rmq_ha_node="rmq-0",peer="rabbit@rmq-1"}', values: '3x20' },
      { series: 'erlang_vm_dist_node_state{job="rmq",instance="rmq-0:15692",rmq_ha_node="rmq-0",peer="rabbitmqcli-1@rmq-0"}', values: '3x20' },
    ];
    const rendered = (parseYaml(plan().monitoring.alertRules!.content) as RuleFile).groups[0].rules;
    // promtool compares annotations too: expand the rendered templates the way Prometheus does.
    const expected = (alert: string, labels: Record<string, string>, value: string) => {
      const rule = rendered.find((r) => r.alert === alert)!;
      const expand = (text: string): string =>
        text.replace(/\{\{ \$value \}\}/g, value).replace(/\{\{ \$labels\.(\w+) \}\}/g, (_m, l: string) => labels[l] ?? '');
      return {
        exp_labels: { ...labels, ...rule.labels },
        exp_annotations: { summary: expand(rule.annotations.summary), description: expand(rule.annotations.description) },
      };
    };
    const test = {
      rule_files: ['rabbitmq-alerts.yml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: series,
          alert_rule_test: [
            { eval_time: '5m', alertname: 'NoMajorityOfNodesRunning', exp_alerts: [expected('NoMajorityOfNodesRunning', {}, '1')] },
            { eval_time: '5m', alertname: 'MemoryAlarm', exp_alerts: [expected('MemoryAlarm', { rabbitmq_cluster: 'rmq', rabbitmq_node: 'rabbit@rmq-1' }, '1')] },
            { eval_time: '15m', alertname: 'InsufficientEstablishedErlangDistributionLinks', exp_alerts: [expected('InsufficientEstablishedErlangDistributionLinks', { rabbitmq_cluster: 'rmq' }, '1')] },
            { eval_time: '5m', alertname: 'RabbitmqNodeDown', exp_alerts: [1, 2].map((i) => expected('RabbitmqNodeDown', { job: 'rmq', instance: `rmq-${i}:15692`, rmq_ha_node: `rmq-${i}` }, '0')) },
          ],
        },
      ],
    };
    fs.writeFileSync(path.join(dir, 'test.yml'), JSON.stringify(test));
    const r = spawnSync('promtool', ['test', 'rules', path.join(dir, 'test.yml')], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toMatch(/SUCCESS/);
    expect(r.status).toBe(0);
  });
});
