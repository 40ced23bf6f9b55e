import type { SpecIssue } from '../errors';
import { joinPath } from '../private/zod-issues';

/** AMQP 0-9-1 short strings (queue, exchange and vhost names, routing keys) hold at most 255 bytes. */
export const AMQP_SHORT_STRING_BYTES = 255;

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Topology fields that are AMQP short strings: names and keys RabbitMQ reads off the wire. */
const AMQP_NAME = /^topology\..*(\.|^)(name|vhost|source|destination|routingKey|deadLetterExchange|deadLetterRoutingKey|exchange|queue|queuePrefix)$/;

/**
 * Rules over every string of the raw input, with the reason for each:
 * - unpaired UTF-16 surrogates (from a TypeScript spec) have no UTF-8 form: every consumer
 *   (RabbitMQ, Terraform, Docker) would get replacement characters, silently;
 * - NUL and other control characters (but tab and newlines) end or corrupt C strings, config
 *   lines and log output wherever they land;
 * - AMQP names and keys: no control character at all, and at most 255 bytes of UTF-8 (RabbitMQ
 *   closes the channel on a longer short string; a name that fits in 255 characters may not fit in
 *   255 bytes).
 */
export function stringIssues(input: unknown): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const stack: Array<[unknown, PropertyKey[]]> = [[input, []]];
  while (stack.length > 0) {
    const [value, at] = stack.pop()!;
    if (typeof value === 'string') {
      const path = joinPath(at);
      const amqp = AMQP_NAME.test(path);
      if (LONE_SURROGATE.test(value)) {
        issues.push({ path, value: value.replace(new RegExp(LONE_SURROGATE.source, 'g'), '\ufffd'), message: 'holds an unpaired UTF-16 surrogate, which is not valid UTF-8; use whole characters' });
      } else if (/\u0000/.test(value)) {
        issues.push({ path, value, message: 'holds a NUL character; remove it' });
      } else if ((amqp ? /[\u0000-\u001f\u007f]/ : /[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f]/).test(value)) {
        issues.push({ path, value, message: amqp ? 'holds a control character (tab, newline, escape, ...); AMQP names and keys must be printable' : 'holds a control character; only tab and newlines are allowed' });
      } else if (amqp && Buffer.byteLength(value, 'utf8') > AMQP_SHORT_STRING_BYTES) {
        issues.push({ path, value, message: `is ${Buffer.byteLength(value, 'utf8')} bytes of UTF-8; AMQP names and keys hold at most ${AMQP_SHORT_STRING_BYTES} bytes` });
      }
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push([v, [...at, i]]));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) stack.push([v, [...at, k]]);
    }
  }
  return issues.reverse();
}
