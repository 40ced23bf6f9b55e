import { z } from 'zod';

/**
 * Where Terraform keeps the state of a stack: a local file by default; for teams and pipelines an
 * S3, GCS or Azure blob, or Terraform Cloud/Enterprise (`remote`). Placed with cdktf's backend
 * classes (stacks/private/backend.ts).
 *
 * Values that differ per stage (a bucket per environment, the key) can be written as
 * `{ env: NAME }`: read from the environment variable NAME when the stack is synthesized, and an
 * unset variable is an error naming the field. Backend credentials are never fields of the spec
 * (they would be written into cdk.tf.json): Terraform reads them from the backend's own
 * environment variables (AWS_*, GOOGLE_*, ARM_*, TF_TOKEN_<host>).
 */

/** An environment variable name, the way shells and CI systems accept them. */
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be an environment variable name (letters, digits and _, not starting with a digit)' });

/** A string, or `{ env: NAME }`: the value of environment variable NAME at synthesis. */
export const stringOrEnv = z.union(
  [z.string().min(1, { error: 'must not be empty' }), z.strictObject({ env: envName })],
  { error: 'must be a string, or { env: NAME } to read it from an environment variable at synthesis' },
);
export type StringOrEnv = z.output<typeof stringOrEnv>;

/** A credential field: refused with where Terraform reads it from instead. */
const credential = (where: string) => z.never({ error: `credentials are never written into the spec or cdk.tf.json; set ${where} in the environment of terraform` }).optional();

const local = z.strictObject({
  backend: z.literal('local'),
  /** State file, relative to the stack folder `cdktf.out/stacks/<env>`. @default terraform.tfstate */
  path: z.string().min(1).default('terraform.tfstate'),
});

const s3 = z.strictObject({
  backend: z.literal('s3'),
  bucket: stringOrEnv,
  /** Object key of the state, e.g. `rmq-ha/prod.tfstate`. */
  key: stringOrEnv,
  region: stringOrEnv,
  /** Server-side encryption of the state object. @default true */
  encrypt: z.boolean().default(true),
  /** Locking with a lock file next to the state (Terraform 1.10+). @default true */
  useLockfile: z.boolean().default(true),
  /** Legacy DynamoDB table for locking. @default - none (the lock file) */
  dynamodbTable: stringOrEnv.optional(),
  /** Named profile of the shared AWS config. @default - the environment's credentials */
  profile: stringOrEnv.optional(),
  accessKey: credential('AWS_ACCESS_KEY_ID'),
  secretKey: credential('AWS_SECRET_ACCESS_KEY'),
  token: credential('AWS_SESSION_TOKEN'),
});

const gcs = z.strictObject({
  backend: z.literal('gcs'),
  bucket: stringOrEnv,
  /** Folder of the state objects in the bucket, e.g. `rmq-ha/prod`. */
  prefix: stringOrEnv.optional(),
  credentials: credential('GOOGLE_APPLICATION_CREDENTIALS or GOOGLE_CREDENTIALS'),
  accessToken: credential('GOOGLE_OAUTH_ACCESS_TOKEN'),
});

const azurerm = z.strictObject({
  backend: z.literal('azurerm'),
  resourceGroupName: stringOrEnv,
  storageAccountName: stringOrEnv,
  containerName: stringOrEnv,
  /** Blob name of the state, e.g. `prod.tfstate`. */
  key: stringOrEnv,
  /** Authenticate with Azure AD (OIDC in pipelines) instead of storage keys. @default true */
  useAzureadAuth: z.boolean().default(true),
  accessKey: credential('ARM_ACCESS_KEY'),
  sasToken: credential('ARM_SAS_TOKEN'),
  clientSecret: credential('ARM_CLIENT_SECRET'),
});

const remote = z.strictObject({
  backend: z.literal('remote'),
  /** Terraform Cloud or Enterprise host. @default app.terraform.io */
  hostname: stringOrEnv.optional(),
  organization: stringOrEnv,
  /** One workspace by name, or every workspace with a name prefix. */
  workspaces: z.union([z.strictObject({ name: stringOrEnv }), z.strictObject({ prefix: stringOrEnv })], { error: 'must be { name: WORKSPACE } or { prefix: PREFIX }' }),
  token: credential('TF_TOKEN_<hostname with dots as _> (or a credentials block in the CLI config)'),
});

/** @default { backend: local, path: terraform.tfstate } */
export const stateSpec = z.discriminatedUnion('backend', [local, s3, gcs, azurerm, remote], {
  error: 'backend must be one of local, s3, gcs, azurerm, remote',
});

export type StateSpec = z.output<typeof stateSpec>;
export type StateSpecInput = z.input<typeof stateSpec>;
