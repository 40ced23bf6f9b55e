import { clusterSpecJsonSchemaText } from '../../spec/json-schema';
import { writeFileAtomically } from '../private/atomic-file';

/** `rmq-ha schema [--out FILE]`: the JSON Schema of environment files, on stdout or into FILE. */
export function schemaCommand(opts: { readonly out?: string }): void {
  const text = clusterSpecJsonSchemaText();
  if (opts.out) writeFileAtomically(opts.out, text, 0o644);
  else process.stdout.write(text);
}
