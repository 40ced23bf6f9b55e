import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseClusterSpec } from '../spec/parse';
import { loadSpecFile } from '../spec/load';
import { issuesOf } from './helpers/specs';


describe('cluster spec defaults', () => {
  test('a name is all a spec needs; defaults are production-minded', () => {
    const spec = parseClusterSpec({ name: 'rmq' });
    expect(spec.target).toBe('docker');
    expect(spec.nodes).toBe(3);
    expect(spec.rabbitmq.version).toBe('4.3.4');
    expect(spec.rabbitmq.heartbeatSeconds).toBe(30);
    expect(spec.rabbitmq.memoryHighWatermark).toEqual({ relative: 0.6 });
    expect(spec.rabbitmq.diskFreeLimit).toEqual({ absolute: 2e9 });
    expect(spec.network.bindAddress).toBe('127.0.0.1');
    expect(spec.credentials.adminPassword).toEqual({ generate: { length: 32 } });
    expect(spec.credentials.erlangCookie).toEqual({ generate: { length: 48 } });
    expect(spec.resources.memory).toBe(2 * 1024 ** 3);
  });

  test('sizes accept operator units', () => {
    const spec = parseClusterSpec({ name: 'rmq', resources: { memory: '512MiB' }, rabbitmq: { diskFreeLimit: { absolute: '4GB' } } });
    expect(spec.resources.memory).toBe(512 * 1024 ** 2);
    expect(spec.rabbitmq.diskFreeLimit).toEqual({ absolute: 4e9 });
  });

  test('parsing a parsed spec is idempotent', () => {
    const once = parseClusterSpec({ name: 'rmq', nodes: 5, resources: { memory: '1GiB' } });
    expect(parseClusterSpec(once)).toEqual(once);
  });
});

describe('cluster spec validation: every problem names field, value and fix', () => {
  test('missing name', () => {
    expect(issuesOf({})).toEqual([expect.objectContaining({ path: 'name', value: undefined, message: expect.stringMatching(/required/) })]);
  });

  test.each([
    ['name', { name: 'Bad_Name' }, /DNS label/],
    ['nodes', { name: 'r', nodes: 0 }, /at least 1/],
    ['nodes', { name: 'r', nodes: 2.5 }, /whole number/],
    ['nodes', { name: 'r', nodes: 100 }, /at most 99/],
    ['target', { name: 'r', target: 'swarm' }, /"docker", "kubernetes"/],
    ['rabbitmq.version', { name: 'r', rabbitmq: { version: 'latest' } }, /version like/],
    ['rabbitmq.version', { name: 'r', rabbitmq: { version: '3.8.9' } }, /3\.10 to 4\.3/],
    ['rabbitmq.heartbeatSeconds', { name: 'r', rabbitmq: { heartbeatSeconds: 2 } }, />= 5/],
    ['rabbitmq.memoryHighWatermark.relative', { name: 'r', rabbitmq: { memoryHighWatermark: { relative: 0.95 } } }, /between 0\.2 and 0\.9/],
    ['resources.memory', { name: 'r', resources: { memory: 'lots' } }, /size such as/],
    ['credentials.adminUser', { name: 'r', credentials: { adminUser: 'guest' } }, /must not be guest/],
    ['credentials.adminPassword', { name: 'r', credentials: { adminPassword: 'hunter2hunter2' } }, /never written as literals/],
    ['network.bindAddress', { name: 'r', network: { bindAddress: 'localhost' } }, /IPv4/],
  ])('%s is rejected: %j', (field, input, message) => {
    const issues = issuesOf(input);
    expect(issues).toContainEqual(expect.objectContaining({ path: field, message: expect.stringMatching(message) }));
    const issue = issues.find((i) => i.path === field)!;
    const given = field.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], input);
    // Literals in secret fields are never echoed (error output reaches CI logs).
    expect(issue.value).toEqual(/^credentials\.|password|cookie/i.test(field) && typeof given === 'string' ? '(hidden: a secret value)' : given);
  });

  test('unknown fields are rejected with a suggestion', () => {
    const issues = issuesOf({ name: 'r', nodez: 3, rabbitmq: { verison: '4.3.4' } });
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'nodez', value: 3, message: expect.stringMatching(/did you mean 'nodes'/) }),
        expect.objectContaining({ path: 'rabbitmq.verison', message: expect.stringMatching(/did you mean 'version'/) }),
      ]),
    );
  });

  test('every problem is listed at once', () => {
    expect(issuesOf({ name: 'X', nodes: -1, target: 'x' }).map((i) => i.path).sort()).toEqual(['name', 'nodes', 'target']);
  });

  test('the error message lists field, value and fix', () => {
    expect(() => parseClusterSpec({ name: 'r', nodes: 0 }, 'environments/x.yaml')).toThrow(
      /environments\/x\.yaml: invalid cluster spec \(1 problem\):\n {2}- nodes: got 0; must be at least 1/,
    );
  });

  test('a secret written as a literal is rejected without echoing it', () => {
    const issues = issuesOf({ name: 'r', credentials: { adminPassword: 'S3cr3t-Hunter2!' } });
    expect(issues).toEqual([expect.objectContaining({ path: 'credentials.adminPassword', value: '(hidden: a secret value)' })]);
    expect(() => parseClusterSpec({ name: 'r', credentials: { adminPassword: 'S3cr3t-Hunter2!' } })).not.toThrow(/Hunter2/);
  });

  test("a user string cannot carry rmq-ha's secret placeholder", () => {
    expect(issuesOf({ name: 'r', topology: { queues: [{ name: 'q1' }], policies: [{ name: 'p', pattern: '^q1{{secret:admin_password}}$', definition: { 'max-length': 1 } }] } })).toContainEqual(
      expect.objectContaining({ path: 'topology.policies[0].pattern', message: expect.stringMatching(/secret placeholder/) }),
    );
  });

  test('Kubernetes metadata may hold ${ like any string: it is escaped for Terraform (test/terraform-escaping.test.ts)', () => {
    expect(issuesOf({ name: 'r', target: 'kubernetes', kubernetes: { podAnnotations: { a: '${var.admin_password}' } } })).toEqual([]);
  });

  test('overlapping node port ranges are rejected', () => {
    expect(issuesOf({ name: 'r', nodes: 3, network: { nodePorts: { amqpBase: 15000, managementBase: 15001 } } })).toContainEqual(
      expect.objectContaining({ path: 'network.nodePorts.managementBase', value: 15001, message: expect.stringMatching(/overlap/) }),
    );
  });
});

describe('spec files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-spec-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('YAML syntax errors are reported with the file', () => {
    const file = path.join(dir, 'broken.yaml');
    fs.writeFileSync(file, 'name: [unclosed\n');
    expect(() => loadSpecFile(file)).toThrow(/broken\.yaml: invalid cluster spec.*not valid YAML/s);
  });

  test('duplicate keys are an error, not a silent override', () => {
    const file = path.join(dir, 'dup.yaml');
    fs.writeFileSync(file, 'name: a\nname: b\n');
    expect(() => loadSpecFile(file)).toThrow(/not valid YAML/);
  });

  test('the environment name is the file name', () => {
    const file = path.join(dir, 'staging.json');
    fs.writeFileSync(file, JSON.stringify({ name: 'rmq-staging', nodes: 5 }));
    const loaded = loadSpecFile(file);
    expect(loaded.env).toBe('staging');
    expect(loaded.spec.nodes).toBe(5);
  });
});
