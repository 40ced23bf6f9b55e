/**
 * The pod template of the load balancer Deployment as plain provider structs (no constructs):
 * the proxy container of the pinned official image, its probes, volumes, security and placement.
 */
import type {
  DeploymentV1SpecTemplateSpec,
  DeploymentV1SpecTemplateSpecContainer,
  DeploymentV1SpecTemplateSpecContainerPort,
  DeploymentV1SpecTemplateSpecContainerVolumeMount,
  DeploymentV1SpecTemplateSpecVolume,
} from '@cdktf/provider-kubernetes/lib/deployment-v1';
import type { LoadBalancerPlan } from '../../../plan/load-balancer-plan';
import type { TlsPlan } from '../../../plan/tls';
import type { ClusterSpec } from '../../../spec/cluster';
import { loadBalancerSelectorLabels } from './metadata';
import type { KubernetesNames } from './names';
import { containerSecurity } from './pod-template';
import { loadBalancerTlsPlacement } from './tls-pod';

/** What the official image of each proxy needs from the pod. */
export interface ProxyImageProfile {
  /** uid and gid the image's proxy user has (the pod runs as them; fsGroup makes the config readable). */
  readonly uid: number;
  /** Directories the proxy writes at run time, by volume name: emptyDirs, the root filesystem is read-only. */
  readonly writableDirs: Readonly<Record<string, string>>;
}

/**
 * The official images' users and writable paths.
 * - `haproxy` (docker-library): `USER haproxy`, uid/gid 99, working directory /var/lib/haproxy,
 *   where the rendered config puts the runtime API socket. The user is a name in the image, so
 *   `runAsNonRoot` needs the numeric `runAsUser` to be verifiable by the kubelet.
 * - `nginx` (nginx.org build): the master runs as root by default and switches its workers to
 *   `nginx` (uid/gid 101). Our config listens on unprivileged ports only (5672, 15672, 8404, 15692),
 *   sets no `user` directive and logs to stdout/stderr, so the whole server runs as 101 instead:
 *   the `restricted` Pod Security Standard the created namespace enforces rejects root pods. What
 *   it writes are the compiled-in pid file (/var/run/nginx.pid) and temp directories
 *   (/var/cache/nginx/*_temp, created at start): emptyDirs there, writable through fsGroup.
 */
export const PROXY_IMAGES: Readonly<Record<LoadBalancerPlan['kind'], ProxyImageProfile>> = {
  haproxy: { uid: 99, writableDirs: { 'haproxy-run': '/var/lib/haproxy' } },
  nginx: { uid: 101, writableDirs: { 'nginx-cache': '/var/cache/nginx', 'nginx-run': '/var/run' } },
};

/** Volume that carries the rendered config from its Secret. */
export const LB_CONFIG_VOLUME = 'config';

/** Named container ports of the proxy; the Service targets these names. */
export type LoadBalancerPortName = 'amqp' | 'management' | 'stats' | 'prometheus';

/**
 * The listeners of the rendered config, by name: the prometheus pass-through only when enabled.
 * With TLS `amqp` and `management` are the config's AMQPS and HTTPS listeners (the plan puts
 * `tls.loadBalancer.ports` there).
 */
export function loadBalancerPorts(lb: LoadBalancerPlan): Array<{ readonly name: LoadBalancerPortName; readonly port: number }> {
  const { ports, prometheus } = lb.input.settings;
  return [
    { name: 'amqp', port: ports.amqp },
    { name: 'management', port: ports.management },
    { name: 'stats', port: ports.stats },
    ...(prometheus ? [{ name: 'prometheus' as const, port: ports.prometheus }] : []),
  ];
}

/**
 * Requests and limits of the proxy container. A proxy holds little per idle AMQP connection, and
 * HAProxy allocates buffers on demand: 100m / 128Mi is a modest reservation. The 512Mi memory
 * limit leaves room for nginx's 2 workers (each preallocating its `worker_connections`; the
 * count is fixed because `auto` would count the host's CPUs) and for HAProxy, which sizes its fd
 * tables from the container's fd limit. No CPU limit: throttling
 * a proxy delays every connection through it; the request already reserves its share.
 */
export const LOAD_BALANCER_RESOURCES = {
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { memory: '512Mi' },
} as const;

/**
 * Seconds the preStop hook waits before the proxy is told to stop, so that the Service's
 * endpoints (kube-proxy, cloud load balancers) drop the pod before its listeners close.
 */
export const LB_PRESTOP_SLEEP_SECONDS = 5;
/**
 * Grace period: the preStop wait plus time for the image's stop signal (HAProxy SIGUSR1, nginx
 * SIGQUIT: graceful) to let short HTTP requests finish; long-lived AMQP connections are cut at
 * the end and their clients reconnect through another replica.
 */
export const LB_TERMINATION_GRACE_SECONDS = 30;

function proxyContainer(lb: LoadBalancerPlan, tlsMount?: DeploymentV1SpecTemplateSpecContainerVolumeMount): DeploymentV1SpecTemplateSpecContainer {
  const profile = PROXY_IMAGES[lb.kind];
  const port: DeploymentV1SpecTemplateSpecContainerPort[] = loadBalancerPorts(lb).map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' }));
  return {
    name: lb.kind,
    image: lb.image,
    // The image's own command: haproxy -f /usr/local/etc/haproxy/haproxy.cfg, nginx -g 'daemon off;'.
    port,
    resources: { requests: { ...LOAD_BALANCER_RESOURCES.requests }, limits: { ...LOAD_BALANCER_RESOURCES.limits } },
    volumeMount: [
      // subPath: one file at the image's config path, the rest of its directory left as shipped.
      // A subPath file is not refreshed on a Secret change; the checksum annotation rolls the pods.
      { name: LB_CONFIG_VOLUME, mountPath: lb.config.path, subPath: lb.config.name, readOnly: true },
      ...Object.entries(profile.writableDirs).map(([name, mountPath]) => ({ name, mountPath })),
      ...(tlsMount ? [tlsMount] : []),
    ],
    // Ready = the AMQP listener accepts connections. It says nothing about the nodes behind it, on
    // purpose: with every node down, an unready proxy would only turn a refused AMQP handshake
    // into a refused TCP connect.
    readinessProbe: { tcpSocket: [{ port: 'amqp' }], periodSeconds: 5, timeoutSeconds: 3, successThreshold: 1, failureThreshold: 2 },
    // Alive = the stats listener accepts connections. TCP, not HTTP: HAProxy's stats page needs
    // credentials, nginx's stub_status answers loopback only (the kubelet probes from the node).
    livenessProbe: { tcpSocket: [{ port: 'stats' }], initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
    lifecycle: { preStop: [{ exec: { command: ['sleep', String(LB_PRESTOP_SLEEP_SECONDS)] } }] },
    securityContext: containerSecurity,
  };
}

function proxyVolumes(names: KubernetesNames, lb: LoadBalancerPlan, tlsVolume?: DeploymentV1SpecTemplateSpecVolume): DeploymentV1SpecTemplateSpecVolume[] {
  return [
    {
      name: LB_CONFIG_VOLUME,
      // Owner root, group the proxy's (fsGroup): readable by the proxy and no one else.
      secret: { secretName: names.loadBalancerConfigSecret, defaultMode: '0440', items: [{ key: lb.config.name, path: lb.config.name }] },
    },
    ...Object.keys(PROXY_IMAGES[lb.kind].writableDirs).map((name) => ({ name, emptyDir: {} })),
    ...(tlsVolume ? [tlsVolume] : []),
  ];
}

/**
 * The pod spec of the load balancer Deployment.
 * @param tls the plan's TLS: the proxy's CA (and, terminating, its certificate) mounted from a Secret @default - none
 */
export function loadBalancerPodSpec(spec: ClusterSpec, names: KubernetesNames, lb: LoadBalancerPlan, tls?: TlsPlan): DeploymentV1SpecTemplateSpec {
  const k = spec.kubernetes;
  const placed = tls ? loadBalancerTlsPlacement(tls, names) : undefined;
  const id = String(PROXY_IMAGES[lb.kind].uid);
  return {
    // The proxies never call the Kubernetes API; Service env vars are noise to them.
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    terminationGracePeriodSeconds: LB_TERMINATION_GRACE_SECONDS,
    securityContext: {
      runAsUser: id,
      runAsGroup: id,
      runAsNonRoot: true,
      fsGroup: id,
      seccompProfile: { type: 'RuntimeDefault' },
    },
    // Replicas on different hosts when there are enough: one host failure leaves a proxy running.
    // Preferred, not required: a rolling update surges one extra pod, which must still schedule.
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: [{ matchLabels: loadBalancerSelectorLabels(spec) }] } },
        ],
      },
    },
    ...(Object.keys(k.nodeSelector).length > 0 ? { nodeSelector: { ...k.nodeSelector } } : {}),
    ...(k.priorityClassName ? { priorityClassName: k.priorityClassName } : {}),
    ...(k.imagePullSecrets.length > 0 ? { imagePullSecrets: k.imagePullSecrets.map((name) => ({ name })) } : {}),
    container: [proxyContainer(lb, placed?.mount)],
    volume: proxyVolumes(names, lb, placed?.volume),
  };
}
