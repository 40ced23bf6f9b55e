import { synthEnvironments } from '../../stacks/synth';
import { selectMany, type SelectOptions } from '../private/select';

/** Options of `rmq-ha synth`. */
export interface SynthOptions extends SelectOptions {
  /** @default cdktf.out */
  readonly out?: string;
}

/** `rmq-ha synth [--env NAME | --spec FILE] [--out DIR]`: Terraform JSON per environment. */
export function synthCommand(opts: SynthOptions): void {
  const specs = selectMany(opts);
  const result = synthEnvironments(specs, opts.out ?? 'cdktf.out');
  for (const s of result.stacks) process.stdout.write(`synthesized ${s.env} -> ${s.file}\n`);
}
