import { resolveSecrets, type SecretName } from '../../plan/files';

/**
 * Makes rendered text safe as a Terraform string and puts secret references in: literal `${` and
 * `%{` are escaped (Terraform would interpolate them), then each `{{secret:NAME}}` placeholder
 * becomes the token of that secret (resolved by Terraform at apply time, never written in the JSON).
 */
export function toTerraformText(content: string, secretToken: (name: SecretName) => string): string {
  // Replacer functions: in a replacement string "$$" would itself collapse to "$".
  const escaped = content.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
  return resolveSecrets(escaped, secretToken);
}
