/**
 * The rabbitmq.conf that Docker containers and Kubernetes pods carry, booted on a real RabbitMQ
 * 3.10.8 node where its keys allow: every key that does not depend on the address table is kept
 * verbatim (memory override, disk limit, console logging, auth, partition handling, ...); only
 * the address-dependent keys (peer discovery, listeners, definitions path, log files) come from the
 * loopback rendering, since the k8s peer-discovery backend and container ports cannot run here.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { rabbitmqctl, findFreePorts, startRabbitNodes, stopNodes, waitForNodes } from '../local';
import { launchFromPlan, localPlan, localSecrets } from '../local/plan-launch';
import { buildPlan } from '../plan/plan';
import { parseConf } from '../rabbitmq/rabbitmq-conf';
import { parseClusterSpec } from '../spec/parse';
import { parseVersion } from '../spec/version';

const VERSION = parseVersion('3.10.8')!;
/** Keys whose values come from the address table (or the container's file layout). */
const ADDRESS_DEPENDENT = /^(cluster_formation\.(peer_discovery_backend|classic_config\..*|k8s\..*)|listeners\.tcp\..*|management\.tcp\..*|prometheus\.tcp\..*|distribution\.listener\..*|definitions\.local\.path|log\..*)$/;

describe.each(['docker', 'kubernetes'] as const)('%s rabbitmq.conf for 3.10.8 boots on a real node', (target) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rmq-conf-${target}-`));
  const spec = parseClusterSpec({
    name: 'rmq-conf',
    target,
    nodes: 1,
    // Docker boots an absolute disk limit, Kubernetes a relative one written as a whole number (1.0: the
    // parser's float datatype rejects `1`, which once made every node of prod.yaml refuse to boot).
    rabbitmq: { version: '3.10.8', memoryHighWatermark: { relative: 0.5 }, diskFreeLimit: target === 'docker' ? { absolute: '100MB' } : { relative: 1 } },
    resources: { memory: '1GiB' },
    loadBalancer: { kind: 'none' },
  });
  const container = parseConf(buildPlan(spec, { version: VERSION }).nodes[0].config.content);
  let kept: Array<[string, string]> = [];

  beforeAll(async () => {
    const [amqpPort, managementPort, prometheusPort, distPort] = await findFreePorts(4);
    const plan = localPlan(spec, dir, [{ amqpPort, managementPort, prometheusPort, distPort }], VERSION);
    const local = parseConf(plan.nodes[0].config.content);
    kept = [...container].filter(([k]) => !ADDRESS_DEPENDENT.test(k));
    const merged = [...[...local].filter(([k]) => ADDRESS_DEPENDENT.test(k)), ...kept].map(([k, v]) => `${k} = ${v}`).join('\n');
    const launch = launchFromPlan(plan, dir, localSecrets(plan));
    const state = await startRabbitNodes({ ...launch, nodes: [{ ...launch.nodes[0], files: { ...launch.nodes[0].files, rabbitmqConf: `${merged}\n` } }] });
    await waitForNodes(state, { timeoutMs: 90000 });
  }, 120000);

  afterAll(async () => {
    await stopNodes(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60000);

  test('the container-only keys are part of what was booted', () => {
    const keys = kept.map(([k]) => k);
    expect(keys).toEqual(expect.arrayContaining(['total_memory_available_override_value', 'vm_memory_high_watermark.relative', target === 'docker' ? 'disk_free_limit.absolute' : 'disk_free_limit.relative', 'cluster_partition_handling', 'loopback_users.guest', 'auth_mechanisms.1', 'heartbeat', 'queue_leader_locator', 'cluster_formation.target_cluster_size_hint']));
  });

  test('the node runs with the values of the container config', async () => {
    const state = JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8'));
    const env = async (key: string): Promise<string> => {
      const r = await rabbitmqctl(state, state.nodes[0].nodeName, ['eval', `application:get_env(rabbit, ${key}).`]);
      expect(r.code).toBe(0);
      return r.stdout.trim();
    };
    expect(await env('total_memory_available_override_value')).toBe(`{ok,${container.get('total_memory_available_override_value')}}`);
    expect(await env('vm_memory_high_watermark')).toBe('{ok,0.5}');
    expect(await env('disk_free_limit')).toBe(target === 'docker' ? '{ok,100000000}' : '{ok,{mem_relative,1.0}}');
    expect(await env('cluster_partition_handling')).toBe('{ok,pause_minority}');
    expect(await env('heartbeat')).toBe('{ok,30}');
  });
});
