/** Where the time of a run goes: named phases, each with its own duration and its end since the start. */

/** One finished phase. */
export interface TimelinePhase {
  readonly phase: string;
  /** Duration of this phase (since the previous mark). */
  readonly ms: number;
  /** End of this phase since the start of the timeline. */
  readonly atMs: number;
}

/** Records phase ends with a monotonic clock. */
export class Timeline {
  private readonly start: number;
  private last: number;
  private readonly marks: TimelinePhase[] = [];

  constructor(private readonly now: () => number = () => performance.now()) {
    this.start = now();
    this.last = this.start;
  }

  /** Ends the current phase under `phase`. */
  mark(phase: string): void {
    const t = this.now();
    this.marks.push({ phase, ms: Math.round(t - this.last), atMs: Math.round(t - this.start) });
    this.last = t;
  }

  /** The phases marked so far, in order. */
  phases(): TimelinePhase[] {
    return [...this.marks];
  }
}
