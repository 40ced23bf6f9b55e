// test lane: engine (test/run-tests.sh: balances the two lanes; no RabbitMQ node, no timing-sensitive wait)
/**
 * The synthesized stacks are valid Terraform for the providers they pin: the Docker stacks are
 * synthesized by the built CLI (`rmq-ha synth`, as users run it), then `terraform init` installs
 * kreuzwerker/docker from the mirror `npm run providers` builds (no registry) and
 * `terraform validate -json` checks every resource, attribute and reference against the real
 * provider schema. If the docker provider cannot be built, the suite fails.
 *
 * Only stacks whose providers can be built here are validated: the Go module proxy refuses the
 * release commits of hashicorp/random 3.7.2 and hashicorp/kubernetes 2.38.0 (providers/README.md),
 * so stacks with generated secrets and Kubernetes stacks cannot be initialised on this machine.
 * The Docker stacks below take every secret from variables, which needs no hashicorp/random.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run as runBounded } from '../e2e/run';
import { ensureProviders, type Providers } from '../providers';
import { parse as parseYaml } from 'yaml';
import { listEnvironmentFiles } from '../spec/load';
import { runCli } from './helpers/cli';

/** The provider versions required_providers pins (docker: stacks/private/docker-target.ts). */
const PINNED = { 'kreuzwerker/docker': '4.6.0', 'hashicorp/tls': '4.1.0' } as const;

/** Secrets from Terraform variables: no hashicorp/random in the stack. */
const VARIABLE_SECRETS = {
  credentials: { adminPassword: { variable: 'rmq_admin_password' }, erlangCookie: { variable: 'rmq_erlang_cookie' } },
} as const;

/** The generated variants: load balancer x nodes, and the Docker example environments, secrets from variables. */
const VARIANTS = [
  ...(['haproxy', 'nginx', 'none'] as const).flatMap((kind) =>
    [1, 3, 5].map((nodes) => ({
      env: `docker-${kind}-${nodes}`,
      spec: { name: `rmq-doc-${kind}-${nodes}`, target: 'docker', nodes, loadBalancer: { kind, ...(kind === 'haproxy' ? { statsPassword: { variable: 'rmq_stats' } } : {}) }, ...VARIABLE_SECRETS } as Record<string, unknown>,
    })),
  ),
  // Every plugin listener published per node (spec/plugin-listeners.ts).
  {
    env: 'docker-listeners',
    spec: { name: 'rmq-doc-listeners', target: 'docker', nodes: 3, loadBalancer: { kind: 'none' }, rabbitmq: { plugins: ['rabbitmq_stream', 'rabbitmq_mqtt', 'rabbitmq_stomp', 'rabbitmq_web_mqtt', 'rabbitmq_web_stomp'] }, ...VARIABLE_SECRETS } as Record<string, unknown>,
  },
  // A remote state backend: terraform init -backend=false and validate must not need it.
  { env: 'docker-s3-state', spec: { name: 'rmq-s3-state', target: 'docker', loadBalancer: { kind: 'nginx' }, state: { backend: 's3', bucket: 'rmq-state', key: 'rmq/dev.tfstate', region: 'eu-west-1' }, ...VARIABLE_SECRETS } as Record<string, unknown> },
  ...listEnvironmentFiles()
    .map((f) => ({ f, spec: parseYaml(fs.readFileSync(f, 'utf8')) as Record<string, unknown> & { target?: string; loadBalancer?: Record<string, unknown> } }))
    .filter(({ spec }) => (spec.target ?? 'docker') === 'docker')
    .map(({ f, spec }) => ({
      env: `${path.basename(f).replace(/\.ya?ml$/, '')}-variables`,
      spec: { ...spec, ...VARIABLE_SECRETS, loadBalancer: { ...spec.loadBalancer, ...(spec.loadBalancer?.kind === 'nginx' ? {} : { statsPassword: { variable: 'rmq_stats' } }) } },
    })),
];
const STACKS = VARIANTS.map((v) => v.env);

/** Bounded child process (the e2e harness's). */
const run = (cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number) => runBounded(cmd, args, { cwd, env, timeoutMs });

interface Diagnostic {
  severity: 'error' | 'warning';
  summary: string;
  detail?: string;
  address?: string;
  range?: { filename: string; start: { line: number } };
}

const describeDiagnostic = (d: Diagnostic) => `${d.severity}: ${d.summary}${d.address ? ` [${d.address}]` : ''}${d.detail ? `: ${d.detail}` : ''}`;

let providers: Providers;
let tmp: string;
/** Stack directory by name (`<out>/stacks/<env>`). */
const stackDirs = new Map<string, string>();
const warnings: string[] = [];

beforeAll(async () => {
  const began = Date.now();
  // Minutes the first time on a machine (Go builds of three providers), about a second when cached.
  providers = await ensureProviders();
  const built = Date.now();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-ha-tf-validate-'));
  const synth = (args: string[], out: string) => {
    const r = runCli(['synth', ...args, '--out', out], { timeoutMs: 120000 });
    if (r.code !== 0) throw new Error(`rmq-ha synth ${args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
    for (const m of r.stdout.matchAll(/^synthesized (\S+) -> (.+)$/gm)) stackDirs.set(m[1], path.dirname(path.resolve(m[2])));
  };
  for (const v of VARIANTS) {
    const file = path.join(tmp, `${v.env}.yaml`);
    fs.writeFileSync(file, JSON.stringify(v.spec)); // JSON is YAML
    synth(['--spec', file], path.join(tmp, 'variants', v.env));
  }
  // eslint-disable-next-line no-console
  console.log(`providers ready in ${built - began} ms (${providers.cliConfig}); ${stackDirs.size} stacks synthesized in ${Date.now() - built} ms`);
}, 45 * 60000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  // eslint-disable-next-line no-console
  if (warnings.length > 0) console.log(`terraform validate warnings:\n${[...new Set(warnings)].join('\n')}`);
});

describe('terraform validate of every synthesized stack, with the providers built from source', () => {
  test('every stack was synthesized', () => {
    expect([...stackDirs.keys()].sort()).toEqual([...STACKS].sort());
  });

  test.each(STACKS)('%s: terraform init installs the pinned providers from the mirror; validate reports no error', async (name) => {
    const dir = stackDirs.get(name);
    if (!dir) throw new Error(`stack ${name} was not synthesized`);
    const env = { TF_CLI_CONFIG_FILE: providers.cliConfig, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };
    const init = await run(providers.terraform, ['init', '-backend=false', '-input=false', '-no-color'], dir, env, 120000);
    if (init.code !== 0) throw new Error(`terraform init in ${name} exited ${init.code}:\n${init.stdout}\n${init.stderr}`);

    // The lock file names what init selected: exactly the pinned versions, from the mirror.
    const lock = fs.readFileSync(path.join(dir, '.terraform.lock.hcl'), 'utf8');
    const selected = Object.fromEntries([...lock.matchAll(/provider "registry\.terraform\.io\/([^"]+)" \{\s*version\s*=\s*"([^"]+)"/g)].map((m) => [m[1], m[2]]));
    const stack = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')) as { terraform: { required_providers: Record<string, { source: string }> } };
    // A source without a namespace ("kubernetes", as the kubernetes bindings write it) is hashicorp's.
    const sources = Object.values(stack.terraform.required_providers).map((p) => (p.source.includes('/') ? p.source : `hashicorp/${p.source}`));
    const expected = Object.fromEntries(sources.map((s) => [s, PINNED[s as keyof typeof PINNED] ?? 'not pinned here']));
    expect(selected).toEqual(expected);

    const validate = await run(providers.terraform, ['validate', '-json', '-no-color'], dir, env, 120000);
    let result: { valid: boolean; error_count: number; warning_count: number; diagnostics: Diagnostic[] };
    try {
      result = JSON.parse(validate.stdout);
    } catch {
      throw new Error(`terraform validate -json in ${name} printed no JSON (exit ${validate.code}):\n${validate.stdout}\n${validate.stderr}`);
    }
    warnings.push(...result.diagnostics.filter((d) => d.severity === 'warning').map((d) => `${name}: ${describeDiagnostic(d)}`));
    const errors = result.diagnostics.filter((d) => d.severity === 'error').map(describeDiagnostic);
    expect({ valid: result.valid, errorCount: result.error_count, errors, exit: validate.code }).toEqual({ valid: true, errorCount: 0, errors: [], exit: 0 });
  }, 240000);
});
