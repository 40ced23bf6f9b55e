import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { parse as parseYaml } from 'yaml';
import { terraformLiteral, terraformSafe } from '../constructs/private/terraform-text';
import { SpecError } from '../spec/errors';
import { clusterSpecJsonSchema } from '../spec/json-schema';
import { parseClusterSpec } from '../spec/parse';
import { RabbitMqClusterStack } from '../stacks/rabbitmq-cluster-stack';
import { testApp } from './helpers/app';
import { stringPaths, withValueAt } from './helpers/schema-walk';

/**
 * One escaping rule for every string that reaches Terraform JSON. Every string field of the spec
 * schema (generated from zod, so new fields are walked too) gets an interpolation payload; each
 * resulting spec is either refused with a validation error, or synthesizes to JSON in which
 * Terraform would evaluate nothing the spec wrote: every unescaped `${...}` / `%{...}` in it is one
 * the toolkit itself writes for the same spec without the payload.
 */
const PAYLOADS = ['${file("/etc/passwd")}', '%{ for x in ["a"] }${x}%{ endfor }', '$${already.escaped}'];
const ROOT = path.resolve(__dirname, '..');
const BASES: Record<string, unknown> = {
  docker: parseYaml(fs.readFileSync(path.join(ROOT, 'test/fixtures/specs/topology-310.yaml'), 'utf8')),
  kubernetes: parseYaml(fs.readFileSync(path.join(ROOT, 'environments/prod.yaml'), 'utf8')),
};

/** Every `${...}` and `%{...}` Terraform would evaluate: not preceded by another `$` / `%` (HCL's `$${` escape). */
function interpolations(json: string): string[] {
  const found: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(/(^|[^$])\$\{([^}]*)\}?/g)) found.push(`\${${m[2]}}`);
      for (const m of v.matchAll(/(^|[^%])%\{([^}]*)\}?/g)) found.push(`%{${m[2]}}`);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) { visit(k); visit(x); }
  };
  visit(JSON.parse(json));
  return [...new Set(found)];
}

function synth(input: unknown): string {
  const stack = new RabbitMqClusterStack(testApp(), 'escape', { spec: parseClusterSpec(input) });
  return Testing.synth(stack);
}

describe('Terraform escaping: one rule for every string', () => {
  test('terraformLiteral escapes ${ and %{; terraformSafe escapes strings and keys at any depth, once', () => {
    expect(terraformLiteral('a${b}%{c}$${d}')).toBe('a$${b}%%{c}$$${d}');
    const plan = { a: ['x${y}'], b: { 'k${1}': { c: '%{if}' } }, n: 1, f: () => 1 };
    const safe = terraformSafe(plan);
    expect(safe).toEqual({ a: ['x$${y}'], b: { 'k$${1}': { c: '%%{if}' } }, n: 1, f: plan.f });
    expect(terraformSafe(safe)).toBe(safe);
    expect(plan.a[0]).toBe('x${y}');
  });

  const paths = stringPaths(clusterSpecJsonSchema());
  test('the schema walk finds the string fields (sanity)', () => {
    expect(paths).toEqual(expect.arrayContaining(['name', 'rabbitmq.image', 'kubernetes.provider.configPath', 'topology.queues[].name', 'kubernetes.podAnnotations.*']));
    expect(paths.length).toBeGreaterThan(60);
  });

  test.each(Object.keys(BASES))('every string field with a payload, %s base: refused, or synthesized with nothing evaluated', (target) => {
    const base = BASES[target];
    const expected = new Set(interpolations(synth(base)));
    const accepted: string[] = [];
    for (const p of paths) {
      // The other payloads only where the first was accepted (the field's rules are the same).
      for (const payload of PAYLOADS) {
        if (payload !== PAYLOADS[0] && !accepted.includes(`${p} = ${PAYLOADS[0]}`)) continue;
        const input = withValueAt(base, p, payload);
        let json: string;
        try {
          json = synth(input);
        } catch (e) {
          if (!SpecError.isSpecError(e)) throw new Error(`${p} = ${payload}: ${(e as Error).stack}`);
          continue;
        }
        accepted.push(`${p} = ${payload}`);
        const extra = interpolations(json).filter((i) => !expected.has(i));
        expect({ field: p, payload, evaluated: extra }).toEqual({ field: p, payload, evaluated: [] });
        expect(json).not.toMatch(/(^|[^$])\$\{file\(/);
      }
    }
    // The walk is not vacuous: the fields users reported and many more take the payload.
    if (process.env.RMQ_DEBUG_ESCAPING) process.stdout.write(`${accepted.join('\n')}\n`);
    const must = target === 'docker' ? ['topology.vhosts[].description', 'topology.bindings[].routingKey'] : ['kubernetes.provider.configPath', 'kubernetes.podAnnotations.*', 'kubernetes.provider.configContext'];
    for (const f of must) expect(accepted).toContain(`${f} = ${PAYLOADS[0]}`);
    expect(accepted.length).toBeGreaterThan(20);
  });
});
