import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import pc from 'picocolors';
import { checkKubernetesStack } from '../../constructs/kubernetes/consistency';
import { strictWarnings, type PlanWarning } from '../../plan/warnings';
import { RabbitMqClusterStack } from '../../stacks/rabbitmq-cluster-stack';
import { UsageError } from '../private/exit';
import { hostLimitWarnings } from '../private/host-limits';
import { selectMany, type SelectOptions } from '../private/select';

/** Options of `rmq-ha validate`. */
export interface ValidateOptions extends SelectOptions {
  /** Treat warnings as errors (exit 1). @default false */
  readonly strict?: boolean;
  /** One JSON object on stdout. @default false */
  readonly json?: boolean;
}

/**
 * `rmq-ha validate [--env NAME | --spec FILE] [--strict] [--json]`: checks specs, builds each
 * stack in memory (nothing is written), runs the Kubernetes consistency check on Kubernetes
 * stacks, and prints warnings (the spec's, and for Docker targets the limits this host's engine may
 * not grant). Inconsistencies exit 1; warnings only with --strict.
 */
export function validateCommand(opts: ValidateOptions): void {
  const specs = selectMany(opts);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-ha-validate-'));
  let results: Array<{ env: string; file: string; warnings: readonly PlanWarning[]; problems: string[] }>;
  try {
    const app = new App({ outdir: tmp });
    results = specs.map((s) => {
      const stack = new RabbitMqClusterStack(app, s.env, { spec: s.spec });
      const problems = s.spec.target === 'kubernetes' ? checkKubernetesStack(stack.toTerraform() as object) : [];
      return { env: s.env, file: s.file, warnings: [...stack.plan.warnings, ...hostLimitWarnings(s.spec)], problems };
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const valid = results.every((r) => r.problems.length === 0);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ valid, environments: results }, null, 2)}\n`);
  } else {
    for (const r of results) {
      process.stdout.write(`${r.problems.length === 0 ? pc.green('valid') : pc.red('inconsistent')} ${r.env} (${r.file})\n`);
      for (const p of r.problems) process.stdout.write(`  ${pc.red('problem')} ${p}\n`);
      for (const w of r.warnings) process.stdout.write(`  ${w.acknowledged !== undefined ? `acknowledged (${w.acknowledged})` : pc.yellow('warning')} ${w.path}: ${w.message} [${w.id}]\n`);
    }
  }
  if (!valid) throw new UsageError('the synthesized stack is inconsistent (see the problems above)');
  const count = results.reduce((n, r) => n + strictWarnings(r.warnings).length, 0);
  if (opts.strict && count > 0) throw new UsageError(`--strict: ${count} warning(s)`);
}
