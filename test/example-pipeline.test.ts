/**
 * examples/github-actions/rabbitmq-clusters.yml: parsed (yaml), checked by actionlint (built from
 * the Go module proxy, test/helpers/actionlint.sh), and its non-deploying `run:` steps executed
 * as the runner executes them (`bash --noprofile --norc -eo pipefail`), in a scratch git
 * repository with two commits, so the review step compares the pull request with its base.
 * Not run: `npm ci` (the suite has installed and built the toolkit; the scratch repository links
 * node_modules and dist), the pull-request comment (needs GitHub), and the deploy job.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { ROOT } from './helpers/cli';

jest.setTimeout(600_000);

const WORKFLOW = path.join(ROOT, 'examples/github-actions/rabbitmq-clusters.yml');

interface Step { name?: string; id?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, string>; 'working-directory'?: string }
interface Job { needs?: string | string[]; if?: string; environment?: string; steps: Step[]; strategy?: { matrix: { environment: string[] } }; env?: Record<string, string> }
const workflow = parseYaml(fs.readFileSync(WORKFLOW, 'utf8')) as { on: Record<string, unknown>; env: Record<string, string>; jobs: Record<string, Job> };

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-ha-pipeline-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('the example pipeline', () => {
  test('shape: review every environment (validate --strict, synth, markdown review and SVG as artifacts), then deploy behind the environment approval', () => {
    const { review, deploy } = workflow.jobs;
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
    expect(workflow.env.CHECKPOINT_DISABLE).toBe('1');
    const runs = review.steps.map((s) => s.run ?? '').join('\n');
    expect(runs).toMatch(/rmq-ha\.js validate --strict/);
    expect(runs).toMatch(/rmq-ha\.js synth --env "\$RMQ_ENV"/);
    expect(runs).toMatch(/rmq-ha\.js review --env "\$RMQ_ENV" .* --format markdown --svg "review\/\$RMQ_ENV\.svg"/);
    expect(review.steps.filter((s) => s.uses?.startsWith('actions/upload-artifact@')).map((s) => s.with?.path)).toEqual(['review/', 'cdktf.out/stacks/${{ matrix.environment }}/cdk.tf.json']);
    expect(runs).not.toMatch(/terraform apply/);
    expect(deploy.needs).toBe('review');
    expect(deploy.environment).toBe('${{ matrix.environment }}');
    expect(deploy.if).toMatch(/refs\/heads\/main/);
    expect(deploy.steps.map((s) => s.run ?? '').join('\n')).toMatch(/terraform apply -input=false -auto-approve/);
    expect(deploy.strategy!.matrix.environment).toEqual(review.strategy!.matrix.environment);
  });

  test('actionlint reports nothing', () => {
    const build = spawnSync('bash', [path.join(ROOT, 'test/helpers/actionlint.sh')], { encoding: 'utf8', timeout: 540_000 });
    expect(build.stderr).toBe('');
    const bin = build.stdout.trim().split('\n').pop()!;
    const r = spawnSync(bin, ['-no-color', '-shellcheck=', '-pyflakes=', WORKFLOW], { encoding: 'utf8', timeout: 60_000 });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  });

  test('its non-deploying run steps work on a pull request that changes staging', () => {
    const repo = path.join(tmp, 'repo');
    fs.mkdirSync(repo);
    fs.cpSync(path.join(ROOT, 'environments'), path.join(repo, 'environments'), { recursive: true });
    for (const linked of ['node_modules', 'dist']) fs.symlinkSync(path.join(ROOT, linked), path.join(repo, linked));
    const git = (...args: string[]): string => {
      const r = spawnSync('git', ['-c', 'user.name=ci', '-c', 'user.email=ci@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: repo, encoding: 'utf8', timeout: 60_000 });
      if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
      return r.stdout.trim();
    };
    fs.writeFileSync(path.join(repo, '.gitignore'), 'node_modules\ndist\ncdktf.out\nreview\n');
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'base');
    const base = git('rev-parse', 'HEAD');
    const staging = parseYaml(fs.readFileSync(path.join(repo, 'environments/staging.yaml'), 'utf8')) as { rabbitmq?: Record<string, unknown> };
    fs.writeFileSync(path.join(repo, 'environments/staging.yaml'), stringifyYaml({ ...staging, rabbitmq: { ...staging.rabbitmq, heartbeatSeconds: 15 } }));
    git('commit', '-q', '-am', 'staging: heartbeat 15 s');

    const summary = path.join(tmp, 'step-summary.md');
    const review = workflow.jobs.review;
    const env = {
      ...process.env,
      ...workflow.env,
      // The engine the stacks deploy to is not this machine: validate checks host limits of a local engine only. Nothing connects to it here.
      DOCKER_HOST: 'tcp://docker-engine.invalid:2376',
      RMQ_ENV: 'staging',
      BASE_SHA: base,
      GITHUB_STEP_SUMMARY: summary,
    };
    const skipped = (s: Step): boolean => s.id === 'install' || s.if !== undefined;
    const steps = review.steps.filter((s) => s.run !== undefined && !skipped(s));
    expect(steps.map((s) => s.name)).toEqual(['validate every environment (warnings fail)', 'synthesize the base commit (what is deployed now)', 'synthesize', 'review (markdown and topology picture)']);
    for (const s of steps) {
      const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', s.run!], { cwd: repo, env, encoding: 'utf8', timeout: 180_000 });
      expect({ step: s.name, status: r.status, stderr: r.stderr }).toEqual({ step: s.name, status: 0, stderr: '' });
    }
    const md = fs.readFileSync(path.join(repo, 'review/staging.md'), 'utf8');
    expect(md).toMatch(/^## `staging`: cluster `rmq-staging` on docker$/m);
    expect(md).toMatch(/### Changes against the last synthesis\n\n0 to add, \d+ to change, 0 to remove\./);
    expect(md).toMatch(/### Rolling procedure: 3 node\(s\), one at a time/);
    expect(fs.readFileSync(summary, 'utf8')).toBe(md);
    expect(fs.readFileSync(path.join(repo, 'review/staging.svg'), 'utf8')).toMatch(/^<\?xml[^]*<\/svg>\n$/);
    expect(JSON.parse(fs.readFileSync(path.join(repo, 'review/staging.json'), 'utf8')).environments[0].rolling.steps).toHaveLength(3);
    expect(fs.existsSync(path.join(repo, 'cdktf.out/stacks/staging/cdk.tf.json'))).toBe(true);
    // The deploy job applies exactly what the review synthesized: the artifact path is that file.
    expect(review.steps.find((s) => s.with?.name === 'stack-${{ matrix.environment }}')?.with?.path).toBe('cdktf.out/stacks/${{ matrix.environment }}/cdk.tf.json');
  });
});
