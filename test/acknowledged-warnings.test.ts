/**
 * acknowledgedWarnings: a team accepts a warning on purpose, with its reason. It is still printed
 * (marked, with the reason) by validate and review, and `--strict` no longer fails on it; others
 * still fail. prod.yaml uses it for destroy-deletes-claims.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { buildPlan } from '../plan/plan';
import { strictWarnings } from '../plan/warnings';
import { parseClusterSpec } from '../spec/parse';
import { issuesOf } from './helpers/specs';
import { runCli } from './helpers/cli';

const even = { name: 'rmq', nodes: 4, loadBalancer: { kind: 'none' } };
const reason = 'four nodes across two racks, decided in the capacity review';

describe('acknowledged warnings', () => {
  test('marked with the reason, kept in order, and not counted by --strict', () => {
    const plain = buildPlan(parseClusterSpec(even)).warnings;
    expect(plain.map((w) => w.id)).toContain('even-node-count');
    const acked = buildPlan(parseClusterSpec({ ...even, acknowledgedWarnings: [{ id: 'even-node-count', reason }] })).warnings;
    expect(acked.map((w) => w.id)).toEqual(plain.map((w) => w.id));
    expect(acked.find((w) => w.id === 'even-node-count')!.acknowledged).toBe(reason);
    expect(strictWarnings(acked).map((w) => w.id)).not.toContain('even-node-count');
  });

  test('an acknowledgement needs a warning id and a reason', () => {
    expect(issuesOf({ ...even, acknowledgedWarnings: [{ id: 'even-node-count', reason: 'ok' }] })).toEqual([
      expect.objectContaining({ path: 'acknowledgedWarnings[0].reason', message: expect.stringContaining('must say why the warning is accepted') }),
    ]);
    expect(issuesOf({ ...even, acknowledgedWarnings: [{ id: 'Even Node', reason }] })[0].path).toBe('acknowledgedWarnings[0].id');
  });

  test('validate --strict: fails on the warning, passes once it is acknowledged, and still prints it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-ack-'));
    try {
      const file = path.join(dir, 'even.yaml');
      fs.writeFileSync(file, stringify(even));
      const before = runCli(['validate', '--spec', file, '--strict'], { env: { DOCKER_HOST: 'tcp://127.0.0.1:1' } });
      expect(before.code).toBe(1);
      fs.writeFileSync(file, stringify({ ...even, acknowledgedWarnings: [{ id: 'even-node-count', reason }] }));
      const after = runCli(['validate', '--spec', file, '--strict'], { env: { DOCKER_HOST: 'tcp://127.0.0.1:1' } });
      expect(after.code).toBe(0);
      expect(after.stdout).toContain(`acknowledged (${reason}) nodes:`);
      expect(after.stdout).toContain('[even-node-count]');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
