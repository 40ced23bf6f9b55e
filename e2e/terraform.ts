/**
 * Terraform as users run it on a synthesized stack directory: the CLI config from
 * `npm run providers` (filesystem mirror, no registry), DOCKER_HOST for the docker provider,
 * no prompts, no call home.
 */
import * as path from 'node:path';
import { mustRun, run, type RunResult } from './run';

/** Where and with what Terraform runs. */
export interface TerraformContext {
  readonly terraform: string;
  readonly cliConfig: string;
  readonly dockerHost: string;
  /** The stack directory (`<out>/stacks/<env>`), which holds the state. */
  readonly dir: string;
  /** TF_VAR_* values of the stack's variables (its secrets). */
  readonly variables?: Readonly<Record<string, string>>;
}

/** The environment of every Terraform run (and of the commands `rmq-ha review` prints). */
export function terraformEnv(t: TerraformContext): NodeJS.ProcessEnv {
  return {
    ...t.variables,
    TF_CLI_CONFIG_FILE: t.cliConfig,
    DOCKER_HOST: t.dockerHost,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    // The procedure `review` prints says `terraform apply -target=...`: approve it non-interactively.
    TF_CLI_ARGS_apply: '-auto-approve -input=false',
    TF_CLI_ARGS_destroy: '-auto-approve -input=false',
    PATH: `${path.dirname(t.terraform)}:${process.env.PATH ?? ''}`,
  };
}

export function terraform(t: TerraformContext, args: readonly string[], timeoutMs = 600000): Promise<RunResult> {
  return run(t.terraform, args, { cwd: t.dir, env: terraformEnv(t), timeoutMs });
}

export function mustTerraform(t: TerraformContext, args: readonly string[], timeoutMs = 600000): Promise<RunResult> {
  return mustRun(t.terraform, args, { cwd: t.dir, env: terraformEnv(t), timeoutMs });
}

/** `terraform output -json`, values only (sensitive ones included: the harness is the operator). */
export async function terraformOutputs(t: TerraformContext): Promise<Record<string, unknown>> {
  const r = await mustTerraform(t, ['output', '-json'], 60000);
  const raw = JSON.parse(r.stdout) as Record<string, { value: unknown }>;
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.value]));
}
