/**
 * One synthesized stack deployed on the private engine the way users deploy it: `rmq-ha synth`,
 * `terraform init`, `terraform apply` (real providers from `npm run providers`), then every node
 * container healthy; `destroy()` runs `terraform destroy`. Objects left on the engine by an earlier
 * run of the same cluster are removed first, by label only (the engine is this harness's own).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { waitHealthy } from './cluster';
import { DockerCli } from './docker';
import { mustRun, type RunResult } from './run';
import { mustTerraform, terraform, terraformOutputs, type TerraformContext } from './terraform';
import { hardNofileOf } from '../cli/private/host-limits';
import { enginePid, engineUp } from '../engine';
import { ensureImages, type StandinImages } from '../images';
import { ensureProviders } from '../providers';

/** What deploy needs. */
export interface DeployOptions {
  /** Cluster name (the spec's `name`): containers are `<cluster>-<i>`, labelled rmq-ha.cluster=<cluster>. */
  readonly cluster: string;
  readonly nodes: number;
  /** Working directory (created by the caller, removed by it). */
  readonly work: string;
  /** The spec file text, given the stand-in images. */
  readonly specYaml: (images: StandinImages) => string | Promise<string>;
  /** TF_VAR_* values of the stack's variables. */
  readonly variables: Readonly<Record<string, string>>;
  /** The rmq-ha CLI (dist/rmq-ha.js). */
  readonly cli: string;
  readonly log: (msg: string) => void;
}

/** A deployed stack. */
export interface Deployment {
  readonly docker: DockerCli;
  readonly images: StandinImages;
  readonly tf: TerraformContext;
  readonly nodes: readonly string[];
  /** `terraform output -json` values. */
  readonly outputs: Record<string, unknown>;
  /** `terraform destroy`; its exit code. */
  destroy(): Promise<number | null>;
}

/** The open files a container may get: the engine cannot grant more than its own hard limit (issue #16). */
export function engineFileDescriptors(): number {
  const pid = enginePid();
  return Math.min(65536, (pid && hardNofileOf(pid)) || hardNofileOf('self') || 65536);
}

/** Removes, by label only, what an earlier run of `cluster` left on the engine (the engine is this harness's own). */
export async function removeLeftovers(docker: DockerCli, cluster: string, log: (msg: string) => void): Promise<void> {
  for (const kind of ['container', 'volume', 'network'] as const) {
    const names = await docker.labelled(kind, `rmq-ha.cluster=${cluster}`);
    if (names.length === 0) continue;
    log(`removing ${names.length} ${kind}(s) left by an earlier run: ${names.join(', ')}`);
    await docker.must(kind === 'container' ? ['rm', '-f', ...names] : [kind, 'rm', ...names], 120000);
  }
}

/** `terraform init` then `terraform apply` in the stack directory: the apply's result (the caller decides on failure). */
export async function initAndApply(tf: TerraformContext): Promise<RunResult & { initMs: number }> {
  const init = await mustTerraform(tf, ['init', '-input=false', '-no-color'], 300000);
  return { ...(await terraform(tf, ['apply', '-no-color'], 900000)), initMs: init.ms }; // -auto-approve -input=false: TF_CLI_ARGS_apply
}

/** The error of a failed apply, with the tail of its output. */
export function applyFailure(apply: RunResult): Error {
  return new Error(`terraform apply failed (${apply.ms} ms):\n${apply.stdout.slice(-4000)}\n${apply.stderr.slice(-4000)}`);
}

export async function deploy(o: DeployOptions): Promise<Deployment> {
  const began = Date.now();
  const phases: string[] = [];
  const timed = async <T>(name: string, step: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    const value = await step();
    phases.push(`${name} ${Date.now() - t0}`);
    return value;
  };
  const engine = await timed('engine', () => engineUp());
  const docker = new DockerCli(engine.dockerHost);
  const images = await timed('images', () => ensureImages(engine.dockerHost));
  const providers = await timed('providers', () => ensureProviders());
  await timed('leftovers', () => removeLeftovers(docker, o.cluster, o.log));
  const specFile = path.join(o.work, `${o.cluster}.yaml`);
  fs.writeFileSync(specFile, await o.specYaml(images));
  const out = path.join(o.work, 'out');
  await timed('synth', () => mustRun(process.execPath, [o.cli, 'synth', '--spec', specFile, '--out', out], { timeoutMs: 120000, env: { NO_COLOR: '1' } }));
  const tf: TerraformContext = { terraform: providers.terraform, cliConfig: providers.cliConfig, dockerHost: engine.dockerHost, dir: path.join(out, 'stacks', o.cluster), variables: o.variables };
  const apply = await initAndApply(tf);
  phases.push(`init ${apply.initMs}`, `apply ${apply.ms}`);
  let destroyed = false;
  const destroy = async (): Promise<number | null> => {
    if (destroyed) return 0;
    destroyed = true;
    return (await terraform(tf, ['destroy', '-input=false', '-no-color'], 600000)).code;
  };
  if (apply.code !== 0) {
    await destroy();
    throw applyFailure(apply);
  }
  const nodes = Array.from({ length: o.nodes }, (_, i) => `${o.cluster}-${i}`);
  const healthyMs = await waitHealthy(docker, nodes, 300000);
  phases.push(`healthy ${healthyMs}`);
  o.log(`terraform apply ${apply.ms} ms; all ${o.nodes} nodes healthy ${healthyMs} ms later; ${Date.now() - began} ms since start (ms per phase: ${phases.join(', ')})`);
  return { docker, images, tf, nodes, outputs: await terraformOutputs(tf), destroy };
}
