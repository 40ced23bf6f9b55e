import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { RabbitMqClusterStack } from '../../stacks/rabbitmq-cluster-stack';
import { buildReview, type StackJson } from '../review/summary';
import { diffStacks } from '../review/diff';
import { rollingProcedure, type RollingProcedure } from '../review/rolling';
import { classifyChanges } from '../review/changes';
import { recordRotationStep } from '../review/procedures';
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
  /**
   * Secrets given a new value outside the spec (a new TF_VAR_ value, invisible in the JSON), comma
   * separated: the review prints their rotation procedure. @default none
   */
  readonly rotate?: string;
}

/**
 * `rmq-ha review [--env NAME | --spec FILE] [--against DIR] [--json] [--strict]`: what a spec will
 * create (nodes, endpoints, topology, Terraform resources), what changes against the last
 * synthesis, and the best-practice warnings. Writes nothing.
 */
export function reviewCommand(opts: ReviewOptions): void {
  const specs = selectMany(opts);
  const against = opts.against ?? (fs.existsSync('cdktf.out') ? 'cdktf.out' : undefined);
  const rotated = (opts.rotate ?? '').split(',').map((x) => x.trim()).filter((x) => x !== '');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-ha-review-'));
  try {
    const app = new App({ outdir: tmp });
    const reports = specs.map((s) => {
      const stack = new RabbitMqClusterStack(app, s.env, { spec: s.spec });
      const json = stack.toTerraform() as StackJson;
      const previousFile = against ? path.join(against, 'stacks', s.env, 'cdk.tf.json') : undefined;
      const previous = previousFile && fs.existsSync(previousFile) ? readJsonFile<StackJson>(previousFile, 'the cdk.tf.json of an earlier synth') : undefined;
      const known = stack.plan.secrets.map((x) => x.name);
      const unknown = rotated.filter((r) => !known.includes(r));
      if (unknown.length > 0) throw new UsageError(`--rotate ${unknown.join(',')}: ${s.env} has no such secret; its secrets are ${known.join(', ')}`);
      if (rotated.length > 0 && !previous) throw new UsageError(`--rotate needs the last synthesis of ${s.env} (${previousFile ?? 'cdktf.out'}): run it against the stacks that are deployed`);
      const diff = previous ? diffStacks(previous, json) : undefined;
      // Node containers that change are applied one at a time (quorum kept); data-destroying changes are refused.
      const rolling = previous && diff ? rotationAware(rollingProcedure(previous, json, withRotatedNodes(json, diff, rotated)), rotated) : undefined;
      const changes = previous && diff ? classifyChanges({ previous, next: json, diff, rolling, rotated }) : undefined;
      return { env: s.env, summary: buildReview(stack.plan, json), diff, ...(changes ? { changes } : {}), ...(rolling ? { rolling } : {}) };
    });
    if (opts.json) process.stdout.write(`${JSON.stringify({ environments: reports }, null, 2)}\n`);
    else for (const r of reports) process.stdout.write(formatReview(r.env, r.summary, r.diff, r.rolling, r.changes));
    const warnings = reports.reduce((n, r) => n + r.summary.warnings.length + (r.changes ?? []).filter((c) => c.kind === 'refused').length, 0);
    if (opts.strict && warnings > 0) throw new UsageError(`--strict: ${warnings} warning(s)`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Secrets only the load balancer holds, or that no rolling change can take (the cookie). */
const NOT_ROLLED = ['lb_stats_password', 'erlang_cookie'];

/** A rotated secret the node containers hold (Docker) replaces every node: mark them changed. */
function withRotatedNodes(next: StackJson, diff: ReturnType<typeof diffStacks>, rotated: readonly string[]): ReturnType<typeof diffStacks> {
  if (next.resource?.kubernetes_stateful_set_v1 || !rotated.some((r) => !NOT_ROLLED.includes(r))) return diff;
  const nodes = Object.entries(next.resource?.docker_container ?? {})
    .filter(([, b]) => JSON.stringify(b).includes('"rmq-ha.role"'))
    .map(([k]) => `docker_container.${k}`);
  return { ...diff, changed: [...new Set([...diff.changed, ...nodes])].sort() };
}

/** The rolling procedure of a Docker rotation starts by recording the new values. */
function rotationAware(p: RollingProcedure | undefined, rotated: readonly string[]): RollingProcedure | undefined {
  const rolled = rotated.filter((r) => !NOT_ROLLED.includes(r));
  if (!p || p.target !== 'docker' || rolled.length === 0) return p;
  return { ...p, prepare: [...rolled.map(recordRotationStep), ...p.prepare] };
}
