import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { PORTS } from '../../plan/ports';
import { serviceHost, type KubernetesNames } from './private/names';

/** Props of KubernetesOutputs. */
export interface KubernetesOutputsProps {
  readonly names: KubernetesNames;
}

/**
 * Outputs only the Kubernetes target has, next to the shared per-node ones (ClusterOutputs): the
 * client Service, which is what applications should connect to (it routes to ready pods only).
 */
export class KubernetesOutputs extends Construct {
  constructor(scope: Construct, id: string, props: KubernetesOutputsProps) {
    super(scope, id);
    const host = serviceHost(props.names);
    const out = (name: string, value: string, description: string): void => {
      new TerraformOutput(this, name, { value, description }).overrideLogicalId(name);
    };
    out('namespace', props.names.namespace, 'Namespace of every object of the cluster');
    out('service_amqp_uri', `amqp://${host}:${PORTS.amqp}`, 'In-cluster AMQP address of the client Service (ready pods only)');
    out('service_management_url', `http://${host}:${PORTS.management}/`, 'In-cluster management UI of the client Service');
    out('credentials_secret', props.names.defaultUserSecret, 'Secret with the administrator username and password (service-binding keys)');
  }
}
