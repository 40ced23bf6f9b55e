/** Line helpers for HAProxy's section-based config format. */
import { flatten, type Lines } from '../../plan/config-lines';

export { flatten, secs, type Lines } from '../../plan/config-lines';

/** A section: its header line, the body indented by four spaces, then one blank line. */
export function section(header: string, body: Lines): string[] {
  return [header, ...flatten(body).map((line) => `    ${line}`), ''];
}

/** `address:port` for a bind line; HAProxy splits on the last colon, so IPv6 needs no brackets. */
export function bindAddress(address: string, port: number): string {
  return `${address}:${port}`;
}
