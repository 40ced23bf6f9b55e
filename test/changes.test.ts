/**
 * Day-two change classification (cli/review/changes.ts): every kind of spec change against the
 * last synthesis is safe, rolling, a manual step or refused, with the facts asserted (which rule,
 * which class, which commands), on both targets. The upgrade table (rabbitmq/upgrade-paths.ts)
 * is checked on its own. The CLI part runs `rmq-ha review --against` on a real previous synthesis.
 */
import { testApp } from './helpers/app';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify as stringifyYaml } from 'yaml';
import { classifyChanges, type ClassifiedChange } from '../cli/review/changes';
import { diffStacks } from '../cli/review/diff';
import { rollingProcedure } from '../cli/review/rolling';
import type { StackJson } from '../cli/review/summary';
import { upgradeVerdict } from '../rabbitmq/upgrade-paths';
import type { ClusterSpecInput } from '../spec/cluster';
import { RabbitMqClusterStack } from '../stacks/rabbitmq-cluster-stack';
import { runCli } from './helpers/cli';

/** The stack as `rmq-ha synth` writes it (with the recorded facts under `//`). */
function synth(spec: ClusterSpecInput): StackJson {
  return new RabbitMqClusterStack(testApp(), 'r', { spec }).toTerraform() as StackJson;
}

function classify(before: ClusterSpecInput, after: ClusterSpecInput, rotated: string[] = [], edit?: (prev: StackJson) => StackJson): ClassifiedChange[] {
  let a = synth(before);
  if (edit) a = edit(a);
  const b = synth(after);
  const diff = diffStacks(a, b);
  return classifyChanges({ previous: a, next: b, diff, rolling: rollingProcedure(a, b, diff), rotated });
}

const docker = (extra: Partial<ClusterSpecInput> = {}): ClusterSpecInput => ({ name: 'rmq', nodes: 3, loadBalancer: { kind: 'haproxy' }, ...extra }) as ClusterSpecInput;
const k8s = (extra: Partial<ClusterSpecInput> = {}): ClusterSpecInput => ({ name: 'rmq', nodes: 3, target: 'kubernetes', loadBalancer: { kind: 'none' }, ...extra }) as ClusterSpecInput;
const v = (version: string) => ({ rabbitmq: { version } });
const byRule = (cs: ClassifiedChange[], rule: string) => cs.filter((c) => c.rule === rule);

describe('upgrade paths (RabbitMQ upgradability rules)', () => {
  test('patch, next line, skipped lines, too-old patch, downgrade', () => {
    expect(upgradeVerdict('4.2.3', '4.2.4').kind).toBe('patch');
    expect(upgradeVerdict('4.2.3', '4.3.4')).toEqual(expect.objectContaining({ kind: 'minor', rule: expect.objectContaining({ to: '4.3' }) }));
    const skip = upgradeVerdict('4.0.9', '4.3.4');
    expect(skip).toEqual(expect.objectContaining({ kind: 'refused', path: ['4.1.latest', '4.2.latest', '4.3.4'] }));
    expect(skip.kind === 'refused' && skip.why).toMatch(/skips 4\.1, 4\.2/);
    const old = upgradeVerdict('3.11.10', '3.12.14');
    expect(old).toEqual(expect.objectContaining({ kind: 'refused', path: ['3.11.18', '3.12.14'] }));
    expect(upgradeVerdict('3.11.20', '3.12.14').kind).toBe('minor');
    expect(upgradeVerdict('3.13.7', '4.0.9').kind).toBe('minor');
    const down = upgradeVerdict('4.3.4', '4.2.3');
    expect(down.kind === 'refused' && down.why).toMatch(/does not support downgrades/);
  });
});

describe('version changes', () => {
  test('Kubernetes 4.2.3 -> 4.3.4: rolling, the feature flags enabled inside the rollout (preStop of the running pods)', () => {
    const cs = byRule(classify(k8s(v('4.2.3')), k8s(v('4.3.4'))), 'version');
    expect(cs).toHaveLength(1);
    expect(cs[0]).toEqual(expect.objectContaining({ kind: 'rolling', subject: 'RabbitMQ 4.2.3 -> 4.3.4' }));
    expect(cs[0].why).toMatch(/preStop hook enables every feature flag/);
    expect(cs[0].steps).toEqual([expect.stringMatching(/^kubectl exec -n rabbitmq rmq-server-0 -- rabbitmqctl enable_feature_flag all/)]);
  });

  test('Kubernetes 4.0.9 -> 4.3.4: refused with the path that works', () => {
    const [c] = byRule(classify(k8s(v('4.0.9')), k8s(v('4.3.4'))), 'version');
    expect(c.kind).toBe('refused');
    expect(c.steps).toEqual([expect.stringContaining('upgrade to 4.1.latest'), expect.stringContaining('upgrade to 4.2.latest'), expect.stringContaining('upgrade to 4.3.4')]);
  });

  test('Kubernetes stack deployed before the preStop step: the flags are a manual step before the apply', () => {
    const strip = (j: StackJson): StackJson => JSON.parse(JSON.stringify(j).replace(/rabbitmqctl enable_feature_flag all >\/dev\/null 2>&1 \|\| true; /g, ''));
    const [c] = byRule(classify(k8s(v('4.2.3')), k8s(v('4.3.4')), [], strip), 'version');
    expect(c.kind).toBe('manual');
    expect(c.steps[0]).toMatch(/enable_feature_flag all {3}# before terraform apply/);
  });

  test('Docker 3.12.14 -> 3.13.7: rolling; the procedure enables the flags first; downgrade and jumps refused', () => {
    const a = synth(docker(v('3.12.14')));
    const b = synth(docker(v('3.13.7')));
    const diff = diffStacks(a, b);
    const rolling = rollingProcedure(a, b, diff)!;
    expect(rolling.prepare[0]).toMatch(/^docker exec rmq-0 rabbitmqctl enable_feature_flag all/);
    expect(rolling.steps.map((s) => s.container)).toEqual(['rmq-2', 'rmq-1', 'rmq-0']);
    const [c] = byRule(classifyChanges({ previous: a, next: b, diff, rolling }), 'version');
    expect(c.kind).toBe('rolling');
    expect(byRule(classify(docker(v('3.13.7')), docker(v('3.12.14'))), 'version')[0].kind).toBe('refused');
    expect(byRule(classify(docker(v('3.10.8')), docker(v('3.12.14'))), 'version')[0].kind).toBe('refused');
    expect(byRule(classify(docker(v('3.13.6')), docker(v('3.13.7'))), 'version')[0].kind).toBe('rolling');
  });
});

describe('secret rotation', () => {
  const longer = (name: 'adminPassword' | 'erlangCookie', length: number) => ({ credentials: { [name]: { generate: { length } } } }) as Partial<ClusterSpecInput>;

  test('a new Erlang cookie is refused on both targets, with the full-stop procedure', () => {
    const [d] = byRule(classify(docker(), docker(longer('erlangCookie', 64))), 'secret');
    expect(d.kind).toBe('refused');
    expect(d.subject).toBe('secret erlang_cookie (generated:48 -> generated:64)');
    expect(d.steps[0]).toBe('docker stop --time 120 rmq-2 && docker stop --time 120 rmq-1 && docker stop --time 120 rmq-0   # every node, highest index first (node 0 stops last and knows the latest membership)');
    expect(d.steps[1]).toMatch(/^terraform apply -replace=terraform_data\.erlang_cookie_fingerprint /);
    const [k] = byRule(classify(k8s(), k8s(longer('erlangCookie', 64))), 'secret');
    expect(k.kind).toBe('refused');
    expect(k.steps.map((s) => s.split('   #')[0].split(' ').slice(0, 3).join(' '))).toEqual(['kubectl label pods', 'kubectl scale statefulset', 'terraform apply -replace=terraform_data.erlang_cookie_fingerprint', 'kubectl exec -n']);
  });

  test('a new admin password: Docker rolls the nodes after recording it; Kubernetes rolls the pods (secret checksum)', () => {
    const [d] = byRule(classify(docker(), docker(longer('adminPassword', 40))), 'secret');
    expect(d).toEqual(expect.objectContaining({ kind: 'rolling', steps: [expect.stringMatching(/^terraform apply -replace=terraform_data\.admin_password_fingerprint -target=terraform_data\.admin_password_fingerprint/)] }));
    const [k] = byRule(classify(k8s(), k8s(longer('adminPassword', 40))), 'secret');
    expect(k.kind).toBe('rolling');
    expect(k.why).toMatch(/checksum of the secret values/);
    // A variable's new value is invisible in the JSON: --rotate names it.
    const spec = docker({ credentials: { adminPassword: { variable: 'pw' } } } as Partial<ClusterSpecInput>);
    expect(byRule(classify(spec, spec), 'secret')).toEqual([]);
    expect(byRule(classify(spec, spec, ['admin_password']), 'secret')[0]).toEqual(expect.objectContaining({ kind: 'rolling', subject: 'secret admin_password (new value, --rotate)' }));
  });

  test('the load balancer stats password is safe', () => {
    const [c] = byRule(classify(docker(), docker({ loadBalancer: { kind: 'haproxy', statsPassword: { generate: { length: 30 } } } } as Partial<ClusterSpecInput>)), 'secret');
    expect(c.kind).toBe('safe');
  });
});

describe('scaling, plugins, other resources', () => {
  test('scale-out: Kubernetes safe (running pods keep running); Docker rolling; before 3.13 a manual grow step', () => {
    const k = classify(k8s(), k8s({ nodes: 5 }));
    expect(byRule(k, 'scale')).toEqual([expect.objectContaining({ kind: 'safe', subject: 'nodes 3 -> 5' })]);
    expect(k.filter((c) => c.kind !== 'safe')).toEqual([]);
    const d = classify(docker(v('3.12.14')), docker({ nodes: 5, ...v('3.12.14') }));
    expect(byRule(d, 'scale').map((c) => c.kind)).toEqual(['rolling', 'manual']);
    expect(byRule(d, 'scale')[1].steps).toEqual(['docker exec rmq-0 rabbitmq-queues grow rabbit@rmq-3 all', 'docker exec rmq-0 rabbitmq-queues grow rabbit@rmq-4 all']);
  });

  test('scale-in is refused', () => {
    const cs = classify(docker({ nodes: 5 }), docker());
    expect(byRule(cs, 'refusals').map((c) => c.kind)).toEqual(['refused', 'refused']);
    expect(byRule(cs, 'refusals')[0].why).toMatch(/scale-down removes rabbit@rmq-4/);
  });

  test('plugins roll the nodes; a load-balancer-only change is safe and rolls nothing', () => {
    const p = classify(k8s(), k8s({ rabbitmq: { plugins: ['rabbitmq_shovel'] } } as Partial<ClusterSpecInput>));
    expect(byRule(p, 'plugins')).toEqual([expect.objectContaining({ kind: 'rolling', subject: expect.stringContaining('+rabbitmq_shovel') })]);
    const lb = classify(docker(), docker({ loadBalancer: { kind: 'haproxy', clientTimeout: 300, serverTimeout: 300 } } as Partial<ClusterSpecInput>));
    expect(lb.map((c) => `${c.rule}:${c.kind}`)).toEqual(['other:safe']);
    expect(lb[0].subject).toBe('docker_container.load_balancer');
  });

  test('Kubernetes storage change: refused (the StatefulSet would be replaced), the in-place claim growth printed', () => {
    const cs = classify(k8s(), k8s({ kubernetes: { storage: { size: '20Gi' } } } as Partial<ClusterSpecInput>));
    const [c] = byRule(cs, 'storage');
    expect(c.kind).toBe('refused');
    expect(c.steps[0]).toMatch(/^kubectl patch pvc -n rabbitmq persistence-rmq-server-<i>/);
    expect(c.steps[1]).toContain('--cascade=orphan');
  });

  test('nothing changed: nothing classified', () => {
    expect(classify(docker(), docker())).toEqual([]);
    expect(classify(k8s(), k8s())).toEqual([]);
  });
});

describe('rmq-ha review --against / --rotate (CLI)', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-ha-changes-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function write(name: string, spec: ClusterSpecInput): string {
    const file = path.join(dir, `${name}.yaml`);
    fs.writeFileSync(file, stringifyYaml(spec));
    return file;
  }

  test('a refused upgrade is printed and --strict exits 1; --rotate prints the rotation procedure', () => {
    const before = write('prev', { ...k8s(v('4.0.9')), name: 'prev' } as ClusterSpecInput);
    const out = path.join(dir, 'out');
    const synth = runCli(['synth', '--spec', before, '--out', out]);
    expect(synth.code).toBe(0);
    fs.renameSync(path.join(out, 'stacks', 'prev'), path.join(out, 'stacks', 'next'));
    const after = write('next', { ...k8s(v('4.3.4')), name: 'prev' } as ClusterSpecInput);
    const r = runCli(['review', '--spec', after, '--against', out, '--strict']);
    expect(r.stdout).toContain('[REFUSED] RabbitMQ 4.0.9 -> 4.3.4: rolling upgrades skip no release line');
    expect(r.code).toBe(1);

    const rot = runCli(['review', '--spec', write('next', { ...k8s(v('4.0.9')), name: 'prev' } as ClusterSpecInput), '--against', out, '--rotate', 'erlang_cookie']);
    expect(rot.code).toBe(0);
    expect(rot.stdout).toContain('[REFUSED] secret erlang_cookie (new value, --rotate)');
    expect(rot.stdout).toContain('kubectl scale statefulset -n rabbitmq prev-server --replicas=0');
    const bad = runCli(['review', '--spec', after, '--against', out, '--rotate', 'nope']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--rotate nope: next has no such secret; its secrets are admin_password, erlang_cookie');
  });
});
