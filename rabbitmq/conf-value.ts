/**
 * Typed rabbitmq.conf values. RabbitMQ's config parser (cuttlefish) converts every value with the
 * datatype its schema declares for the key and refuses to boot on a mismatch: `{datatype, float}`
 * rejects `1` (it wants `1.0`), `{datatype, integer}` rejects `1.5` and `1e3`, `{datatype, {enum, [...]}}`
 * rejects anything outside the list. Each rule therefore says which datatype a value has, and the
 * value is rendered the one way that datatype parses. A value that cannot be rendered is a bug in a
 * rule or in spec validation, never user input reaching the file, so it throws.
 */

/** A value with the cuttlefish datatype of the key it is written for. */
export type ConfValue =
  /** `{datatype, string}` (and `ip`/`atom` keys written as plain words). */
  | { readonly type: 'string'; readonly value: string }
  /** `{datatype, {enum, [...]}}`: one of a closed list of words. */
  | { readonly type: 'enum'; readonly value: string; readonly allowed: readonly string[] }
  /** `{datatype, integer}`: decimal digits, no point, no exponent. */
  | { readonly type: 'integer'; readonly value: number }
  /** `{datatype, float}`: always with a decimal point (`1.0`, `0.6`, `1.0e-7`). */
  | { readonly type: 'float'; readonly value: number }
  /** `{datatype, bytesize}`: a whole number of bytes (the parser also takes `2GB`; we write bytes). */
  | { readonly type: 'bytes'; readonly value: number }
  /** `{datatype, {enum, [true, false]}}`. */
  | { readonly type: 'boolean'; readonly value: boolean }
  /** `{datatype, {duration, ms}}`-style keys that take whole milliseconds. */
  | { readonly type: 'milliseconds'; readonly value: number };

export const str = (value: string): ConfValue => ({ type: 'string', value });
export const oneOf = <T extends string>(value: T, allowed: readonly T[]): ConfValue => ({ type: 'enum', value, allowed });
export const int = (value: number): ConfValue => ({ type: 'integer', value });
export const float = (value: number): ConfValue => ({ type: 'float', value });
export const bytes = (value: number): ConfValue => ({ type: 'bytes', value });
export const bool = (value: boolean): ConfValue => ({ type: 'boolean', value });
export const millis = (value: number): ConfValue => ({ type: 'milliseconds', value });

function wholeNumber(key: string, value: number, what: string): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`rabbitmq.conf ${key}: ${value} is not a ${what} (a whole number >= 0)`);
  return String(value);
}

/** A float as cuttlefish parses it: Erlang float syntax needs digits on both sides of the point. */
export function formatFloat(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`${value} is not a finite float`);
  const plain = String(value);
  if (!/e/i.test(plain)) return plain.includes('.') ? plain : `${plain}.0`;
  const [mantissa, exponent] = value.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}e${exponent}`;
}

/** The text of a value, checked against its datatype. */
export function renderConfValue(key: string, v: ConfValue): string {
  switch (v.type) {
    case 'integer':
      return wholeNumber(key, v.value, 'integer');
    case 'bytes':
      return wholeNumber(key, v.value, 'byte size');
    case 'milliseconds':
      return wholeNumber(key, v.value, 'duration in ms');
    case 'float':
      return formatFloat(v.value);
    case 'boolean':
      return v.value ? 'true' : 'false';
    case 'enum':
      if (!v.allowed.includes(v.value)) throw new Error(`rabbitmq.conf ${key}: ${JSON.stringify(v.value)} is not one of ${v.allowed.join(', ')}`);
      return v.value;
    case 'string':
      // A line break or a leading/trailing blank would end the value or be trimmed by the parser.
      if (v.value === '' || /[\r\n\0]/.test(v.value) || v.value.trim() !== v.value) {
        throw new Error(`rabbitmq.conf ${key}: ${JSON.stringify(v.value)} cannot be written as one sysctl value`);
      }
      return v.value;
  }
}
