/**
 * `rmq-ha export` without a running cluster: the spec's definitions (placeholders kept), option
 * rules and usage errors; and `rmq-ha render` writing the monitoring files. The live export
 * (`--url`, `--dir`) runs against real nodes in helpers/operations-checks.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { writeFileAtomically } from '../cli/private/atomic-file';
import { ROOT, runCli } from './helpers/cli';

const run = (args: string[]) => runCli(args);

describe('rmq-ha export', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-export-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('--env prints the definitions the spec loads at boot, secrets as placeholders', () => {
    const r = run(['export', '--env', 'dev']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const defs = JSON.parse(r.stdout);
    expect(defs.users).toEqual([expect.objectContaining({ name: 'admin', password: '{{secret:admin_password}}' })]);
    expect(defs.queues.map((q: { name: string }) => q.name)).toEqual(expect.arrayContaining(['orders', 'orders.dead']));
    expect(defs.policies.map((p: { name: string }) => p.name)).toContain('orders');
  });

  test('--env --out writes the same text to a file', () => {
    const out = path.join(tmp, 'dev-definitions.json');
    const r = run(['export', '--env', 'dev', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/dev-definitions\.json: 1 vhost\(s\), 1 user\(s\), \d+ exchange\(s\), \d+ queue\(s\), 1 policy\(ies\) that dev loads at boot/);
    expect(fs.readFileSync(out, 'utf8')).toBe(run(['export', '--env', 'dev']).stdout);
  });

  test.each([
    [[], /give --url URL or --dir DIR/],
    [['--env', 'dev', '--url', 'http://127.0.0.1:15672'], /give only one of --url, --dir, --env, --spec \(got --url, --env\)/],
    [['--url', 'http://127.0.0.1:15672', '--out', 'x.json'], /--url needs --password-file FILE/],
    [['--url', 'http://127.0.0.1:15672', '--password-file', 'pw'], /a live export needs --out FILE/],
    [['--url', 'not a url', '--password-file', 'pw', '--out', 'x.json'], /is not a URL/],
    [['--url', 'http://admin:pw@127.0.0.1:15672', '--password-file', 'pw', '--out', 'x.json'], /must not carry credentials/],
    [['--url', 'http://127.0.0.1:15672', '--password-file', '/nonexistent/pw', '--out', 'x.json'], /cannot read the password file \/nonexistent\/pw: ENOENT/],
    [['--dir', '/nonexistent-rmq-dir', '--out', 'x.json'], /nothing was started under \/nonexistent-rmq-dir/],
  ])('usage error: export %j', (args, message) => {
    const r = run(['export', ...(args as string[])]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(fs.existsSync(path.join(ROOT, 'x.json'))).toBe(false);
  });

  test('writeFileAtomically: the mode is set from the start, an existing file is replaced, no temp file stays', () => {
    const f = path.join(tmp, 'sub', 'secret.json');
    writeFileAtomically(f, 'one', 0o600);
    expect(fs.statSync(f).mode & 0o777).toBe(0o600);
    fs.chmodSync(f, 0o644);
    writeFileAtomically(f, 'two', 0o600);
    expect(fs.readFileSync(f, 'utf8')).toBe('two');
    expect(fs.statSync(f).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(f))).toEqual(['secret.json']);
  });
});

describe('rmq-ha render writes the monitoring files', () => {
  test('monitoring/prometheus.yml scrapes the containers; monitoring/rabbitmq-alerts.yml beside it', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-render-mon-'));
    try {
      const r = run(['render', '--env', 'dev', '--out', out]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`${out}/monitoring/prometheus.yml`);
      const config = parseYaml(fs.readFileSync(path.join(out, 'monitoring/prometheus.yml'), 'utf8'));
      expect(config.scrape_configs[0].static_configs.map((s: { targets: string[] }) => s.targets[0])).toEqual(['rmq-dev-0:15692', 'rmq-dev-1:15692', 'rmq-dev-2:15692']);
      const rules = parseYaml(fs.readFileSync(path.join(out, 'monitoring/rabbitmq-alerts.yml'), 'utf8'));
      expect(rules.groups[0].name).toBe('rabbitmq-rmq-dev');
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
