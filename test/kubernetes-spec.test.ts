import { podFiles } from '../constructs/kubernetes/private/config-files';
import {
  cpuQuantity,
  disruptionBudgetMaxUnavailable,
  majority,
  peerDiscoveryUsesApi,
  preStopBudget,
  startupCheck,
  startupFailureThreshold,
} from '../constructs/kubernetes/private/policies';
import { buildPlan } from '../plan/plan';
import { SpecError } from '../spec/errors';
import { parseClusterSpec } from '../spec/parse';
import { parseVersion } from '../spec/version';
import { issuesOf } from './helpers/specs';


const k8s = (kubernetes: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ name: 'r', target: 'kubernetes', kubernetes, ...extra });

describe('kubernetes spec: defaults', () => {
  test('production-minded defaults, each documented with @default', () => {
    const k = parseClusterSpec({ name: 'r', target: 'kubernetes' }).kubernetes;
    expect(k).toEqual({
      namespace: 'rabbitmq',
      createNamespace: true,
      serviceType: 'ClusterIP',
      serviceAnnotations: {},
      loadBalancerSourceRanges: [],
      storage: { size: 10 * 1024 ** 3 },
      spread: { hosts: 'required', zones: 'preferred' },
      terminationGracePeriodSeconds: 604800,
      clusterDomain: 'cluster.local',
      dnsResolver: 'kube-dns.kube-system.svc',
      runAsUser: 999,
      runAsGroup: 999,
      startupDelaySeconds: 30,
      startupTimeoutSeconds: 600,
      livenessProbe: 'none',
      labels: {},
      annotations: {},
      podAnnotations: {},
      nodeSelector: {},
      imagePullSecrets: [],
      provider: { configPath: '~/.kube/config' },
      networkPolicy: { enabled: false, clients: [], metrics: [] },
    });
  });
});

describe('kubernetes spec: every rule names field, value and fix', () => {
  test.each([
    ['kubernetes.namespace', { namespace: 'Bad_NS' }, /DNS label/],
    ['kubernetes.serviceType', { serviceType: 'Ingress' }, /"ClusterIP", "LoadBalancer", "NodePort"/],
    ['kubernetes.terminationGracePeriodSeconds', { terminationGracePeriodSeconds: 30 }, />= 300 s: the preStop hook/],
    ['kubernetes.spread.hosts', { spread: { hosts: 'maybe' } }, /"required", "preferred", "none"/],
    ['kubernetes.livenessProbe', { livenessProbe: 'http' }, /"none", "ping"/],
    ['kubernetes.clusterDomain', { clusterDomain: 'Cluster_Local.' }, /must be a DNS domain such as cluster\.local/],
    ['kubernetes.loadBalancerSourceRanges[0]', { serviceType: 'LoadBalancer', loadBalancerSourceRanges: ['everyone'] }, /CIDR/],
    ['kubernetes.storage.storageClass', { storage: { storageClass: 'Fast SSD' } }, /StorageClass name/],
    ['kubernetes.labels.bad key!', { labels: { 'bad key!': 'x' } }, /not a valid label key/],
    ['kubernetes.labels.team', { labels: { team: 'a b' } }, /label value/],
    ['kubernetes.annotations.-x', { annotations: { '-x': 'y' } }, /not a valid annotation key/],
    ['kubernetes.dnsResolver', { dnsResolver: 'kube dns;' }, /must be a DNS name such as kube-dns\.kube-system\.svc or an IPv4 address/],
    ['kubernetes.runAsUser', { runAsUser: 0 }, /must be a uid >= 1: the pods run as non-root/],
  ])('%s', (path, kubernetes, message) => {
    expect(issuesOf(k8s(kubernetes))).toEqual([expect.objectContaining({ path, message: expect.stringMatching(message) })]);
  });

  test('invalid combinations inside the section', () => {
    expect(issuesOf(k8s({ namespace: 'kube-system' }))).toEqual([
      expect.objectContaining({ path: 'kubernetes.createNamespace', message: expect.stringMatching(/kube-system always exists; set createNamespace: false/) }),
    ]);
    expect(issuesOf(k8s({ namespace: 'default', createNamespace: false }))).toEqual([]);
    expect(issuesOf(k8s({ loadBalancerSourceRanges: ['10.0.0.0/8'] }))).toEqual([
      expect.objectContaining({ path: 'kubernetes.loadBalancerSourceRanges', value: ['10.0.0.0/8'], message: expect.stringMatching(/only applies to serviceType LoadBalancer \(got ClusterIP\)/) }),
    ]);
    expect(issuesOf(k8s({ labels: { 'app.kubernetes.io/name': 'x', skipPreStopChecks: 'true' } }))).toEqual([
      expect.objectContaining({ path: 'kubernetes.labels.app.kubernetes.io/name', value: 'x', message: expect.stringMatching(/is set by rmq-ha/) }),
      expect.objectContaining({ path: 'kubernetes.labels.skipPreStopChecks', message: expect.stringMatching(/is set by rmq-ha/) }),
    ]);
    expect(issuesOf(k8s({ podAnnotations: { 'rmq-ha/config-sha256': 'x' } }))).toEqual([
      expect.objectContaining({ path: 'kubernetes.podAnnotations.rmq-ha/config-sha256', message: expect.stringMatching(/prefix is written by rmq-ha/) }),
    ]);
  });

  test('unknown fields get a did-you-mean', () => {
    expect(issuesOf(k8s({ namepsace: 'x' }))).toEqual([expect.objectContaining({ path: 'kubernetes.namepsace', message: expect.stringMatching(/did you mean 'namespace'/) })]);
  });

  test('storage must exceed the disk free limit (absolute, or relative to memory): parseClusterSpec rejects it', () => {
    const input = (storage: string, diskFreeLimit: unknown) => k8s({ storage: { size: storage } }, { rabbitmq: { diskFreeLimit }, resources: { memory: '4GiB' } });
    expect(issuesOf(input('10Gi', { absolute: '2GB' }))).toEqual([]);
    expect(() => parseClusterSpec(input('2GB', { absolute: '2GB' }))).toThrow(SpecError);
    expect(() => parseClusterSpec(input('2GB', { absolute: '2GB' }))).toThrow(/kubernetes\.storage\.size: got 2000000000; must exceed the disk free limit \(2000000000 bytes\)/);
    expect(issuesOf(input('2GB', { absolute: '2GB' }))).toEqual([
      { path: 'kubernetes.storage.size', value: 2e9, message: expect.stringMatching(/^must exceed the disk free limit \(2000000000 bytes\), or every node starts in a disk alarm .* raise the size or lower rabbitmq\.diskFreeLimit$/) },
    ]);
    expect(issuesOf(input('4Gi', { relative: 1.5 }))).toEqual([
      { path: 'kubernetes.storage.size', value: 4 * 1024 ** 3, message: expect.stringMatching(/must exceed the disk free limit \(6442450944 bytes\)/) },
    ]);
    // Only the kubernetes target has a volume size: the rule does not apply elsewhere.
    expect(issuesOf({ name: 'r', kubernetes: { storage: { size: '1Gi' } } })).toEqual([]);
  });
});

describe('kubernetes workload policies', () => {
  test('majority and the disruption budget', () => {
    expect([1, 2, 3, 4, 5, 7].map(majority)).toEqual([1, 2, 2, 3, 3, 4]);
    expect([1, 2, 3, 4, 5, 7].map(disruptionBudgetMaxUnavailable)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  test('peer discovery calls the API before 4.1 only', () => {
    expect(['3.10.8', '4.0.9', '4.1.0', '4.3.4'].map((v) => peerDiscoveryUsesApi(parseVersion(v)!))).toEqual([true, true, false, false]);
  });

  test('the preStop budget always fits the grace period', () => {
    for (const grace of [300, 900, 3600, 86400, 604800]) {
      for (const nodes of [1, 2, 3, 5]) {
        const b = preStopBudget(grace, nodes);
        expect(b.awaitQuorumSeconds + b.drainSeconds + b.shutdownSeconds).toBe(grace);
        expect(b.shutdownSeconds).toBeGreaterThanOrEqual(60);
        expect(b.drainSeconds).toBeLessThanOrEqual(600);
        expect(b.awaitQuorumSeconds === 0).toBe(nodes < 3);
      }
    }
    expect(preStopBudget(300, 3)).toEqual({ awaitQuorumSeconds: 180, drainSeconds: 60, shutdownSeconds: 60 });
    expect(() => preStopBudget(100, 3)).toThrow(/leaves no time/);
  });

  test('the startup check follows the version: HTTP from 4.2.4, rabbitmqctl before', () => {
    expect(startupCheck(parseVersion('4.2.4')!)).toEqual({ kind: 'http', path: '/api/health/checks/reached-target-cluster-size' });
    expect(startupCheck(parseVersion('4.2.3')!).kind).toBe('exec');
    expect(startupCheck(parseVersion('3.10.8')!).kind).toBe('exec');
    expect(startupFailureThreshold(600)).toBe(60);
    expect(startupFailureThreshold(65)).toBe(7);
  });

  test('CPU quantities', () => {
    expect([1, 2, 0.5, 1.25].map(cpuQuantity)).toEqual(['1', '2', '500m', '1250m']);
  });

  test('pod files: one copy for every pod, the node name in the header replaced by the pattern', () => {
    const plan = buildPlan(parseClusterSpec({ name: 'r', target: 'kubernetes', loadBalancer: { kind: 'none' } }));
    const files = podFiles(plan, 'rabbit@r-server-<i>.r-nodes.rabbitmq');
    expect(files.mountPath).toBe('/etc/rabbitmq');
    expect(files.plain.map((f) => [f.key, f.relativePath])).toEqual([
      ['rabbitmq.conf', 'conf.d/90-rmq-ha.conf'],
      ['enabled_plugins', 'enabled_plugins'],
    ]);
    expect(files.sensitive.map((f) => [f.key, f.relativePath])).toEqual([['definitions.json', 'definitions.json']]);
    expect(files.plain[0].content.split('\n')[0]).toMatch(/^# rabbitmq\.conf for rabbit@r-server-<i>\.r-nodes\.rabbitmq \(/);
    expect(files.plain[0].content).not.toContain('rabbit@r-server-0');
  });

  test('pod files: a per-node difference beyond the header cannot be shared', () => {
    const plan = buildPlan(parseClusterSpec({ name: 'r', target: 'kubernetes', loadBalancer: { kind: 'none' } }));
    const n1 = plan.nodes[1];
    const broken = { ...plan, nodes: [plan.nodes[0], { ...n1, config: { ...n1.config, content: `${n1.config.content}x = 1\n` } }, plan.nodes[2]] };
    expect(() => podFiles(broken, 'p')).toThrow(/rabbitmq\.conf differs between node 0 and node 1/);
  });
});
