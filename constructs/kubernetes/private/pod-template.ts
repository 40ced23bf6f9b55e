/**
 * The pod template of the RabbitMQ StatefulSet as plain provider structs (no constructs), built
 * from the spec and the names: containers, probes, volumes, security and placement.
 */
import type {
  StatefulSetV1SpecTemplateSpec,
  StatefulSetV1SpecTemplateSpecAffinity,
  StatefulSetV1SpecTemplateSpecContainer,
  StatefulSetV1SpecTemplateSpecContainerEnv,
  StatefulSetV1SpecTemplateSpecContainerSecurityContext,
  StatefulSetV1SpecTemplateSpecContainerStartupProbe,
  StatefulSetV1SpecTemplateSpecTopologySpreadConstraint,
  StatefulSetV1SpecTemplateSpecVolume,
  StatefulSetV1SpecTemplateSpecVolumeProjectedSources,
} from '@cdktf/provider-kubernetes/lib/stateful-set-v1';
import type { ClusterPlan } from '../../../plan/plan';
import { completeImportLine } from '../../../rabbitmq/definitions/complete-import';
import { toKubernetesQuantity } from '../../../spec/size';
import { amqpListener, managementListener } from '../../../plan/listeners';
import { ERLANG_COOKIE_KEY } from '../server-secrets';
import type { PodFiles } from './config-files';
import { SKIP_PRESTOP_LABEL, selectorLabels } from './metadata';
import type { KubernetesNames } from './names';
import { nodeHostName } from '../../../plan/names';
import { quorumTargets } from '../../../plan/quorum-members';
import {
  cpuQuantity,
  peerDiscoveryUsesApi,
  POD_INFO_DIR,
  preStopBudget,
  preStopCommand,
  hasClassicMirroring,
  startupCheck,
  startupFailureThreshold,
  STARTUP_PROBE_PERIOD_SECONDS,
} from './policies';
import { containerPorts, serverListeners } from './server-ports';
import { interNodeTlsEnv, serverTlsMounts, serverTlsVolume } from './tls-pod';

/** Home of the rabbitmq user: holds the Erlang cookie (emptyDir: the root filesystem is read-only). */
export const HOME_DIR = '/var/lib/rabbitmq';
/** Data directory (node data, quorum queue logs, Khepri): the persistent volume. */
export const DATA_DIR = `${HOME_DIR}/mnesia`;
/** Where the init container sees the cookie Secret. */
const COOKIE_SECRET_DIR = '/tmp/erlang-cookie-secret';
/**
 * The enabled plugins file RabbitMQ and `rabbitmq-plugins` use (RABBITMQ_ENABLED_PLUGINS_FILE):
 * in the home emptyDir, because the config directory is a read-only projected volume and
 * `rabbitmq-plugins enable` at run time must be able to write it. The init container seeds it
 * from the ConfigMap on every pod start (as the cluster-operator does with its /operator
 * emptyDir), so a plugin enabled by hand lasts until the pod is recreated, and the spec's list
 * (a change rolls the pods through the config checksum) is what every new pod starts with.
 */
export const ENABLED_PLUGINS_FILE = `${HOME_DIR}/enabled_plugins`;

/** Volume names of the pod. `persistence` is the volume claim template (as the cluster-operator names it). */
export const VOLUME = {
  persistence: 'persistence',
  home: 'rabbitmq-home',
  config: 'rabbitmq-config',
  cookieSecret: 'erlang-cookie-secret',
  podInfo: 'pod-info',
} as const;

/** Name of the main container (probes, preStop and the consistency checker look for it). */
export const RABBITMQ_CONTAINER = 'rabbitmq';

/**
 * Erlang node name of a pod, built by Kubernetes from the pod's own name and namespace: the
 * same `rabbit@<pod>.<headless>.<ns>` the plan's address table gives node i.
 */
export const NODENAME_PATTERN = 'rabbit@$(MY_POD_NAME).$(K8S_SERVICE_NAME).$(MY_POD_NAMESPACE)';

/** Env of the rabbitmq container, in dependency order ($(VAR) refers only to earlier entries). */
export function rabbitmqEnv(names: KubernetesNames): StatefulSetV1SpecTemplateSpecContainerEnv[] {
  return [
    { name: 'MY_POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
    { name: 'MY_POD_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } },
    { name: 'K8S_SERVICE_NAME', value: names.headlessService },
    { name: 'RABBITMQ_USE_LONGNAME', value: 'true' },
    { name: 'RABBITMQ_NODENAME', value: NODENAME_PATTERN },
    { name: 'K8S_HOSTNAME_SUFFIX', value: '.$(K8S_SERVICE_NAME).$(MY_POD_NAMESPACE)' },
    { name: 'RABBITMQ_ENABLED_PLUGINS_FILE', value: ENABLED_PLUGINS_FILE },
  ];
}

/** The node name RABBITMQ_NODENAME yields for pod `index`. */
export function podNodeName(names: KubernetesNames, index: number): string {
  return NODENAME_PATTERN.replace('$(MY_POD_NAME)', `${names.statefulSet}-${index}`)
    .replace('$(K8S_SERVICE_NAME)', names.headlessService)
    .replace('$(MY_POD_NAMESPACE)', names.namespace);
}

/** Security context of every container (init and main, RabbitMQ and load balancer): `restricted` and a read-only root. */
export const containerSecurity: StatefulSetV1SpecTemplateSpecContainerSecurityContext = {
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/**
 * Init container: installs the cookie for the rabbitmq user with mode 0400, seeds the writable
 * enabled plugins file from the ConfigMap, then waits for DNS.
 */
function setupContainer(plan: ClusterPlan): StatefulSetV1SpecTemplateSpecContainer {
  const cookie = `${HOME_DIR}/${ERLANG_COOKIE_KEY}`;
  const script = [
    'set -e',
    // A restarted pod keeps its emptyDir: replace the read-only copy instead of writing into it.
    `rm -f ${cookie}`,
    `cp ${COOKIE_SECRET_DIR}/${ERLANG_COOKIE_KEY} ${cookie}`,
    `chmod 0400 ${cookie}`,
    // The projected copy is 0444; rabbitmq-plugins rewrites this one.
    `rm -f ${ENABLED_PLUGINS_FILE}`,
    `cp ${plan.nodes[0].enabledPlugins.path} ${ENABLED_PLUGINS_FILE}`,
    `chmod 0644 ${ENABLED_PLUGINS_FILE}`,
    `sleep ${plan.spec.kubernetes.startupDelaySeconds}`,
  ].join('\n');
  return {
    name: 'setup',
    image: plan.image,
    command: ['sh', '-c', script],
    resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
    volumeMount: [
      { name: VOLUME.home, mountPath: HOME_DIR },
      { name: VOLUME.cookieSecret, mountPath: COOKIE_SECRET_DIR, readOnly: true },
      { name: VOLUME.config, mountPath: plan.nodes[0].address.configDir, readOnly: true },
    ],
    securityContext: containerSecurity,
  };
}

function startupProbe(plan: ClusterPlan): StatefulSetV1SpecTemplateSpecContainerStartupProbe {
  const http = managementListener(serverListeners(plan));
  // The kubelet presents no client certificate: an HTTPS listener that requires one refuses it.
  const check = startupCheck(plan.version, http !== undefined && !(http.tls && plan.tls?.clientCertificates === 'required'));
  const timing = {
    initialDelaySeconds: 10,
    periodSeconds: STARTUP_PROBE_PERIOD_SECONDS,
    failureThreshold: startupFailureThreshold(plan.spec.kubernetes.startupTimeoutSeconds),
  };
  if (check.kind === 'http') {
    // Plain HTTP where it listens, else HTTPS (the kubelet does not verify the certificate).
    if (!http) throw new Error('startup probe: the node has no management listener');
    return { ...timing, timeoutSeconds: 5, httpGet: { path: check.path, port: http.name, scheme: http.tls ? 'HTTPS' : 'HTTP' } };
  }
  // A CLI VM needs a few seconds to start and connect (over TLS too, with inter-node TLS).
  return { ...timing, timeoutSeconds: 10, exec: { command: [...check.command] } };
}

function rabbitmqContainer(plan: ClusterPlan, names: KubernetesNames): StatefulSetV1SpecTemplateSpecContainer {
  const { spec } = plan;
  const k = spec.kubernetes;
  const budget = preStopBudget(k.terminationGracePeriodSeconds, spec.nodes);
  const quantities = { cpu: cpuQuantity(spec.resources.cpus), memory: toKubernetesQuantity(spec.resources.memory) };
  const importLine = completeImportLine({
    definitionsPath: plan.nodes[0].definitions.path,
    dataDir: DATA_DIR,
    nodes: spec.nodes,
    nodesFromConfig: plan.nodes[0].config.path,
    quorumQueues: quorumTargets(spec),
    // NODENAME_PATTERN with the pod index a shell variable; the rest from the container's env.
    nodeNameOf: (i) => `rabbit@${nodeHostName(names.statefulSet, i)}.$K8S_SERVICE_NAME.$MY_POD_NAMESPACE`,
  });
  return {
    name: RABBITMQ_CONTAINER,
    image: plan.image,
    // The image's entrypoint and command, after the whole-cluster import of the definitions is
    // started in the background (rabbitmq/definitions/complete-import.ts; its marker lives on the
    // persistent volume).
    command: ['/bin/sh', '-c', `${importLine}\nexec docker-entrypoint.sh rabbitmq-server`],
    port: containerPorts(plan).map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })),
    env: [...rabbitmqEnv(names), ...interNodeTlsEnv(plan)],
    // Memory request = limit (the memory watermark is computed against the limit); CPU too, so the
    // pod is in the Guaranteed QoS class, the last to be evicted under node pressure.
    resources: { requests: { ...quantities }, limits: { ...quantities } },
    volumeMount: [
      // Home before data: the data volume is mounted inside the home emptyDir.
      { name: VOLUME.home, mountPath: HOME_DIR },
      { name: VOLUME.persistence, mountPath: DATA_DIR },
      { name: VOLUME.config, mountPath: plan.nodes[0].address.configDir, readOnly: true },
      { name: VOLUME.podInfo, mountPath: POD_INFO_DIR, readOnly: true },
      ...(plan.tls ? serverTlsMounts(plan.tls) : []),
    ],
    // Ready = the AMQP listener accepts connections (AMQPS when plain AMQP is off, as the
    // cluster-operator does with disableNonTLSListeners), as the cluster-operator and the RabbitMQ
    // docs recommend: a CLI-based readiness check can time out on a busy node and wedge deletes.
    readinessProbe: { tcpSocket: [{ port: amqpListener(serverListeners(plan)).name }], initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 5, successThreshold: 1, failureThreshold: 3 },
    startupProbe: startupProbe(plan),
    // No liveness probe by default: a node that is syncing replicas, recovering queues or in a
    // resource alarm is slow, not dead, and restarting it makes things worse; a crashed VM exits
    // and is restarted anyway. `ping` checks only that the VM answers, every minute, with ten
    // minutes of patience, for the rare wedged VM.
    ...(k.livenessProbe === 'ping'
      ? { livenessProbe: { exec: { command: ['rabbitmq-diagnostics', '-q', 'ping'] }, periodSeconds: 60, timeoutSeconds: 30, failureThreshold: 10 } }
      : {}),
    lifecycle: { preStop: [{ exec: { command: ['/bin/sh', '-c', preStopCommand(budget, { awaitMirrors: hasClassicMirroring(plan.version) })] } }] },
    securityContext: containerSecurity,
  };
}

function volumes(plan: ClusterPlan, names: KubernetesNames, files: PodFiles): StatefulSetV1SpecTemplateSpecVolume[] {
  const sources: StatefulSetV1SpecTemplateSpecVolumeProjectedSources[] = [];
  if (files.plain.length > 0) {
    sources.push({ configMap: [{ name: names.configMap, items: files.plain.map((f) => ({ key: f.key, path: f.relativePath })) }] });
  }
  if (files.sensitive.length > 0) {
    // fsGroup makes 0400 files group-readable (0440) for the rabbitmq group, and no one else.
    sources.push({ secret: [{ name: names.secretFilesSecret, items: files.sensitive.map((f) => ({ key: f.key, path: f.relativePath, mode: '0400' })) }] });
  }
  return [
    { name: VOLUME.home, emptyDir: {} },
    {
      name: VOLUME.cookieSecret,
      secret: { secretName: names.erlangCookieSecret, defaultMode: '0400', items: [{ key: ERLANG_COOKIE_KEY, path: ERLANG_COOKIE_KEY }] },
    },
    { name: VOLUME.config, projected: [{ defaultMode: '0444', sources }] },
    {
      name: VOLUME.podInfo,
      downwardApi: { items: [{ path: SKIP_PRESTOP_LABEL, fieldRef: { apiVersion: 'v1', fieldPath: `metadata.labels['${SKIP_PRESTOP_LABEL}']` } }] },
    },
    ...(plan.tls ? [serverTlsVolume(plan.tls, names)] : []),
  ];
}

/** Pod anti-affinity over hosts, as the spec asks. */
export function hostSpreading(plan: ClusterPlan): StatefulSetV1SpecTemplateSpecAffinity | undefined {
  const level = plan.spec.kubernetes.spread.hosts;
  const term = { topologyKey: 'kubernetes.io/hostname', labelSelector: [{ matchLabels: selectorLabels(plan.spec) }] };
  if (level === 'required') return { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } };
  if (level === 'preferred') return { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] } };
  return undefined;
}

/** Topology spread over zones, as the spec asks. */
export function zoneSpreading(plan: ClusterPlan): StatefulSetV1SpecTemplateSpecTopologySpreadConstraint[] {
  const level = plan.spec.kubernetes.spread.zones;
  if (level === 'none') return [];
  const base = { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', labelSelector: [{ matchLabels: selectorLabels(plan.spec) }] };
  if (level === 'preferred') return [{ ...base, whenUnsatisfiable: 'ScheduleAnyway' }];
  return [{ ...base, whenUnsatisfiable: 'DoNotSchedule', minDomains: Math.min(plan.spec.nodes, 3) }];
}

/** The pod spec of the StatefulSet. */
export function podSpec(plan: ClusterPlan, names: KubernetesNames, files: PodFiles): StatefulSetV1SpecTemplateSpec {
  const k = plan.spec.kubernetes;
  const usesApi = peerDiscoveryUsesApi(plan.version);
  const affinity = hostSpreading(plan);
  const spread = zoneSpreading(plan);
  // The image's rabbitmq user (999 in the official image; the spec says for others).
  const uid = String(k.runAsUser);
  const gid = String(k.runAsGroup);
  return {
    // Pre-4.1 peer discovery reads Endpoints with this account's token; from 4.1 no token at all.
    ...(usesApi ? { serviceAccountName: names.serviceAccount } : {}),
    automountServiceAccountToken: usesApi,
    // No Service env vars: a Service named like RABBITMQ_* would inject variables the server reads.
    enableServiceLinks: false,
    terminationGracePeriodSeconds: k.terminationGracePeriodSeconds,
    securityContext: {
      runAsUser: uid,
      runAsGroup: gid,
      runAsNonRoot: true,
      fsGroup: gid,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    },
    ...(affinity ? { affinity } : {}),
    ...(spread.length > 0 ? { topologySpreadConstraint: spread } : {}),
    ...(Object.keys(k.nodeSelector).length > 0 ? { nodeSelector: { ...k.nodeSelector } } : {}),
    ...(k.priorityClassName ? { priorityClassName: k.priorityClassName } : {}),
    ...(k.imagePullSecrets.length > 0 ? { imagePullSecrets: k.imagePullSecrets.map((name) => ({ name })) } : {}),
    initContainer: [setupContainer(plan)],
    container: [rabbitmqContainer(plan, names)],
    volume: volumes(plan, names, files),
  };
}
