/**
 * spec.state: the Terraform backend of a stack (local by default; s3, gcs, azurerm, remote through
 * cdktf's backend classes), `{ env: NAME }` values read at synthesis, credentials refused. That
 * `terraform init -backend=false` and `terraform validate` still pass with a remote backend is in
 * test/terraform-validate.integration.test.ts (variant docker-s3-state).
 */
import { Testing } from 'cdktf';
import { testApp } from './helpers/app';
import { SpecError } from '../spec/errors';
import { parseClusterSpec } from '../spec/parse';
import type { ClusterSpecInput } from '../spec/cluster';
import { RabbitMqClusterStack } from '../stacks/rabbitmq-cluster-stack';

function backendOf(input: ClusterSpecInput, environment: Record<string, string> = {}, statePath?: string): Record<string, unknown> {
  const stack = new RabbitMqClusterStack(testApp(), 's', { spec: input, environment, statePath });
  return (JSON.parse(Testing.synth(stack)) as { terraform: { backend: Record<string, unknown> } }).terraform.backend;
}

function issues(input: unknown): Array<{ path: string; message: string }> {
  try {
    parseClusterSpec(input, 'spec');
  } catch (e) {
    if (SpecError.isSpecError(e)) return e.issues.map((i) => ({ path: i.path, message: i.message }));
    throw e;
  }
  return [];
}

const base = { name: 'rmq', nodes: 3 } as const;

describe('state backends', () => {
  test('local by default, relative path (no machine path in the JSON); statePath overrides it', () => {
    expect(backendOf(base)).toEqual({ local: { path: 'terraform.tfstate' } });
    expect(backendOf({ ...base, state: { backend: 'local', path: 'state/dev.tfstate' } })).toEqual({ local: { path: 'state/dev.tfstate' } });
    expect(backendOf(base, {}, 'x.tfstate')).toEqual({ local: { path: 'x.tfstate' } });
  });

  test.each([
    ['s3', { backend: 's3', bucket: 'b', key: 'rmq/dev.tfstate', region: 'eu-west-1' }, { s3: { bucket: 'b', key: 'rmq/dev.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true } }],
    ['gcs', { backend: 'gcs', bucket: 'b', prefix: 'rmq/dev' }, { gcs: { bucket: 'b', prefix: 'rmq/dev' } }],
    [
      'azurerm',
      { backend: 'azurerm', resourceGroupName: 'rg', storageAccountName: 'sa', containerName: 'tfstate', key: 'dev.tfstate' },
      { azurerm: { resource_group_name: 'rg', storage_account_name: 'sa', container_name: 'tfstate', key: 'dev.tfstate', use_azuread_auth: true } },
    ],
    ['remote', { backend: 'remote', organization: 'acme', workspaces: { name: 'rmq-dev' } }, { remote: { organization: 'acme', workspaces: { name: 'rmq-dev' } } }],
    ['remote with a prefix', { backend: 'remote', hostname: 'tfe.example', organization: 'acme', workspaces: { prefix: 'rmq-' } }, { remote: { hostname: 'tfe.example', organization: 'acme', workspaces: { prefix: 'rmq-' } } }],
  ])('%s', (_name, state, expected) => {
    expect(backendOf({ ...base, state } as ClusterSpecInput)).toEqual(expected);
  });

  test('per-stage values come from environment variables at synthesis; an unset one names the field and the variable', () => {
    const state = { backend: 's3', bucket: { env: 'RMQ_STATE_BUCKET' }, key: { env: 'RMQ_STATE_KEY' }, region: 'eu-west-1' } as const;
    expect(backendOf({ ...base, state }, { RMQ_STATE_BUCKET: 'prod-state', RMQ_STATE_KEY: 'rmq/prod.tfstate' })).toEqual({
      s3: { bucket: 'prod-state', key: 'rmq/prod.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true },
    });
    let error: unknown;
    try {
      backendOf({ ...base, state }, { RMQ_STATE_KEY: 'k' });
    } catch (e) {
      error = e;
    }
    expect(SpecError.isSpecError(error)).toBe(true);
    expect((error as SpecError).issues).toEqual([
      { path: 'state.bucket', value: { env: 'RMQ_STATE_BUCKET' }, message: 'environment variable RMQ_STATE_BUCKET is not set; set it to this stage\'s value before synthesizing' },
    ]);
  });

  test('refused: unknown backends, missing fields, credentials in the spec, bad variable names', () => {
    expect(issues({ ...base, state: { backend: 'ftp' } })).toEqual([{ path: 'state.backend', message: 'backend must be one of local, s3, gcs, azurerm, remote' }]);
    expect(issues({ ...base, state: { backend: 's3', bucket: 'b', key: 'k' } }).map((i) => i.path)).toEqual(['state.region']);
    expect(issues({ ...base, state: { backend: 's3', bucket: 'b', key: 'k', region: 'r', secretKey: 'abc' } })).toEqual([
      { path: 'state.secretKey', message: 'credentials are never written into the spec or cdk.tf.json; set AWS_SECRET_ACCESS_KEY in the environment of terraform' },
    ]);
    expect(issues({ ...base, state: { backend: 'azurerm', resourceGroupName: 'rg', storageAccountName: 'sa', containerName: 'c', key: 'k', accessKey: 'x' } })[0].message).toMatch(/set ARM_ACCESS_KEY/);
    expect(issues({ ...base, state: { backend: 'gcs', bucket: { env: '1BAD' } } })).toEqual([{ path: 'state.bucket.env', message: 'must be an environment variable name (letters, digits and _, not starting with a digit)' }]);
    expect(issues({ ...base, state: { backend: 'gcs', bucket: 42 } })).toEqual([{ path: 'state.bucket', message: 'must be a string, or { env: NAME } to read it from an environment variable at synthesis' }]);
  });
});
