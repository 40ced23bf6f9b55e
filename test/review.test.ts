import { testApp } from './helpers/app';
import { Testing } from 'cdktf';
import { buildReview, type StackJson } from '../cli/review/summary';
import { diffStacks } from '../cli/review/diff';
import { formatReview } from '../cli/review/format';
import { RabbitMqClusterStack } from '../stacks/rabbitmq-cluster-stack';
import type { ClusterSpecInput } from '../spec/cluster';

function review(spec: ClusterSpecInput) {
  const stack = new RabbitMqClusterStack(testApp(), 'r', { spec });
  const json = JSON.parse(Testing.synth(stack)) as StackJson;
  return { summary: buildReview(stack.plan, json), json };
}

describe('review', () => {
  test('summarizes nodes, fault tolerance, resources and Terraform resources', () => {
    const { summary } = review({ name: 'rmq', nodes: 5, resources: { memory: '2GiB', cpus: 2 } });
    expect(summary.cluster).toEqual(expect.objectContaining({ nodes: 5, toleratedFailures: 2, version: '4.3.4' }));
    expect(summary.nodes.map((n) => n.node)).toEqual(['rabbit@rmq-0', 'rabbit@rmq-1', 'rabbit@rmq-2', 'rabbit@rmq-3', 'rabbit@rmq-4']);
    expect(summary.resources).toEqual({ memoryPerNode: '2 GiB', cpusPerNode: 2, totalMemory: '10 GiB', totalCpus: 10 });
    expect(summary.terraformResources.docker_container).toBeGreaterThanOrEqual(5);
    expect(summary.terraformResources.docker_volume).toBe(5);
    expect(summary.sensitiveOutputs).toEqual(expect.arrayContaining(['admin_password', 'erlang_cookie']));
  });

  test('lists variables the deployer must set and the warnings', () => {
    const { summary } = review({ name: 'rmq', nodes: 2, credentials: { adminPassword: { variable: 'pw' } } });
    expect(summary.requiredVariables).toEqual(['TF_VAR_pw']);
    expect(summary.warnings.map((w) => w.id)).toContain('no-fault-tolerance');
    expect(formatReview('x', summary)).toMatch(/! nodes: 2 node\(s\) tolerate no node failure/);
  });

  test('diff shows added, changed and removed resources; a removed volume is flagged as data loss', () => {
    const before = review({ name: 'rmq', nodes: 3 }).json;
    const after = review({ name: 'rmq', nodes: 2, resources: { memory: '4GiB' } }).json;
    const d = diffStacks(before, after);
    expect(d.removed).toEqual(expect.arrayContaining(['docker_container.node_2', 'docker_volume.node_2']));
    expect(d.changed).toEqual(expect.arrayContaining(['docker_container.node_0']));
    expect(d.added).toEqual([]);
    const text = formatReview('x', review({ name: 'rmq', nodes: 2 }).summary, d);
    expect(text).toMatch(/- docker_volume\.node_2 {2}\(DATA IS DESTROYED\)/);
    expect(diffStacks(before, before)).toEqual({ added: [], removed: [], changed: [] });
  });
});
