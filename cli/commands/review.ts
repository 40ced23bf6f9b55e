import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { RabbitMqClusterStack } from '../../stacks/rabbitmq-cluster-stack';
import { buildReview, type StackJson } from '../review/summary';
import { diffStacks } from '../review/diff';
import { rollingProcedure } from '../review/rolling';
import { formatReview } from '../review/format';
import { UsageError } from '../private/exit';
import { readJsonFile } from '../private/read-json';
import { selectMany, type SelectOptions } from '../private/select';

/** Options of `rmq-ha review`. */
export interface ReviewOptions extends SelectOptions {
  /** Compare with the stacks in this cdktf output folder. @default cdktf.out when it exists */
  readonly against?: string;
  /** One JSON object on stdout. @default false */
  readonly json?: boolean;
  /** Exit 1 when there are warnings. @default false */
  readonly strict?: boolean;
}

/**
 * `rmq-ha review [--env NAME | --spec FILE] [--against DIR] [--json] [--strict]`: what a spec will
 * create (nodes, endpoints, topology, Terraform resources), what changes against the last
 * synthesis, and the best-practice warnings. Writes nothing.
 */
export function reviewCommand(opts: ReviewOptions): void {
  const specs = selectMany(opts);
  const against = opts.against ?? (fs.existsSync('cdktf.out') ? 'cdktf.out' : undefined);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-ha-review-'));
  try {
    const app = new App({ outdir: tmp });
    const reports = specs.map((s) => {
      const stack = new RabbitMqClusterStack(app, s.env, { spec: s.spec });
      const json = stack.toTerraform() as StackJson;
      const previousFile = against ? path.join(against, 'stacks', s.env, 'cdk.tf.json') : undefined;
      const previous = previousFile && fs.existsSync(previousFile) ? readJsonFile<StackJson>(previousFile, 'the cdk.tf.json of an earlier synth') : undefined;
      const diff = previous ? diffStacks(previous, json) : undefined;
      // Node containers that change are applied one at a time (quorum kept); data-destroying changes are refused.
      const rolling = previous && diff ? rollingProcedure(previous, json, diff) : undefined;
      return { env: s.env, summary: buildReview(stack.plan, json), diff, ...(rolling ? { rolling } : {}) };
    });
    if (opts.json) process.stdout.write(`${JSON.stringify({ environments: reports }, null, 2)}\n`);
    else for (const r of reports) process.stdout.write(formatReview(r.env, r.summary, r.diff, r.rolling));
    const warnings = reports.reduce((n, r) => n + r.summary.warnings.length + (r.rolling?.refusals.length ?? 0), 0);
    if (opts.strict && warnings > 0) throw new UsageError(`--strict: ${warnings} warning(s)`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
