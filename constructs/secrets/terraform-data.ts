import { AnyMap, anyToHclTerraform, anyToTerraform, hashMapper, hashMapperHcl, TerraformResource, type TerraformResourceLifecycle } from 'cdktf';
import type { Construct } from 'constructs';

/**
 * Terraform's built-in `terraform_data` resource (Terraform >= 1.4), synthesized as cdktf's
 * `DataResource` does, without the check `DataResource` adds to the construct: it runs
 * `terraform version` on the machine that synthesizes. That cost about 100 ms of every
 * `rmq-ha synth` (a CPU profile of synth --env dev, 2026-12-04: the spawn was the largest single
 * cost), and where no terraform is on PATH (a pipeline stage that synthesizes and hands the JSON
 * on) synth failed with "Validation failed ... terraform version failed" and a stack trace.
 * Terraform checks its own version where it runs, from the stack's `required_version`
 * (stacks/rabbitmq-cluster-stack.ts).
 */
export class TerraformData extends TerraformResource {
  private readonly inputValue: Record<string, unknown>;

  constructor(scope: Construct, id: string, config: { readonly input: Record<string, unknown>; readonly lifecycle?: TerraformResourceLifecycle }) {
    super(scope, id, { terraformResourceType: 'terraform_data', terraformGeneratorMetadata: { providerName: 'terraform' }, lifecycle: config.lifecycle });
    this.inputValue = config.input;
  }

  /** The `output` attribute: the recorded input. */
  public get output(): AnyMap {
    return new AnyMap(this, 'output');
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { input: hashMapper(anyToTerraform)(this.inputValue) };
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return { input: hashMapperHcl(anyToHclTerraform)(this.inputValue) };
  }
}
