/**
 * RabbitMQ's own config parser: the cuttlefish library and the schemas of the installed RabbitMQ
 * (Debian's 3.10.8), run by `erl` exactly as the broker does at boot (conf file -> schema datatypes
 * -> translations). Keys that the installed release does not know are left out by the caller; every
 * other key is converted with the datatype that release declares for it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const LIB = '/usr/lib/rabbitmq/lib';

/** The installed rabbitmq_server-<v>/plugins folder (the test command installs rabbitmq-server). */
export function installedPluginsDir(): string {
  const server = fs.readdirSync(LIB).find((d) => d.startsWith('rabbitmq_server-'));
  if (!server) throw new Error(`no rabbitmq_server-* under ${LIB}: install Debian's rabbitmq-server`);
  return path.join(LIB, server, 'plugins');
}

/** Result of parsing one file: `ok`, or the parser's own error term. */
export interface CuttlefishResult {
  readonly ok: boolean;
  readonly error?: string;
}

/** Parses each text with the installed cuttlefish and schemas (one `erl` for all of them). */
export function parseWithCuttlefish(texts: readonly string[]): CuttlefishResult[] {
  const plugins = installedPluginsDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-cuttlefish-'));
  try {
    const files = texts.map((t, i) => {
      const f = path.join(dir, `${i}.conf`);
      fs.writeFileSync(f, t);
      return f;
    });
    const erlList = `[${files.map((f) => JSON.stringify(f)).join(',')}]`;
    const script = [
      `Schema = cuttlefish_schema:files(filelib:wildcard(${JSON.stringify(`${plugins}/*/priv/schema/*.schema`)})),`,
      `lists:foreach(fun(F) ->`,
      `  R = case cuttlefish_conf:file(F) of {errorlist, _} = E -> {error, E}; Conf -> cuttlefish_generator:map(Schema, Conf) end,`,
      `  case R of {error, _, _} = Err -> io:format("RESULT error ~0p~n", [Err]); {error, _} = Err -> io:format("RESULT error ~0p~n", [Err]); _ -> io:format("RESULT ok~n") end`,
      `end, ${erlList}),`,
      `halt().`,
    ].join('\n');
    const r = spawnSync('erl', ['-noshell', '-pa', ...fs.readdirSync(plugins).map((p) => path.join(plugins, p, 'ebin')), '-eval', script], {
      encoding: 'utf8',
      timeout: 60000,
    });
    if (r.error) throw r.error;
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('RESULT '));
    if (lines.length !== texts.length) throw new Error(`cuttlefish printed ${lines.length} results for ${texts.length} files:\n${r.stdout}\n${r.stderr}`);
    return lines.map((l) => (l === 'RESULT ok' ? { ok: true } : { ok: false, error: l.slice('RESULT error '.length) }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Mapping patterns (`a.$name.b` -> regexp) of the installed schemas.
 * @param plugin which plugin folders (`name-version`) to read; @default every one
 */
export function installedSchemaKeyPatterns(plugin: (folder: string) => boolean = () => true): RegExp[] {
  const plugins = installedPluginsDir();
  const files = fs
    .readdirSync(plugins)
    .filter(plugin)
    .map((p) => path.join(plugins, p, 'priv', 'schema'))
    .filter((d) => fs.existsSync(d))
    .flatMap((d) => fs.readdirSync(d).map((f) => path.join(d, f)));
  const keys = files.flatMap((f) => [...fs.readFileSync(f, 'utf8').matchAll(/\{mapping,\s*"([^"]+)"/g)].map((m) => m[1]));
  return keys.map((k) => new RegExp(`^${k.split('.').map((part) => (part.startsWith('$') ? '[^.]+' : part.replace(/[-_]/g, '[-_]'))).join('\\.')}$`));
}
