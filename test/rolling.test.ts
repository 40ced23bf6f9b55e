/**
 * Rolling changes that keep quorum (cli/review/rolling.ts): which node containers change, in which
 * order, with which checks; scale-down and other data-destroying or quorum-breaking changes are
 * refused loudly; Kubernetes leaves it to the StatefulSet. The CLI part runs `rmq-ha review
 * --against` on a previous synthesis.
 */
import { testApp } from './helpers/app';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { stringify as stringifyYaml } from 'yaml';
import { buildReview, type StackJson } from '../cli/review/summary';
import { diffStacks } from '../cli/review/diff';
import { formatReview } from '../cli/review/format';
import { rollingProcedure, type RollingProcedure } from '../cli/review/rolling';
import { RabbitMqClusterStack } from '../stacks/rabbitmq-cluster-stack';
import type { ClusterSpecInput } from '../spec/cluster';
import { runCli } from './helpers/cli';

const base: ClusterSpecInput = { name: 'rmq', nodes: 3, loadBalancer: { kind: 'haproxy' } };

function synth(spec: ClusterSpecInput): { json: StackJson; stack: RabbitMqClusterStack } {
  const stack = new RabbitMqClusterStack(testApp(), 'r', { spec });
  return { json: JSON.parse(Testing.synth(stack)) as StackJson, stack };
}

function rolling(before: ClusterSpecInput, after: ClusterSpecInput): RollingProcedure | undefined {
  const a = synth(before).json;
  const b = synth(after).json;
  return rollingProcedure(a, b, diffStacks(a, b));
}

describe('rolling procedure (Docker)', () => {
  test('nothing about the nodes changes: no procedure (also for a load-balancer-only change)', () => {
    expect(rolling(base, base)).toBeUndefined();
    expect(rolling(base, { ...base, loadBalancer: { kind: 'haproxy', clientTimeout: 300, serverTimeout: 300 } })).toBeUndefined();
  });

  test('a config change that touches every node: one node at a time, highest index first, checked before and after', () => {
    const p = rolling(base, { ...base, resources: { memory: '4GiB' } })!;
    expect(p.target).toBe('docker');
    expect(p.refusals).toEqual([]);
    expect(p.prepare).toEqual([]);
    expect(p.steps.map((s) => [s.order, s.address, s.node, s.action])).toEqual([
      [1, 'docker_container.node_2', 'rabbit@rmq-2', 'replace'],
      [2, 'docker_container.node_1', 'rabbit@rmq-1', 'replace'],
      [3, 'docker_container.node_0', 'rabbit@rmq-0', 'replace'],
    ]);
    const s = p.steps[0];
    expect(s.reason).toMatch(/container definition changes/);
    expect(s.before).toEqual([
      expect.stringMatching(/^docker exec rmq-2 rabbitmq-diagnostics check_if_node_is_quorum_critical/),
      expect.stringMatching(/^docker exec rmq-2 rabbitmq-upgrade drain /),
    ]);
    expect(s.apply).toBe('terraform apply -target=docker_container.node_2');
    expect(s.after).toEqual([
      expect.stringMatching(/^until docker exec rmq-2 rabbitmq-diagnostics -q check_running; do sleep 2; done/),
      expect.stringMatching(/^docker exec rmq-2 rabbitmqctl await_online_nodes 3 --timeout 300/),
    ]);
    expect(p.finish).toMatch(/^terraform apply /);
    expect(p.notes.join(' ')).toMatch(/plain `terraform apply` would replace every changed node container at the same time/);
  });

  test('a new image: every node is recreated through its image reference; feature flags first', () => {
    const p = rolling(base, { ...base, rabbitmq: { image: 'registry.example/rabbitmq:4.3.4-management' } })!;
    expect(p.steps.map((s) => s.address)).toEqual(['docker_container.node_2', 'docker_container.node_1', 'docker_container.node_0']);
    expect(p.steps[0].reason).toMatch(/depends on docker_image\.rabbitmq, which changes \(new image/);
    expect(p.prepare).toEqual([expect.stringMatching(/^docker exec rmq-0 rabbitmqctl enable_feature_flag all/)]);
  });

  test('scale-up: existing nodes roll first, then each new node joins and is awaited; quorum queues grow onto them', () => {
    const p = rolling(base, { ...base, nodes: 5 })!;
    expect(p.refusals).toEqual([]);
    expect(p.steps.map((s) => [s.address, s.action])).toEqual([
      ['docker_container.node_2', 'replace'],
      ['docker_container.node_1', 'replace'],
      ['docker_container.node_0', 'replace'],
      ['docker_container.node_3', 'create'],
      ['docker_container.node_4', 'create'],
    ]);
    expect(p.steps[0].after[1]).toMatch(/await_online_nodes 3 /);
    expect(p.steps[3].before).toEqual([]);
    expect(p.steps[3].after[1]).toMatch(/docker exec rmq-3 rabbitmqctl await_online_nodes 4 /);
    expect(p.steps[4].after[1]).toMatch(/await_online_nodes 5 /);
    expect(p.notes[0]).toMatch(/docker exec rmq-3 rabbitmq-queues grow rabbit@rmq-3 all; docker exec rmq-4 rabbitmq-queues grow rabbit@rmq-4 all/);
  });

  test('scale-down is refused loudly: the node and its volume go; shrink, stop_app and forget_cluster_node explained', () => {
    const p = rolling(base, { ...base, nodes: 2 })!;
    expect(p.refusals).toHaveLength(1);
    const r = p.refusals[0];
    expect(r).toMatch(/^REFUSED as a routine step: scale-down removes rabbit@rmq-2 \(docker_container\.node_2\) and destroys its volume docker_volume\.node_2/);
    expect(r).toMatch(/still counts in every majority/);
    expect(r).toMatch(/docker exec rmq-0 rabbitmq-queues shrink rabbit@rmq-2/);
    expect(r).toMatch(/docker exec rmq-2 rabbitmqctl stop_app/);
    expect(r).toMatch(/docker exec rmq-0 rabbitmqctl forget_cluster_node rabbit@rmq-2/);
    // the remaining nodes still get their own steps (their peer list changes)
    expect(p.steps.map((s) => s.address)).toEqual(['docker_container.node_1', 'docker_container.node_0']);
    expect(p.steps[0].after[1]).toMatch(/await_online_nodes 2 /);
  });

  test('removing two nodes: one refusal each, highest index first', () => {
    const p = rolling({ ...base, nodes: 5 }, base)!;
    expect(p.refusals.map((r) => /removes (\S+)/.exec(r)![1])).toEqual(['rabbit@rmq-4', 'rabbit@rmq-3']);
  });

  test('a new Erlang cookie cannot be rolled: refused, nodes would not talk to each other', () => {
    const p = rolling(base, { ...base, credentials: { erlangCookie: { generate: { length: 64 } } } })!;
    expect(p.refusals).toEqual([expect.stringMatching(/^REFUSED as a rolling change: random_password\.erlang_cookie changes and the Erlang cookie changes/)]);
  });

  test('a renamed cluster replaces the volumes (data destroyed) and the network: refused', () => {
    const p = rolling(base, { ...base, name: 'rmq2' })!;
    expect(p.refusals.filter((r) => /docker_volume\.node_\d \(data of rabbit@rmq2-\d\) changes/.test(r))).toHaveLength(3);
    expect(p.refusals.some((r) => /docker_network\.cluster changes and the cluster network is replaced/.test(r))).toBe(true);
  });

  test('formatReview shows the ordered procedure and the refusals', () => {
    const before = synth(base).json;
    const { json: after, stack } = synth({ ...base, nodes: 2 });
    const d = diffStacks(before, after);
    const text = formatReview('x', buildReview(stack.plan, after), d, rollingProcedure(before, after, d));
    expect(text).toMatch(/Rolling procedure: 2 node\(s\), one at a time, instead of one terraform apply/);
    expect(text).toMatch(/ {2}1\. replace rabbit@rmq-1 \(docker_container\.node_1\): .*\n {7}check: docker exec rmq-1 rabbitmq-diagnostics check_if_node_is_quorum_critical.*\n {7}check: docker exec rmq-1 rabbitmq-upgrade drain .*\n {7}apply: terraform apply -target=docker_container\.node_1\n {7}wait: {2}until docker exec rmq-1/);
    expect(text).toMatch(/ {2}!! REFUSED as a routine step: scale-down removes rabbit@rmq-2/);
    expect(text.indexOf('Rolling procedure')).toBeLessThan(text.indexOf('Warnings ('));
  });
});

describe('rolling procedure (Kubernetes)', () => {
  const k8s: ClusterSpecInput = { name: 'rmq', target: 'kubernetes', nodes: 5, loadBalancer: { kind: 'none' }, kubernetes: { namespace: 'mq' } };

  test('a changed StatefulSet: no manual steps, the RollingUpdate with the preStop hook keeps quorum', () => {
    const p = rolling(k8s, { ...k8s, resources: { memory: '4GiB' } })!;
    expect(p.target).toBe('kubernetes');
    expect(p.steps).toEqual([]);
    expect(p.refusals).toEqual([]);
    expect(p.notes[0]).toMatch(/kubernetes_stateful_set_v1\.server: the StatefulSet's RollingUpdate replaces the pods one at a time/);
    expect(p.notes[0]).toMatch(/preStop hook \(rabbitmq-upgrade await_online_quorum_plus_one, then drain\)/);
    expect(rolling(k8s, k8s)).toBeUndefined();
  });

  test('scale-down: refused per removed pod, with shrink and forget_cluster_node on the pod DNS node names', () => {
    const p = rolling(k8s, { ...k8s, nodes: 3 })!;
    expect(p.refusals).toHaveLength(2);
    expect(p.refusals[0]).toMatch(/scaling 5 -> 3 removes pod rmq-server-4 \(rabbit@rmq-server-4\.rmq-nodes\.mq\)/);
    expect(p.refusals[0]).toMatch(/kubectl exec rmq-server-0 -- rabbitmqctl forget_cluster_node rabbit@rmq-server-4\.rmq-nodes\.mq/);
    expect(p.refusals[1]).toMatch(/removes pod rmq-server-3 /);
  });
});

describe('rmq-ha review --against a previous synthesis', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-rolling-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const run = (args: string[]) => {
    const r = runCli(args);
    return { status: r.code, stdout: r.stdout, stderr: r.stderr };
  };

  test('prints the procedure; a scale-down refusal fails --strict and is in --json', () => {
    const spec = path.join(tmp, 'roll.yaml');
    fs.writeFileSync(spec, stringifyYaml({ ...base, nodes: 3 }));
    expect(run(['synth', '--spec', spec, '--out', path.join(tmp, 'out')]).status).toBe(0);
    fs.writeFileSync(spec, stringifyYaml({ ...base, nodes: 2 }));
    const r = run(['review', '--spec', spec, '--against', path.join(tmp, 'out')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Rolling procedure: 2 node\(s\)/);
    expect(r.stdout).toMatch(/!! REFUSED as a routine step: scale-down removes rabbit@rmq-2/);
    const strict = run(['review', '--spec', spec, '--against', path.join(tmp, 'out'), '--strict']);
    expect(strict.status).toBe(1);
    expect(strict.stderr).toMatch(/--strict: 2 warning\(s\)/); // 2 nodes tolerate no failure + the refusal
    const json = JSON.parse(run(['review', '--spec', spec, '--against', path.join(tmp, 'out'), '--json']).stdout);
    expect(json.environments[0].rolling.refusals).toHaveLength(1);
    expect(json.environments[0].rolling.steps.map((s: { address: string }) => s.address)).toEqual(['docker_container.node_1', 'docker_container.node_0']);
  });
});
