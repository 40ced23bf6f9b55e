/**
 * kubernetes.networkPolicy: the spec's rules (each names field, value and fix) and the
 * NetworkPolicy's peers and ports in the synthesized stack and in the converted manifest.
 */
import { checkKubernetesStack } from '../constructs/kubernetes/consistency';
import { stackToManifests } from '../constructs/kubernetes/manifests';
import type { ClusterSpecInput } from '../spec/cluster';
import { SpecError } from '../spec/errors';
import { buildPlan } from '../plan/plan';
import { parseClusterSpec } from '../spec/parse';
import { k8sSpec, synthStack, type StackJson } from './helpers/kubernetes';

/* eslint-disable @typescript-eslint/no-explicit-any */
const withPolicy = (networkPolicy: Record<string, unknown>, extra: Record<string, unknown> = {}, version = '4.3.4'): ClusterSpecInput =>
  k8sSpec({ nodes: 3, ...extra, kubernetes: { ...((extra.kubernetes as object) ?? {}), networkPolicy: { enabled: true, ...networkPolicy } } } as Partial<ClusterSpecInput>, version);
const policyOf = (j: StackJson): any => j.resource.kubernetes_network_policy_v1?.server;
const rulePorts = (rule: any): Array<string | number> => rule.ports.map((p: any) => (p.end_port ? `${p.port}-${p.end_port}` : Number(p.port)));

const APPS = { namespaces: { 'kubernetes.io/metadata.name': 'apps' } };
const PROMETHEUS = { namespaces: { 'kubernetes.io/metadata.name': 'monitoring' }, pods: { 'app.kubernetes.io/name': 'prometheus' } };
const OWN = { 'app.kubernetes.io/component': 'rabbitmq', 'app.kubernetes.io/name': 'rmq' };
const LB = { 'app.kubernetes.io/component': 'load-balancer', 'app.kubernetes.io/name': 'rmq' };

function issues(input: ClusterSpecInput): Array<{ path: string; message: string }> {
  try {
    parseClusterSpec(input);
    return [];
  } catch (e) {
    if (!SpecError.isSpecError(e)) throw e;
    return e.issues.map((i) => ({ path: i.path, message: i.message }));
  }
}

describe('the spec section', () => {
  test('off by default: no NetworkPolicy', () => {
    expect(parseClusterSpec({ name: 'r', target: 'kubernetes' }).kubernetes.networkPolicy).toEqual({ enabled: false, clients: [], metrics: [] });
    expect(policyOf(synthStack(k8sSpec()).json)).toBeUndefined();
  });

  test.each([
    ['a peer naming no one', { clients: [{}] }, 'kubernetes.networkPolicy.clients[0]', /names no one: give namespaces, pods \(labels\) or cidr/],
    ['a cidr with pods', { clients: [{ cidr: '10.0.0.0/8', pods: { app: 'x' } }] }, 'kubernetes.networkPolicy.clients[0].cidr', /cannot be combined with namespaces or pods/],
    ['a bad cidr', { metrics: [{ cidr: 'everyone' }] }, 'kubernetes.networkPolicy.metrics[0].cidr', /must be a CIDR/],
    ['a bad label key', { clients: [{ pods: { 'bad key!': 'x' } }] }, 'kubernetes.networkPolicy.clients[0].pods.bad key!', /not a valid label key/],
  ])('%s is refused with the field and the fix', (_name, np, path, message) => {
    expect(issues(withPolicy(np))).toEqual([expect.objectContaining({ path, message: expect.stringMatching(message) })]);
  });

  test('with TLS on and no policy, validate warns (network-policy-off); not without TLS, not with the policy on', () => {
    const ids = (input: ClusterSpecInput): string[] => buildPlan(parseClusterSpec(input)).warnings.map((w) => w.id);
    expect(ids(k8sSpec({ tls: { enabled: true } } as Partial<ClusterSpecInput>))).toContain('network-policy-off');
    expect(ids(k8sSpec())).not.toContain('network-policy-off');
    expect(ids(withPolicy({}, { tls: { enabled: true } }))).not.toContain('network-policy-off');
    expect(ids({ name: 'rmq', tls: { enabled: true } } as ClusterSpecInput)).not.toContain('network-policy-off'); // docker
  });

  test('nodes facing outside clients directly need a cidr peer', () => {
    const direct = { kubernetes: { serviceType: 'LoadBalancer' }, loadBalancer: { kind: 'none' } };
    expect(issues(withPolicy({ clients: [APPS] }, direct))).toEqual([
      { path: 'kubernetes.networkPolicy.clients', message: expect.stringMatching(/admits no client from outside the cluster.*serviceType LoadBalancer.*add a peer \{ cidr: \.\.\. \}/) },
    ]);
    expect(issues(withPolicy({ clients: [{ cidr: '203.0.113.0/24' }] }, direct))).toEqual([]);
    // Behind a proxy the proxy faces the outside; the policy admits the proxy's pods.
    expect(issues(withPolicy({}, { kubernetes: { serviceType: 'LoadBalancer' }, loadBalancer: { kind: 'haproxy' } }))).toEqual([]);
  });
});

describe('the NetworkPolicy <cluster>-server', () => {
  test('plain cluster behind HAProxy: inter-node ports from its own pods only; listeners from the proxies and the named peers', () => {
    const j = synthStack(withPolicy({ clients: [APPS, { cidr: '203.0.113.0/24' }], metrics: [PROMETHEUS] }, { loadBalancer: { kind: 'haproxy' } })).json;
    const p = policyOf(j);
    expect(p.metadata.name).toBe('rmq-server');
    expect(p.spec.pod_selector).toEqual({ match_labels: OWN });
    expect(p.spec.policy_types).toEqual(['Ingress']);
    const rules = p.spec.ingress;
    expect(rules.map((r: any) => r.from)).toEqual([
      [{ pod_selector: { match_labels: OWN } }],
      [{ pod_selector: { match_labels: LB } }],
      [{ namespace_selector: { match_labels: APPS.namespaces } }, { ip_block: { cidr: '203.0.113.0/24' } }],
      [{ namespace_selector: { match_labels: PROMETHEUS.namespaces }, pod_selector: { match_labels: PROMETHEUS.pods } }],
    ]);
    expect(rules.map(rulePorts)).toEqual([
      [4369, 25672, '35672-35682', 5672, 15672, 15692],
      [5672, 15672, 15692],
      [5672, 15672],
      [15692],
    ]);
    // epmd, distribution and the CLI ports appear only in the rule of the cluster's own pods.
    for (const r of rules.slice(1)) for (const port of [4369, 25672]) expect(rulePorts(r)).not.toContain(port);
    expect(rules.every((r: any) => r.from.length > 0 && r.ports.every((x: any) => x.protocol === 'TCP'))).toBe(true);
  });

  test('with TLS required the policy opens the TLS ports and no plain one', () => {
    const j = synthStack(withPolicy({ clients: [APPS], metrics: [PROMETHEUS] }, { tls: { enabled: true } })).json;
    const rules = policyOf(j).spec.ingress;
    expect(rules.map(rulePorts)).toEqual([
      [4369, 25672, '35672-35682', 5671, 15671, 15691],
      [5671, 15671],
      [15691],
    ]);
    for (const plain of [5672, 15672, 15692]) expect(rules.flatMap(rulePorts)).not.toContain(plain);
  });

  test('plugin listeners count as client ports', () => {
    const rules = policyOf(synthStack(withPolicy({ clients: [APPS] }, { rabbitmq: { plugins: ['rabbitmq_stream', 'rabbitmq_mqtt'] } })).json).spec.ingress;
    expect(rules.map(rulePorts)).toEqual([
      [4369, 25672, '35672-35682', 5672, 15672, 5552, 1883, 15692],
      [5672, 15672, 5552, 1883],
    ]);
  });

  test('no peers named: only the cluster\'s own pods (never a rule without peers, which would admit everyone)', () => {
    const rules = policyOf(synthStack(withPolicy({})).json).spec.ingress;
    expect(rules).toHaveLength(1);
    expect(rules[0].from).toEqual([{ pod_selector: { match_labels: OWN } }]);
  });

  test('the manifest the provider creates: integer ports, endPort, selectors', () => {
    const m = (stackToManifests(synthStack(withPolicy({ metrics: [PROMETHEUS] }, { loadBalancer: { kind: 'nginx' } })).json) as any[]).find((x) => x.kind === 'NetworkPolicy');
    expect(m.apiVersion).toBe('networking.k8s.io/v1');
    expect(m.spec.ingress[0].ports.slice(0, 3)).toEqual([{ port: 4369, protocol: 'TCP' }, { port: 25672, protocol: 'TCP' }, { port: 35672, endPort: 35682, protocol: 'TCP' }]);
    expect(m.spec.ingress[2].from).toEqual([{ namespaceSelector: { matchLabels: PROMETHEUS.namespaces }, podSelector: { matchLabels: PROMETHEUS.pods } }]);
    expect(m.spec.podSelector).toEqual({ matchLabels: OWN });
  });
});

describe('the consistency checker reads the NetworkPolicy as an enforcing CNI would', () => {
  const base = synthStack(withPolicy({ clients: [APPS], metrics: [PROMETHEUS] }, { loadBalancer: { kind: 'haproxy' }, tls: { enabled: true } })).json;
  const edit = (f: (rules: any[]) => void): StackJson => {
    const j = JSON.parse(JSON.stringify(base));
    f(j.resource.kubernetes_network_policy_v1.server.spec.ingress);
    return j;
  };

  test('the synthesized policy: nodes reach each other, the proxy reaches every port its config uses (5671 and the check port 15691)', () => {
    expect(checkKubernetesStack(base)).toEqual([]);
  });

  test.each([
    ['no rule for the own pods', (r: any[]) => r.splice(0, 1), /does not admit kubernetes_stateful_set_v1\.server's own pods to epmd \(4369\); the nodes could not cluster/],
    ['a namespace peer on the distribution port', (r: any[]) => r[0].from.push({ namespace_selector: { match_labels: { team: 'x' } } }), /ingress rule 0 admits .*team.* to cluster-rpc \(25672\); only the cluster's own pods may reach the inter-node ports/],
    ['a rule without peers', (r: any[]) => r.push({ ports: [{ port: '5671', protocol: 'TCP' }] }), /ingress rule 4 has no from; it admits every source/],
    ['no rule for the proxy', (r: any[]) => r.splice(1, 1), /does not admit kubernetes_deployment_v1\.load_balancer's pods to port 5671 .*which its config connects to/],
    ['the proxy without its check port', (r: any[]) => (r[1].ports = r[1].ports.filter((p: any) => p.port !== '15691')), /does not admit kubernetes_deployment_v1\.load_balancer's pods to port 15691/],
  ])('%s is reported', (_name, change, message) => {
    expect(checkKubernetesStack(edit(change))).toContainEqual(expect.stringMatching(message));
  });
});
