import { Fn, TerraformVariable } from 'cdktf';
import { Password } from '@cdktf/provider-random/lib/password';
import { Construct } from 'constructs';
import type { SecretName } from '../../plan/files';
import type { PlanSecret } from '../../plan/plan';
import { SECRET_VALUE_PATTERN, secretValueRule } from '../../plan/secret-values';

/** Props of ClusterSecrets. */
export interface ClusterSecretsProps {
  /** The plan's secrets and where each comes from (generated or a Terraform variable). */
  readonly secrets: readonly PlanSecret[];
}

/**
 * The cluster's secrets as Terraform references: a sensitive `random_password` per generated
 * secret (alphanumeric: safe in rabbitmq.conf, JSON and HAProxy), or a sensitive variable.
 * The values live only in Terraform state, never in the synthesized JSON.
 */
export class ClusterSecrets extends Construct {
  private readonly tokens = new Map<SecretName, string>();

  constructor(scope: Construct, id: string, props: ClusterSecretsProps) {
    super(scope, id);
    for (const { name, source, description } of props.secrets) {
      if ('generate' in source) {
        const password = new Password(this, name, { length: source.generate.length, special: false, minNumeric: 2, minUpper: 2, minLower: 2 });
        password.overrideLogicalId(name);
        this.tokens.set(name, password.result);
      } else {
        const variable = new TerraformVariable(this, name, {
          type: 'string',
          sensitive: true,
          nullable: false,
          description: `${description} (set TF_VAR_${source.variable})`,
        });
        variable.overrideLogicalId(source.variable);
        // Checked by terraform plan before anything is created: the value goes unescaped into files.
        variable.addValidation({ condition: Fn.can(Fn.regex(SECRET_VALUE_PATTERN, variable.stringValue)), errorMessage: secretValueRule(source.variable) });
        this.tokens.set(name, variable.stringValue);
      }
    }
  }

  /** The Terraform reference of a secret; throws if the secret was not declared. */
  public token(name: SecretName): string {
    const t = this.tokens.get(name);
    if (t === undefined) throw new Error(`secret ${name} is not declared for this stack`);
    return t;
  }
}
