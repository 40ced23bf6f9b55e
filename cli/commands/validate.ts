import pc from 'picocolors';
import { buildPlan } from '../../plan/plan';
import type { PlanWarning } from '../../plan/warnings';
import { UsageError } from '../private/exit';
import { selectMany, type SelectOptions } from '../private/select';

/** Options of `rmq-ha validate`. */
export interface ValidateOptions extends SelectOptions {
  /** Treat warnings as errors (exit 1). @default false */
  readonly strict?: boolean;
  /** One JSON object on stdout. @default false */
  readonly json?: boolean;
}

/** `rmq-ha validate [--env NAME | --spec FILE] [--strict] [--json]`: checks specs, prints warnings. */
export function validateCommand(opts: ValidateOptions): void {
  const specs = selectMany(opts);
  const results = specs.map((s) => ({ env: s.env, file: s.file, warnings: buildPlan(s.spec).warnings as readonly PlanWarning[] }));
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ valid: true, environments: results }, null, 2)}\n`);
  } else {
    for (const r of results) {
      process.stdout.write(`${pc.green('valid')} ${r.env} (${r.file})\n`);
      for (const w of r.warnings) process.stdout.write(`  ${pc.yellow('warning')} ${w.path}: ${w.message} [${w.id}]\n`);
    }
  }
  const count = results.reduce((n, r) => n + r.warnings.length, 0);
  if (opts.strict && count > 0) throw new UsageError(`--strict: ${count} warning(s)`);
}
