import { environmentFile, loadAllEnvironments, loadSpecFile, type LoadedSpec } from '../../spec/load';
import { UsageError } from './exit';

/** The `--env NAME | --spec FILE` options shared by the commands. */
export interface SelectOptions {
  readonly env?: string;
  readonly spec?: string;
  /** Folder of environments. @default environments */
  readonly envDir?: string;
}

/** Loads the one environment the options name; `--env` and `--spec` are exclusive. */
export function selectOne(opts: SelectOptions): LoadedSpec {
  // `--spec ""` names a file (an empty name, refused when read), never "every environment".
  if (opts.env !== undefined && opts.spec !== undefined) throw new UsageError('give --env NAME or --spec FILE, not both');
  if (opts.spec !== undefined) return loadSpecFile(opts.spec);
  if (opts.env !== undefined) {
    if (opts.env === '') throw new UsageError('--env is empty; give --env NAME of a file in the environments folder');
    return loadSpecFile(environmentFile(opts.env, opts.envDir));
  }
  throw new UsageError('give --env NAME or --spec FILE');
}

/** Loads the named environment, or every environment when none is named. */
export function selectMany(opts: SelectOptions): LoadedSpec[] {
  if (opts.env !== undefined || opts.spec !== undefined) return [selectOne(opts)];
  const all = loadAllEnvironments(opts.envDir);
  if (all.length === 0) throw new UsageError(`no environments found in ${opts.envDir ?? 'environments'}/`);
  return all;
}
