import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hardNofileOf, hostLimitWarnings } from '../cli/private/host-limits';
import { parseClusterSpec } from '../spec/parse';
import { runCli } from './helpers/cli';

const spec = (fileDescriptors: number) => parseClusterSpec({ name: 'rmq', target: 'docker', resources: { fileDescriptors } });

describe('limits the Docker host may not grant (validate warning)', () => {
  test('this machine has a finite hard nofile limit that the check reads', () => {
    expect(hardNofileOf('self')).toBeGreaterThan(1000);
  });

  test('a nofile above the host limit warns with the limit, the field and the fix', () => {
    // 1000000: above this machine's hard limit (20000), below the spec's own bound (fs.nr_open, 1048576).
    expect(hardNofileOf('self')).toBeLessThan(1_000_000);
    const [w] = hostLimitWarnings(spec(1_000_000), {});
    expect(w.id).toBe('host-nofile-limit');
    expect(w.path).toBe('resources.fileDescriptors');
    expect(w.message).toMatch(/1000000 is above the hard open-files limit \d+ of /);
    expect(w.message).toContain('error setting rlimit type 7');
    expect(w.message).toMatch(/Set resources.fileDescriptors to at most \d+/);
  });

  test('within the limit, on Kubernetes, or for a remote engine: no warning', () => {
    expect(hostLimitWarnings(spec(1024), {})).toEqual([]);
    // Kubernetes refuses the field (test/kubernetes-day-two.test.ts); without it, nothing to check.
    expect(hostLimitWarnings(parseClusterSpec({ name: 'rmq', target: 'kubernetes' }), {})).toEqual([]);
    expect(hostLimitWarnings(spec(1_000_000), { DOCKER_HOST: 'tcp://10.0.0.1:2376' })).toEqual([]);
    expect(hostLimitWarnings(spec(1_000_000), { DOCKER_HOST: 'unix:///run/x.sock' })).toHaveLength(1);
  });

  test('rmq-ha validate prints it, and --strict fails on it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-limits-'));
    try {
      const file = path.join(dir, 'big.yaml');
      fs.writeFileSync(file, 'name: big\nnodes: 3\nresources: { fileDescriptors: 1000000 }\n');
      const r = runCli(['validate', '--spec', file, '--strict'], { env: { DOCKER_HOST: '' } });
      expect(r.stdout).toContain('[host-nofile-limit]');
      expect(r.code).toBe(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
