/** Line helpers for nginx's block-structured config format. */

/** A body entry: a directive (with its `;`) or `# comment`, a nested list, or a skipped optional line. */
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

/** `header { body }` with the body indented by four spaces. */
export function block(header: string, body: Lines): string[] {
  return [`${header} {`, ...flatten(body).map((line) => (line === '' ? '' : `    ${line}`)), '}'];
}

/** Seconds as an nginx time value. */
export function secs(value: number): string {
  return `${value}s`;
}

/** `host:port`, with IPv6 literals in brackets as nginx requires. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
