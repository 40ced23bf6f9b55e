/** Line helpers for nginx's block-structured config format. */
import { flatten, type Lines } from '../../plan/config-lines';

export { flatten, secs, type Lines } from '../../plan/config-lines';

/** `header { body }` with the body indented by four spaces. */
export function block(header: string, body: Lines): string[] {
  return [`${header} {`, ...flatten(body).map((line) => (line === '' ? '' : `    ${line}`)), '}'];
}

/** `host:port`, with IPv6 literals in brackets as nginx requires. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
