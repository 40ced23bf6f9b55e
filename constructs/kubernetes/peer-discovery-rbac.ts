import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import { RoleV1, type RoleV1Rule } from '@cdktf/provider-kubernetes/lib/role-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { ClusterSpec } from '../../spec/cluster';
import { objectMetadata } from './private/metadata';
import type { KubernetesNames } from './private/names';

/**
 * Exactly what `rabbitmq_peer_discovery_k8s` calls before 4.1: it reads the headless Service's
 * Endpoints to list peers, and records Kubernetes Events about formation. Nothing else.
 */
export const PEER_DISCOVERY_RULES: readonly RoleV1Rule[] = [
  { apiGroups: [''], resources: ['endpoints'], verbs: ['get'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create'] },
];

/** Props of PeerDiscoveryRbac. */
export interface PeerDiscoveryRbacProps {
  readonly spec: ClusterSpec;
  readonly names: KubernetesNames;
  /** The namespace, when the stack creates it. */
  readonly dependsOn: ITerraformDependable[];
}

/**
 * ServiceAccount, Role and RoleBinding for the pre-4.1 k8s peer discovery plugin (created only for
 * those versions: from 4.1 the plugin joins pod 0 without calling the API, and the pods then run
 * without a ServiceAccount token). The cluster-operator creates the same three objects.
 */
export class PeerDiscoveryRbac extends Construct {
  public readonly serviceAccount: ServiceAccountV1;
  public readonly role: RoleV1;
  public readonly roleBinding: RoleBindingV1;

  constructor(scope: Construct, id: string, props: PeerDiscoveryRbacProps) {
    super(scope, id);
    const { spec, names, dependsOn } = props;
    this.serviceAccount = new ServiceAccountV1(this, 'service-account', {
      metadata: objectMetadata(spec, names.serviceAccount),
      automountServiceAccountToken: true,
      dependsOn,
    });
    this.serviceAccount.overrideLogicalId('server');
    this.role = new RoleV1(this, 'role', {
      metadata: objectMetadata(spec, names.role),
      rule: PEER_DISCOVERY_RULES.map((r) => ({ ...r, apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] })),
      dependsOn,
    });
    this.role.overrideLogicalId('peer_discovery');
    this.roleBinding = new RoleBindingV1(this, 'role-binding', {
      metadata: objectMetadata(spec, names.roleBinding),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: names.role },
      subject: [{ kind: 'ServiceAccount', name: names.serviceAccount, namespace: names.namespace }],
      dependsOn: [...dependsOn, this.role, this.serviceAccount],
    });
    this.roleBinding.overrideLogicalId('server');
  }
}
