import * as fs from 'node:fs';
import { buildPlan } from '../plan/plan';
import { localAddresses } from '../plan/addresses';
import { parseClusterSpec } from '../spec/parse';
import { CONF_RULES, memoryHeadroom } from '../rabbitmq/conf-rules';
import { installedSchemaKeyPatterns } from './helpers/cuttlefish';
import { confOf, planFor } from './helpers/specs';

describe('rabbitmq.conf rules (one test per rule and version boundary)', () => {
  test('cluster-name: cluster_name is the spec name', () => {
    expect(confOf(planFor({ name: 'orders' })).get('cluster_name')).toBe('orders');
  });

  test('peer-discovery-classic: every node is listed, in order, on every node', () => {
    const plan = planFor({ nodes: 3 });
    for (let i = 0; i < 3; i++) {
      const conf = confOf(plan, i);
      expect(conf.get('cluster_formation.peer_discovery_backend')).toBe('classic_config');
      expect([1, 2, 3].map((k) => conf.get(`cluster_formation.classic_config.nodes.${k}`))).toEqual(['rabbit@rmq-0', 'rabbit@rmq-1', 'rabbit@rmq-2']);
    }
  });

  test.each(['3.10.8', '3.13.7', '4.0.9', '4.3.4'])('no randomized startup delay keys on %s (4.0+ refuses to boot with them)', (version) => {
    const text = planFor({ version }).nodes[0].config.content;
    expect(text).not.toMatch(/^cluster_formation\.randomized_startup_delay_range/m);
  });

  test('peer-discovery-k8s: lookup keys only before 4.1', () => {
    const k8s = (version: string) => confOf(planFor({ version, target: 'kubernetes', kubernetes: { namespace: 'mq' } }));
    const old = k8s('4.0.9');
    expect(old.get('cluster_formation.peer_discovery_backend')).toBe('rabbit_peer_discovery_k8s');
    expect(old.get('cluster_formation.k8s.service_name')).toBe('rmq-nodes');
    expect(old.get('cluster_formation.k8s.hostname_suffix')).toBe('.rmq-nodes.mq');
    const v41 = k8s('4.1.0');
    expect(v41.get('cluster_formation.peer_discovery_backend')).toBe('rabbit_peer_discovery_k8s');
    expect([...v41.keys()].filter((k) => k.startsWith('cluster_formation.k8s.'))).toEqual([]);
    expect(v41.has('cluster_formation.classic_config.nodes.1')).toBe(false);
  });

  test('peer-discovery-timing: short join retries and lock backoff before 4.0 on classic_config, defaults on 4.0+ and Kubernetes', () => {
    for (const version of ['3.10.8', '3.13.7']) {
      const conf = confOf(planFor({ version }));
      expect(conf.get('cluster_formation.discovery_retry_limit')).toBe('2');
      expect(conf.get('cluster_formation.discovery_retry_interval')).toBe('250');
      expect(conf.get('cluster_formation.internal_lock_retries')).toBe('4');
      expect(conf.get('cluster_formation.lock_retry_timeout')).toBe('200');
      // The budget before a node would boot without the lock stays at the default's ~5 minutes.
      expect(Number(conf.get('cluster_formation.lock_retry_limit')) * 0.2).toBeGreaterThanOrEqual(60);
    }
    for (const conf of [confOf(planFor({ version: '4.0.9' })), confOf(planFor({ version: '3.13.7', target: 'kubernetes', kubernetes: { namespace: 'mq' } }))]) {
      expect([...conf.keys()].filter((k) => k.startsWith('cluster_formation.discovery_retry'))).toEqual([]);
    }
  });

  test('target-cluster-size: the hint is the node count', () => {
    expect(confOf(planFor({ nodes: 5 })).get('cluster_formation.target_cluster_size_hint')).toBe('5');
  });

  test('partition-handling: pause_minority up to 4.2, absent from 4.3 (no effect with Khepri)', () => {
    expect(confOf(planFor({ version: '3.10.8' })).get('cluster_partition_handling')).toBe('pause_minority');
    expect(confOf(planFor({ version: '4.2.10' })).get('cluster_partition_handling')).toBe('pause_minority');
    expect(confOf(planFor({ version: '4.2.10', rabbitmq: { partitionHandling: 'autoheal' } })).get('cluster_partition_handling')).toBe('autoheal');
    expect(confOf(planFor({ version: '4.3.0' })).has('cluster_partition_handling')).toBe(false);
  });

  test('partition-handling set for 4.3 is a warning, not written', () => {
    const plan = planFor({ version: '4.3.4', rabbitmq: { partitionHandling: 'pause_minority' } });
    expect(confOf(plan).has('cluster_partition_handling')).toBe(false);
    expect(plan.warnings.map((w) => w.id)).toContain('partition-handling-ignored');
  });

  test('listeners: containers listen on standard ports on all container interfaces', () => {
    const conf = confOf(planFor());
    expect(conf.get('listeners.tcp.default')).toBe('5672');
    expect(conf.get('management.tcp.port')).toBe('15672');
    expect(conf.get('prometheus.tcp.port')).toBe('15692');
    expect(conf.has('management.tcp.ip')).toBe(false);
  });

  test('listeners: loopback runs bind every listener (and distribution) to 127.0.0.1 on their own ports', () => {
    const spec = parseClusterSpec({ name: 'rmq', nodes: 2 });
    const ports = [
      { amqpPort: 20001, managementPort: 20002, prometheusPort: 20003, distPort: 20004 },
      { amqpPort: 20011, managementPort: 20012, prometheusPort: 20013, distPort: 20014 },
    ];
    const plan = buildPlan(spec, { addresses: localAddresses(spec, '/x', ports) });
    const conf = confOf(plan, 1);
    expect(conf.get('listeners.tcp.1')).toBe('127.0.0.1:20011');
    expect(conf.get('management.tcp.ip')).toBe('127.0.0.1');
    expect(conf.get('management.tcp.port')).toBe('20012');
    expect(conf.get('prometheus.tcp.port')).toBe('20013');
    expect(conf.get('distribution.listener.interface')).toBe('127.0.0.1');
    expect(conf.get('distribution.listener.port_range.min')).toBe('20014');
    expect(conf.get('cluster_formation.classic_config.nodes.1')).toBe('rmq-0@localhost');
    expect(conf.get('definitions.local.path')).toBe('/x/nodes/rmq-1/etc/definitions.json');
  });

  test('guest-loopback-only: overrides the image default loopback_users.guest = false', () => {
    expect(confOf(planFor()).get('loopback_users.guest')).toBe('true');
  });

  test('auth-mechanisms: no anonymous login on 4.x, key absent on 3.x (unknown there)', () => {
    expect(confOf(planFor({ version: '4.0.9' })).get('anonymous_login_user')).toBe('none');
    expect(confOf(planFor({ version: '3.13.7' })).has('anonymous_login_user')).toBe(false);
    expect(confOf(planFor()).get('auth_mechanisms.1')).toBe('PLAIN');
  });

  test('memory: relative watermark over the container limit minus VM headroom', () => {
    const conf = confOf(planFor({ resources: { memory: '2GiB' } }));
    expect(conf.get('vm_memory_high_watermark.relative')).toBe('0.6');
    const limit = 2 * 1024 ** 3;
    expect(conf.get('total_memory_available_override_value')).toBe(String(limit - memoryHeadroom(limit)));
    expect(memoryHeadroom(limit)).toBe(Math.floor(limit * 0.2));
    expect(memoryHeadroom(64 * 1024 ** 3)).toBe(2 * 1024 ** 3);
    expect(confOf(planFor({ rabbitmq: { memoryHighWatermark: { absolute: '1GiB' } } })).get('vm_memory_high_watermark.absolute')).toBe(String(1024 ** 3));
  });

  test('disk: absolute default 2GB, relative when asked', () => {
    expect(confOf(planFor()).get('disk_free_limit.absolute')).toBe('2000000000');
    expect(confOf(planFor({ rabbitmq: { diskFreeLimit: { relative: 1.0 } } })).get('disk_free_limit.relative')).toBe('1.0');
  });

  test('heartbeat, statistics and leader locator come from the spec', () => {
    const conf = confOf(planFor({ rabbitmq: { heartbeatSeconds: 15 } }));
    expect(conf.get('heartbeat')).toBe('15');
    expect(conf.get('collect_statistics_interval')).toBe('10000');
    expect(conf.get('queue_leader_locator')).toBe('balanced');
    expect(conf.has('queue_master_locator')).toBe(false);
  });

  test('net_ticktime only when the spec sets it; below 10 s refused naming the field', () => {
    expect(confOf(planFor()).has('net_ticktime')).toBe(false);
    expect(confOf(planFor({ rabbitmq: { netTickTimeSeconds: 15 } })).get('net_ticktime')).toBe('15');
    expect(() => planFor({ rabbitmq: { netTickTimeSeconds: 5 } })).toThrow(/rabbitmq\.netTickTimeSeconds[\s\S]*>= 10 s/);
  });

  test('quorum-membership: reconciliation from 3.13 (grows to min(nodes, 3)), absent on 3.10-3.12 (unknown key there)', () => {
    const on = confOf(planFor({ version: '3.13.7', nodes: 5 }));
    expect(on.get('quorum_queue.continuous_membership_reconciliation.enabled')).toBe('true');
    expect(on.get('quorum_queue.continuous_membership_reconciliation.target_group_size')).toBe('3');
    expect(confOf(planFor({ version: '4.3.4', nodes: 1 })).get('quorum_queue.continuous_membership_reconciliation.target_group_size')).toBe('1');
    expect([...confOf(planFor({ version: '3.12.14' })).keys()].filter((k) => k.startsWith('quorum_queue.'))).toEqual([]);
    expect([...confOf(planFor({ version: '3.10.8' })).keys()].filter((k) => k.startsWith('quorum_queue.'))).toEqual([]);
  });

  test('definitions: imported at boot with the non-deprecated keys', () => {
    const conf = confOf(planFor());
    expect(conf.get('definitions.import_backend')).toBe('local_filesystem');
    expect(conf.get('definitions.local.path')).toBe('/etc/rabbitmq/definitions.json');
    expect(conf.has('management.load_definitions')).toBe(false);
  });

  test('logging: containers log to the console only', () => {
    const conf = confOf(planFor());
    expect(conf.get('log.console')).toBe('true');
    expect(conf.get('log.file')).toBe('false');
  });

  test('every rule explains itself in a comment', () => {
    const plan = planFor({ version: '4.2.10' });
    const ctx = { spec: plan.spec, version: plan.version, addresses: plan.addresses, node: plan.addresses.nodes[0] };
    const emitting = CONF_RULES.filter((r) => r.lines(ctx).length > 0);
    expect(emitting.length).toBeGreaterThan(12);
    for (const rule of emitting) expect(plan.nodes[0].config.content).toContain(`## ${rule.id}: ${rule.reason}`);
  });
});

/** Cuttlefish mappings of the installed RabbitMQ (core + the plugins we enable). */
function installedSchemaKeys(): RegExp[] | undefined {
  if (!fs.existsSync('/usr/lib/rabbitmq/lib')) return undefined;
  return installedSchemaKeyPatterns((p) => /^(rabbit|rabbitmq_management|rabbitmq_prometheus|rabbitmq_web_dispatch|rabbitmq_peer_discovery_k8s)-\d/.test(p));
}

describe('3.10 output uses only keys the installed 3.10 schema knows', () => {
  // The test command installs Debian's rabbitmq-server; without it this must fail, not skip.
  const patterns = installedSchemaKeys();
  test('the installed RabbitMQ schema was found', () => expect(patterns?.length).toBeGreaterThan(100));
  test.each(['docker', 'kubernetes'] as const)('%s target, version 3.10.8', (target) => {
    const conf = confOf(planFor({ version: '3.10.8', target }));
    const unknown = [...conf.keys()].filter((k) => !patterns!.some((p) => p.test(k)));
    expect(unknown).toEqual([]);
  });
});

describe('targets differ only in the address table', () => {
  test('docker and loopback rabbitmq.conf differ only in address-dependent keys', () => {
    const spec = parseClusterSpec({ name: 'rmq', nodes: 3, rabbitmq: { version: '3.10.8' } });
    const docker = confOf(buildPlan(spec));
    const ports = [0, 1, 2].map((i) => ({ amqpPort: 21000 + i, managementPort: 22000 + i, prometheusPort: 23000 + i, distPort: 24000 + i }));
    const local = confOf(buildPlan(spec, { addresses: localAddresses(spec, '/run', ports) }));
    const keys = new Set([...docker.keys(), ...local.keys()]);
    const differing = [...keys].filter((k) => docker.get(k) !== local.get(k)).sort();
    const addressDependent = /^(cluster_formation\.classic_config\.nodes\.\d+|listeners\.tcp\.(default|1)|management\.tcp\.(ip|port)|prometheus\.tcp\.(ip|port)|distribution\.listener\..*|definitions\.local\.path|total_memory_available_override_value|log\..*)$/;
    expect(differing.filter((k) => !addressDependent.test(k))).toEqual([]);
    expect(differing.length).toBeGreaterThan(5);
  });
});
