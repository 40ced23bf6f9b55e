import { z } from 'zod';
import type { ClusterSpec } from './cluster';
import type { SpecIssue } from './errors';
import { networkPolicySpec, networkPolicyIssues } from './network-policy';
import { annotationMap, CIDR, labelMap } from './private/kubernetes-fields';
import { sizeSchema } from './size';

export { isQualifiedKey } from './private/kubernetes-fields';

/** Namespaces that exist in every cluster: they cannot be created by the stack. */
export const BUILT_IN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

/**
 * Label keys the toolkit sets itself. Selectors, the PodDisruptionBudget, spreading rules and the
 * preStop skip marker depend on them, so a user label must not override them.
 */
export const RESERVED_LABEL_KEYS = [
  'app.kubernetes.io/name',
  'app.kubernetes.io/component',
  'app.kubernetes.io/part-of',
  'app.kubernetes.io/managed-by',
  'app.kubernetes.io/version',
  'skipPreStopChecks',
] as const;

/** The DNS Service of most clusters (CoreDNS keeps the kube-dns name). */
export const DEFAULT_DNS_RESOLVER = 'kube-dns.kube-system.svc';

/** Annotation prefix the toolkit writes (e.g. the config checksum on the pod template). */
export const RESERVED_ANNOTATION_PREFIX = 'rmq-ha/';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const spreadLevel = z.enum(['required', 'preferred', 'none']);

/** How the pods are spread so that one host or zone failure cannot take out a majority. */
const spreadSpec = z.strictObject({
  /**
   * One pod per node (pod anti-affinity on `kubernetes.io/hostname`). `required` leaves a pod
   * Pending rather than co-locating it; `preferred` co-locates when there are too few nodes.
   * @default required
   */
  hosts: spreadLevel.default('required'),
  /**
   * Even spread over `topology.kubernetes.io/zone` (topology spread constraint, maxSkew 1).
   * `required` also asks for at least min(nodes, 3) zones (minDomains), so that a zone outage
   * leaves a majority; `preferred` is the cluster-operator default (ScheduleAnyway).
   * @default preferred
   */
  zones: spreadLevel.default('preferred'),
});

/** How Terraform reaches the Kubernetes API (the provider block of the stack). */
const providerSpec = z.strictObject({
  /**
   * kubeconfig file (`~` is expanded by the provider). `null` configures nothing, so the
   * provider takes `KUBE_CONFIG_PATH`, `KUBE_HOST`, ... from the environment (pipelines).
   * @default ~/.kube/config
   */
  configPath: z.string().min(1).nullable().default('~/.kube/config'),
  /** kubeconfig context. @default - the kubeconfig's current context */
  configContext: z.string().min(1).optional(),
});

const kubernetesFields = z.strictObject({
  /** Namespace for every object. @default rabbitmq */
  namespace: z.string().max(63).regex(DNS_LABEL, { error: 'must be a DNS label (lowercase letters, digits, -)' }).default('rabbitmq'),
  /**
   * Create the namespace (labelled for the `restricted` Pod Security Standard), or use an existing
   * one. A created namespace is deleted by `terraform destroy`, and with it the volume claims the
   * StatefulSet retains (validate warns); an existing one is checked at `terraform plan` and left
   * alone by destroy.
   * @default true
   */
  createNamespace: z.boolean().default(true),
  /**
   * Type of the entry point clients use (amqp, management): the proxy's Service `<cluster>-lb`
   * when there is a load balancer, else the client Service `<cluster>`. Every other Service (the
   * client Service behind a proxy, the proxy's status page and metrics, RabbitMQ's Prometheus
   * port on the headless Service) stays ClusterIP: none of them faces the outside.
   * @default ClusterIP
   */
  serviceType: z.enum(['ClusterIP', 'LoadBalancer', 'NodePort']).default('ClusterIP'),
  /** Annotations of the entry point Service only (e.g. a cloud load balancer's settings). @default {} */
  serviceAnnotations: annotationMap,
  /** Client CIDRs the entry point admits; only with `serviceType: LoadBalancer`. @default [] (no restriction) */
  loadBalancerSourceRanges: z.array(z.string().regex(CIDR, { error: 'must be a CIDR such as 10.0.0.0/8' })).default([]),
  /**
   * Persistent volume per node (volume claim template `persistence`, ReadWriteOnce). Changing it
   * replaces the StatefulSet (every pod restarts at once; the data stays because claims are
   * retained): grow volumes by editing the claims instead.
   * @default { size: 10Gi }
   */
  storage: z
    .strictObject({
      /** Must exceed the disk free limit, or every node starts in a disk alarm. @default 10Gi */
      size: sizeSchema.default(10 * 1024 ** 3),
      /** Must exist (checked at `terraform plan`; the stack does not create it). @default - the cluster's default StorageClass */
      storageClass: z.string().regex(DNS_SUBDOMAIN, { error: 'must be a StorageClass name (DNS subdomain)' }).optional(),
    })
    .prefault({}),
  /** Spreading over hosts and zones. @default { hosts: required, zones: preferred } */
  spread: spreadSpec.prefault({}),
  /**
   * Time a pod gets to stop. The preStop hook waits (within it) until every quorum queue keeps a
   * majority without this pod, then drains it; a long period means a node that would break
   * quorum waits for a human rather than being killed. As the cluster-operator: one week.
   * Before `terraform destroy` (all pods stop together, so none can keep quorum) mark the pods:
   * `kubectl -n <namespace> label pod -l app.kubernetes.io/name=<cluster> skipPreStopChecks=true`,
   * then give the kubelet a minute to update the pods' Downward API files.
   * @default 604800
   */
  terminationGracePeriodSeconds: z
    .number()
    .int()
    .min(300, { error: 'must be >= 300 s: the preStop hook needs time to wait for quorum, drain the node and stop it' })
    .max(2592000, { error: 'must be at most 30 days (2592000 s)' })
    .default(604800),
  /**
   * DNS domain of the Kubernetes cluster. Proxies resolve backends at run time without search
   * domains, so the load balancer addresses pods by their fully qualified names
   * (`<pod>.<headless>.<namespace>.svc.<clusterDomain>`).
   * @default cluster.local
   */
  clusterDomain: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: 'must be a DNS domain such as cluster.local' }).default('cluster.local'),
  /**
   * DNS server nginx (1.27.3 and later) asks when it re-resolves the nodes' names at run time: a
   * name (resolved once at start-up through the pod's resolv.conf) or an IPv4 address. Clusters
   * whose DNS Service has another name (OpenShift `dns-default.openshift-dns.svc`) or that run
   * NodeLocal DNSCache (`169.254.20.10`) set it here. HAProxy reads the pod's resolv.conf instead.
   * @default kube-dns.kube-system.svc
   */
  dnsResolver: z.string().max(253).regex(DNS_SUBDOMAIN, { error: 'must be a DNS name such as kube-dns.kube-system.svc or an IPv4 address' }).default(DEFAULT_DNS_RESOLVER),
  /**
   * uid the RabbitMQ containers run as (pod `runAsUser`). It must be the image's rabbitmq user,
   * which owns the image's directories: 999 in the official Debian-based image, 100 in its
   * `-alpine` variants.
   * @default 999
   */
  runAsUser: z.number().int().min(1, { error: 'must be a uid >= 1: the pods run as non-root (Pod Security Standard restricted)' }).max(2147483647).default(999),
  /**
   * gid of the RabbitMQ containers (pod `runAsGroup` and `fsGroup`, which makes the data volume
   * and the Secret files readable for it): 999 in the official image, 101 in its `-alpine`
   * variants.
   * @default 999
   */
  runAsGroup: z.number().int().min(0).max(2147483647).default(999),
  /** Seconds the init container sleeps before RabbitMQ starts, so peers' DNS records propagate (cluster-operator: 30). @default 30 */
  startupDelaySeconds: z.number().int().min(0).max(600).default(30),
  /** How long a booting node may take to see its whole cluster before Kubernetes restarts it (startup probe). @default 600 */
  startupTimeoutSeconds: z.number().int().min(60).max(7200).default(600),
  /**
   * Liveness probe. `none` (cluster-operator default): a node busy syncing or in an alarm is not
   * killed. `ping`: `rabbitmq-diagnostics -q ping` every 60 s, restart after 10 failures, for a wedged VM.
   * @default none
   */
  livenessProbe: z.enum(['none', 'ping']).default('none'),
  /** Labels added to every object and to the pods. @default {} */
  labels: labelMap,
  /** Annotations added to every object (not the pods). @default {} */
  annotations: annotationMap,
  /** Annotations added to the pods (e.g. for a service mesh or backup tool). @default {} */
  podAnnotations: annotationMap,
  /** Node labels a pod requires. @default {} */
  nodeSelector: labelMap,
  /** PriorityClass of the pods; must exist (checked at `terraform plan`; the stack does not create it). @default - none (the cluster default) */
  priorityClassName: z.string().regex(DNS_SUBDOMAIN, { error: 'must be a PriorityClass name' }).optional(),
  /** Secrets for pulling the image from a private registry. @default [] */
  imagePullSecrets: z.array(z.string().regex(DNS_SUBDOMAIN, { error: 'must be a Secret name' })).default([]),
  /** Provider settings (kubeconfig). @default { configPath: ~/.kube/config } */
  provider: providerSpec.prefault({}),
  /** NetworkPolicy on the RabbitMQ pods (spec/network-policy.ts). @default { enabled: false } */
  networkPolicy: networkPolicySpec.prefault({}),
});

/** Kubernetes placement of the cluster (used when `target: kubernetes`). */
export const kubernetesSpec = kubernetesFields.superRefine((k, ctx) => {
  for (const issue of kubernetesSectionIssues(k)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message, input: issue.value });
});

export type KubernetesSpec = z.output<typeof kubernetesSpec>;

/** Rules within the kubernetes section (paths relative to it). */
function kubernetesSectionIssues(k: z.output<typeof kubernetesFields>): Array<{ path: PropertyKey[]; value: unknown; message: string }> {
  const out: Array<{ path: PropertyKey[]; value: unknown; message: string }> = [];
  if (k.createNamespace && (BUILT_IN_NAMESPACES as readonly string[]).includes(k.namespace)) {
  out.push({ path: ['createNamespace'], value: true, message: `namespace ${k.namespace} always exists; set createNamespace: false or choose another namespace` });
  }
  if (k.loadBalancerSourceRanges.length > 0 && k.serviceType !== 'LoadBalancer') {
  out.push({ path: ['loadBalancerSourceRanges'], value: k.loadBalancerSourceRanges, message: `only applies to serviceType LoadBalancer (got ${k.serviceType}); remove it or set serviceType: LoadBalancer` });
  }
  for (const key of Object.keys(k.labels)) {
  if ((RESERVED_LABEL_KEYS as readonly string[]).includes(key)) {
      out.push({ path: ['labels', key], value: k.labels[key], message: 'is set by rmq-ha (selectors, spreading and the disruption budget depend on it); use another key' });
    }
  }
  for (const field of ['annotations', 'podAnnotations', 'serviceAnnotations'] as const) {
  for (const key of Object.keys(k[field])) {
      if (key.startsWith(RESERVED_ANNOTATION_PREFIX)) {
        out.push({ path: [field, key], value: k[field][key], message: `the ${RESERVED_ANNOTATION_PREFIX} prefix is written by rmq-ha (e.g. the config checksum); use another prefix` });
      }
    }
  }
  return out;
}

/** Disk free limit in bytes for a spec (a relative limit multiplies the memory limit). */
export function diskFreeLimitBytes(spec: ClusterSpec): number {
  const d = spec.rabbitmq.diskFreeLimit;
  return 'absolute' in d ? d.absolute : Math.ceil(d.relative * spec.resources.memory);
}

/**
 * Rules that tie the kubernetes section to the rest of the spec (the section's own rules run
 * while parsing). Empty for other targets.
 */
export function kubernetesSpecIssues(spec: ClusterSpec): SpecIssue[] {
  if (spec.target !== 'kubernetes') return [];
  const issues: SpecIssue[] = [...networkPolicyIssues(spec)];
  const fileDescriptors = spec.resources.fileDescriptors;
  if (fileDescriptors !== undefined) {
    issues.push({
      path: 'resources.fileDescriptors',
      value: fileDescriptors,
      message:
        "has no effect on Kubernetes: a pod has no open-files setting, the container runtime's limit on each node applies " +
        '(containerd: LimitNOFILE of its systemd unit; CRI-O: default_ulimits); remove it, and raise the limit there if it is below 65536 ' +
        '(the FileDescriptorsNearLimit alert watches it)',
    });
  }
  const disk = diskFreeLimitBytes(spec);
  if (spec.kubernetes.storage.size <= disk) {
  issues.push({
      path: 'kubernetes.storage.size',
      value: spec.kubernetes.storage.size,
      message: `must exceed the disk free limit (${disk} bytes), or every node starts in a disk alarm that blocks publishers; raise the size or lower rabbitmq.diskFreeLimit`,
    });
  }
  return issues;
}
