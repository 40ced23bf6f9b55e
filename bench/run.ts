#!/usr/bin/env node
/** `npm run bench`: measurements side by side in one run, printed as a table. Not a test. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runLbBench } from './lb-bench';
import { runLbCheckBench } from './lb-check-bench';
import { runLocalUpBench } from './local-up-bench';
import { runSynthBench } from './synth-bench';

function table(title: string, rows: ReadonlyArray<readonly [string, number, string]>): string {
  const w = Math.max(...rows.map((r) => r[0].length));
  const lines = rows.map(([name, ms, note]) => `| ${name.padEnd(w)} | ${ms.toFixed(0).padStart(7)} ms | ${note} |`);
  return [`### ${title}`, '', `| ${'measurement'.padEnd(w)} | median     | ratio |`, `|${'-'.repeat(w + 2)}|------------|-------|`, ...lines].join('\n');
}

const runs = Number(process.env.BENCH_RUNS ?? 5);
const synth = runSynthBench(runs);
process.stdout.write(`${table(`Synthesis (median of ${runs} runs, ${new Date().toISOString().slice(0, 10)})`, synth.rows)}\n`);

// Then real processes, one table each (skipped when the Debian packages are missing, or with
// BENCH_UP=0 / BENCH_CHECK=0 / BENCH_LB=0): local up against one bare node (about 2 minutes),
// health checks under load (bench/lb-check-bench.ts, about 2 minutes), then the load balancers
// in front of real nodes (bench/lb-bench.ts, about 1.5 minutes), then on the private Docker engine
// the stack against the seed's Compose file (BENCH_DOCKER=0 skips it).
async function realProcesses(): Promise<void> {
  if (process.env.BENCH_UP !== '0') {
    const up = await runLocalUpBench();
    if (up) process.stdout.write(`\n${up.table}\n`);
  }
  if (process.env.BENCH_CHECK !== '0') {
    const check = await runLbCheckBench();
    if (check) process.stdout.write(`\n${check.table}\n`);
  }
  if (process.env.BENCH_LB !== '0') {
    const lb = await runLbBench();
    if (lb) process.stdout.write(`\n${lb.table}\n`);
  }
  if (process.env.BENCH_DOCKER !== '0') dockerBench();
}

/**
 * The Docker table (bench/docker-bench.ts, about 8 minutes) runs as a child holding the shared
 * engine's lock for just that long, bounded; skipped without root or Debian's docker.io.
 */
function dockerBench(): void {
  if (process.getuid?.() !== 0 || !fs.existsSync('/usr/sbin/dockerd') || !fs.existsSync('/usr/bin/docker-compose')) {
    process.stderr.write('[docker-bench] skipped: needs root, docker.io and docker-compose\n');
    return;
  }
  const r = spawnSync('flock', ['-w', '1800', '/var/lock/rmq-ha-engine.lock', process.execPath, path.join(__dirname, 'docker-bench.js')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    timeout: 60 * 60000,
  });
  if (r.status !== 0) throw new Error(`docker bench failed (${r.status ?? r.signal})`);
  process.stdout.write(`\n${r.stdout}`);
}

realProcesses().then(
  () => {
    // Exit now: connections abandoned during the hang may linger half-closed until a proxy's timeout.
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
