import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import type { LoadedSpec } from '../spec/load';
import { fileSystemProblem } from '../spec/input/fs-problem';
import { InputError } from '../spec/input/input-error';
import { checkOutDir, type Manifest } from './private/out-dir';
import { RabbitMqClusterStack } from './rabbitmq-cluster-stack';

/** What synthEnvironments wrote. */
export interface SynthResult {
  readonly outdir: string;
  readonly stacks: ReadonlyArray<{ readonly env: string; readonly file: string }>;
}

/**
 * Synthesizes validated environments into `outdir/stacks/<env>/cdk.tf.json` (the layout of
 * `cdktf synth`). The app is synthesized into a temporary directory first; only when every stack
 * succeeded are the new files moved into place, one atomic rename per file, and the manifest
 * merged. Nothing in a stack folder is ever deleted: Terraform state, `.terraform/`, overrides
 * (`backend_override.tf`) and `*.auto.tfvars` stay where they are, whatever happens midway.
 * Stacks of other environments already in `outdir` are kept. An `outdir` that is not a synth
 * output (a file, other files, another tool's manifest.json) is refused before anything is written.
 */
export function synthEnvironments(specs: readonly LoadedSpec[], outdir: string): SynthResult {
  const existing = checkOutDir(outdir, specs.map((s) => s.env));
  let tmp: string;
  try {
    fs.mkdirSync(path.dirname(path.resolve(outdir)), { recursive: true });
    tmp = fs.mkdtempSync(path.join(path.dirname(path.resolve(outdir)), '.rmq-ha-synth-'));
  } catch (e) {
    const problem = fileSystemProblem(e);
    if (problem === undefined) throw e;
    throw new InputError(`--out ${outdir}: its parent directory cannot hold the new stacks: ${problem}`);
  }
  try {
    const app = new App({ outdir: tmp, skipValidation: false });
    for (const s of specs) new RabbitMqClusterStack(app, s.env, { spec: s.spec });
    app.synth();
    const manifestPath = path.join(outdir, 'manifest.json');
    const fresh = JSON.parse(fs.readFileSync(path.join(tmp, 'manifest.json'), 'utf8')) as Manifest;
    const old: Manifest = existing ?? { version: fresh.version, stacks: {} };
    for (const s of specs) moveFilesInto(path.join(tmp, 'stacks', s.env), path.join(outdir, 'stacks', s.env));
    const merged: Manifest = { version: fresh.version, stacks: { ...old.stacks, ...fresh.stacks } };
    const tmpManifest = `${manifestPath}.tmp-${process.pid}`;
    fs.writeFileSync(tmpManifest, `${JSON.stringify(merged, null, 2)}\n`);
    fs.renameSync(tmpManifest, manifestPath);
    return { outdir, stacks: specs.map((s) => ({ env: s.env, file: path.join(outdir, 'stacks', s.env, 'cdk.tf.json') })) };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Moves every file under `from` to the same place under `to` (rename: atomic per file, same filesystem). */
function moveFilesInto(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) moveFilesInto(src, dst);
    else fs.renameSync(src, dst);
  }
}
