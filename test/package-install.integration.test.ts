// test lane: engine (test/run-tests.sh: balances the two lanes; no RabbitMQ node, no timing-sensitive wait)
/**
 * The toolkit as a library in a user's own cdktf app: `npm pack` (which runs the `prepare` script,
 * the same step that builds dist/ when the package is installed from git), then a fresh app in
 * the temp directory (outside the repository, so nothing resolves from its node_modules) installs
 * the tarball from the npm cache where it can (`--prefer-offline`), compiles a `main.ts` that
 * does `import { RabbitMqClusterStack } from 'rmq-ha'` with TypeScript, synthesizes it, and runs
 * the installed `rmq-ha` CLI. Bounded: each step has a timeout.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './helpers/cli';

jest.setTimeout(15 * 60000);

let tmp: string;
let app: string;
let tarball: string;

/** What npm, node and tsc run with: no update checks, no audit, no funding messages. */
const quiet = { ...process.env, npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false', CHECKPOINT_DISABLE: '1', NO_COLOR: '1' }; // NO_COLOR: picocolors colours output when CI is set

function must(cmd: string, args: readonly string[], cwd: string, timeoutMs: number): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: timeoutMs, env: quiet, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} in ${cwd} exited ${r.status ?? r.signal}:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
  return r.stdout;
}

const version = (pkg: string): string => (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-ha-pack-'));
  // npm pack runs `prepare` (npm run build) first: the tarball holds what a git install builds.
  // It runs in a copy of the sources (node_modules linked): the build empties dist/ first, and the
  // suites of the other test lane run the CLI from the checkout's dist/ meanwhile (.ci/run at
  // 824cff0: "Cannot find module .../dist/rmq-ha.js" in docker-tls-engine while this suite packed).
  const src = path.join(tmp, 'src');
  const generated = /^(node_modules|dist|\.git|cdktf\.out|\.rmq-local|coverage|\.jest-results\.json.*|\.rmq-ha-synth-.*|.*\.tsbuildinfo)$/;
  fs.cpSync(ROOT, src, { recursive: true, filter: (from) => path.dirname(from) !== ROOT || !generated.test(path.basename(from)) });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(src, 'node_modules'), 'dir');
  const packed = JSON.parse(must('npm', ['pack', '--json', '--pack-destination', tmp], src, 5 * 60000)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = path.join(tmp, packed[0].filename);
  app = path.join(tmp, 'my-app');
  fs.mkdirSync(app);
  fs.writeFileSync(
    path.join(app, 'package.json'),
    JSON.stringify({
      name: 'my-app',
      private: true,
      dependencies: { 'rmq-ha': `file:${tarball}`, cdktf: version('cdktf'), constructs: version('constructs') },
      devDependencies: { typescript: version('typescript'), '@types/node': version('@types/node') },
    }),
  );
  fs.writeFileSync(
    path.join(app, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'CommonJS', moduleResolution: 'node', strict: true, esModuleInterop: true, skipLibCheck: true, types: ['node'] }, files: ['main.ts'] }),
  );
  fs.writeFileSync(
    path.join(app, 'main.ts'),
    [
      "import { App } from 'cdktf';",
      "import { RabbitMqClusterStack, clusterSpecFrom } from 'rmq-ha';",
      '',
      "const app = new App({ outdir: 'cdktf.out' });",
      "const stack = new RabbitMqClusterStack(app, 'dev', { spec: clusterSpecFrom({ name: 'rmq-dev', nodes: 3 }) });",
      "console.log(`nodes: ${stack.plan.nodes.map((n) => n.address.nodeName).join(' ')}`);",
      'app.synth();',
      '',
    ].join('\n'),
  );
  must('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], app, 10 * 60000);
}, 20 * 60000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('rmq-ha installed from its packed tarball into a fresh cdktf app', () => {
  test('the tarball carries the built library, its types and the CLI, no sources or tests', () => {
    const files = must('tar', ['-tzf', tarball], tmp, 60000).split('\n').filter(Boolean);
    expect(files).toEqual(expect.arrayContaining(['package/dist/index.js', 'package/dist/index.d.ts', 'package/dist/rmq-ha.js', 'package/dist/rmq-ha-bundle.js', 'package/package.json']));
    expect(files.filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => f.includes('/test/') || f.endsWith('.map'))).toEqual([]);
  });

  test("main.ts with import { RabbitMqClusterStack } from 'rmq-ha' type-checks, compiles and synthesizes", () => {
    must(path.join(app, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], app, 120000);
    const out = must(process.execPath, ['main.js'], app, 120000);
    expect(out).toContain('nodes: rabbit@rmq-dev-0 rabbit@rmq-dev-1 rabbit@rmq-dev-2');
    const stack = JSON.parse(fs.readFileSync(path.join(app, 'cdktf.out/stacks/dev/cdk.tf.json'), 'utf8')) as { resource: Record<string, Record<string, unknown>> };
    expect(Object.keys(stack.resource.docker_container).sort()).toEqual(['load_balancer', 'node_0', 'node_1', 'node_2']);
    // The library resolved from the app's node_modules, not from the repository.
    const resolved = must(process.execPath, ['-p', "require.resolve('rmq-ha')"], app, 30000).trim();
    expect(resolved).toBe(path.join(fs.realpathSync(app), 'node_modules/rmq-ha/dist/index.js'));
  });

  test('the installed CLI runs: npx rmq-ha validate of a spec file', () => {
    fs.writeFileSync(path.join(app, 'dev.yaml'), 'name: rmq-dev\nnodes: 3\n');
    const out = must('npx', ['--no-install', 'rmq-ha', 'validate', '--spec', 'dev.yaml'], app, 120000);
    expect(out).toMatch(/^valid dev \(dev\.yaml\)$/m);
  });
});
