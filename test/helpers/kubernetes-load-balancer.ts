/** What the Kubernetes load-balancer tests share: a spec per proxy kind, its synthesized stack, accessors, and the checker after an edit. */
import { checkKubernetesStack } from '../../constructs/kubernetes/consistency';
import { CONFIG_CHECKSUM_ANNOTATION } from '../../constructs/kubernetes/private/metadata';
import type { ClusterSpecInput } from '../../spec/cluster';
import { DEFAULT_HAPROXY_IMAGE, DEFAULT_NGINX_IMAGE } from '../../spec/load-balancer';
import { clone, k8sSpec, synthStack, type StackJson } from './kubernetes';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Kind = 'haproxy' | 'nginx';
export const KINDS: readonly Kind[] = ['haproxy', 'nginx'];
export const IMAGES = { haproxy: DEFAULT_HAPROXY_IMAGE, nginx: DEFAULT_NGINX_IMAGE } as const;
export const CONFIG_KEYS = { haproxy: 'haproxy.cfg', nginx: 'nginx.conf' } as const;

/** A small Kubernetes spec with a load balancer of `kind` (and `lb` settings on top). */
export function lbSpec(kind: Kind, lb: Record<string, unknown> = {}, extra: Partial<ClusterSpecInput> = {}): ClusterSpecInput {
  return k8sSpec({ ...extra, loadBalancer: { kind, ...lb } as ClusterSpecInput['loadBalancer'] });
}

export const stacks = { haproxy: synthStack(lbSpec('haproxy')), nginx: synthStack(lbSpec('nginx')) };

export const deployment = (j: StackJson): any => j.resource.kubernetes_deployment_v1.load_balancer;
export const lbPod = (j: StackJson): any => deployment(j).spec.template.spec;
export const lbContainer = (j: StackJson): any => lbPod(j).container[0];
export const lbService = (j: StackJson): any => j.resource.kubernetes_service_v1.load_balancer;
export const lbInternalService = (j: StackJson): any => j.resource.kubernetes_service_v1.load_balancer_internal;
export const configData = (j: StackJson): Record<string, string> => j.resource.kubernetes_secret_v1.load_balancer_config.data;
export const checksumOf = (j: StackJson): string => deployment(j).spec.template.metadata.annotations[CONFIG_CHECKSUM_ANNOTATION];
export const labelsSelect = (selector: Record<string, string>, labels: Record<string, string>): boolean =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Applies `edit` to a copy of `base` and returns the checker's problems. */
export function problemsAfter(base: StackJson, edit: (j: any) => void): string[] {
  const j = clone(base);
  edit(j);
  return checkKubernetesStack(j);
}
