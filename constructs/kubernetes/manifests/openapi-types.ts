/** Types of the Kubernetes OpenAPI field-shape table and of the manifests the converter emits. */

/** One object definition of the Kubernetes OpenAPI schema, reduced to what conversion needs. */
export interface OpenApiDefinition {
  /** apiVersion and kind, for the top-level kinds the table was generated for. */
  readonly gvk?: { readonly apiVersion: string; readonly kind: string };
  /**
   * Field name (camelCase, as the API spells it) to shape: `[T]` a list of T, `{T}` a map of
   * string to T, a scalar (`string`, `integer`, `number`, `boolean`, `int-or-string`, `quantity`,
   * `any`) or the name of another object definition.
   */
  readonly fields: Readonly<Record<string, string>>;
}

export interface OpenApiShapes {
  /** Which package and Kubernetes version the table was generated from. */
  readonly source: string;
  readonly definitions: Readonly<Record<string, OpenApiDefinition>>;
}

/** A Kubernetes object as `kubectl apply` takes it. */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [field: string]: unknown };
  readonly [field: string]: unknown;
}

/** A manifest with the Terraform address (`type.name`) of the resource that creates it. */
export interface AddressedManifest {
  readonly address: string;
  readonly manifest: Manifest;
}
