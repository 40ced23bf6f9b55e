/** Line helpers shared by the text renderers (HAProxy, nginx): optional and nested lines. */

/** A body entry: a directive or `# comment`, a nested list, or a skipped optional line. */
export type Lines = ReadonlyArray<string | false | undefined | Lines>;

/** Flattens nested line lists and drops skipped (`false`/`undefined`) entries. */
export function flatten(lines: Lines): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if (line === false || line === undefined) continue;
    if (typeof line === 'string') out.push(line);
    else out.push(...flatten(line));
  }
  return out;
}

/** Seconds as a time value both HAProxy and nginx read (`30s`). */
export function secs(value: number): string {
  return `${value}s`;
}
