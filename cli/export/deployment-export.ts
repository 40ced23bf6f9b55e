/**
 * `rmq-ha export --format compose|kubernetes --out DIR`: the cluster for people who do not run
 * Terraform. The spec is synthesized into the same Terraform stack `rmq-ha synth` writes, its
 * secret references are resolved (apply-time-values.ts), and the stack's resources are converted:
 * Docker resources into a Compose project (constructs/docker/compose), Kubernetes resources into
 * manifests (constructs/kubernetes/manifests). No decision is made twice.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { stringify } from 'yaml';
import type { ClusterPlan } from '../../plan/plan';
import type { LoadedSpec } from '../../spec/load';
import { RabbitMqClusterStack } from '../../stacks/rabbitmq-cluster-stack';
import { OWNED_DIR_MARKER, writeDirAtomically } from '../private/atomic-dir';
import { UsageError } from '../private/exit';
import { checkExportableTls, secretValues, withFileValues, withSecretValues, type SecretValues } from './apply-time-values';

export const EXPORT_FORMATS = ['compose', 'kubernetes'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Generated secrets of the export (mode 0600): kept across exports to the same DIR, so re-exporting does not rotate them. */
export const SECRETS_FILE = 'generated-secrets.json';
const SECRET_MODE = 0o600;

/** A file of the export. */
interface OutFile {
  readonly path: string;
  readonly content: string;
  readonly mode?: number;
}

const yaml = (doc: unknown): string => stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });

function previousSecrets(dir: string): SecretValues {
  const file = path.join(dir, SECRETS_FILE);
  if (!fs.existsSync(path.join(dir, OWNED_DIR_MARKER)) || !fs.existsSync(file)) return {};
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as SecretValues) : {};
  } catch {
    throw new UsageError(`${file} is not JSON; remove it to generate new secrets (the running cluster keeps the old ones)`);
  }
}

/** The stack of a spec, as `rmq-ha synth` writes it, with its plan. */
function synthesize(loaded: LoadedSpec): { json: unknown; plan: ClusterPlan } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-ha-export-'));
  try {
    const stack = new RabbitMqClusterStack(new App({ outdir: tmp }), loaded.env, { spec: loaded.spec });
    return { json: stack.toTerraform(), plan: stack.plan };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function composeFiles(json: unknown): OutFile[] {
  const { stackToCompose } = require('../../constructs/docker/compose/stack-to-compose') as typeof import('../../constructs/docker/compose/stack-to-compose');
  const project = stackToCompose(json);
  const head = '# Written by rmq-ha export --format compose from the same stack as rmq-ha synth.\n# Start: docker compose up -d (or docker-compose up -d). Files under files/ hold secrets: keep this folder private.\n';
  return [{ path: 'docker-compose.yml', content: head + yaml(project.compose) }, ...project.files.map((f) => ({ path: f.path, content: f.content, mode: f.mode }))];
}

function kubernetesFiles(json: unknown): OutFile[] {
  const { stackToManifests } = require('../../constructs/kubernetes/manifests/to-manifest') as typeof import('../../constructs/kubernetes/manifests/to-manifest');
  const manifests = stackToManifests(json) as Array<{ kind: string }>;
  const docs = (list: readonly unknown[]): string => list.map((m) => `---\n${yaml(m)}`).join('');
  const secrets = manifests.filter((m) => m.kind === 'Secret');
  const rest = manifests.filter((m) => m.kind !== 'Secret');
  const order = '# Written by rmq-ha export --format kubernetes. Apply: kubectl apply -f secrets.yaml -f manifests.yaml\n';
  return [
    { path: 'manifests.yaml', content: order + docs(rest) },
    { path: 'secrets.yaml', content: `# Secret objects with their values: keep out of version control (use sealed or external secrets there).\n${docs(secrets)}`, mode: SECRET_MODE },
  ];
}

/** Writes the export of one spec into `dir` (replaced atomically); returns the paths written. */
export function exportDeployment(loaded: LoadedSpec, format: string, dir: string): string[] {
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format: got ${JSON.stringify(format)}; must be one of ${EXPORT_FORMATS.join(', ')}`);
  const wanted = format === 'compose' ? 'docker' : 'kubernetes';
  if (loaded.spec.target !== wanted) {
    throw new UsageError(`--format ${format} exports a ${wanted} stack, but ${loaded.file} has target: ${loaded.spec.target}; use --format ${loaded.spec.target === 'docker' ? 'compose' : 'kubernetes'}`);
  }
  const { json, plan } = synthesize(loaded);
  checkExportableTls(plan);
  const { values, generated } = secretValues(plan.secrets, previousSecrets(dir));
  const resolved = withFileValues(withSecretValues(json, plan.secrets, values));
  const files = format === 'compose' ? composeFiles(resolved) : kubernetesFiles(resolved);
  const all = Object.keys(generated).length > 0 ? [...files, { path: SECRETS_FILE, content: `${JSON.stringify(generated, null, 2)}\n`, mode: SECRET_MODE }] : files;
  writeDirAtomically(dir, all);
  return all.map((f) => path.join(dir, f.path));
}
