import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../spec/input/input-error';

/** The part of cdktf's `manifest.json` that synthesis merges. */
export interface Manifest {
  readonly version: string;
  readonly stacks: Readonly<Record<string, unknown>>;
}

/** True for a manifest cdktf (or an earlier synth) wrote: a version and stacks with their paths. */
function isCdktfManifest(x: unknown): x is Manifest {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return false;
  const m = x as Record<string, unknown>;
  if (typeof m.version !== 'string' || m.stacks === null || typeof m.stacks !== 'object' || Array.isArray(m.stacks)) return false;
  return Object.values(m.stacks as object).every((s) => s !== null && typeof s === 'object' && typeof (s as Record<string, unknown>).synthesizedStackPath === 'string');
}

/**
 * Checks an output directory before anything is written and returns the manifest found there.
 * `outdir` must be missing, empty, or hold a cdktf manifest.json: a file, a device (`/dev/full`),
 * a directory of other files or another tool's manifest.json is refused, never overwritten. A
 * stack folder that holds a cdk.tf.json the manifest does not list is refused too.
 */
export function checkOutDir(outdir: string, envs: readonly string[]): Manifest | undefined {
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(outdir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  if (!st.isDirectory()) throw new InputError(`--out ${outdir} is not a directory; give a new or empty directory, or the output of an earlier synth`);
  const manifestPath = path.join(outdir, 'manifest.json');
  if (!fs.existsSync(manifestPath)) {
    const entries = fs.readdirSync(outdir);
    if (entries.length > 0) {
      throw new InputError(`--out ${outdir} holds files (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}) but no cdktf manifest.json: it is not a synth output; give a new or empty directory`);
    }
    return undefined;
  }
  const mst = fs.statSync(manifestPath);
  if (!mst.isFile() || mst.size > 16 * 1024 * 1024) throw new InputError(`${manifestPath} is not a manifest file cdktf wrote; move it away or give another --out`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  } catch (e) {
    throw new InputError(`${manifestPath} is not valid JSON (${(e as Error).message}); it is not cdktf's manifest: move it away or give another --out`);
  }
  if (!isCdktfManifest(parsed)) {
    throw new InputError(`${manifestPath} was not written by cdktf (no version and stacks with synthesizedStackPath); it is never overwritten: move it away or give another --out`);
  }
  for (const env of envs) {
    const stackFile = path.join(outdir, 'stacks', env, 'cdk.tf.json');
    if (!(env in parsed.stacks) && fs.existsSync(stackFile)) {
      throw new InputError(`${stackFile} exists but ${manifestPath} does not list stack ${env}; it is never overwritten: move it away or give another --out`);
    }
  }
  return parsed;
}
