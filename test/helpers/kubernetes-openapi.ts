/**
 * The real Kubernetes OpenAPI schema, as the pinned `kubernetes-validate` (PyPI) ships it: the
 * installer (`kubernetes-validate.sh`), the CLI run over manifest files, and the generator of the
 * field-shape table the converter reads (constructs/kubernetes/manifests/openapi-shapes.ts).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** Kubernetes version the converter's table is generated from: the newest the pinned kubernetes-validate ships. */
export const KUBERNETES_SCHEMA_VERSION = '1.37.0';

/**
 * Versions the stacks are validated against: the three minor lines upstream supports (December
 * 2026), so a field new in 1.37 or gone after 1.35 is caught.
 */
export const VALIDATED_KUBERNETES_VERSIONS = ['1.35.0', '1.36.0', '1.37.0'] as const;

/** Installs (once, into the cache venv) the pinned kubernetes-validate; returns its CLI path. Throws with the reason. */
export function kubernetesValidateCli(): string {
  const script = path.join(__dirname, 'kubernetes-validate.sh');
  const r = spawnSync('bash', [script], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`kubernetes-validate could not be installed (exit ${r.status ?? r.signal}):\n${r.stderr}`);
  return r.stdout.trim().split('\n').pop()!;
}

/** The strict `_definitions.json` the CLI validates against, from the installed package. */
export function definitionsFile(cli: string, version = KUBERNETES_SCHEMA_VERSION): string {
  const python = path.join(path.dirname(cli), 'python');
  const pkg = execFileSync(python, ['-c', 'import kubernetes_validate, os; print(os.path.dirname(kubernetes_validate.__file__))'], { encoding: 'utf8' }).trim();
  const file = path.join(pkg, 'kubernetes-json-schema', `v${version}-local-strict`, '_definitions.json');
  if (!fs.existsSync(file)) throw new Error(`kubernetes-validate has no schema for Kubernetes ${version} (${file})`);
  return file;
}

/** One line of the CLI's output, per resource. */
export interface ValidationLine {
  readonly level: 'INFO' | 'ERROR' | 'WARN' | 'FATAL';
  readonly file: string;
  readonly text: string;
}

/** Runs `kubernetes-validate --strict -k <version>` over files; every output line, and the exit code. */
export function runKubernetesValidate(cli: string, files: readonly string[], version = KUBERNETES_SCHEMA_VERSION): { status: number | null; lines: ValidationLine[]; output: string } {
  const r = spawnSync(cli, ['--strict', '--kubernetes-version', version, ...files], { encoding: 'utf8', timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  const output = `${r.stdout}${r.stderr}`;
  const lines: ValidationLine[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^(INFO|ERROR|WARN|FATAL) (\S+)? ?(.*)$/.exec(line);
    if (m) lines.push({ level: m[1] as ValidationLine['level'], file: m[2] ?? '', text: m[3] });
  }
  return { status: r.status, lines, output };
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type JsonSchema = any;

const SCALAR_DEFINITIONS: Record<string, string> = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': 'int-or-string',
  'io.k8s.apimachinery.pkg.api.resource.Quantity': 'quantity',
};

function refName(ref: string): string {
  const i = ref.indexOf('#/$defs/');
  if (i < 0) throw new Error(`unexpected $ref ${ref}`);
  return ref.slice(i + '#/$defs/'.length);
}

function typesOf(s: JsonSchema): string[] {
  const t = s.type;
  return (Array.isArray(t) ? t : t === undefined ? [] : [t]).filter((x: string) => x !== 'null');
}

/** The shape string of a property: `[T]` list, `{T}` map, a scalar name, or a definition name. */
function shapeOf(s: JsonSchema, defs: Record<string, JsonSchema>, queue: string[]): string {
  if (s.$ref) {
    const name = refName(s.$ref);
    if (SCALAR_DEFINITIONS[name]) return SCALAR_DEFINITIONS[name];
    const def = defs[name];
    if (!def) throw new Error(`dangling $ref ${name}`);
    if (!def.properties) {
      const t = typesOf(def);
      return t.length === 1 && t[0] !== 'object' ? t[0] : 'any';
    }
    queue.push(name);
    return name;
  }
  const t = typesOf(s);
  if (t.length === 1 && t[0] === 'array') return `[${shapeOf(s.items ?? {}, defs, queue)}]`;
  if (t.length === 1 && t[0] === 'object') {
    if (s.properties) throw new Error('inline object schemas are not supported by the shape table');
    return s.additionalProperties && typeof s.additionalProperties === 'object' ? `{${shapeOf(s.additionalProperties, defs, queue)}}` : 'any';
  }
  if (t.length === 1 && ['string', 'integer', 'number', 'boolean'].includes(t[0])) return t[0];
  return 'any';
}

/**
 * The field-shape table for the definitions reachable from `roots` (top-level kinds), as the
 * TypeScript source of constructs/kubernetes/manifests/openapi-shapes.ts.
 */
export function generateShapesSource(definitionsJson: string, roots: readonly string[], source: string): string {
  const defs = (JSON.parse(definitionsJson) as { $defs: Record<string, JsonSchema> }).$defs;
  const queue = [...roots];
  const out = new Map<string, { gvk?: { apiVersion: string; kind: string }; fields: Record<string, string> }>();
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (out.has(name)) continue;
    const def = defs[name];
    if (!def?.properties) throw new Error(`${name} is not an object definition of the schema`);
    const entry: { gvk?: { apiVersion: string; kind: string }; fields: Record<string, string> } = { fields: {} };
    out.set(name, entry);
    const gvk = (def['x-kubernetes-group-version-kind'] ?? [])[0];
    if (roots.includes(name) && gvk) entry.gvk = { apiVersion: gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version, kind: gvk.kind };
    for (const field of Object.keys(def.properties).sort()) entry.fields[field] = shapeOf(def.properties[field], defs, queue);
  }
  const lines = [...out.keys()].sort().map((name) => `    ${JSON.stringify(name)}: ${JSON.stringify(out.get(name))},`);
  return [
    '// GENERATED by test/kubernetes-openapi.integration.test.ts from the Kubernetes OpenAPI schema that',
    `// ${source} ships; do not edit. Regenerate: RMQ_HA_WRITE_OPENAPI_SHAPES=1 npx jest kubernetes-openapi`,
    '// Field shapes: `[T]` list of T, `{T}` map of string to T, a scalar (string, integer, number, boolean,',
    '// int-or-string, quantity, any) or the name of an object definition.',
    "import type { OpenApiShapes } from './openapi-types';",
    '',
    'export const OPENAPI_SHAPES: OpenApiShapes = {',
    `  source: ${JSON.stringify(source)},`,
    '  definitions: {',
    ...lines,
    '  },',
    '};',
    '',
  ].join('\n');
}
