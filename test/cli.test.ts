import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, runCli } from './helpers/cli';

// The CLI is tested as users run it: the bundled entry point (npm test builds it first).
const run = (args: string[]) => runCli(args);

/** Every file under dir with its content, to prove a failed command changed nothing. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

describe('rmq-ha CLI', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-cli-'));
  const bad = path.join(tmp, 'bad.yaml');
  fs.writeFileSync(bad, 'name: Bad_Name\nnodes: 0\nrabbitmq:\n  version: "5.0"\n');
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('synth --env dev writes the cdktf layout and exits 0', () => {
    const out = path.join(tmp, 'out');
    const r = run(['synth', '--env', 'dev', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(fs.readFileSync(path.join(out, 'stacks/dev/cdk.tf.json'), 'utf8'));
    expect(Object.keys(json.resource.docker_container).sort()).toEqual(['load_balancer', 'node_0', 'node_1', 'node_2']);
    expect(JSON.stringify(json)).not.toContain(ROOT); // no machine path (relative LocalBackend)
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(manifest.stacks.dev.synthesizedStackPath).toBe('stacks/dev/cdk.tf.json');
  });

  // A pipeline stage may synthesize where Terraform is not installed: cdktf's DataResource ran
  // `terraform version` at synth and failed there with a stack trace (constructs/secrets/terraform-data.ts).
  test('synth needs no terraform on PATH; the stack asks Terraform for its version instead (required_version)', () => {
    const out = path.join(tmp, 'no-terraform');
    const bin = fs.mkdtempSync(path.join(tmp, 'bin-'));
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    const r = runCli(['synth', '--env', 'dev', '--out', out], { env: { PATH: bin } });
    expect(spawnSync('/bin/sh', ['-c', 'command -v terraform'], { env: { PATH: bin } }).status).toBe(127);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const json = JSON.parse(fs.readFileSync(path.join(out, 'stacks/dev/cdk.tf.json'), 'utf8'));
    expect(json.terraform.required_version).toBe('>= 1.4.0');
    expect(Object.keys(json.resource.terraform_data).sort()).toEqual(['admin_password_fingerprint', 'erlang_cookie_fingerprint']);
  });

  test('re-synthesis keeps everything Terraform and the operator put in a stack folder', () => {
    const out = path.join(tmp, 'keep');
    expect(run(['synth', '--env', 'dev', '--out', out]).code).toBe(0);
    const stackDir = path.join(out, 'stacks/dev');
    const keep = { 'terraform.tfstate': '{"serial": 7}', 'backend_override.tf': 'terraform {}', 'prod.auto.tfvars': 'x = 1', '.terraform/providers/p': 'bin' };
    for (const [f, c] of Object.entries(keep)) {
      fs.mkdirSync(path.dirname(path.join(stackDir, f)), { recursive: true });
      fs.writeFileSync(path.join(stackDir, f), c);
    }
    expect(run(['synth', '--env', 'dev', '--out', out]).code).toBe(0);
    for (const [f, c] of Object.entries(keep)) expect(fs.readFileSync(path.join(stackDir, f), 'utf8')).toBe(c);
    expect(fs.readdirSync(path.dirname(out)).filter((d) => d.startsWith('.rmq-ha-synth-'))).toEqual([]);
  });

  test('an invalid spec exits 1, lists every problem on stderr, and writes nothing', () => {
    const out = path.join(tmp, 'out');
    run(['synth', '--env', 'dev', '--out', out]);
    const before = tree(out);
    const r = run(['synth', '--spec', bad, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/invalid cluster spec \(3 problems\)/);
    expect(r.stderr).toMatch(/- name: got "Bad_Name"; must be a DNS label/);
    expect(r.stderr).toMatch(/- nodes: got 0; must be at least 1/);
    expect(r.stderr).toMatch(/- rabbitmq\.version: got "5\.0"; must be a release line from 3\.10 to 4\.3/);
    expect(tree(out)).toEqual(before);
    const renderOut = path.join(tmp, 'render-bad');
    expect(run(['render', '--spec', bad, '--out', renderOut]).code).toBe(1);
    expect(fs.existsSync(renderOut)).toBe(false);
  });

  test('render writes the files a deployment carries, secrets as placeholders', () => {
    const out = path.join(tmp, 'render');
    const r = run(['render', '--env', 'dev', '--out', out]);
    expect(r.code).toBe(0);
    const files = Object.keys(tree(out)).sort();
    expect(files).toEqual(expect.arrayContaining(['nodes/rmq-dev-0/rabbitmq.conf', 'nodes/rmq-dev-2/definitions.json', 'nodes/rmq-dev-1/enabled_plugins']));
    expect(fs.readFileSync(path.join(out, 'nodes/rmq-dev-0/definitions.json'), 'utf8')).toContain('{{secret:admin_password}}');
  });

  test('render never replaces a directory it did not write (a mistyped --out . must not wipe a tree)', () => {
    const foreign = path.join(tmp, 'foreign');
    fs.mkdirSync(path.join(foreign, '.git'), { recursive: true });
    fs.writeFileSync(path.join(foreign, 'app.ts'), 'keep me');
    const before = tree(foreign);
    const r = run(['render', '--env', 'dev', '--out', foreign]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/was not written by rmq-ha/);
    expect(tree(foreign)).toEqual(before);
    const own = path.join(tmp, 'own');
    expect(run(['render', '--env', 'dev', '--out', own]).code).toBe(0);
    expect(run(['render', '--env', 'staging', '--out', own]).code).toBe(0); // its own output is replaced
    expect(fs.existsSync(path.join(own, 'nodes/rmq-staging-0/rabbitmq.conf'))).toBe(true);
    expect(fs.existsSync(path.join(own, 'nodes/rmq-dev-0'))).toBe(false);
  });

  test('validate prints warnings; --strict turns them into exit 1; --json is one object', () => {
    const even = path.join(tmp, 'even.yaml');
    fs.writeFileSync(even, 'name: even\nnodes: 4\n');
    const r = run(['validate', '--spec', even]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/warning nodes: 4 nodes tolerate as many failures as 3/);
    expect(run(['validate', '--spec', even, '--strict']).code).toBe(1);
    const j = run(['validate', '--spec', even, '--json']);
    expect(JSON.parse(j.stdout).environments[0].warnings.map((w: { id: string }) => w.id)).toContain('even-node-count');
  });

  test('usage errors exit 1', () => {
    expect(run(['render', '--env', 'dev']).code).toBe(1); // --out missing
    expect(run(['synth', '--env', 'nope']).code).toBe(1);
    expect(run(['no-such-command']).code).toBe(1);
    expect(run(['synth', '--env', 'dev', '--spec', bad, '--out', path.join(tmp, 'x')]).code).toBe(1);
  });
});

describe('rmq-ha validate on Kubernetes environments', () => {
  test('prod (kubernetes) is consistent and validate says so', () => {
    const r = run(['validate', '--env', 'prod', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.valid).toBe(true);
    expect(out.environments[0].problems).toEqual([]);
  });
});

describe('cdktf app (cdktf.json "app")', () => {
  test('the app synthesizes every environment into CDKTF_OUTDIR, as `cdktf synth` runs it', () => {
    const cdktfJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8'));
    expect(cdktfJson.app).toMatch(/node dist\/stacks\/main\.js$/);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-app-'));
    try {
      const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/stacks/main.js')], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CDKTF_OUTDIR: out }, timeout: 60000 });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(fs.readdirSync(path.join(out, 'stacks')).sort()).toEqual(fs.readdirSync(path.join(ROOT, 'environments')).map((f) => f.replace(/\.(ya?ml|json)$/, '')).sort());
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
