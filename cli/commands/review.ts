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
import { strictFindings, type EnvironmentReview } from '../review/report';
import { writeFileAtomically } from '../private/atomic-file';
import { UsageError } from '../private/exit';
import { readJsonFile } from '../private/read-json';
import { selectMany, type SelectOptions } from '../private/select';

/** Output formats of `rmq-ha review`. */
export const REVIEW_FORMATS = ['text', 'markdown', 'json'] as const;
export type ReviewFormat = (typeof REVIEW_FORMATS)[number];

/** Options of `rmq-ha review`. */
export interface ReviewOptions extends SelectOptions {
  /** Compare with the stacks in this cdktf output folder. @default cdktf.out when it exists */
  readonly against?: string;
  /** What stdout gets: terminal text, markdown for a pull-request comment, or one JSON object. @default text */
  readonly format?: string;
  /** Same as `--format json` (kept for scripts). @default false */
  readonly json?: boolean;
  /** Also write the topology picture (SVG) of the one selected environment to this file. @default - none */
  readonly svg?: string;
  /** Exit 1 when there are warnings. @default false */
  readonly strict?: boolean;
  /**
   * Secrets given a new value outside the spec (a new TF_VAR_ value, invisible in the JSON), comma
   * separated: the review prints their rotation procedure. @default none
   */
  readonly rotate?: string;
}

function formatOf(opts: ReviewOptions): ReviewFormat {
  const f = opts.format ?? (opts.json ? 'json' : 'text');
  if (!(REVIEW_FORMATS as readonly string[]).includes(f)) throw new UsageError(`--format: got ${JSON.stringify(f)}; must be one of ${REVIEW_FORMATS.join(', ')}`);
  if (opts.json && f !== 'json') throw new UsageError(`--json and --format ${f} contradict each other; give one`);
  return f as ReviewFormat;
}

/**
 * `rmq-ha review [--env NAME | --spec FILE] [--against DIR] [--format text|markdown|json] [--svg FILE] [--strict]`:
 * what a spec will create (nodes, endpoints, topology, Terraform resources), what changes against
 * the last synthesis, and the best-practice warnings. Writes nothing but the picture.
 */
export function reviewCommand(opts: ReviewOptions): void {
  const format = formatOf(opts);
  const specs = selectMany(opts);
  if (opts.svg !== undefined && specs.length !== 1) throw new UsageError(`--svg draws one environment; give --env NAME or --spec FILE (${specs.length} selected)`);
  const against = opts.against ?? (fs.existsSync('cdktf.out') ? 'cdktf.out' : undefined);
  const rotated = (opts.rotate ?? '').split(',').map((x) => x.trim()).filter((x) => x !== '');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-ha-review-'));
  try {
    const app = new App({ outdir: tmp });
    const stacks = specs.map((s) => ({ env: s.env, stack: new RabbitMqClusterStack(app, s.env, { spec: s.spec }) }));
    const reports = stacks.map(({ env, stack }): EnvironmentReview => {
      const json = stack.toTerraform() as StackJson;
      const previousFile = against ? path.join(against, 'stacks', env, 'cdk.tf.json') : undefined;
      const previous = previousFile && fs.existsSync(previousFile) ? readJsonFile<StackJson>(previousFile, 'the cdk.tf.json of an earlier synth') : undefined;
      const known = stack.plan.secrets.map((x) => x.name);
      const unknown = rotated.filter((r) => !known.includes(r));
      if (unknown.length > 0) throw new UsageError(`--rotate ${unknown.join(',')}: ${env} has no such secret; its secrets are ${known.join(', ')}`);
      if (rotated.length > 0 && !previous) throw new UsageError(`--rotate needs the last synthesis of ${env} (${previousFile ?? 'cdktf.out'}): run it against the stacks that are deployed`);
      const diff = previous ? diffStacks(previous, json) : undefined;
      // Node containers that change are applied one at a time (quorum kept); data-destroying changes are refused.
      const rolling = previous && diff ? rotationAware(rollingProcedure(previous, json, withRotatedNodes(json, diff, rotated)), rotated) : undefined;
      const changes = previous && diff ? classifyChanges({ previous, next: json, diff, rolling, rotated }) : undefined;
      return { env, summary: buildReview(stack.plan, json), diff, ...(changes ? { changes } : {}), ...(rolling ? { rolling } : {}) };
    });
    if (opts.svg !== undefined) {
      const { topologySvg } = require('../review/svg/topology-svg') as typeof import('../review/svg/topology-svg');
      const { pictureOf } = require('../review/svg/picture') as typeof import('../review/svg/picture');
      writeFileAtomically(opts.svg, topologySvg(pictureOf(stacks[0].stack.plan, reports[0].summary)), 0o644);
    }
    if (format === 'json') process.stdout.write((require('../review/format-json') as typeof import('../review/format-json')).formatJson(reports));
    else if (format === 'markdown') process.stdout.write((require('../review/format-markdown') as typeof import('../review/format-markdown')).formatMarkdown(reports));
    else for (const r of reports) process.stdout.write(formatReview(r.env, r.summary, r.diff, r.rolling, r.changes));
    const findings = reports.reduce((n, r) => n + strictFindings(r), 0);
    if (opts.strict && findings > 0) throw new UsageError(`--strict: ${findings} warning(s)`);
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
