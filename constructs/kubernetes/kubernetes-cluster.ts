import type { KubernetesProviderConfig } from '@cdktf/provider-kubernetes/lib/provider';
import { Fn, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { secretsIn, type SecretName } from '../../plan/files';
import type { ClusterPlan } from '../../plan/plan';
import { SpecError } from '../../spec/errors';
import { kubernetesSpecIssues, type KubernetesSpec } from '../../spec/kubernetes';
import { ClusterNamespace } from './cluster-namespace';
import { ClusterServices } from './cluster-services';
import { DisruptionBudget } from './disruption-budget';
import { KubernetesOutputs } from './kubernetes-outputs';
import { KubernetesLoadBalancer } from './load-balancer';
import { PeerDiscoveryRbac } from './peer-discovery-rbac';
import { Prerequisites } from './prerequisites';
import { podFiles, type PodFiles } from './private/config-files';
import { kubernetesNames, type KubernetesNames } from './private/names';
import { peerDiscoveryUsesApi } from './private/policies';
import { RabbitmqStatefulSet } from './rabbitmq-stateful-set';
import { ServerConfig } from './server-config';
import { ServerSecrets } from './server-secrets';
import { ServerTls } from './server-tls';
import { ServerNetworkPolicy } from './network-policy';
import { terraformSafe } from '../private/terraform-text';

/** Props of KubernetesCluster. */
export interface KubernetesClusterProps {
  /** The plan, rendered for the kubernetes address table (`buildPlan(spec)` with `target: kubernetes`). */
  readonly plan: ClusterPlan;
  /** Terraform reference of a plan secret (ClusterSecrets.token). */
  readonly secretToken: (name: SecretName) => string;
}

/**
 * A RabbitMQ cluster on Kubernetes from the same plan as Docker: what the cluster-operator
 * creates, built in its order (everything the pods need first, the StatefulSet last) plus a
 * PodDisruptionBudget. Placement only: every decision about the cluster is in the plan.
 *
 * Objects, with their Terraform addresses:
 * `data.kubernetes_resources.{namespace,priority_class,storage_class}` (plan-time checks of what the
 * spec names but the stack does not create, see Prerequisites), `kubernetes_namespace_v1.cluster`
 * (if created), `kubernetes_service_account_v1.server`,
 * `kubernetes_role_v1.peer_discovery`, `kubernetes_role_binding_v1.server` (before 4.1 only),
 * `kubernetes_secret_v1.{erlang_cookie,default_user,server_secret_files}`,
 * `kubernetes_config_map_v1.server_conf`, `kubernetes_service_v1.{nodes,client}`,
 * `kubernetes_stateful_set_v1.server`, `kubernetes_pod_disruption_budget_v1.server`; with a load
 * balancer (`loadBalancer.kind` haproxy or nginx) also `kubernetes_secret_v1.load_balancer_config`
 * and `kubernetes_{deployment_v1,pod_disruption_budget_v1,service_v1}.load_balancer`; with TLS
 * (generated or from files) `kubernetes_secret_v1.server_tls` (and `.load_balancer_tls`) and the
 * `tls_*` certificates; with `kubernetes.networkPolicy.enabled` `kubernetes_network_policy_v1.server`.
 */
export class KubernetesCluster extends Construct {
  public readonly names: KubernetesNames;
  /** The files the pods share, with their checksum. */
  public readonly files: PodFiles;
  public readonly namespace: ClusterNamespace;
  /** Plan-time checks of the cluster-scoped objects the spec names but the stack does not create. */
  public readonly prerequisites: Prerequisites;
  /** Present only for versions whose peer discovery calls the Kubernetes API (before 4.1). */
  public readonly rbac?: PeerDiscoveryRbac;
  public readonly secrets: ServerSecrets;
  public readonly config: ServerConfig;
  public readonly services: ClusterServices;
  public readonly statefulSet: RabbitmqStatefulSet;
  public readonly disruptionBudget: DisruptionBudget;
  /** Present when the plan has a load balancer. */
  public readonly loadBalancer?: KubernetesLoadBalancer;
  /** Present with TLS: certificates and their Secrets (none with an existing Secret). */
  public readonly tls?: ServerTls;
  /** Present with `kubernetes.networkPolicy.enabled`. */
  public readonly networkPolicy?: ServerNetworkPolicy;

  constructor(scope: Construct, id: string, props: KubernetesClusterProps) {
    super(scope, id);
    // Every string of the plan escaped for Terraform once, here (constructs/private/terraform-text.ts).
    const plan = terraformSafe(props.plan);
    const { spec } = plan;
    if (plan.addresses.target !== 'kubernetes') throw new Error(`KubernetesCluster needs a kubernetes plan, got ${plan.addresses.target}`);
    const issues = kubernetesSpecIssues(spec);
    if (issues.length > 0) throw new SpecError(`cluster ${spec.name}`, issues);

    this.names = kubernetesNames(spec);
    const n = this.names;
    this.files = podFiles(plan, `rabbit@${n.statefulSet}-<i>.${n.headlessService}.${n.namespace}`);

    this.prerequisites = new Prerequisites(this, 'prerequisites', { spec });
    this.namespace = new ClusterNamespace(this, 'namespace', { spec });
    const inNamespace = this.namespace.dependables;
    if (peerDiscoveryUsesApi(plan.version)) {
      this.rbac = new PeerDiscoveryRbac(this, 'peer-discovery', { spec, names: n, dependsOn: inNamespace });
    }
    this.secrets = new ServerSecrets(this, 'secrets', { spec, names: n, files: this.files, secretToken: props.secretToken, dependsOn: inNamespace });
    this.config = new ServerConfig(this, 'config', { spec, names: n, files: this.files, dependsOn: inNamespace });
    this.services = new ClusterServices(this, 'services', { plan, names: n, dependsOn: inNamespace });
    if (plan.tls) this.tls = new ServerTls(this, 'tls', { spec, names: n, tls: plan.tls, dependsOn: inNamespace });
    if (spec.kubernetes.networkPolicy.enabled) this.networkPolicy = new ServerNetworkPolicy(this, 'network-policy', { plan, names: n, dependsOn: inNamespace });

    const podNeeds: ITerraformDependable[] = [
      ...inNamespace,
      ...(this.rbac ? [this.rbac.roleBinding] : []),
      this.secrets.erlangCookie,
      this.secrets.secretFiles,
      this.config.configMap,
      this.services.headless,
      ...(this.tls?.serverSecret ? [this.tls.serverSecret] : []),
    ];
    const held = [...new Set(this.files.sensitive.flatMap((f) => secretsIn(f.content)))].sort();
    const secretsChecksum = held.length > 0 ? Fn.sha256(Fn.join('\n', held.map((name) => props.secretToken(name)))) : undefined;
    this.statefulSet = new RabbitmqStatefulSet(this, 'server', { plan, names: n, files: this.files, secretsChecksum, extraPodAnnotations: this.tls?.podAnnotations, dependsOn: podNeeds });
    this.disruptionBudget = new DisruptionBudget(this, 'disruption-budget', { spec, names: n, dependsOn: inNamespace });
    if (plan.loadBalancer) {
      this.loadBalancer = new KubernetesLoadBalancer(this, 'load-balancer', {
        spec,
        loadBalancer: plan.loadBalancer,
        names: n,
        secretToken: props.secretToken,
        dependsOn: inNamespace,
        backends: [this.services.headless, this.statefulSet.statefulSet],
        tls: plan.tls,
        tlsSecret: this.tls?.loadBalancerSecret,
      });
    }
    new KubernetesOutputs(this, 'outputs', { names: n });
  }
}

/**
 * Provider settings from the spec: the kubeconfig file and context, or nothing (then the
 * provider reads `KUBE_CONFIG_PATH`, `KUBE_HOST`, ... from the environment).
 */
export function kubernetesProviderConfig(k: KubernetesSpec): KubernetesProviderConfig {
  return {
    ...(k.provider.configPath !== null ? { configPath: k.provider.configPath } : {}),
    ...(k.provider.configContext ? { configContext: k.provider.configContext } : {}),
  };
}
