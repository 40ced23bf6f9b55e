/**
 * Plugins with a listener of their own (spec/plugin-listeners.ts) get their ports on both targets:
 * published per node on Docker (collisions refused with the field), container ports and Service
 * ports on Kubernetes; `local up` refuses them (every node shares 127.0.0.1).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { PLUGIN_LISTENERS } from '../spec/plugin-listeners';
import { issuesOf } from './helpers/specs';
import { rabbitContainer, synthStack } from './helpers/kubernetes';
import { runCli } from './helpers/cli';

const ALL = PLUGIN_LISTENERS.map((l) => l.plugin);

describe('plugin listeners', () => {
  test('the table: five listeners, valid Kubernetes port names, distinct default bases', () => {
    expect(PLUGIN_LISTENERS.map((l) => `${l.name}:${l.port}`)).toEqual(['stream:5552', 'mqtt:1883', 'stomp:61613', 'web-mqtt:15675', 'web-stomp:15674']);
    for (const l of PLUGIN_LISTENERS) expect(l.name).toMatch(/^[a-z]([-a-z0-9]{0,13}[a-z0-9])?$/);
    expect(new Set(PLUGIN_LISTENERS.map((l) => l.hostBase)).size).toBe(5);
  });

  test('Docker: each node publishes every enabled listener at base + index on the bind address', () => {
    const { json } = synthStack({ name: 'rmq', nodes: 3, loadBalancer: { kind: 'none' }, rabbitmq: { plugins: ['rabbitmq_mqtt', 'rabbitmq_stream'] } } as never);
    const ports = json.resource.docker_container.node_1.ports.map((p: { internal: number; external: number; ip: string }) => `${p.ip}:${p.external}->${p.internal}`);
    expect(ports).toEqual(['127.0.0.1:5674->5672', '127.0.0.1:15674->15672', '127.0.0.1:35553->5552', '127.0.0.1:31884->1883']);
    const none = synthStack({ name: 'rmq', nodes: 3, loadBalancer: { kind: 'none' } } as never).json;
    expect(none.resource.docker_container.node_1.ports).toHaveLength(2);
  });

  test('Docker: a listener base that overlaps another range is refused with the field, the value and the fix', () => {
    const issues = issuesOf({ name: 'rmq', nodes: 3, rabbitmq: { plugins: ['rabbitmq_web_stomp'] }, network: { nodePorts: { listeners: { 'web-stomp': 15674 } } } });
    expect(issues).toEqual([
      expect.objectContaining({ path: 'network.nodePorts.listeners.web-stomp', value: 15674, message: expect.stringContaining('overlap the management ports 15673-15675; move one base away by at least the node count (3)') }),
    ]);
    expect(issuesOf({ name: 'rmq', nodes: 3, rabbitmq: { plugins: ALL } })).toEqual([]);
  });

  test('Kubernetes: container ports, and ports on the headless and the client Service', () => {
    const { json } = synthStack({ name: 'rmq', target: 'kubernetes', loadBalancer: { kind: 'none' }, rabbitmq: { plugins: ['rabbitmq_stomp', 'rabbitmq_stream'] } } as never);
    const names = rabbitContainer(json).port.map((p: { name: string; container_port: number }) => `${p.name}:${p.container_port}`);
    expect(names).toEqual(expect.arrayContaining(['stream:5552', 'stomp:61613']));
    for (const svc of ['nodes', 'client']) {
      const ports = json.resource.kubernetes_service_v1[svc].spec.port.map((p: { name: string; target_port: string; app_protocol: string }) => `${p.name}->${p.target_port} ${p.app_protocol}`);
      expect(ports).toEqual(expect.arrayContaining(['stream->stream rabbitmq.com/stream', 'stomp->stomp stomp']));
    }
  });

  test('local up refuses listener plugins with the reason (before anything starts)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-listeners-'));
    try {
      const spec = path.join(dir, 'l.yaml');
      fs.writeFileSync(spec, stringify({ name: 'rmq-l', nodes: 1, loadBalancer: { kind: 'none' }, rabbitmq: { plugins: ['rabbitmq_mqtt'] } }));
      const r = runCli(['local', 'up', '--spec', spec, '--dir', path.join(dir, 'run')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('rabbitmq.plugins: rabbitmq_mqtt (port 1883) open a listener each');
      expect(fs.existsSync(path.join(dir, 'run'))).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
