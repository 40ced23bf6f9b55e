// test lane: engine (test/run-tests.sh: balances the two lanes; no RabbitMQ node, no timing-sensitive wait)
/**
 * `rmq-ha export --format compose|kubernetes --out DIR`, run as users run the CLI, checked by the
 * real consumers: docker-compose 1.29.2 (Debian) reads the Compose file (`config -q`, and `config`
 * for what it understood); kubernetes-validate (the pinned OpenAPI schemas) reads the manifests.
 * That the Compose project forms a cluster on a real engine is test/compose-engine.integration.test.ts.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml, parseAllDocuments, stringify as stringifyYaml } from 'yaml';
import { createLocalCa, issueLocalCertificate } from '../local/tls-certs';
import { stackToManifests } from '../constructs/kubernetes/manifests';
import { runCli } from './helpers/cli';
import { kubernetesValidateCli, runKubernetesValidate } from './helpers/kubernetes-openapi';

jest.setTimeout(600_000);

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-ha-export-deploy-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const PROD_VARS = { TF_VAR_rmq_prod_admin_password: 'A1b2C3d4E5f6G7h8I9j0', TF_VAR_rmq_prod_erlang_cookie: 'K1l2M3n4O5p6Q7r8S9t0U1v2' };

function compose(dir: string, args: readonly string[]) {
  return spawnSync('docker-compose', ['--project-directory', dir, '-f', path.join(dir, 'docker-compose.yml'), ...args], { encoding: 'utf8', timeout: 60000 });
}

describe('export --format compose', () => {
  test('docker-compose accepts the file; services, ports, limits and files are the stack\'s; secrets are resolved and kept across exports', () => {
    const dir = path.join(tmp, 'compose');
    const r = runCli(['export', '--env', 'dev', '--format', 'compose', '--out', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const check = compose(dir, ['config', '-q']);
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    // What docker-compose understood, not what we wrote.
    const seen = parseYaml(compose(dir, ['config']).stdout);
    expect(Object.keys(seen.services).sort()).toEqual(['rmq-dev-0', 'rmq-dev-1', 'rmq-dev-2', 'rmq-dev-lb']);
    const node = seen.services['rmq-dev-1'];
    expect(node.image).toBe('rabbitmq:4.3.4-management');
    expect(node.ports).toEqual(['127.0.0.1:5674:5672/tcp', '127.0.0.1:15674:15672/tcp']); // docker-compose 1.29 keeps the short form
    expect(node.environment).toEqual({ RABBITMQ_NODENAME: 'rabbit@rmq-dev-1' });
    expect(node.ulimits.nofile).toEqual({ soft: 65536, hard: 65536 });
    expect(node.healthcheck.test[1]).toMatch(/check_virtual_hosts/);
    expect(node.networks).toEqual({ 'rmq-dev-net': { aliases: ['rmq-dev-1'] } });
    expect(Object.keys(seen.services['rmq-dev-lb'].depends_on).sort()).toEqual(['rmq-dev-0', 'rmq-dev-1', 'rmq-dev-2']);
    expect(Object.keys(seen.volumes).sort()).toEqual(['rmq-dev-0-data', 'rmq-dev-1-data', 'rmq-dev-2-data']);
    // The files are what the nodes carry: the rendered config, with the secrets in place.
    const conf = fs.readFileSync(path.join(dir, 'files/rmq-dev-1/etc/rabbitmq/conf.d/90-rmq-ha.conf'), 'utf8');
    expect(conf).toMatch(/^cluster_name = rmq-dev$/m);
    const secrets = JSON.parse(fs.readFileSync(path.join(dir, 'generated-secrets.json'), 'utf8'));
    expect(Object.keys(secrets).sort()).toEqual(['admin_password', 'erlang_cookie', 'lb_stats_password']);
    expect(fs.statSync(path.join(dir, 'generated-secrets.json')).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(dir, 'files/rmq-dev-0/etc/rabbitmq/rmq-ha/erlang.cookie'), 'utf8')).toBe(secrets.erlang_cookie);
    expect(fs.readFileSync(path.join(dir, 'files/rmq-dev-0/etc/rabbitmq/rmq-ha/definitions.json'), 'utf8')).toContain(secrets.admin_password);
    for (const f of fs.readdirSync(dir, { recursive: true }) as string[]) {
      const p = path.join(dir, f);
      if (fs.statSync(p).isFile()) expect(`${f}: ${fs.readFileSync(p, 'utf8')}`).not.toMatch(/\$\{|\{\{secret:/);
    }
    expect(runCli(['export', '--env', 'dev', '--format', 'compose', '--out', dir]).code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'generated-secrets.json'), 'utf8'))).toEqual(secrets);
  });

  test.each([
    [['--format', 'compose', '--env', 'prod'], {}, /--format compose exports a docker stack, but environments\/prod.yaml has target: kubernetes; use --format kubernetes/],
    [['--format', 'helm', '--env', 'dev'], {}, /--format: got "helm"; must be one of compose, kubernetes/],
    [['--format', 'kubernetes', '--env', 'prod'], {}, /set TF_VAR_rmq_prod_admin_password \(password of the administrator admin\), TF_VAR_rmq_prod_erlang_cookie/],
    [['--format', 'kubernetes', '--env', 'prod'], { ...PROD_VARS, TF_VAR_rmq_prod_erlang_cookie: 'short' }, /TF_VAR_rmq_prod_erlang_cookie must be 16-255 characters/],
  ])('%j is refused with the field and the fix; nothing written', (args, env, message) => {
    const dir = path.join(tmp, `refused-${Math.random().toString(36).slice(2)}`);
    const r = runCli(['export', ...args, '--out', dir], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(dir)).toBe(false);
  });

  test('--format without --out, and a non-empty directory rmq-ha did not write, are refused', () => {
    expect(runCli(['export', '--env', 'dev', '--format', 'compose']).stderr).toMatch(/--format compose needs --out DIR/);
    const busy = path.join(tmp, 'busy');
    fs.mkdirSync(busy);
    fs.writeFileSync(path.join(busy, 'keep.txt'), 'mine');
    const r = runCli(['export', '--env', 'dev', '--format', 'compose', '--out', busy]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/exists and was not written by rmq-ha/);
    expect(fs.readdirSync(busy)).toEqual(['keep.txt']);
  });
});

describe('export --format kubernetes', () => {
  test('the manifests are the stack\'s objects, Secrets apart (mode 0600), and validate against the Kubernetes OpenAPI schema', () => {
    const dir = path.join(tmp, 'k8s');
    const r = runCli(['export', '--env', 'prod', '--format', 'kubernetes', '--out', dir], { env: PROD_VARS });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const read = (f: string): Array<{ kind: string; metadata: { name: string }; data?: Record<string, string> }> =>
      parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS()).filter(Boolean);
    const objects = [...read('manifests.yaml'), ...read('secrets.yaml')];
    const synth = runCli(['synth', '--env', 'prod', '--out', path.join(tmp, 'k8s-synth')]);
    expect(synth.code).toBe(0);
    const expected = stackToManifests(fs.readFileSync(path.join(tmp, 'k8s-synth/stacks/prod/cdk.tf.json'), 'utf8')) as Array<{ kind: string; metadata: { name: string } }>;
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(expected.map((o) => `${o.kind}/${o.metadata.name}`).sort());
    expect(read('manifests.yaml').some((o) => o.kind === 'Secret')).toBe(false);
    expect(fs.statSync(path.join(dir, 'secrets.yaml')).mode & 0o777).toBe(0o600);
    const secretValues = read('secrets.yaml').flatMap((s) => Object.values(s.data ?? {}).map((v) => Buffer.from(v, 'base64').toString()));
    expect(secretValues).toContain(PROD_VARS.TF_VAR_rmq_prod_erlang_cookie);
    expect(fs.readFileSync(path.join(dir, 'manifests.yaml'), 'utf8')).not.toMatch(/\$\{|tf-var-/);
    const result = runKubernetesValidate(kubernetesValidateCli(), [path.join(dir, 'manifests.yaml'), path.join(dir, 'secrets.yaml')]);
    expect(result.lines.filter((l) => l.level !== 'INFO')).toEqual([]);
    expect(result.lines.filter((l) => l.level === 'INFO')).toHaveLength(objects.length);
    expect(result.status).toBe(0);
  });

  test('TLS: generated certificates cannot be exported (refused with field, value and fix); certificate files are read into the Secrets', () => {
    const gen = path.join(tmp, 'k8s-tls-gen.yaml');
    fs.writeFileSync(gen, stringifyYaml({ name: 'rmq', target: 'kubernetes', nodes: 3, loadBalancer: { kind: 'haproxy' }, tls: { enabled: true } }));
    const refused = runCli(['export', '--spec', gen, '--format', 'kubernetes', '--out', path.join(tmp, 'k8s-tls-gen')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/tls\.certificates: got \{ generate: \{ validityDays: 365 \} \}; generated certificates are made by Terraform .* export with \{ files: \{ caFile, certFile, keyFile \} \} or \{ secret: \{ name \} \}/);
    expect(fs.existsSync(path.join(tmp, 'k8s-tls-gen'))).toBe(false);

    const ca = createLocalCa(path.join(tmp, 'export-ca'), 'export CA', 2);
    const cert = issueLocalCertificate(ca, path.join(tmp, 'export-node'), { dnsNames: ['*.rmq-nodes.rabbitmq', 'rmq-nodes.rabbitmq.svc.cluster.local'], ipAddresses: [] }, 2);
    const files = path.join(tmp, 'k8s-tls-files.yaml');
    fs.writeFileSync(files, stringifyYaml({ name: 'rmq', target: 'kubernetes', nodes: 3, loadBalancer: { kind: 'haproxy' }, tls: { enabled: true, interNode: true, certificates: { files: { caFile: ca.certFile, certFile: cert.certFile, keyFile: cert.keyFile } } } }));
    const dir = path.join(tmp, 'k8s-tls-files');
    const r = runCli(['export', '--spec', files, '--format', 'kubernetes', '--out', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const secrets = parseAllDocuments(fs.readFileSync(path.join(dir, 'secrets.yaml'), 'utf8')).map((d) => d.toJS()).filter(Boolean) as Array<{ metadata: { name: string }; data: Record<string, string> }>;
    const tlsSecret = secrets.find((x) => x.metadata.name === 'rmq-server-tls')!;
    const text = (k: string): string => Buffer.from(tlsSecret.data[k], 'base64').toString();
    expect(text('ca.crt')).toBe(fs.readFileSync(ca.certFile, 'utf8'));
    expect(text('rmq-server-2.tls.key')).toBe(fs.readFileSync(cert.keyFile, 'utf8'));
    // (Checksum annotations computed by Terraform functions stay placeholders, as without TLS.)
    for (const f of ['manifests.yaml', 'secrets.yaml']) expect(fs.readFileSync(path.join(dir, f), 'utf8')).not.toMatch(/\$\{|file\("|tf-(var|tls|file)-/);
    const result = runKubernetesValidate(kubernetesValidateCli(), [path.join(dir, 'manifests.yaml'), path.join(dir, 'secrets.yaml')]);
    expect(result.lines.filter((l) => l.level !== 'INFO')).toEqual([]);
    expect(result.status).toBe(0);
  });

  test('generated secrets are generated once and kept across exports', () => {
    const spec = path.join(tmp, 'k8s-gen.yaml');
    fs.writeFileSync(spec, stringifyYaml({ name: 'rmq', target: 'kubernetes', nodes: 3 }));
    const dir = path.join(tmp, 'k8s-gen');
    expect(runCli(['export', '--spec', spec, '--format', 'kubernetes', '--out', dir]).code).toBe(0);
    const first = fs.readFileSync(path.join(dir, 'secrets.yaml'), 'utf8');
    expect(runCli(['export', '--spec', spec, '--format', 'kubernetes', '--out', dir]).code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'secrets.yaml'), 'utf8')).toBe(first);
  });
});
