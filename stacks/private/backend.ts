/**
 * The state backend of a stack, from `spec.state`, with cdktf's backend classes. `{ env: NAME }`
 * values are read here, when the stack is synthesized; an unset variable is an error naming the
 * field and the variable, and nothing is written.
 */
import { AzurermBackend, GcsBackend, LocalBackend, RemoteBackend, S3Backend } from 'cdktf';
import type { Construct } from 'constructs';
import { SpecError, type SpecIssue } from '../../spec/errors';
import type { StateSpec, StringOrEnv } from '../../spec/state';

/**
 * Places the backend on the stack.
 * @param source what errors name (`stack dev`)
 * @param env where `{ env: NAME }` values come from
 */
export function placeBackend(stack: Construct, state: StateSpec, source: string, env: Readonly<Record<string, string | undefined>>): void {
  const issues: SpecIssue[] = [];
  const value = (field: string, v: StringOrEnv): string => {
    if (typeof v === 'string') return v;
    const got = env[v.env];
    if (got === undefined || got === '') issues.push({ path: `state.${field}`, value: v, message: `environment variable ${v.env} is not set; set it to this stage's value before synthesizing` });
    return got ?? '';
  };
  const optional = (field: string, v: StringOrEnv | undefined): string | undefined => (v === undefined ? undefined : value(field, v));
  const place = ((): (() => void) => {
    switch (state.backend) {
      case 'local':
        return () => new LocalBackend(stack, { path: state.path });
      case 's3': {
        const props = {
          bucket: value('bucket', state.bucket),
          key: value('key', state.key),
          region: value('region', state.region),
          encrypt: state.encrypt,
          useLockfile: state.useLockfile,
          dynamodbTable: optional('dynamodbTable', state.dynamodbTable),
          profile: optional('profile', state.profile),
        };
        return () => new S3Backend(stack, props);
      }
      case 'gcs': {
        const props = { bucket: value('bucket', state.bucket), prefix: optional('prefix', state.prefix) };
        return () => new GcsBackend(stack, props);
      }
      case 'azurerm': {
        const props = {
          resourceGroupName: value('resourceGroupName', state.resourceGroupName),
          storageAccountName: value('storageAccountName', state.storageAccountName),
          containerName: value('containerName', state.containerName),
          key: value('key', state.key),
          useAzureadAuth: state.useAzureadAuth,
        };
        return () => new AzurermBackend(stack, props);
      }
      case 'remote': {
        const w = state.workspaces;
        const props = {
          hostname: optional('hostname', state.hostname),
          organization: value('organization', state.organization),
          workspaces: 'name' in w ? { name: value('workspaces.name', w.name) } : { prefix: value('workspaces.prefix', w.prefix) },
        };
        return () => new RemoteBackend(stack, props);
      }
    }
  })();
  if (issues.length > 0) throw new SpecError(source, issues);
  place();
}
