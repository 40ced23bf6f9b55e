import { Network } from '@cdktf/provider-docker/lib/network';
import { Construct } from 'constructs';
import { childName, SUFFIX } from '../../plan/names';

/** Props of ClusterNetwork. */
export interface ClusterNetworkProps {
  /** Cluster name; the network is `<cluster>-net`. */
  readonly clusterName: string;
}

/** A dedicated bridge network: nodes and the load balancer reach each other by container name. */
export class ClusterNetwork extends Construct {
  public readonly network: Network;

  constructor(scope: Construct, id: string, props: ClusterNetworkProps) {
    super(scope, id);
    this.network = new Network(this, 'network', {
      name: childName(props.clusterName, SUFFIX.network),
      driver: 'bridge',
      attachable: false,
      labels: [{ label: 'rmq-ha.cluster', value: props.clusterName }],
    });
    this.network.overrideLogicalId('cluster');
  }
}
