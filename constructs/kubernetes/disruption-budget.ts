import { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { ClusterSpec } from '../../spec/cluster';
import { objectMetadata, selectorLabels } from './private/metadata';
import type { KubernetesNames } from './private/names';
import { disruptionBudgetMaxUnavailable } from './private/policies';

/** Props of DisruptionBudget. */
export interface DisruptionBudgetProps {
  readonly spec: ClusterSpec;
  readonly names: KubernetesNames;
  readonly dependsOn: ITerraformDependable[];
}

/**
 * PodDisruptionBudget `<cluster>-server-pdb`: node drains and other voluntary evictions take at
 * most one RabbitMQ pod at a time, and none while another pod is unready, so every quorum queue
 * keeps a majority (see `disruptionBudgetMaxUnavailable` for why not minAvailable). The
 * cluster-operator ships the same budget as an example; here it is always created.
 */
export class DisruptionBudget extends Construct {
  public readonly budget: PodDisruptionBudgetV1;

  constructor(scope: Construct, id: string, props: DisruptionBudgetProps) {
    super(scope, id);
    this.budget = new PodDisruptionBudgetV1(this, 'budget', {
      metadata: objectMetadata(props.spec, props.names.disruptionBudget),
      spec: {
        maxUnavailable: String(disruptionBudgetMaxUnavailable(props.spec.nodes)),
        selector: { matchLabels: selectorLabels(props.spec) },
      },
      dependsOn: props.dependsOn,
    });
    this.budget.overrideLogicalId('server');
  }
}
