import * as path from 'node:path';

/**
 * What an environment name (the spec file's name without extension) may be: it names the cdktf
 * stack and the folder `stacks/<env>/` Terraform runs in, so it must be one path segment that
 * Terraform, cdktf and shells take as it is (no `.`, `..`, slashes, spaces or leading `-`).
 */
export const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

export const STACK_NAME_RULE = 'must be 1-63 letters, digits, _ and -, starting with a letter or digit';

/** Extensions of spec files. */
export const SPEC_EXTENSIONS = ['.yaml', '.yml', '.json'] as const;

/** The environment name of a spec file: its base name without the extension. */
export function environmentName(file: string): string {
  return path.basename(file).replace(/\.(ya?ml|json)$/, '');
}
