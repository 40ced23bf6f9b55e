import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { ClusterSpec } from '../../spec/cluster';
import { toTerraformText } from '../private/terraform-text';
import type { PodFiles } from './private/config-files';
import { objectMetadata } from './private/metadata';
import type { KubernetesNames } from './private/names';

/** Props of ServerConfig. */
export interface ServerConfigProps {
  readonly spec: ClusterSpec;
  readonly names: KubernetesNames;
  /** The shared pod files; only the plain ones go here. */
  readonly files: PodFiles;
  readonly dependsOn: ITerraformDependable[];
}

/**
 * ConfigMap `<cluster>-server-conf` with the rendered files that hold no secret (rabbitmq.conf,
 * enabled_plugins), one key per file. A file with a secret placeholder never comes here: it
 * throws instead of being written in clear.
 */
export class ServerConfig extends Construct {
  public readonly configMap: ConfigMapV1;

  constructor(scope: Construct, id: string, props: ServerConfigProps) {
    super(scope, id);
    const data: Record<string, string> = {};
    for (const f of props.files.plain) {
      data[f.key] = toTerraformText(f.content, (name) => {
        throw new Error(`${f.key} refers to secret ${name} but is not marked sensitive; it cannot go into a ConfigMap`);
      });
    }
    this.configMap = new ConfigMapV1(this, 'config-map', {
      metadata: objectMetadata(props.spec, props.names.configMap),
      data,
      dependsOn: props.dependsOn,
    });
    this.configMap.overrideLogicalId('server_conf');
  }
}
