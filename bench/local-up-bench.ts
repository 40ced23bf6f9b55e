/**
 * `local up` against its floor (`npm run bench`, "Time to a working cluster" table): in one run,
 * alternating which goes first, the wall time of
 *
 * - floor: one bare rabbitmq-server (Debian 3.10.8) started by the same harness
 *   (`startRabbitNodes`: same scripts, environment and epmd), with an empty config apart from a
 *   loopback listener and no plugins, until an AMQP session opens on it (guest, from loopback);
 * - `rmq-ha local up --env dev --json` as a user runs it (a process), until it exits: 3 nodes
 *   formed, definitions loaded, HAProxy started and an AMQP session through it; its `timeline`
 *   says where the time went (median per phase).
 *
 * The machine is shared; each side runs BENCH_UP_RUNS times (default 3) and the medians are
 * compared. Not a test: nothing here asserts a time.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { amqpProbe } from '../local/amqp-probe';
import { checkInstalled, findFreePorts, startRabbitNodes, stopNodes } from '../local';
import { sleep } from '../local/private/run';
import type { TimelinePhase } from '../local/timeline';

const log = (text: string): void => {
  process.stderr.write(`[up-bench] ${text}\n`);
};

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** ms from spawn of one bare node to its first AMQP session. */
async function bareNode(root: string): Promise<number> {
  const dir = fs.mkdtempSync(path.join(root, 'bare-'));
  const [amqpPort, managementPort, prometheusPort, distPort] = await findFreePorts(4);
  const t0 = performance.now();
  try {
    await startRabbitNodes({
      dir,
      cookie: 'bench-bare-node-cookie',
      nodes: [{ nodeName: 'bare@localhost', amqpPort, managementPort, prometheusPort, distPort, files: { rabbitmqConf: `listeners.tcp.1 = 127.0.0.1:${amqpPort}\n`, enabledPlugins: '[].\n' } }],
    });
    const deadline = t0 + 120000;
    for (;;) {
      const failure = await amqpProbe({ host: '127.0.0.1', port: amqpPort, username: 'guest', password: 'guest' }, 2000);
      if (failure === undefined) return performance.now() - t0;
      if (performance.now() > deadline) throw new Error(`bare node gave no AMQP session in 120 s: ${failure}`);
      await sleep(100);
    }
  } finally {
    await stopNodes(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Wall time of `rmq-ha local up --env dev --json` and its timeline. */
function localUp(root: string, cli: string): { ms: number; timeline: readonly TimelinePhase[]; notes: string } {
  const dir = fs.mkdtempSync(path.join(root, 'up-'));
  const t0 = performance.now();
  try {
    const r = spawnSync(process.execPath, [cli, 'local', 'up', '--env', 'dev', '--dir', dir, '--json'], { encoding: 'utf8', timeout: 180000 });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`local up failed (${r.status}): ${r.stderr.slice(-2000)}`);
    // What local up said on stderr (a node started once more, a vhost restarted, a second import).
    const notes = r.stderr.replace(/\x1b\[[0-9;]*m/g, '').trim();
    return { ms, timeline: (JSON.parse(r.stdout) as { timeline: TimelinePhase[] }).timeline, notes };
  } finally {
    spawnSync(process.execPath, [cli, 'local', 'down', '--dir', dir], { encoding: 'utf8', timeout: 60000 });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Result: Markdown table. */
export interface LocalUpBenchResult {
  readonly table: string;
  readonly ratio: number;
}

/** Runs both sides `runs` times, alternating; undefined when RabbitMQ or HAProxy is not installed. */
export async function runLocalUpBench(runs = Number(process.env.BENCH_UP_RUNS ?? 3)): Promise<LocalUpBenchResult | undefined> {
  const installed = checkInstalled();
  if (!installed.ok || installed.versions.haproxy === undefined) {
    log(`skipped: ${installed.hint || 'haproxy missing'}`);
    return undefined;
  }
  const cli = path.resolve(__dirname, '../rmq-ha.js');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-ha-up-bench-'));
  const bare: number[] = [];
  const up: Array<{ ms: number; timeline: readonly TimelinePhase[]; notes: string }> = [];
  try {
    for (let i = 0; i < runs; i++) {
      const order = i % 2 === 0 ? (['bare', 'up'] as const) : (['up', 'bare'] as const);
      for (const side of order) {
        if (side === 'bare') bare.push(await bareNode(root));
        else up.push(localUp(root, cli));
        const said = side === 'up' && up.at(-1)!.notes ? ` (local up said: ${up.at(-1)!.notes.replace(/\n/g, ' | ')})` : '';
        log(`run ${i + 1}/${runs} ${side}: ${(side === 'bare' ? bare.at(-1)! : up.at(-1)!.ms).toFixed(0)} ms${said}`);
      }
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  const floor = median(bare);
  const total = median(up.map((u) => u.ms));
  const phases = up[0].timeline.map((p) => p.phase);
  const phaseRows = phases.map((phase) => {
    const ms = median(up.map((u) => u.timeline.find((p) => p.phase === phase)?.ms ?? 0));
    return `| &nbsp;&nbsp;phase ${phase} | ${ms.toFixed(0)} ms | |`;
  });
  const ratio = total / floor;
  const table = [
    `### Time to a working cluster (median of ${runs} runs each, alternating, ${new Date().toISOString().slice(0, 10)})`,
    '',
    '| measurement | median | ratio |',
    '|---|---|---|',
    `| floor: one bare rabbitmq-server 3.10.8, same harness, no plugins, until an AMQP session | ${floor.toFixed(0)} ms | 1.00x |`,
    `| rmq-ha local up --env dev: 3 nodes formed, definitions loaded, AMQP session through HAProxy (process) | ${total.toFixed(0)} ms | ${ratio.toFixed(2)}x the floor (target <= 2x) |`,
    ...phaseRows,
    '',
    `Runs: floor ${bare.map((b) => b.toFixed(0)).join(', ')} ms; local up ${up.map((u) => `${u.ms.toFixed(0)} (boot ${(u.timeline.find((p) => p.phase === 'boot')?.ms ?? 0).toFixed(0)})`).join(', ')} ms.`,
    ...up.filter((u) => u.notes).map((u) => `A run of ${u.ms.toFixed(0)} ms: local up said ${JSON.stringify(u.notes)}.`),
  ].join('\n');
  return { table, ratio };
}
