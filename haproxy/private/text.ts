/** Line helpers for HAProxy's section-based config format. */

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

/** A section: its header line, the body indented by four spaces, then one blank line. */
export function section(header: string, body: Lines): string[] {
  return [header, ...flatten(body).map((line) => `    ${line}`), ''];
}

/** Seconds as an HAProxy time value. */
export function secs(value: number): string {
  return `${value}s`;
}

/** `address:port` for a bind line; HAProxy splits on the last colon, so IPv6 needs no brackets. */
export function bindAddress(address: string, port: number): string {
  return `${address}:${port}`;
}
