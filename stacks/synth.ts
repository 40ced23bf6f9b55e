import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import type { LoadedSpec } from '../spec/load';
import { RabbitMqClusterStack } from './rabbitmq-cluster-stack';

/** Manifest that cdktf writes next to the stacks (the part we merge). */
interface Manifest {
  version: string;
  stacks: Record<string, unknown>;
}

/** What synthEnvironments wrote. */
export interface SynthResult {
  readonly outdir: string;
  readonly stacks: ReadonlyArray<{ readonly env: string; readonly file: string }>;
}

/**
 * Synthesizes validated environments into `outdir/stacks/<env>/cdk.tf.json` (the layout of
 * `cdktf synth`). The app is synthesized into a temporary directory first; only when every stack
 * succeeded are the stack folders moved into place and the manifest merged, so a failure leaves
 * `outdir` as it was. Stacks of other environments already in `outdir` are kept.
 */
export function synthEnvironments(specs: readonly LoadedSpec[], outdir: string): SynthResult {
  fs.mkdirSync(path.dirname(path.resolve(outdir)), { recursive: true });
  const tmp = fs.mkdtempSync(path.join(path.dirname(path.resolve(outdir)), '.rmq-ha-synth-'));
  try {
    const app = new App({ outdir: tmp, skipValidation: false });
    for (const s of specs) new RabbitMqClusterStack(app, s.env, { spec: s.spec });
    app.synth();
    fs.mkdirSync(path.join(outdir, 'stacks'), { recursive: true });
    const manifestPath = path.join(outdir, 'manifest.json');
    const fresh = JSON.parse(fs.readFileSync(path.join(tmp, 'manifest.json'), 'utf8')) as Manifest;
    const old: Manifest = fs.existsSync(manifestPath) ? (JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Manifest) : { version: fresh.version, stacks: {} };
    for (const s of specs) {
      const target = path.join(outdir, 'stacks', s.env);
      const staging = `${target}.new`;
      fs.rmSync(staging, { recursive: true, force: true });
      fs.renameSync(path.join(tmp, 'stacks', s.env), staging);
      // Keep a deployed stack's terraform state and .terraform folder, which live in the stack dir.
      if (fs.existsSync(target)) {
        for (const keep of fs.readdirSync(target)) {
          if (keep.startsWith('terraform.') || keep === '.terraform' || keep === '.terraform.lock.hcl') {
            fs.renameSync(path.join(target, keep), path.join(staging, keep));
          }
        }
        fs.rmSync(target, { recursive: true, force: true });
      }
      fs.renameSync(staging, target);
    }
    const merged: Manifest = { version: fresh.version, stacks: { ...old.stacks, ...fresh.stacks } };
    fs.writeFileSync(manifestPath, `${JSON.stringify(merged, null, 2)}\n`);
    return { outdir, stacks: specs.map((s) => ({ env: s.env, file: path.join(outdir, 'stacks', s.env, 'cdk.tf.json') })) };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
