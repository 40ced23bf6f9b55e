/**
 * The shell steps each node container runs in the background once its cluster is whole
 * (rabbitmq/definitions/complete-import.ts): its place in the start line, and each outcome with a
 * CLI that answers as RabbitMQ 3.10.8's does. The same steps on real nodes: topology.integration
 * (membership) and cluster.integration (vhosts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { completeImportLine, quorumGrowLine, vhostRepairLine } from '../rabbitmq/definitions/complete-import';

describe("the containers' membership step (rabbitmq/definitions/complete-import.ts)", () => {
  const line = completeImportLine({
    definitionsPath: '/etc/rabbitmq/definitions.json',
    dataDir: '/var/lib/rabbitmq',
    nodes: 3,
    quorumQueues: [{ vhost: 'shop', name: "it's", size: 3, groupSize: 5 }],
    nodeNameOf: (i) => `rabbit@rmq-${i}`,
  });

  test('follows the import, quotes names for the shell, caps the group size with the node count there, and parses as sh', () => {
    expect(line.indexOf('grow()')).toBeGreaterThan(line.indexOf('import_definitions "$defs"'));
    expect(line).toContain("grow 'shop' 'it'\\''s' 5");
    expect(line).toContain('size=$3; [ "$size" -gt "$n" ] && size=$n');
    expect(line).toContain('node="rabbit@rmq-$i"');
    const parsed = spawnSync('/bin/sh', ['-n', '-c', line], { encoding: 'utf8' });
    expect({ code: parsed.status, stderr: parsed.stderr }).toEqual({ code: 0, stderr: '' });
  });

  // The race itself (two nodes adding themselves at once) is run on real nodes in
  // topology.integration; here the CLI is a script that answers as Ra does, so each outcome is certain.
  test.each([
    ['refused once while another change runs, then accepted: joins on the second attempt', 1, /^rmq-ha: rabbit@rmq-1 joined quorum queue q \(vhost \/\), which had 1 of 2 members$/, 2],
    ['refused for another reason: no retry, the failure is logged', 0, /^rmq-ha: rabbitmq-queues add_member -p \/ q rabbit@rmq-1 failed \(attempt 1\): Error: \{:error, :not_found\}$/, 1],
  ] as const)('add_member %s', (_title, refusals, expected, attempts) => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-ha-grow-'));
    try {
      const count = path.join(bin, 'calls');
      fs.writeFileSync(path.join(bin, 'rabbitmqctl'), `#!/bin/sh\nprintf 'q\\t[rabbit@rmq-0]\\n'\n`, { mode: 0o755 });
      const answer = refusals === 0 ? `echo 'Error: {:error, :not_found}'; exit 1` : `[ "$c" -le ${refusals} ] && { echo 'Error:'; echo '{:no_more_servers_to_try, [error: :cluster_change_not_permitted]}'; exit 1; }; exit 0`;
      fs.writeFileSync(path.join(bin, 'rabbitmq-queues'), `#!/bin/sh\necho x >> ${count}; c=$(wc -l < ${count}); ${answer}\n`, { mode: 0o755 });
      const grow = quorumGrowLine(2, [{ vhost: '/', name: 'q', size: 2, groupSize: 2 }], (i) => `rabbit@rmq-${i}`);
      const r = spawnSync('/bin/sh', ['-c', grow], { encoding: 'utf8', timeout: 30000, env: { PATH: `${bin}:/usr/bin:/bin`, RABBITMQ_NODENAME: 'rabbit@rmq-1' } });
      expect(r.stdout.trim()).toMatch(expected);
      expect(fs.readFileSync(count, 'utf8').trim().split('\n')).toHaveLength(attempts);
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  }, 40000);

  test('without quorum queues there is no membership step; with them a node-name rule is required', () => {
    expect(completeImportLine({ definitionsPath: '/d', dataDir: '/v', nodes: 3 })).not.toContain('grow');
    expect(() => completeImportLine({ definitionsPath: '/d', dataDir: '/v', nodes: 3, quorumQueues: [{ vhost: '/', name: 'q', size: 3, groupSize: 3 }] })).toThrow(/needs nodeNameOf/);
  });
});

describe("the containers' vhost step (rabbitmq/definitions/complete-import.ts vhostRepairLine)", () => {
  test('runs once the cluster is whole, before the import, and parses as sh', () => {
    const line = completeImportLine({ definitionsPath: '/d', dataDir: '/v', nodes: 3 });
    expect(line.indexOf('vhosts() {')).toBeGreaterThan(line.indexOf('await_online_nodes'));
    expect(line.indexOf('vhosts() {')).toBeLessThan(line.indexOf('import_definitions "$defs"'));
    const parsed = spawnSync('/bin/sh', ['-n', '-c', line], { encoding: 'utf8' });
    expect({ code: parsed.status, stderr: parsed.stderr }).toEqual({ code: 0, stderr: '' });
  });

  // The CLI here is a script answering as 3.10.8's does; the step on real nodes runs in cluster.integration.
  test.each([
    ['every vhost runs: nothing is restarted', `echo 'Node rabbit@rmq-1 reported all vhosts as running'; exit 0`, '', []],
    [
      'two vhosts stay down through every check: each is restarted, once',
      `printf 'Some virtual hosts on node rabbit@rmq-1 are down:\\n/\\nshop orders\\n'; exit 69`,
      'rmq-ha: vhost / did not run on this node with the cluster whole: restarted it\nrmq-ha: vhost shop orders did not run on this node with the cluster whole: restarted it',
      ['restart_vhost -p /', 'restart_vhost -p shop orders'],
    ],
    ['the check fails for another reason: logged, nothing restarted', `echo 'Error: unable to perform an operation on node'; exit 69`, 'rmq-ha: rabbitmq-diagnostics check_virtual_hosts failed: Error: unable to perform an operation on node', []],
  ] as const)('%s', (_title, diagnostics, expected, restarts) => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-ha-vhosts-'));
    try {
      const calls = path.join(bin, 'calls');
      fs.writeFileSync(path.join(bin, 'rabbitmq-diagnostics'), `#!/bin/sh\necho "diagnostics $*" >> ${calls}\n${diagnostics}\n`, { mode: 0o755 });
      fs.writeFileSync(path.join(bin, 'rabbitmqctl'), `#!/bin/sh\nshift; echo "$*" >> ${calls}\n`, { mode: 0o755 });
      const r = spawnSync('/bin/sh', ['-c', vhostRepairLine(2, 0)], { encoding: 'utf8', timeout: 30000, env: { PATH: `${bin}:/usr/bin:/bin` } });
      expect(r.stdout.trim()).toBe(expected);
      const seen = fs.readFileSync(calls, 'utf8').trim().split('\n');
      expect(seen.filter((c) => c.startsWith('restart_vhost'))).toEqual(restarts);
      // A passing check is asked once; a failing one as often as told (2 here) before acting.
      expect(seen.filter((c) => c.startsWith('diagnostics'))).toHaveLength(restarts.length === 0 && expected === '' ? 1 : 2);
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });
});
