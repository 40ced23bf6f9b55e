/**
 * The plan-time checks of what a Kubernetes stack names but does not create (PriorityClass,
 * StorageClass, an existing namespace: constructs/kubernetes/prerequisites.ts), run by the real
 * Terraform 1.11.4. Stand-in, said plainly: hashicorp/kubernetes 2.38.0 cannot be built here
 * (`npm run providers` prints it as unavailable), and there is no cluster to look objects up in.
 * So each synthesized `data.kubernetes_resources` block keeps its exact `lifecycle` (condition and
 * error_message) but reads through Terraform's built-in `terraform_remote_state` data source from
 * a local state file: no outputs stands for "no object found" (`objects` is an empty list), one
 * output for "exactly one". What this proves: Terraform accepts the block as synthesized, evaluates
 * the postcondition during `terraform plan` (before anything is created), fails the plan with
 * the message that names the field and the fix, and passes when the object exists.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../e2e/run';
import { ensureProviders, type Providers } from '../providers';
import type { ClusterSpecInput } from '../spec/cluster';
import { k8sSpec, prodSpec, synthStack } from './helpers/kubernetes';

/* eslint-disable @typescript-eslint/no-explicit-any */
jest.setTimeout(300_000);

let providers: Providers;
let tmp: string;
const ENV = { TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };

beforeAll(async () => {
  providers = await ensureProviders();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-ha-prereq-'));
}, 45 * 60_000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** Every lookup of a stack: logical id -> synthesized block. */
function lookupsOf(spec: ClusterSpecInput, id: string): Record<string, any> {
  return synthStack(spec, id).json.data.kubernetes_resources;
}

/** `terraform plan -json` of the stand-in for one lookup, with `outputs` outputs in the state it reads. */
async function planStandIn(name: string, lookup: any, outputs: number): Promise<{ code: number | null; errors: Array<{ summary: string; detail: string; context?: string }> }> {
  const dir = fs.mkdtempSync(path.join(tmp, `${name}-`));
  const state = { version: 4, terraform_version: '1.11.4', serial: 1, lineage: 'stand-in', outputs: Object.fromEntries(Array.from({ length: outputs }, (_, i) => [`object_${i}`, { value: 'x', type: 'string' }])), resources: [] };
  fs.writeFileSync(path.join(dir, 'found.tfstate'), JSON.stringify(state));
  const lifecycle = JSON.parse(JSON.stringify(lookup.lifecycle).split('self.objects').join('self.outputs'));
  fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ data: { terraform_remote_state: { [name]: { backend: 'local', config: { path: 'found.tfstate' }, lifecycle } } } }));
  const init = await run(providers.terraform, ['init', '-input=false', '-no-color'], { cwd: dir, env: { ...process.env, ...ENV }, timeoutMs: 120_000 });
  if (init.code !== 0) throw new Error(`terraform init exited ${init.code}:\n${init.stdout}\n${init.stderr}`);
  const plan = await run(providers.terraform, ['plan', '-json', '-input=false', '-no-color', '-lock=false'], { cwd: dir, env: { ...process.env, ...ENV }, timeoutMs: 120_000 });
  const errors = plan.stdout
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l))
    .filter((m) => m.type === 'diagnostic' && m.diagnostic.severity === 'error')
    .map((m) => ({ summary: m.diagnostic.summary, detail: m.diagnostic.detail, context: m.diagnostic.snippet?.context }));
  return { code: plan.code, errors };
}

const cases = (): Array<[string, any]> => [
  ...Object.entries(lookupsOf(prodSpec(), 'prod')),
  ...Object.entries(lookupsOf(k8sSpec({ kubernetes: { namespace: 'messaging', createNamespace: false } } as Partial<ClusterSpecInput>), 'existing')),
];

test('the lookups are the ones prod.yaml and an existing namespace need', () => {
  expect(cases().map(([name]) => name)).toEqual(['priority_class', 'storage_class', 'namespace']);
  // eslint-disable-next-line no-console
  console.log(`terraform ${providers.terraform}; hashicorp/kubernetes here: ${providers.unavailable.find((u) => u.startsWith('hashicorp/kubernetes')) ?? 'built'}`);
});

test.each(cases())('%s: a missing object fails terraform plan with the field and the fix; a present one passes', async (name, lookup) => {
  const missing = await planStandIn(name, lookup, 0);
  expect(missing.code).toBe(1);
  expect(missing.errors).toEqual([{ summary: 'Resource postcondition failed', detail: lookup.lifecycle.postcondition[0].error_message, context: `data.terraform_remote_state.${name}.lifecycle.postcondition[0]` }]);
  const present = await planStandIn(name, lookup, 1);
  expect(present).toEqual({ code: 0, errors: [] });
});
