import * as fs from 'node:fs';
import { Testing } from 'cdktf';
import { buildPlan } from '../plan/plan';
import { parseClusterSpec } from '../spec/parse';
import { imageReferenceError } from '../spec/validate/image';
import { linesWithPlugin, pluginsOfLine, publishedHostPorts } from '../spec/validate';
import { RabbitMqClusterStack } from '../stacks/rabbitmq-cluster-stack';
import { testApp } from './helpers/app';
import { issuesOf } from './helpers/specs';

const at = (input: unknown, path: string): string[] => issuesOf(input).filter((i) => i.path === path).map((i) => i.message);

describe('input rules (spec/validate)', () => {
  test('load balancer ports that collide with node ports are refused, naming both', () => {
    expect(at({ name: 'r', loadBalancer: { ports: { amqp: 5674 } } }, 'loadBalancer.ports.amqp')).toEqual([expect.stringMatching(/host port 5674 is taken by node 1 AMQP/)]);
    expect(at({ name: 'r', loadBalancer: { ports: { stats: 15673 } } }, 'loadBalancer.ports.stats')).toEqual([expect.stringMatching(/node 0 management/)]);
    expect(at({ name: 'r', loadBalancer: { prometheus: true, ports: { prometheus: 5675 } } }, 'loadBalancer.ports.prometheus')).toEqual([expect.stringMatching(/node 2 AMQP/)]);
    // nginx publishes no stats port, Kubernetes publishes no host port: no collision there.
    expect(at({ name: 'r', loadBalancer: { kind: 'nginx', ports: { stats: 15673 } } }, 'loadBalancer.ports.stats')).toEqual([]);
    expect(issuesOf({ name: 'r', target: 'kubernetes', loadBalancer: { ports: { amqp: 5674 } } })).toEqual([]);
  });

  test('the published host ports are the ones the Docker stack publishes', () => {
    const spec = parseClusterSpec({ name: 'r', loadBalancer: { prometheus: true } });
    const json = JSON.parse(Testing.synth(new RabbitMqClusterStack(testApp(), 'p', { spec }))) as { resource: { docker_container: Record<string, { ports?: Array<{ external: number }> }> } };
    const fromStack = Object.values(json.resource.docker_container).flatMap((c) => (c.ports ?? []).map((p) => p.external)).sort();
    expect(publishedHostPorts(spec).map((p) => p.port).sort()).toEqual(fromStack);
  });

  test.each([
    [{ memory: 0 }, 'resources.memory', /at least 256MiB \(0 would mean no limit/],
    [{ memory: '1MiB' }, 'resources.memory', /at least 256MiB/],
    [{ memory: 1e30 }, 'resources.memory', /more than 64TiB/],
    [{ memory: '100000TiB' }, 'resources.memory', /more than 64TiB/],
    [{ cpus: 0.001 }, 'resources.cpus', /at least 0\.1/],
    [{ fileDescriptors: 10000000 }, 'resources.fileDescriptors', /nr_open/],
  ])('resources %j are refused', (resources, path, message) => {
    expect(at({ name: 'r', resources }, path)).toEqual([expect.stringMatching(message)]);
  });

  test('an absolute watermark at or above the memory limit, and sizes past 2^53, are refused', () => {
    expect(at({ name: 'r', resources: { memory: '1GiB' }, rabbitmq: { memoryHighWatermark: { absolute: '2GiB' } } }, 'rabbitmq.memoryHighWatermark.absolute')).toEqual([expect.stringMatching(/kernel would kill/)]);
    expect(at({ name: 'r', rabbitmq: { diskFreeLimit: { absolute: 1e30 } } }, 'rabbitmq.diskFreeLimit.absolute')).toEqual([expect.stringMatching(/2\^53/)]);
  });

  test.each(['rabbitmq:4.3.4-management', 'registry.example.com:5000/team/rabbitmq:4.3.4', `rabbitmq@sha256:${'a'.repeat(64)}`, 'haproxy:3.2.22-alpine'])('image %s parses', (image) => {
    expect(imageReferenceError(image)).toBeUndefined();
  });

  test.each(['rabbitmq:4.3.4 management', 'rabbitmq:${file("/etc/passwd")}', 'RabbitMQ:4.3.4', 'rabbitmq:', `rabbitmq@sha256:${'a'.repeat(10)}`, `${'a'.repeat(600)}:1`])('image %s is refused', (image) => {
    expect(at({ name: 'r', rabbitmq: { image } }, 'rabbitmq.image')).toEqual([expect.stringMatching(/image reference|Docker allows 255/)]);
  });

  test('plugins: misspelled gets a suggestion, absent from the line names the lines that have it', () => {
    expect(at({ name: 'r', rabbitmq: { plugins: ['rabbitmq_shovle'] } }, 'rabbitmq.plugins[0]')).toEqual([expect.stringMatching(/not a plugin RabbitMQ 4\.3 ships; did you mean 'rabbitmq_shovel'/)]);
    expect(at({ name: 'r', rabbitmq: { version: '3.13.7', plugins: ['rabbitmq_shovel_prometheus'] } }, 'rabbitmq.plugins[0]')).toEqual([expect.stringMatching(/not shipped by RabbitMQ 3\.13 \(only by 4\.1, 4\.2, 4\.3\)/)]);
    expect(at({ name: 'r', rabbitmq: { version: '4.1.0', plugins: ['rabbitmq_shovel_prometheus'] } }, 'rabbitmq.plugins[0]')).toEqual([]);
    expect(linesWithPlugin('rabbitmq_mqtt')).toHaveLength(8);
  });

  test('plugins that open listeners are published (spec/plugin-listeners.ts), so no exposure warning; a load balancer port on a listener range is refused', () => {
    const plan = buildPlan(parseClusterSpec({ name: 'r', rabbitmq: { plugins: ['rabbitmq_mqtt'] } }));
    expect(plan.warnings.map((w) => w.id)).not.toContain('plugin-listener-not-exposed');
    expect(at({ name: 'r', rabbitmq: { plugins: ['rabbitmq_mqtt'] }, loadBalancer: { kind: 'haproxy', ports: { stats: 31884 } } }, 'loadBalancer.ports.stats')).toEqual([
      expect.stringMatching(/host port 31884 is taken by node 1 mqtt already \(network\.nodePorts\.listeners\.mqtt\)/),
    ]);
  });

  test('a patch that was never released is a warning naming the last release; a newer one names the newest known', () => {
    const w = (version: string) => buildPlan(parseClusterSpec({ name: 'r', rabbitmq: { version } })).warnings.filter((x) => x.id === 'unknown-patch-version').map((x) => x.message);
    expect(w('3.13.99')).toEqual([expect.stringMatching(/3\.13\.99 was never released: 3\.13\.7 is the last release of 3\.13/)]);
    expect(w('4.3.99')).toEqual([expect.stringMatching(/newer than the newest release rmq-ha knows \(nearest: 4\.3\.4\)/)]);
    expect(w('3.13.7')).toEqual([]);
    // A release line without its patch is refused (a moving image tag), not warned about.
    expect(() => w('4.3')).toThrow(/a tag that moves with every patch release/);
  });

  test('AMQP names: 255 bytes of UTF-8, no control characters; every string: no NUL, no lone surrogate', () => {
    const q = (name: string) => at({ name: 'r', topology: { queues: [{ name, type: 'quorum' }] } }, 'topology.queues[0].name');
    expect(q('é'.repeat(128))).toEqual([expect.stringMatching(/256 bytes of UTF-8; AMQP names and keys hold at most 255 bytes/)]);
    expect(q('é'.repeat(127))).toEqual([]);
    expect(q('a\tb')).toEqual([expect.stringMatching(/control character/)]);
    expect(q('a\u0000b')).toEqual([expect.stringMatching(/NUL/)]);
    expect(at({ name: 'r', topology: { bindings: [{ source: 'amq.topic', destination: 'q', routingKey: 'k'.repeat(256) }], queues: [{ name: 'q' }] } }, 'topology.bindings[0].routingKey')).toEqual([expect.stringMatching(/at most 255 bytes/)]);
    expect(at({ name: 'r', topology: { vhosts: [{ name: '/', description: 'two\nlines' }] } }, 'topology.vhosts[0].description')).toEqual([]);
    expect(at({ name: 'r', topology: { vhosts: [{ name: '/', description: 'x\ud800y' }] } }, 'topology.vhosts[0].description')).toEqual([expect.stringMatching(/unpaired UTF-16 surrogate/)]);
  });
});

describe('plugin table against the installed RabbitMQ', () => {
  const dir = '/usr/lib/rabbitmq/lib/rabbitmq_server-3.10.8/plugins';
  test('3.10 is exactly the plugins of Debian rabbitmq-server 3.10.8 (libraries excluded)', () => {
    const LIBRARIES = ['rabbitmq_aws', 'rabbitmq_prelaunch', 'rabbitmq_stream_common'];
    const installed = fs.readdirSync(dir).map((f) => f.replace(/-[0-9][0-9.]*(\.ez)?$/, '')).filter((n) => n.startsWith('rabbitmq_') && !LIBRARIES.includes(n));
    expect([...pluginsOfLine('3.10')].sort()).toEqual([...new Set(installed)].sort());
  });
});
