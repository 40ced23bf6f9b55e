/**
 * One environment's review as data: every formatter (text, markdown, JSON, SVG) renders this and
 * nothing else, so they cannot disagree.
 */
import type { StackDiff } from './diff';
import type { RollingProcedure } from './rolling';
import type { ReviewSummary } from './summary';

/**
 * A change against the last synthesis as the change classification states it (safe, rolling,
 * manual, refused): read structurally, so the formatters render whatever kinds it has.
 */
export interface ReviewChange {
  /** `safe`, `rolling`, `manual`, `refused`, ... */
  readonly kind: string;
  /** Which rule classified it. */
  readonly rule?: string;
  /** What changes, e.g. `RabbitMQ 4.2.3 -> 4.3.4`. */
  readonly subject: string;
  /** Why it is classified so: its operational meaning. */
  readonly why: string;
  /** The commands, in order. */
  readonly steps?: readonly string[];
}

/** What `rmq-ha review` reports for one environment. */
export interface EnvironmentReview {
  readonly env: string;
  readonly summary: ReviewSummary;
  /** Resource changes against the last synthesis; undefined when there is none to compare with. */
  readonly diff?: StackDiff;
  /** How to apply node changes without losing quorum; undefined when no node changes. */
  readonly rolling?: RollingProcedure;
  /** Classified changes, when the classification provides them. */
  readonly changes?: readonly ReviewChange[];
}

/** Findings `--strict` fails on: the spec's warnings and the refused changes. */
export function strictFindings(r: EnvironmentReview): number {
  return r.summary.warnings.length + (r.changes ?? []).filter((c) => c.kind === 'refused').length;
}
