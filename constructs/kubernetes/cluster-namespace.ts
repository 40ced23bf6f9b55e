import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { ClusterSpec } from '../../spec/cluster';
import { objectLabels } from './private/metadata';

/** Pod Security Standard the created namespace enforces: the pods meet `restricted`. */
export const POD_SECURITY_LABELS = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'latest',
} as const;

/** Props of ClusterNamespace. */
export interface ClusterNamespaceProps {
  /** Validated spec; `kubernetes.namespace` and `kubernetes.createNamespace` decide. */
  readonly spec: ClusterSpec;
}

/**
 * The namespace of every object: created (labelled to enforce the `restricted` Pod Security
 * Standard) or an existing one, used as is. Other objects name the namespace literally and depend
 * on this construct, so a created namespace exists before them and is deleted after them.
 */
export class ClusterNamespace extends Construct {
  /** Namespace name. */
  public readonly name: string;
  /** The namespace resource, when the stack creates it. */
  public readonly resource?: NamespaceV1;
  /** What namespaced objects depend on (empty for an existing namespace). */
  public readonly dependables: ITerraformDependable[];

  constructor(scope: Construct, id: string, props: ClusterNamespaceProps) {
    super(scope, id);
    const k = props.spec.kubernetes;
    this.name = k.namespace;
    if (k.createNamespace) {
      this.resource = new NamespaceV1(this, 'namespace', {
        metadata: {
          name: k.namespace,
          labels: { ...objectLabels(props.spec), ...POD_SECURITY_LABELS },
          ...(Object.keys(k.annotations).length > 0 ? { annotations: { ...k.annotations } } : {}),
        },
      });
      this.resource.overrideLogicalId('cluster');
    }
    this.dependables = this.resource ? [this.resource] : [];
  }
}
