import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { SecretName } from '../../plan/files';
import type { ClusterSpec } from '../../spec/cluster';
import { toTerraformText } from '../private/terraform-text';
import type { PodFiles } from './private/config-files';
import { objectMetadata } from './private/metadata';
import { entryPoint, type KubernetesNames } from './private/names';

/** Key of the Erlang cookie in its Secret (the file name the init container installs). */
export const ERLANG_COOKIE_KEY = '.erlang.cookie';

/** Props of ServerSecrets. */
export interface ServerSecretsProps {
  readonly spec: ClusterSpec;
  readonly names: KubernetesNames;
  /** The shared pod files; the sensitive ones go here with their placeholders resolved. */
  readonly files: PodFiles;
  /** Terraform reference of a plan secret (random_password or sensitive variable). */
  readonly secretToken: (name: SecretName) => string;
  readonly dependsOn: ITerraformDependable[];
}

/**
 * The three Secrets of a cluster, split by who needs them (values are Terraform references; the
 * synthesized JSON holds none):
 * - `<cluster>-erlang-cookie`: only the init container reads it (the cookie grants full control);
 * - `<cluster>-default-user`: the administrator's credentials with service-binding keys, for
 *   applications and people, without the cookie; `host`/`port` are the entry point clients use
 *   (the proxy's Service when there is a load balancer, else the client Service);
 * - `<cluster>-server-secret-files`: the rendered files that hold secrets (definitions.json).
 */
export class ServerSecrets extends Construct {
  public readonly erlangCookie: SecretV1;
  public readonly defaultUser: SecretV1;
  public readonly secretFiles: SecretV1;

  constructor(scope: Construct, id: string, props: ServerSecretsProps) {
    super(scope, id);
    const { spec, names, secretToken, dependsOn } = props;

    this.erlangCookie = new SecretV1(this, 'erlang-cookie', {
      metadata: objectMetadata(spec, names.erlangCookieSecret),
      type: 'Opaque',
      data: { [ERLANG_COOKIE_KEY]: secretToken('erlang_cookie') },
      dependsOn,
    });
    this.erlangCookie.overrideLogicalId('erlang_cookie');

    const entry = entryPoint(spec, names);
    this.defaultUser = new SecretV1(this, 'default-user', {
      metadata: objectMetadata(spec, names.defaultUserSecret),
      type: 'Opaque',
      data: {
        username: spec.credentials.adminUser,
        password: secretToken('admin_password'),
        type: 'rabbitmq',
        provider: 'rabbitmq',
        host: entry.host,
        port: String(entry.amqpPort),
      },
      dependsOn,
    });
    this.defaultUser.overrideLogicalId('default_user');

    const data: Record<string, string> = {};
    for (const f of props.files.sensitive) data[f.key] = toTerraformText(f.content, secretToken);
    this.secretFiles = new SecretV1(this, 'secret-files', {
      metadata: objectMetadata(spec, names.secretFilesSecret),
      type: 'Opaque',
      data,
      dependsOn,
    });
    this.secretFiles.overrideLogicalId('server_secret_files');
  }
}
