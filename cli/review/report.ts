/**
 * One environment's review as data: every formatter (text, markdown, JSON, SVG) renders this and
 * nothing else, so they cannot disagree.
 */
import type { ClassifiedChange } from './changes';
import type { StackDiff } from './diff';
import type { RollingProcedure } from './rolling';
import type { ReviewSummary } from './summary';

/** What `rmq-ha review` reports for one environment. */
export interface EnvironmentReview {
  readonly env: string;
  readonly summary: ReviewSummary;
  /** Resource changes against the last synthesis; undefined when there is none to compare with. */
  readonly diff?: StackDiff;
  /** How to apply node changes without losing quorum; undefined when no node changes. */
  readonly rolling?: RollingProcedure;
  /** Every change classified (safe, rolling, manual, refused) with its meaning and steps (changes.ts). */
  readonly changes?: readonly ClassifiedChange[];
}

/** Findings `--strict` fails on: the spec's warnings not acknowledged, and the refused changes. */
export function strictFindings(r: EnvironmentReview): number {
  return r.summary.warnings.filter((w) => w.acknowledged === undefined).length + (r.changes ?? []).filter((c) => c.kind === 'refused').length;
}
