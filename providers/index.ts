/**
 * The Terraform providers the synthesized stacks pin, built from source (providers/build.sh): for
 * tests and harnesses that run terraform on `rmq-ha synth` output without the Terraform registry.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A terraform binary and the CLI config (TF_CLI_CONFIG_FILE) that installs the built providers. */
export interface Providers {
  /** Absolute path of terraform (1.11.4). */
  readonly terraform: string;
  /** Absolute path of the CLI config: filesystem mirror of the built providers, shared plugin cache. */
  readonly cliConfig: string;
  /** Pinned providers that could not be built (`<ns>/<type> <version>: why`), left out of the CLI config. */
  readonly unavailable: readonly string[];
}

/** providers/build.sh, from the sources (providers/) or from the build (dist/providers/). */
export function buildScript(): string {
  const candidates = [path.join(__dirname, 'build.sh'), path.resolve(__dirname, '../../providers/build.sh')];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`providers/build.sh not found (looked at ${candidates.join(', ')})`);
  return found;
}

/** Reads the script's stdout: "terraform <path>" and, as the last line, the CLI config path. */
export function parseBuildOutput(stdout: string): Providers {
  const lines = stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const cliConfig = lines[lines.length - 1];
  const tfLine = lines.find((l) => l.startsWith('terraform '));
  if (!cliConfig || !tfLine || !path.isAbsolute(cliConfig)) throw new Error(`providers/build.sh printed no terraform and CLI config paths:\n${stdout}`);
  const unavailable = lines.filter((l) => l.startsWith('unavailable ')).map((l) => l.slice('unavailable '.length));
  return { terraform: tfLine.slice('terraform '.length), cliConfig, unavailable };
}

let pending: Promise<Providers> | undefined;

/**
 * The environment variable test/run-tests.sh sets to the file that holds the stdout of the build it
 * starts before jest, once that build is complete: every suite then reuses it instead of running the
 * script again (each run took about a second, but the script holds a lock and asks the Go module
 * proxy about the refused providers, and one run in two parallel lanes waited 193 s). Until the
 * file exists, `ensureProviders` runs the script, which waits for that build on its lock.
 */
export const PROVIDERS_OUTPUT_ENV = 'RMQ_HA_PROVIDERS_OUTPUT';

/** The build named by RMQ_HA_PROVIDERS_OUTPUT, when its terraform and CLI config still exist. */
function reusedBuild(env: NodeJS.ProcessEnv): Providers | undefined {
  const file = env[PROVIDERS_OUTPUT_ENV];
  if (!file || !fs.existsSync(file)) return undefined;
  const p = parseBuildOutput(fs.readFileSync(file, 'utf8'));
  return fs.existsSync(p.terraform) && fs.existsSync(p.cliConfig) ? p : undefined;
}

/**
 * Builds the providers once per process (minutes the first time on a machine, about a second once
 * cached) and resolves their terraform and CLI config. Rejects with the script's stderr when a
 * provider cannot be built: callers fail, they do not skip.
 */
export function ensureProviders(options: { readonly timeoutMs?: number; readonly env?: NodeJS.ProcessEnv } = {}): Promise<Providers> {
  const env = { ...process.env, ...options.env };
  const built = reusedBuild(env);
  if (built) return Promise.resolve(built);
  pending ??= new Promise<Providers>((resolve, reject) => {
    const child = spawn('bash', [buildScript()], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs ?? 30 * 60000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(new Error(`providers/build.sh failed (${signal ?? `exit ${code}`}):\n${stderr.slice(-4000)}`));
        return;
      }
      try {
        resolve(parseBuildOutput(stdout));
      } catch (e) {
        reject(e);
      }
    });
  }).catch((e: unknown) => {
    pending = undefined;
    throw e;
  });
  return pending;
}
