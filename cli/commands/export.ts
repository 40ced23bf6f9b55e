import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildPlan } from '../../plan/plan';
import { processLiveness, readState } from '../../local/state';
import { writeFileAtomically } from '../private/atomic-file';
import { UsageError } from '../private/exit';
import { selectOne, type SelectOptions } from '../private/select';
import { PASSWORD_FILE } from './local';

/** Options of `rmq-ha export`. */
export interface ExportOptions extends SelectOptions {
  /** Management URL of a running node, e.g. `http://127.0.0.1:15672`. */
  readonly url?: string;
  /** Directory of an `rmq-ha local up` run: its state gives the URL, its password file the password. */
  readonly dir?: string;
  /** Management user. @default admin */
  readonly user?: string;
  /** File whose first line is the password. @default - `DIR/admin-password` with --dir */
  readonly passwordFile?: string;
  /** Output file; a live export needs it. @default - stdout, for a spec's definitions only */
  readonly out?: string;
  /** HTTP timeout in seconds. @default 30 */
  readonly timeout?: string;
  /** `compose` or `kubernetes`: the deployment itself, into the directory `--out`. @default - a definitions backup */
  readonly format?: string;
}

/** What `GET /api/definitions` returns, the part the summary counts. */
interface Definitions {
  readonly rabbit_version?: string;
  readonly rabbitmq_version?: string;
  readonly vhosts?: unknown[];
  readonly users?: unknown[];
  readonly queues?: unknown[];
  readonly exchanges?: unknown[];
  readonly policies?: unknown[];
}

/** Mode of a live export: the file holds password hashes. */
const LIVE_MODE = 0o600;

/**
 * `rmq-ha export`: a backup of the definitions (vhosts, users with password hashes, permissions,
 * queues, exchanges, bindings, policies, parameters).
 *
 * - `--url URL --password-file FILE [--user NAME] --out FILE`: `GET URL/api/definitions` from a
 *   running node, written atomically with mode 0600.
 * - `--dir DIR --out FILE`: the same against a `rmq-ha local up` run (first running node, password
 *   from `DIR/admin-password`).
 * - `--env NAME | --spec FILE [--out FILE]`: the definitions the spec loads at boot, with its
 *   `{{secret:NAME}}` placeholders (nothing secret in it); stdout without `--out`.
 */
export async function exportCommand(opts: ExportOptions): Promise<void> {
  if (opts.format !== undefined) return exportFormat(opts);
  const live = [opts.url ? '--url' : undefined, opts.dir ? '--dir' : undefined].filter(Boolean);
  const fromSpec = [opts.env ? '--env' : undefined, opts.spec ? '--spec' : undefined].filter(Boolean);
  if (live.length + fromSpec.length !== 1) {
    throw new UsageError(
      live.length + fromSpec.length === 0
        ? 'give --url URL or --dir DIR (a running cluster), or --env NAME / --spec FILE (what a spec loads)'
        : `give only one of --url, --dir, --env, --spec (got ${[...live, ...fromSpec].join(', ')})`,
    );
  }
  if (fromSpec.length === 1) return exportFromSpec(opts);
  if (!opts.out) throw new UsageError('a live export needs --out FILE (it holds password hashes; it is written with mode 0600, never printed)');
  const timeoutMs = Number(opts.timeout ?? 30) * 1000;
  if (!(timeoutMs > 0)) throw new UsageError(`--timeout must be a positive number of seconds, got ${opts.timeout}`);
  const user = opts.user ?? 'admin';
  const { urls, passwordFile } = opts.url ? fromUrl(opts) : fromLocalDir(opts.dir!, opts.passwordFile);
  const password = readPassword(passwordFile);
  const { url, text, defs } = await fetchDefinitions(urls, user, password, timeoutMs);
  writeFileAtomically(opts.out, text.endsWith('\n') ? text : `${text}\n`, LIVE_MODE);
  process.stdout.write(`${opts.out}: ${summary(defs)} from ${url} (mode 0600)\n`);
}

/** `--format compose|kubernetes --out DIR` (cli/export/deployment-export.ts). */
function exportFormat(opts: ExportOptions): void {
  if (opts.url || opts.dir) throw new UsageError('--format exports a spec (--env NAME or --spec FILE), not a running cluster (--url, --dir)');
  if (!opts.out) throw new UsageError(`--format ${opts.format} needs --out DIR (a directory, replaced atomically)`);
  const { exportDeployment } = require('../export/deployment-export') as typeof import('../export/deployment-export');
  for (const f of exportDeployment(selectOne(opts), opts.format!, opts.out)) process.stdout.write(`${f}\n`);
}

function exportFromSpec(opts: ExportOptions): void {
  const loaded = selectOne(opts);
  const text = buildPlan(loaded.spec).nodes[0].definitions.content;
  if (!opts.out) {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    return;
  }
  writeFileAtomically(opts.out, text.endsWith('\n') ? text : `${text}\n`, 0o644);
  process.stdout.write(`${opts.out}: ${summary(JSON.parse(text) as Definitions)} that ${loaded.env} loads at boot (secrets as placeholders)\n`);
}

function fromUrl(opts: ExportOptions): { urls: string[]; passwordFile: string } {
  let parsed: URL;
  try {
    parsed = new URL(opts.url!);
  } catch {
    throw new UsageError(`--url ${opts.url} is not a URL; give e.g. http://127.0.0.1:15672`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`--url must be http:// or https://, got ${parsed.protocol}`);
  if (parsed.username || parsed.password) throw new UsageError('--url must not carry credentials; use --user and --password-file');
  if (!opts.passwordFile) throw new UsageError('--url needs --password-file FILE (the password is never taken from the command line)');
  return { urls: [parsed.toString()], passwordFile: opts.passwordFile };
}

function fromLocalDir(dir: string, passwordFile: string | undefined): { urls: string[]; passwordFile: string } {
  const state = readState(path.resolve(dir));
  if (!state) throw new UsageError(`nothing was started under ${dir} (no state.json); run 'rmq-ha local up --dir ${dir}' first`);
  const alive = processLiveness(state).nodes;
  const running = state.nodes.filter((n) => alive[n.nodeName]);
  if (running.length === 0) throw new UsageError(`no node of ${dir} is running`);
  return { urls: running.map((n) => `http://127.0.0.1:${n.managementPort}/`), passwordFile: passwordFile ?? path.join(state.dir, PASSWORD_FILE) };
}

function readPassword(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read the password file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const password = text.split(/\r?\n/)[0];
  if (!password) throw new UsageError(`the password file ${file} is empty`);
  return password;
}

/** GETs `/api/definitions` from the first URL that answers; authentication and HTTP errors are not retried elsewhere. */
async function fetchDefinitions(urls: readonly string[], user: string, password: string, timeoutMs: number): Promise<{ url: string; text: string; defs: Definitions }> {
  const failures: string[] = [];
  for (const base of urls) {
    const url = new URL('api/definitions', base.endsWith('/') ? base : `${base}/`).toString();
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`, accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
      failures.push(`${url}: ${cause}`);
      continue;
    }
    const text = await res.text();
    if (res.status === 401) throw new UsageError(`${url}: user ${user} was refused (401): check --user and the password file`);
    if (res.status !== 200) throw new UsageError(`${url}: HTTP ${res.status} ${res.statusText}: ${text.slice(0, 200)}`);
    let defs: Definitions;
    try {
      defs = JSON.parse(text) as Definitions;
    } catch {
      throw new UsageError(`${url}: the answer is not JSON; is this the management port?`);
    }
    if (typeof defs !== 'object' || defs === null || !Array.isArray(defs.vhosts)) throw new UsageError(`${url}: the answer is not a definitions document (no vhosts)`);
    return { url, text, defs };
  }
  throw new UsageError(`cannot reach the management API: ${failures.join('; ')}`);
}

function summary(d: Definitions): string {
  const n = (a: unknown[] | undefined): number => a?.length ?? 0;
  return `${n(d.vhosts)} vhost(s), ${n(d.users)} user(s), ${n(d.exchanges)} exchange(s), ${n(d.queues)} queue(s), ${n(d.policies)} policy(ies)`;
}
