/**
 * rabbitmq.conf values are typed the way RabbitMQ's schema types their keys, and what we render is
 * accepted by RabbitMQ's own parser (cuttlefish + the installed 3.10.8 schemas), for every release
 * line we render: keys that 3.10 does not know are left out, every other value is converted by the
 * real datatype of its key. The regression that started this: `disk_free_limit.relative = 1`
 * (schema datatype float) made every node refuse to boot; 1.0 is what the parser takes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bool, bytes, float, formatFloat, int, millis, oneOf, renderConfValue, str } from '../rabbitmq/conf-value';
import { parseConf } from '../rabbitmq/rabbitmq-conf';
import { installedSchemaKeyPatterns, parseWithCuttlefish } from './helpers/cuttlefish';
import { planFor } from './helpers/specs';

describe('each datatype renders the one way the parser takes it', () => {
  test('float: always with a decimal point, exponents keep one too', () => {
    expect(renderConfValue('k', float(1))).toBe('1.0');
    expect(renderConfValue('k', float(0.6))).toBe('0.6');
    expect(renderConfValue('k', float(2))).toBe('2.0');
    expect(formatFloat(1e-7)).toBe('1.0e-7');
    expect(formatFloat(1.5e-7)).toBe('1.5e-7');
    expect(formatFloat(1e21)).toBe('1.0e+21');
    expect(() => renderConfValue('k', float(Number.NaN))).toThrow(/finite/);
  });
  test('integer: digits only; fractions, negatives and unsafe integers are bugs', () => {
    expect(renderConfValue('heartbeat', int(30))).toBe('30');
    expect(() => renderConfValue('heartbeat', int(1.5))).toThrow(/heartbeat: 1.5 is not a integer/);
    expect(() => renderConfValue('heartbeat', int(-1))).toThrow();
    expect(() => renderConfValue('heartbeat', int(2 ** 60))).toThrow();
  });
  test('byte size: whole bytes, never an exponent', () => {
    expect(renderConfValue('disk_free_limit.absolute', bytes(2e9))).toBe('2000000000');
    expect(renderConfValue('k', bytes(8 * 1024 ** 3))).toBe('8589934592');
    expect(() => renderConfValue('k', bytes(0.5))).toThrow(/byte size/);
  });
  test('duration in milliseconds: whole milliseconds', () => {
    expect(renderConfValue('collect_statistics_interval', millis(10000))).toBe('10000');
    expect(() => renderConfValue('k', millis(1.5))).toThrow(/duration/);
  });
  test('boolean and enum: only the listed words', () => {
    expect(renderConfValue('k', bool(true))).toBe('true');
    expect(renderConfValue('k', bool(false))).toBe('false');
    expect(renderConfValue('k', oneOf('autoheal', ['autoheal', 'pause_minority']))).toBe('autoheal');
    expect(() => renderConfValue('k', oneOf('pause-minority' as string, ['autoheal', 'pause_minority']))).toThrow(/not one of autoheal, pause_minority/);
  });
  test('string: one line, nothing the parser would trim or split', () => {
    expect(renderConfValue('cluster_name', str('orders'))).toBe('orders');
    for (const bad of ['', 'a\nheartbeat = 1', ' padded', 'nul\0']) expect(() => renderConfValue('k', str(bad))).toThrow(/cannot be written/);
  });
});

describe("RabbitMQ's own parser (installed cuttlefish and schemas) accepts every rendered value", () => {
  const known = installedSchemaKeyPatterns();
  // definitions.local.path is validated as a readable file: point it at one that exists here.
  const definitions = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-defs-')), 'definitions.json');
  fs.writeFileSync(definitions, '{}');
  afterAll(() => fs.rmSync(path.dirname(definitions), { recursive: true, force: true }));
  const variants: Array<[string, Parameters<typeof planFor>[0]]> = [];
  for (const version of ['3.10.8', '3.13.7', '4.0.9', '4.2.10', '4.3.4']) {
    for (const target of ['docker', 'kubernetes'] as const) {
      variants.push([`${version} ${target} defaults`, { version, target }]);
      variants.push([
        `${version} ${target} relative limits`,
        { version, target, rabbitmq: { diskFreeLimit: { relative: 1.0 }, memoryHighWatermark: { relative: 0.4 } } },
      ]);
    }
  }
  variants.push(['relative disk limit 2 (a whole number)', { version: '3.10.8', rabbitmq: { diskFreeLimit: { relative: 2 } } }]);
  variants.push(['absolute memory watermark', { version: '3.10.8', rabbitmq: { memoryHighWatermark: { absolute: '1GiB' } } }]);
  variants.push(['autoheal, debug logs, client-local', { version: '3.10.8', rabbitmq: { partitionHandling: 'autoheal', logLevel: 'debug', queueLeaderLocator: 'client-local' } }]);
  variants.push(['5 nodes', { version: '3.13.7', nodes: 5 }]);
  variants.push(['net tick 15 s', { version: '3.10.8', rabbitmq: { netTickTimeSeconds: 15 } }]);

  const texts = variants.map(([, input]) =>
    [...parseConf(planFor(input).nodes[0].config.content)]
      .filter(([k]) => known.some((p) => p.test(k)))
      .map(([k, v]) => `${k} = ${k === 'definitions.local.path' ? definitions : v}\n`)
      .join(''),
  );
  const results = parseWithCuttlefish(texts);

  test.each(variants.map(([name], i) => [name, i] as const))('%s', (_name, i) => {
    expect(texts[i].split('\n').length).toBeGreaterThan(15);
    expect(results[i]).toEqual({ ok: true });
  });

  test('the parser is real: it rejects what the old renderer wrote (disk_free_limit.relative = 1)', () => {
    const [old, bad, fixed] = parseWithCuttlefish(['disk_free_limit.relative = 1\n', 'heartbeat = 1.5\n', 'disk_free_limit.relative = 1.0\n']);
    expect(old.ok).toBe(false);
    expect(old.error).toContain('{conversion,{"1",float}}');
    expect(bad.error).toContain('heartbeat');
    expect(fixed).toEqual({ ok: true });
  });
});
