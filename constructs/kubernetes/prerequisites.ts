import { DataKubernetesResources } from '@cdktf/provider-kubernetes/lib/data-kubernetes-resources';
import { Construct } from 'constructs';
import type { ClusterSpec } from '../../spec/cluster';

/** One cluster-scoped object the stack uses but does not create. */
interface Prerequisite {
  /** Terraform address: `data.kubernetes_resources.<logicalId>`. */
  readonly logicalId: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** Printed by `terraform plan` when the object is missing: the field, the object, the fix. */
  readonly errorMessage: string;
}

/** What a spec relies on, from its fields; each one is looked up at plan time. */
export function prerequisitesOf(spec: ClusterSpec): Prerequisite[] {
  const k = spec.kubernetes;
  const out: Prerequisite[] = [];
  if (!k.createNamespace) {
    out.push({
      logicalId: 'namespace',
      apiVersion: 'v1',
      kind: 'Namespace',
      name: k.namespace,
      errorMessage:
        `kubernetes.namespace: namespace ${k.namespace} does not exist and kubernetes.createNamespace is false, so nothing creates it; ` +
        `create it (kubectl create namespace ${k.namespace}; kubectl label namespace ${k.namespace} pod-security.kubernetes.io/enforce=restricted) or set createNamespace: true.`,
    });
  }
  if (k.priorityClassName !== undefined) {
    out.push({
      logicalId: 'priority_class',
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      name: k.priorityClassName,
      errorMessage:
        `kubernetes.priorityClassName: PriorityClass ${k.priorityClassName} does not exist in the cluster; the API server would reject every pod and apply would wait 30 minutes for the StatefulSet. ` +
        `Create it (kubectl create priorityclass ${k.priorityClassName} --value=1000000 --description="RabbitMQ") or remove priorityClassName.`,
    });
  }
  if (k.storage.storageClass !== undefined) {
    out.push({
      logicalId: 'storage_class',
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      name: k.storage.storageClass,
      errorMessage:
        `kubernetes.storage.storageClass: StorageClass ${k.storage.storageClass} does not exist in the cluster; the volume claims would stay Pending and apply would wait 30 minutes for the StatefulSet. ` +
        "Create it, or remove storageClass to use the cluster's default (kubectl get storageclass lists them).",
    });
  }
  return out;
}

/** Props of Prerequisites. */
export interface PrerequisitesProps {
  readonly spec: ClusterSpec;
}

/**
 * The cluster-scoped objects the stack names but does not create (an existing namespace, the
 * PriorityClass, the StorageClass), each read with a `kubernetes_resources` data source (by
 * `metadata.name` field selector) and a postcondition that exactly one exists. Terraform reads
 * data sources during `terraform plan`, so a missing object fails the plan at once with the
 * message above, instead of an apply that waits 30 minutes for pods that cannot be scheduled or
 * admitted. (The typed data sources, kubernetes_namespace_v1 and kubernetes_storage_class_v1,
 * return without error for a missing object, and there is none for PriorityClass.)
 */
export class Prerequisites extends Construct {
  public readonly lookups: readonly DataKubernetesResources[];

  constructor(scope: Construct, id: string, props: PrerequisitesProps) {
    super(scope, id);
    this.lookups = prerequisitesOf(props.spec).map((p) => {
      const lookup = new DataKubernetesResources(this, p.logicalId, {
        apiVersion: p.apiVersion,
        kind: p.kind,
        fieldSelector: `metadata.name=${p.name}`,
        lifecycle: { postcondition: [{ condition: '${length(self.objects) == 1}', errorMessage: p.errorMessage }] },
      });
      lookup.overrideLogicalId(p.logicalId);
      return lookup;
    });
  }
}
