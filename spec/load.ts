import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ClusterSpec } from './cluster';
import { SpecError } from './errors';
import { parseSpecText } from './input/parse-yaml';
import { readSpecText } from './input/read-file';
import { environmentName, SPEC_EXTENSIONS, STACK_NAME, STACK_NAME_RULE } from './input/stack-name';
import { parseClusterSpec } from './parse';
import { checkTlsFiles } from './tls-files';

/** Folder of example and user environments, relative to the project root. */
export const ENVIRONMENTS_DIR = 'environments';

/** A spec loaded from a file, with the environment name it is synthesized under. */
export interface LoadedSpec {
  /** Environment name: the file name without extension (also the cdktf stack name). */
  readonly env: string;
  readonly file: string;
  readonly spec: ClusterSpec;
}

/**
 * Reads and validates a YAML or JSON spec file, bounded (regular file, size, UTF-8, nesting,
 * aliases: spec/input/). YAML syntax errors are reported with line and column. The file name
 * without extension must be a valid stack name: it becomes the folder `stacks/<env>/`.
 */
export function loadSpecFile(file: string): LoadedSpec {
  const text = readSpecText(file);
  const env = environmentName(file);
  if (!STACK_NAME.test(env)) {
    throw new SpecError(file, [{ path: '(file name)', value: env, message: `is the environment (stack) name taken from the file name and ${STACK_NAME_RULE}; rename the file, e.g. to dev.yaml` }]);
  }
  // TLS files are relative to the spec file and checked here (the parser itself reads no files).
  return { env, file, spec: checkTlsFiles(parseClusterSpec(parseSpecText(text, file), file), path.dirname(path.resolve(file)), file) };
}

/** The spec files of every environment in `dir`, sorted by name. */
export function listEnvironmentFiles(dir = ENVIRONMENTS_DIR): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => (SPEC_EXTENSIONS as readonly string[]).includes(path.extname(f)))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Finds the file of environment `env` in `dir`. */
export function environmentFile(env: string, dir = ENVIRONMENTS_DIR): string {
  const found = listEnvironmentFiles(dir).find((f) => environmentName(f) === env);
  if (!found) {
    const known = listEnvironmentFiles(dir).map(environmentName);
    throw new SpecError(env, [{ path: '', value: env, message: `no such environment in ${dir}/; known: ${known.join(', ') || '(none)'}` }]);
  }
  return found;
}

/**
 * Loads every environment; collects the problems of all files before failing, so one run
 * reports everything that is wrong.
 */
export function loadAllEnvironments(dir = ENVIRONMENTS_DIR): LoadedSpec[] {
  const loaded: LoadedSpec[] = [];
  const errors: SpecError[] = [];
  for (const file of listEnvironmentFiles(dir)) {
    try {
      loaded.push(loadSpecFile(file));
    } catch (e) {
      if (SpecError.isSpecError(e)) errors.push(e);
      else throw e;
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateSpecError(errors);
  return loaded;
}

/** Several invalid files at once. */
export class AggregateSpecError extends SpecError {
  constructor(errors: readonly SpecError[]) {
    super(errors.map((e) => e.source).join(', '), errors.flatMap((e) => e.issues.map((i) => ({ ...i, path: `${e.source}: ${i.path}` }))));
    this.message = errors.map((e) => e.message).join('\n');
  }
}
