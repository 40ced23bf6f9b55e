/**
 * Follows a rolling procedure exactly as `rmq-ha review --against --json` prints it: the prepare
 * commands once, then per node its checks, its `terraform apply -target=...` and its waits (each
 * bounded), then the finishing apply. Commands run with `sh -c` in the stack directory, with the
 * Terraform environment of the run, as an operator would paste them.
 */
import { mustRun } from './run';
import { terraformEnv, type TerraformContext } from './terraform';

/** The part of the review's rolling procedure the harness runs. */
export interface PrintedProcedure {
  readonly prepare: readonly string[];
  readonly steps: ReadonlyArray<{ readonly container: string; readonly before: readonly string[]; readonly apply: string; readonly after: readonly string[] }>;
  readonly finish?: string;
  readonly refusals: readonly string[];
}

/** The rolling procedure of the first environment of `rmq-ha review --json` output. */
export function printedProcedure(reviewJson: string): PrintedProcedure | undefined {
  return (JSON.parse(reviewJson) as { environments: Array<{ rolling?: PrintedProcedure }> }).environments[0].rolling;
}

/** Runs the procedure; returns the ms each node step took. */
export async function followProcedure(tf: TerraformContext, p: PrintedProcedure): Promise<number[]> {
  const env = terraformEnv(tf);
  const sh = (cmd: string, timeoutMs: number) => mustRun('sh', ['-c', cmd], { cwd: tf.dir, env, timeoutMs });
  for (const c of p.prepare) await sh(c, 300000);
  const stepMs: number[] = [];
  for (const step of p.steps) {
    const t0 = Date.now();
    for (const c of step.before) await sh(c, 120000);
    await sh(step.apply, 600000);
    for (const c of step.after) await sh(`timeout 300 sh -c '${c.replace(/#.*$/, '').replace(/'/g, "'\\''")}'`, 320000);
    stepMs.push(Date.now() - t0);
  }
  if (p.finish) await sh(p.finish, 600000);
  return stepMs;
}
