import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Testing } from 'cdktf';
import { parseClusterSpec } from '../spec/parse';
import { RabbitMqClusterStack } from '../stacks/rabbitmq-cluster-stack';

/** Median wall time of `runs` runs of a command, in ms. */
function timeCommand(cmd: string, args: string[], runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { stdio: 'pipe', encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return median(times);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median in-process synth time of an n-node spec, in ms (stack construction + synth to JSON). */
function timeInProcess(nodes: number, runs: number): number {
  const spec = parseClusterSpec({ name: 'bench', nodes, network: { nodePorts: nodes > 30 ? false : undefined } });
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-bench-')) });
    const stack = new RabbitMqClusterStack(app, 'bench', { spec });
    Testing.synth(stack);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    fs.rmSync(app.outdir, { recursive: true, force: true });
  }
  return median(times);
}

export interface SynthBenchResult {
  readonly rows: ReadonlyArray<readonly [string, number, string]>;
}

/** Runs the synth benchmark: whole processes side by side, then in-process scaling. */
export function runSynthBench(runs = 5): SynthBenchResult {
  const root = path.resolve(__dirname, '../..');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-bench-out-'));
  try {
    const node = process.execPath;
    // Warm the file cache once so the first measured run is not an outlier.
    timeCommand(node, [path.join(root, 'dist/rmq-ha.js'), 'synth', '--env', 'dev', '--out', path.join(tmp, 'warm')], 1);
    const cli = timeCommand(node, [path.join(root, 'dist/rmq-ha.js'), 'synth', '--env', 'dev', '--out', path.join(tmp, 'cli')], runs);
    const floor = timeCommand(node, [path.join(root, 'dist/bench/floor-app.js'), path.join(tmp, 'floor')], runs);
    const tsNode = timeCommand(node, [path.join(root, 'node_modules/ts-node/dist/bin.js'), path.join(root, 'bench/ts-node-main.ts'), path.join(tmp, 'tsnode')], Math.max(3, Math.floor(runs / 2)));
    const n3 = timeInProcess(3, runs);
    const n9 = timeInProcess(9, runs);
    const n99 = timeInProcess(99, runs);
    return {
      rows: [
        ['rmq-ha synth --env dev (process)', cli, `${(cli / floor).toFixed(2)}x the floor (target <= 1.5x)`],
        ['floor: minimal precompiled cdktf app, 3 containers (process)', floor, '1.00x'],
        ['stock template path: ts-node main.ts (process)', tsNode, `rmq-ha is ${(tsNode / cli).toFixed(1)}x faster (target >= 5x)`],
        ['in-process synth, 3 nodes', n3, '1.00x'],
        ['in-process synth, 9 nodes', n9, `${(n9 / n3).toFixed(2)}x the 3-node time (3x nodes)`],
        ['in-process synth, 99 nodes', n99, `${(n99 / n3).toFixed(2)}x the 3-node time (33x nodes; target < 1000 ms)`],
      ],
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
