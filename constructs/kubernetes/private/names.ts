import { childName, SUFFIX } from '../../../plan/names';
import { PORTS } from '../../../plan/ports';
import type { ClusterSpec } from '../../../spec/cluster';

/** Suffixes of the objects only the Kubernetes target creates (the shared ones are in plan/names.ts). */
export const K8S_SUFFIX = {
  /** Secret with the administrator's credentials (service-binding keys), as the cluster-operator names it. */
  defaultUser: 'default-user',
  /** Secret with the rendered files that hold secrets (definitions.json). */
  serverSecretFiles: 'server-secret-files',
  /** Role with exactly what peer discovery calls before 4.1. */
  peerDiscovery: 'peer-discovery',
  /** PodDisruptionBudget. */
  disruptionBudget: 'server-pdb',
  /** Secret with the load balancer's rendered config (it holds the status page password). */
  loadBalancerConfig: 'lb-config',
  /** PodDisruptionBudget of the load balancer pods. */
  loadBalancerDisruptionBudget: 'lb-pdb',
  /** Secret with the generated (or file-read) CA, certificates and keys of the pods. */
  serverTls: 'server-tls',
  /** Secret with the load balancer's CA (and its certificate and key when it terminates TLS). */
  loadBalancerTls: 'lb-tls',
} as const;

/** Every object name of a cluster, derived once from the spec (cluster-operator naming). */
export interface KubernetesNames {
  readonly namespace: string;
  /** StatefulSet; also the prefix of the pod names `<statefulSet>-<i>`. */
  readonly statefulSet: string;
  /** Headless Service that gives each pod its DNS name. */
  readonly headlessService: string;
  /** Client Service: the cluster's one address for applications. */
  readonly clientService: string;
  /** ConfigMap with the non-secret rendered files. */
  readonly configMap: string;
  readonly erlangCookieSecret: string;
  readonly defaultUserSecret: string;
  readonly secretFilesSecret: string;
  /** ServiceAccount and RoleBinding (pre-4.1 peer discovery only). */
  readonly serviceAccount: string;
  readonly role: string;
  readonly roleBinding: string;
  readonly disruptionBudget: string;
  /** Load balancer Deployment and its Service (`<cluster>-lb`, the name plan/endpoints.ts gives clients). */
  readonly loadBalancer: string;
  /** ClusterIP Service of the proxies' status page and metrics pass-through. */
  readonly loadBalancerInternalService: string;
  readonly loadBalancerConfigSecret: string;
  readonly loadBalancerDisruptionBudget: string;
  /** TLS material of the pods (generated or from files; an existing Secret is named by the spec). */
  readonly serverTlsSecret: string;
  readonly loadBalancerTlsSecret: string;
  /** NetworkPolicy on the RabbitMQ pods (named like the StatefulSet it guards). */
  readonly networkPolicy: string;
}

export function kubernetesNames(spec: ClusterSpec): KubernetesNames {
  const c = spec.name;
  return {
    namespace: spec.kubernetes.namespace,
    statefulSet: childName(c, SUFFIX.server),
    headlessService: childName(c, SUFFIX.headless),
    clientService: c,
    configMap: childName(c, SUFFIX.config),
    erlangCookieSecret: childName(c, SUFFIX.erlangCookie),
    defaultUserSecret: childName(c, K8S_SUFFIX.defaultUser),
    secretFilesSecret: childName(c, K8S_SUFFIX.serverSecretFiles),
    serviceAccount: childName(c, SUFFIX.server),
    role: childName(c, K8S_SUFFIX.peerDiscovery),
    roleBinding: childName(c, SUFFIX.server),
    disruptionBudget: childName(c, K8S_SUFFIX.disruptionBudget),
    loadBalancer: childName(c, SUFFIX.loadBalancer),
    loadBalancerInternalService: childName(c, SUFFIX.loadBalancerInternal),
    loadBalancerConfigSecret: childName(c, K8S_SUFFIX.loadBalancerConfig),
    loadBalancerDisruptionBudget: childName(c, K8S_SUFFIX.loadBalancerDisruptionBudget),
    serverTlsSecret: childName(c, K8S_SUFFIX.serverTls),
    loadBalancerTlsSecret: childName(c, K8S_SUFFIX.loadBalancerTls),
    networkPolicy: childName(c, SUFFIX.server),
  };
}

/** In-cluster DNS name of the client Service. */
export function serviceHost(names: KubernetesNames): string {
  return `${names.clientService}.${names.namespace}.svc`;
}

/** The Service clients connect to, by in-cluster DNS name and AMQP port. */
export interface EntryPoint {
  readonly service: string;
  readonly host: string;
  readonly amqpPort: number;
}

/**
 * What clients connect to: the proxy's Service `<cluster>-lb` on the proxy's AMQP port when there
 * is a load balancer, else the client Service on 5672.
 */
export function entryPoint(spec: ClusterSpec, names: KubernetesNames): EntryPoint {
  const lb = spec.loadBalancer;
  if (lb.kind === 'none') return { service: names.clientService, host: serviceHost(names), amqpPort: PORTS.amqp };
  return { service: names.loadBalancer, host: `${names.loadBalancer}.${names.namespace}.svc`, amqpPort: lb.ports.amqp };
}
