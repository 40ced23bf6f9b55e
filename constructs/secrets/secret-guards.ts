import { Fn, Op, type Precondition } from 'cdktf';
import { Construct } from 'constructs';
import type { SecretName } from '../../plan/files';
import { TerraformData } from './terraform-data';

/** Props of SecretGuards. */
export interface SecretGuardsProps {
  /** The secrets to guard. */
  readonly names: readonly SecretName[];
  /** Terraform reference of a secret's value. */
  readonly secretToken: (name: SecretName) => string;
}

/** Terraform address of the fingerprint of a secret (the rotation procedures name it). */
export function fingerprintAddress(name: SecretName): string {
  return `terraform_data.${name}_fingerprint`;
}

/**
 * Secret rotation is never silent. For each guarded secret a `terraform_data` keeps the sha256 of
 * the value the cluster was deployed with (never the value), and ignores later changes of its
 * input. Resources that must not take a new value as a routine change carry a precondition that
 * compares the current value's sha256 with the recorded one, so `terraform plan` fails with the
 * way to rotate instead of, for example, replacing every node container at once (a changed
 * TF_VAR_ value is invisible in the synthesized JSON, so only Terraform can see it). Rotating on
 * purpose starts with `terraform apply -replace=<fingerprint> -target=<fingerprint>`, which
 * records the new value (and, for a generated secret, generates it); `rmq-ha review --rotate`
 * prints the whole procedure.
 */
export class SecretGuards extends Construct {
  private readonly fingerprints = new Map<SecretName, TerraformData>();
  private readonly secretToken: (name: SecretName) => string;

  constructor(scope: Construct, id: string, props: SecretGuardsProps) {
    super(scope, id);
    this.secretToken = props.secretToken;
    for (const name of props.names) {
      const fp = new TerraformData(this, name, {
        input: { sha256: Fn.sha256(props.secretToken(name)) },
        lifecycle: { ignoreChanges: ['input'] },
      });
      fp.overrideLogicalId(`${name}_fingerprint`);
      this.fingerprints.set(name, fp);
    }
  }

  /** The precondition that refuses a changed value of `name`, with `why` and the way that works. */
  public precondition(name: SecretName, why: string): Precondition {
    const fp = this.fingerprints.get(name);
    if (!fp) throw new Error(`secret ${name} has no fingerprint`);
    return {
      condition: Op.eq(fp.output.lookup('sha256'), Fn.sha256(this.secretToken(name))),
      errorMessage:
        `rmq-ha: the value of ${name} is not the one this cluster was deployed with. ${why} Restore the previous value, or ` +
        `rotate it on purpose with the procedure that \`rmq-ha review --rotate ${name}\` prints.`,
    };
  }
}
