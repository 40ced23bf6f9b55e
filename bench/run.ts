#!/usr/bin/env node
/** `npm run bench`: measurements side by side in one run, printed as a table. Not a test. */
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
// in front of real nodes (bench/lb-bench.ts, about 1.5 minutes).
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
