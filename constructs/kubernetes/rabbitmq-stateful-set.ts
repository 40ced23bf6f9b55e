import { StatefulSetV1 } from '@cdktf/provider-kubernetes/lib/stateful-set-v1';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { ClusterPlan } from '../../plan/plan';
import { toKubernetesQuantity } from '../../spec/size';
import type { PodFiles } from './private/config-files';
import { CONFIG_CHECKSUM_ANNOTATION, SECRETS_CHECKSUM_ANNOTATION, objectMetadata, selectorLabels, workloadLabels } from './private/metadata';
import type { KubernetesNames } from './private/names';
import { podNodeName, podSpec, VOLUME } from './private/pod-template';
import { externalSecretAnnotations } from './private/tls-pod';

/** Props of RabbitmqStatefulSet. */
export interface RabbitmqStatefulSetProps {
  /** The plan, rendered for the kubernetes address table. */
  readonly plan: ClusterPlan;
  readonly names: KubernetesNames;
  /** The shared pod files (mounted) and their checksum (pod annotation). */
  readonly files: PodFiles;
  /**
   * Terraform expression of the sha256 over the secret values the pods' files hold (never the
   * values), on the pod template: a rotated password rolls the pods. @default no annotation
   */
  readonly secretsChecksum?: string;
  /** More pod template annotations of the toolkit (e.g. the TLS CA checksum). @default {} */
  readonly extraPodAnnotations?: Readonly<Record<string, string>>;
  /** Everything the pods need before they start: namespace, RBAC, ConfigMap, Secrets, headless Service. */
  readonly dependsOn: ITerraformDependable[];
}

/**
 * The RabbitMQ nodes: a StatefulSet `<cluster>-server` with one pod per node, as the
 * cluster-operator builds it:
 * - `podManagementPolicy: Parallel`: all pods start together (peer discovery has a lock; with
 *   OrderedReady a cluster whose pods were all deleted cannot come back, cluster-operator #621);
 * - stable names through the headless Service (`serviceName`), the Erlang node name built from
 *   the pod name (RABBITMQ_NODENAME, long names);
 * - a persistent volume per pod, retained when the StatefulSet is deleted or scaled down (a
 *   Terraform replacement of the StatefulSet must not take the data with it);
 * - the config checksum on the pod template, so a changed file rolls the pods one at a time;
 *   the Prometheus scrape annotations of the plan (`monitoring.podAnnotations`), the spec's own win;
 * - probes, preStop, security context and spreading: see `private/pod-template.ts`.
 */
export class RabbitmqStatefulSet extends Construct {
  public readonly statefulSet: StatefulSetV1;

  constructor(scope: Construct, id: string, props: RabbitmqStatefulSetProps) {
    super(scope, id);
    const { plan, names, files } = props;
    const { spec } = plan;
    const k = spec.kubernetes;
    plan.addresses.nodes.forEach((node, i) => {
      if (podNodeName(names, i) !== node.nodeName) {
        throw new Error(`pod ${i} would be ${podNodeName(names, i)} but the plan renders for ${node.nodeName}`);
      }
    });

    this.statefulSet = new StatefulSetV1(this, 'stateful-set', {
      metadata: objectMetadata(spec, names.statefulSet, { labels: workloadLabels(spec, plan.version), annotations: externalSecretAnnotations(plan.tls) }),
      spec: {
        serviceName: names.headlessService,
        replicas: String(spec.nodes),
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: selectorLabels(spec) },
        updateStrategy: [{ type: 'RollingUpdate', rollingUpdate: [{ partition: 0 }] }],
        persistentVolumeClaimRetentionPolicy: [{ whenDeleted: 'Retain', whenScaled: 'Retain' }],
        template: {
          metadata: {
            labels: workloadLabels(spec, plan.version),
            annotations: {
              ...plan.monitoring.podAnnotations,
              ...k.podAnnotations,
              [CONFIG_CHECKSUM_ANNOTATION]: files.checksum,
              ...(props.secretsChecksum ? { [SECRETS_CHECKSUM_ANNOTATION]: props.secretsChecksum } : {}),
              ...(props.extraPodAnnotations ?? {}),
            },
          },
          spec: podSpec(plan, names, files),
        },
        volumeClaimTemplate: [
          {
            // Only the selector labels: a changed claim template replaces the StatefulSet.
            metadata: { name: VOLUME.persistence, labels: selectorLabels(spec) },
            spec: {
              accessModes: ['ReadWriteOnce'],
              ...(k.storage.storageClass ? { storageClassName: k.storage.storageClass } : {}),
              resources: { requests: { storage: toKubernetesQuantity(k.storage.size) } },
            },
          },
        ],
      },
      // Apply returns when every pod is ready; a rolling update waits for each pod in turn.
      waitForRollout: true,
      timeouts: { create: '30m', update: '60m', delete: '30m' },
      dependsOn: props.dependsOn,
    });
    this.statefulSet.overrideLogicalId('server');
  }
}
