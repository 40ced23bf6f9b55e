export { stackToManifests, stackToAddressedManifests, apiFieldFor, camelCase } from './to-manifest';
export { resolveInterpolations, placeholderFor } from './interpolation';
export { RESOURCE_DEFINITIONS, DROPPED_RESOURCE_ATTRIBUTES, FIELD_RENAMES, VALUE_CONVERSIONS } from './provider-rules';
export { OPENAPI_SHAPES } from './openapi-shapes';
export type { Manifest, AddressedManifest, OpenApiShapes, OpenApiDefinition } from './openapi-types';
