/**
 * Converts the `kubernetes_*_v1` resources of a synthesized Terraform JSON stack into the
 * Kubernetes objects the hashicorp/kubernetes provider creates from them, driven by the
 * Kubernetes OpenAPI schema (openapi-shapes.ts): each provider attribute (snake_case, repeated
 * blocks named in the singular, single blocks as one-item lists) is matched to the API field by
 * camelCase and plural, and its value takes the field's shape (object, list, map, scalar type).
 * What the schema cannot tell is in provider-rules.ts, each entry with its reason.
 */
import { OPENAPI_SHAPES } from './openapi-shapes';
import type { AddressedManifest, Manifest, OpenApiShapes } from './openapi-types';
import { hasInterpolation, resolveInterpolations, type ScalarType } from './interpolation';
import { DROPPED_RESOURCE_ATTRIBUTES, FIELD_RENAMES, KIND_ORDER, RESOURCE_DEFINITIONS, VALUE_CONVERSIONS } from './provider-rules';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

const SCALARS = new Set<string>(['string', 'integer', 'number', 'boolean', 'int-or-string', 'quantity', 'any']);

/** `volume_claim_template` -> `volumeClaimTemplate`. */
export function camelCase(attribute: string): string {
  return attribute.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/**
 * The API field a provider attribute sets in a definition: the rename table, else the field
 * equal (ignoring case) to its camelCase name, else to its plural (`port` -> `ports`,
 * `toleration` -> `tolerations`, `client_ip` -> `clientIP`). Undefined when the schema has none.
 */
export function apiFieldFor(definition: string, attribute: string, shapes: OpenApiShapes = OPENAPI_SHAPES): string | undefined {
  const rename = FIELD_RENAMES[`${definition}.${attribute}`];
  if (rename) return rename.field;
  const fields = Object.keys(shapes.definitions[definition]?.fields ?? {});
  const camel = camelCase(attribute);
  const candidates = [camel, `${camel}s`, `${camel}es`, camel.replace(/y$/, 'ies')];
  for (const candidate of candidates) {
    const hit = fields.find((f) => f.toLowerCase() === candidate.toLowerCase());
    if (hit) return hit;
  }
  return undefined;
}

interface Context {
  readonly stack: Json;
  readonly shapes: OpenApiShapes;
}

/**
 * Every Kubernetes object the stack creates, in apply order (namespaces first), each with the
 * Terraform address of its resource. Throws on a `kubernetes_*` resource type it does not know,
 * rather than leaving an object out.
 */
export function stackToAddressedManifests(stackJson: Json, shapes: OpenApiShapes = OPENAPI_SHAPES): AddressedManifest[] {
  const stack: Json = typeof stackJson === 'string' ? JSON.parse(stackJson) : stackJson;
  const ctx: Context = { stack, shapes };
  const out: AddressedManifest[] = [];
  for (const type of Object.keys(stack?.resource ?? {}).sort()) {
    if (!type.startsWith('kubernetes_')) continue;
    const definition = RESOURCE_DEFINITIONS[type];
    if (!definition) throw new Error(`${type}: no Kubernetes kind is known for this resource type (add it to RESOURCE_DEFINITIONS)`);
    for (const name of Object.keys(stack.resource[type]).sort()) {
      out.push({ address: `${type}.${name}`, manifest: resourceToManifest(stack.resource[type][name], definition, ctx, `${type}.${name}`) });
    }
  }
  const rank = (m: Manifest): number => {
    const i = KIND_ORDER.indexOf(m.kind);
    return i < 0 ? KIND_ORDER.length : i;
  };
  return out.sort((a, b) => rank(a.manifest) - rank(b.manifest) || a.address.localeCompare(b.address));
}

/** The Kubernetes objects a synthesized stack (JSON text or parsed) creates, in apply order. */
export function stackToManifests(stackJson: Json): Manifest[] {
  return stackToAddressedManifests(stackJson).map((m) => m.manifest);
}

function resourceToManifest(body: Json, definition: string, ctx: Context, where: string): Manifest {
  const gvk = ctx.shapes.definitions[definition]?.gvk;
  if (!gvk) throw new Error(`${where}: ${definition} is not a top-level kind of the schema table`);
  const content: Json = {};
  for (const [attribute, value] of Object.entries(body ?? {})) {
    if (!(attribute in DROPPED_RESOURCE_ATTRIBUTES)) content[attribute] = value;
  }
  const { metadata, ...rest } = convertObject(content, definition, ctx, where);
  return { apiVersion: gvk.apiVersion, kind: gvk.kind, metadata, ...rest } as Manifest;
}

/** A provider block (object or one-item list) -> an object of `definition`. */
function convertObject(block: Json, definition: string, ctx: Context, where: string): Record<string, unknown> {
  const fields = ctx.shapes.definitions[definition]?.fields ?? {};
  const out: Record<string, unknown> = {};
  for (const attribute of Object.keys(block)) {
    const value = block[attribute];
    if (value === undefined || value === null) continue;
    const field = apiFieldFor(definition, attribute, ctx.shapes);
    // An attribute the schema does not know is kept under its camelCase name: a strict schema
    // check then reports it, instead of the converter hiding it.
    const name = field ?? camelCase(attribute);
    const shape = field ? fields[field] : 'any';
    const conversion = VALUE_CONVERSIONS[`${definition}.${attribute}`]?.convert;
    const converted = convertValue(value, shape, ctx, `${where}.${attribute}`, conversion);
    if (converted === undefined) continue;
    const previous = out[name];
    out[name] = isPlainObject(previous) && isPlainObject(converted) ? { ...previous, ...converted } : converted;
  }
  return out;
}

function convertValue(value: Json, shape: string, ctx: Context, where: string, conversion?: 'base64' | 'octal'): unknown {
  if (value === undefined || value === null) return undefined;
  if (shape.startsWith('[')) {
    const item = shape.slice(1, -1);
    const list = Array.isArray(value) ? value : [value];
    return list.map((v, i) => convertValue(v, item, ctx, `${where}[${i}]`, conversion)).filter((v) => v !== undefined);
  }
  if (shape.startsWith('{')) {
    const item = shape.slice(1, -1);
    const map = Array.isArray(value) && value.length === 1 ? value[0] : value;
    if (!isPlainObject(map)) return scalar(map, 'any', ctx);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(map)) {
      let c = convertValue(v, item, ctx, `${where}.${k}`);
      if (conversion === 'base64' && typeof c === 'string') c = Buffer.from(c, 'utf8').toString('base64');
      if (c !== undefined) out[k] = c;
    }
    return out;
  }
  if (SCALARS.has(shape)) {
    if (conversion === 'octal' && typeof value === 'string' && /^0?[0-7]+$/.test(value)) return parseInt(value, 8);
    return scalar(value, shape as ScalarType, ctx);
  }
  // An object definition: cdktf writes single blocks as an object or a one-item list.
  if (Array.isArray(value)) {
    if (value.length === 0) return undefined;
    if (value.length > 1) throw new Error(`${where}: ${value.length} blocks where the API takes one ${shape}`);
    return convertValue(value[0], shape, ctx, where, conversion);
  }
  if (!isPlainObject(value)) return scalar(value, 'any', ctx);
  return convertObject(value, shape, ctx, where);
}

/** A scalar as the provider sends it: Terraform's string/number/bool conversions, interpolations resolved. */
function scalar(value: Json, type: ScalarType, ctx: Context): unknown {
  let v: unknown = value;
  if (typeof v === 'string' && hasInterpolation(v)) v = resolveInterpolations(v, ctx.stack, type);
  switch (type) {
    case 'integer':
    case 'number':
      return typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
    case 'boolean':
      return v === 'true' ? true : v === 'false' ? false : v;
    case 'string':
      return typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
    case 'int-or-string':
      // The provider parses these with intstr.Parse: digits become an integer ("1" -> 1).
      return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
    default:
      return v;
  }
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
