/**
 * `rmq-ha review --format markdown|json|text` and `--svg`, run as users run the CLI. The markdown
 * is read back by a CommonMark/GFM parser (markdown-it, the same table rules GitHub applies); the
 * SVG is rendered by a real rasterizer (rsvg-convert, Debian's librsvg2-bin).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import MarkdownIt from 'markdown-it';
import { stringify as stringifyYaml } from 'yaml';
import { runCli, ROOT } from './helpers/cli';
import { WARNING_ADVICE } from '../cli/review/warning-advice';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-ha-review-formats-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The tables of a markdown document as arrays of rows of cell texts (header row first). */
function tables(markdown: string): string[][][] {
  const tokens = new MarkdownIt().parse(markdown, {});
  const out: string[][][] = [];
  let row: string[] | undefined;
  for (const t of tokens) {
    if (t.type === 'table_open') out.push([]);
    else if (t.type === 'tr_open') row = [];
    else if (t.type === 'tr_close') out[out.length - 1].push(row!);
    else if (t.type === 'inline' && row) row.push(t.children!.map((c) => c.content).join(''));
  }
  return out;
}

function tableWith(markdown: string, header: string): string[][] {
  const t = tables(markdown).find((x) => x[0][0] === header);
  if (!t) throw new Error(`no table headed ${header} in:\n${markdown}`);
  return t;
}

const topologySpec = {
  name: 'rmq',
  nodes: 3,
  topology: {
    vhosts: [{ name: '/' }, { name: 'billing' }],
    queues: [
      { name: 'orders', type: 'quorum' },
      { name: 'invoices', vhost: 'billing', type: 'quorum' },
      { name: 'a|b', type: 'quorum' },
      { name: 'tasks', type: 'classic' },
    ],
    policies: [
      { name: 'orders', pattern: '^orders$', quorum: { deliveryLimit: 5 } },
      { name: 'orders', vhost: 'billing', pattern: '^inv', quorum: { deliveryLimit: 3 } },
    ],
    operatorPolicies: [{ name: 'cap', pattern: '.*', applyTo: 'queues', definition: { 'max-length': 100000 } }],
  },
};

describe('review --format markdown', () => {
  const spec = (): string => path.join(tmp, 'topology.yaml');
  beforeAll(() => fs.writeFileSync(spec(), stringifyYaml(topologySpec)));

  test('tables of nodes, endpoints, queues with the policy that applies, policies, resources; no //orders anywhere', () => {
    const r = runCli(['review', '--spec', spec(), '--format', 'markdown']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const md = r.stdout;
    expect(tableWith(md, 'node').slice(1).map((row) => row[0])).toEqual(['rabbit@rmq-0', 'rabbit@rmq-1', 'rabbit@rmq-2']);
    expect(tableWith(md, 'endpoint')[1]).toEqual(['AMQP (clients)', 'amqp://127.0.0.1:5672', expect.stringContaining('haproxy')]);
    const queues = tableWith(md, 'queue');
    expect(queues[0]).toEqual(['queue', 'vhost', 'type', 'policy', 'operator policy']);
    // The broker's own rule: same name in two vhosts are two policies; the pipe in a name stays in its cell.
    expect(queues.slice(1)).toEqual([
      ['orders', '/', 'quorum', 'orders', 'cap'],
      ['invoices', 'billing', 'quorum', 'orders', '—'], // cap is a policy of vhost / only
      ['a|b', '/', 'quorum', '—', 'cap'],
      ['tasks', '/', 'classic', '—', 'cap'],
    ]);
    const policies = tableWith(md, 'policy');
    expect(policies.slice(1).map((p) => [p[0], p[1], p[6]])).toEqual([
      ['orders', '/', 'orders'],
      ['orders', 'billing', 'invoices'],
      ['cap (operator)', '/', 'orders, a|b, tasks'],
    ]);
    expect(tableWith(md, 'Terraform resource type').slice(1)).toContainEqual(['docker_volume', '3']);
    for (const format of ['markdown', 'text', 'json']) expect(runCli(['review', '--spec', spec(), '--format', format]).stdout).not.toContain('//orders');
    expect(runCli(['review', '--spec', spec()]).stdout).toMatch(/policies: orders \(vhost \/\), orders \(vhost billing\)/);
  });

  test('warnings with why and fix; every warning id the code can emit has advice', () => {
    const f = path.join(tmp, 'warn.yaml');
    fs.writeFileSync(f, stringifyYaml({ name: 'rmq', nodes: 2, rabbitmq: { heartbeatSeconds: 90 } }));
    const md = runCli(['review', '--spec', f, '--format', 'markdown']).stdout;
    const warnings = tableWith(md, 'warning');
    expect(warnings[0]).toEqual(['warning', 'field', 'found', 'why it matters', 'fix']);
    expect(warnings.slice(1).map((w) => w[0])).toEqual(['no-fault-tolerance', 'heartbeat-long']);
    expect(warnings[1][3]).toBe(WARNING_ADVICE['no-fault-tolerance'].why);
    expect(warnings[1][4]).toBe('set nodes: 3 (or 5)');
    expect(md).toContain('> [!WARNING]');
    const ids = new Set<string>();
    // Warnings are made in plan/ (the spec's) and cli/private/ (the host's).
    for (const dir of ['plan', 'cli/private']) {
      for (const file of fs.readdirSync(path.join(ROOT, dir), { recursive: true }) as string[]) {
        if (!file.endsWith('.ts')) continue;
        for (const m of fs.readFileSync(path.join(ROOT, dir, file), 'utf8').matchAll(/\bid: '([a-z0-9-]+)'/g)) ids.add(m[1]);
      }
    }
    expect(ids.size).toBeGreaterThan(10);
    expect([...ids].filter((id) => !WARNING_ADVICE[id])).toEqual([]);
  });

  test('changes against the last synthesis: counts, the rolling procedure as one shell block, refusals as cautions', () => {
    const f = path.join(tmp, 'roll.yaml');
    const out = path.join(tmp, 'out');
    fs.writeFileSync(f, stringifyYaml({ name: 'rmq', nodes: 3 }));
    expect(runCli(['synth', '--spec', f, '--out', out]).code).toBe(0);
    expect(runCli(['review', '--spec', f, '--against', out, '--format', 'markdown']).stdout).toContain('None: `terraform apply` has nothing to do.');
    fs.writeFileSync(f, stringifyYaml({ name: 'rmq', nodes: 2, rabbitmq: { heartbeatSeconds: 20 } }));
    const md = runCli(['review', '--spec', f, '--against', out, '--format', 'markdown']).stdout;
    expect(md).toMatch(/\d+ to add, \d+ to change, \d+ to remove\./);
    expect(md).toMatch(/> \[!CAUTION\]\n> Data is destroyed: `docker_volume\.node_2`/);
    expect(md).toMatch(/> \[!CAUTION\]\n> REFUSED as a routine step: scale-down removes rabbit@rmq-2/);
    const blocks = new MarkdownIt().parse(md, {}).filter((t) => t.type === 'fence' && t.info === 'sh');
    expect(blocks).toHaveLength(1);
    const commands = blocks[0].content.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(commands.filter((c) => c.startsWith('terraform apply -target='))).toEqual(['terraform apply -target=docker_container.node_1', 'terraform apply -target=docker_container.node_0']);
    expect(commands[commands.length - 1]).toMatch(/^terraform apply {3}#/);
  });
});

describe('review --format json and usage errors', () => {
  test('json carries the queue-to-policy table; --json is the same as --format json', () => {
    const a = runCli(['review', '--env', 'dev', '--format', 'json']);
    const b = runCli(['review', '--env', 'dev', '--json']);
    expect(a.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    const env = JSON.parse(a.stdout).environments[0];
    expect(env.summary.topology.queues[0]).toEqual({ vhost: '/', name: 'orders', type: 'quorum', policy: 'orders' });
    expect(env.summary.topology.policies).toEqual(['orders (vhost /)']);
  });

  test.each([
    [['--format', 'xml'], /--format: got "xml"; must be one of text, markdown, json/],
    [['--json', '--format', 'markdown'], /--json and --format markdown contradict each other/],
    [['--svg', 'x.svg'], /--svg draws one environment; give --env NAME or --spec FILE \(\d+ selected\)/],
  ])('%j is refused with the fix, nothing written', (args, message) => {
    const r = runCli(['review', ...args], { cwd: ROOT });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(path.join(ROOT, 'x.svg'))).toBe(false);
  });
});

describe('review --svg', () => {
  test.each([
    ['environments/dev.yaml', 'dev'],
    ['a Kubernetes spec with two vhosts', 'k8s'],
  ])('%s: the picture names every node, the load balancer ports, the entry points and the quorum queues, and rsvg-convert renders it', (_what, env) => {
    const svg = path.join(tmp, `${env}.svg`);
    const png = path.join(tmp, `${env}.png`);
    const k8s = path.join(tmp, 'k8s.yaml');
    fs.writeFileSync(k8s, stringifyYaml({ ...topologySpec, target: 'kubernetes', nodes: 5 }));
    const select = env === 'dev' ? ['--env', 'dev'] : ['--spec', k8s];
    const r = runCli(['review', ...select, '--svg', svg]);
    expect(r.code).toBe(0);
    const text = fs.readFileSync(svg, 'utf8');
    const json = JSON.parse(runCli(['review', ...select, '--json']).stdout).environments[0];
    for (const n of json.summary.nodes as Array<{ node: string }>) expect(text).toContain(`>${n.node}<`);
    for (const e of (json.summary.endpoints as Array<{ url: string }>).slice(0, 2)) expect(text).toContain(e.url);
    expect(text).toMatch(/AMQP :5672/);
    const quorum = (json.summary.topology.queues as Array<{ name: string; type: string }>).filter((q) => q.type === 'quorum');
    expect(quorum.length).toBeGreaterThan(0);
    for (const q of quorum) expect(text).toContain(`>${q.name}`);
    // One replica dot per node per quorum queue.
    expect(text.match(/<circle /g)).toHaveLength(quorum.length * json.summary.cluster.nodes);
    const raster = spawnSync('rsvg-convert', ['--format', 'png', '--output', png, svg], { encoding: 'utf8', timeout: 30000 });
    expect(raster.stderr).toBe('');
    expect(raster.status).toBe(0);
    const head = fs.readFileSync(png);
    expect(head.subarray(1, 4).toString()).toBe('PNG');
    const [w, h] = [head.readUInt32BE(16), head.readUInt32BE(20)];
    expect(`${w}x${h}`).toBe(/width="(\d+)" height="(\d+)"/.exec(text)!.slice(1).join('x'));
  });
});
