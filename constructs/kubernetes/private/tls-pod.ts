/**
 * How TLS material reaches the pods, as plain provider structs: Secret volumes and read-only
 * mounts at the paths the plan's rabbitmq.conf, inter_node_tls.config and proxy config name, and
 * the VM arguments of inter-node TLS.
 *
 * RabbitMQ pods share one template, but each needs its own certificate (its own DNS name). The
 * Terraform-made Secret `<cluster>-server-tls` holds `ca.crt` and `<pod>.tls.crt`/`<pod>.tls.key`
 * per pod; every pod mounts the CA and, through `subPathExpr: $(MY_POD_NAME)...`, only its own
 * two files. The template lists no per-pod item, so scaling does not change it (no restart of the
 * running pods). An existing Secret (`tls.certificates.secret`, cert-manager's layout) is one
 * certificate for every pod and is mounted whole, so a renewal reaches the pods.
 *
 * Modes: 0400 in the volume; fsGroup (the rabbitmq group) makes them 0440, owner root: readable
 * by the rabbitmq user's group and no one else. The load balancer's files are 0440 with the
 * proxy's fsGroup, like its config.
 */
import * as path from 'node:path';
import type {
  StatefulSetV1SpecTemplateSpecContainerEnv,
  StatefulSetV1SpecTemplateSpecContainerVolumeMount,
  StatefulSetV1SpecTemplateSpecVolume,
} from '@cdktf/provider-kubernetes/lib/stateful-set-v1';
import type { DeploymentV1SpecTemplateSpecContainerVolumeMount, DeploymentV1SpecTemplateSpecVolume } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import type { ClusterPlan } from '../../../plan/plan';
import { TLS_FILE_NAMES, type TlsPaths, type TlsPlan } from '../../../plan/tls';
import { nodeErlArgs } from '../../../plan/tls-files';
import { EXTERNAL_SECRETS_ANNOTATION } from './metadata';
import type { KubernetesNames } from './names';

/** Volume names of the TLS material. */
export const TLS_VOLUME = { server: 'rabbitmq-tls', loadBalancer: 'tls' } as const;

/** The pod-name variable every RabbitMQ container defines (pod-template.ts `rabbitmqEnv`). */
const POD_NAME_VAR = '$(MY_POD_NAME)';

/** Key of pod `pod`'s file `name` in `<cluster>-server-tls`: `rmq-server-0.tls.key`. */
export function podTlsKey(pod: string, name: string): string {
  return `${pod}.${name}`;
}

/** True when the pods read a Secret this stack does not create (`tls.certificates.secret`). */
export function existingTlsSecret(tls: TlsPlan): string | undefined {
  return tls.source.kind === 'secret' ? tls.source.name : undefined;
}

/** Annotations of a workload whose pods mount an existing Secret (none when the stack makes its own). */
export function externalSecretAnnotations(tls: TlsPlan | undefined): Record<string, string> {
  const existing = tls ? existingTlsSecret(tls) : undefined;
  return existing ? { [EXTERNAL_SECRETS_ANNOTATION]: existing } : {};
}

/** The one set of paths every pod uses (the Kubernetes address table puts them in one directory). */
export function podTlsPaths(tls: TlsPlan): TlsPaths {
  const first = tls.nodes[0]?.paths;
  if (!first) throw new Error('TLS plan without nodes');
  for (const n of tls.nodes) {
    if (JSON.stringify(n.paths) !== JSON.stringify(first)) throw new Error(`node ${n.index} keeps its TLS files elsewhere than node 0; a StatefulSet shares one pod template`);
  }
  if (path.posix.dirname(first.ca) !== path.posix.dirname(first.cert) || path.posix.dirname(first.ca) !== path.posix.dirname(first.key)) {
    throw new Error('the CA, certificate and key must share a directory');
  }
  return first;
}

/** The Secret volume of the RabbitMQ pods. */
export function serverTlsVolume(tls: TlsPlan, names: KubernetesNames): StatefulSetV1SpecTemplateSpecVolume {
  const existing = existingTlsSecret(tls);
  if (existing) {
    const items = Object.values(TLS_FILE_NAMES).map((key) => ({ key, path: key }));
    return { name: TLS_VOLUME.server, secret: { secretName: existing, defaultMode: '0400', items } };
  }
  return { name: TLS_VOLUME.server, secret: { secretName: names.serverTlsSecret, defaultMode: '0400' } };
}

/** Read-only mounts of the CA, certificate and key at the plan's paths. */
export function serverTlsMounts(tls: TlsPlan): StatefulSetV1SpecTemplateSpecContainerVolumeMount[] {
  const paths = podTlsPaths(tls);
  if (existingTlsSecret(tls)) return [{ name: TLS_VOLUME.server, mountPath: path.posix.dirname(paths.ca), readOnly: true }];
  return [
    { name: TLS_VOLUME.server, mountPath: paths.ca, subPath: TLS_FILE_NAMES.ca, readOnly: true },
    { name: TLS_VOLUME.server, mountPath: paths.cert, subPathExpr: podTlsKey(POD_NAME_VAR, TLS_FILE_NAMES.cert), readOnly: true },
    { name: TLS_VOLUME.server, mountPath: paths.key, subPathExpr: podTlsKey(POD_NAME_VAR, TLS_FILE_NAMES.key), readOnly: true },
  ];
}

/**
 * Inter-node TLS: the server and every CLI tool started in the container (probes, preStop,
 * `kubectl exec rabbitmqctl`) speak the distribution over TLS with the node's certificate.
 */
export function interNodeTlsEnv(plan: ClusterPlan): StatefulSetV1SpecTemplateSpecContainerEnv[] {
  const args = nodeErlArgs(plan.tls, 0);
  const others = plan.nodes.map((n) => nodeErlArgs(plan.tls, n.address.index));
  if (others.some((a) => a !== args)) throw new Error('nodes need different VM arguments; a StatefulSet shares one pod template');
  if (!args) return [];
  return [
    { name: 'RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS', value: args },
    { name: 'RABBITMQ_CTL_ERL_ARGS', value: args },
  ];
}

/** The load balancer's TLS volume and mount, at the directory its config names. */
export function loadBalancerTlsPlacement(
  tls: TlsPlan,
  names: KubernetesNames,
): { volume: DeploymentV1SpecTemplateSpecVolume; mount: DeploymentV1SpecTemplateSpecContainerVolumeMount } | undefined {
  const lb = tls.loadBalancer;
  if (!lb) return undefined;
  const dir = path.posix.dirname(lb.paths.ca);
  if ([lb.paths.cert, lb.paths.key, lb.combinedPath].some((p) => path.posix.dirname(p) !== dir)) throw new Error('load balancer TLS files must share a directory');
  const existing = existingTlsSecret(tls);
  // An existing Secret gives the CA only (spec/tls.ts refuses terminate with it).
  const secret = existing
    ? { secretName: existing, defaultMode: '0440', items: [{ key: TLS_FILE_NAMES.ca, path: TLS_FILE_NAMES.ca }] }
    : { secretName: names.loadBalancerTlsSecret, defaultMode: '0440' };
  return { volume: { name: TLS_VOLUME.loadBalancer, secret }, mount: { name: TLS_VOLUME.loadBalancer, mountPath: dir, readOnly: true } };
}
