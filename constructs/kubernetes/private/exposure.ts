/**
 * Which Service faces the outside. Only the entry point clients use (the proxy's Service when
 * there is a load balancer, else the client Service) gets `kubernetes.serviceType`, its
 * annotations and source ranges; every other Service of the cluster stays ClusterIP. Two external
 * load balancers for one cluster cost money and, worse, put the unauthenticated listeners
 * (RabbitMQ's Prometheus endpoint on 15692, the proxy's status page and metrics pass-through) on
 * an outside address. Those listeners are on ClusterIP Services only, whatever the type.
 */
import type { ServiceV1Spec } from '@cdktf/provider-kubernetes/lib/service-v1';
import type { ClusterSpec } from '../../../spec/cluster';

/** True when the cluster has a proxy in front of the nodes: then its Service is the entry point. */
export function hasProxy(spec: ClusterSpec): boolean {
  return spec.loadBalancer.kind !== 'none';
}

/** How a Service is exposed: type and source ranges (spec fields), the spec's Service annotations. */
export interface ServiceExposure {
  /** `kubernetes.serviceAnnotations` (cloud load balancer settings): on the entry point only. */
  readonly annotations: Readonly<Record<string, string>>;
  readonly spec: Pick<ServiceV1Spec, 'type' | 'loadBalancerSourceRanges'>;
}

/** The spec's exposure for the entry point; ClusterIP without annotations for every other Service. */
export function serviceExposure(spec: ClusterSpec, entryPoint: boolean): ServiceExposure {
  const k = spec.kubernetes;
  if (!entryPoint) return { annotations: {}, spec: { type: 'ClusterIP' } };
  return {
    annotations: k.serviceAnnotations,
    spec: { type: k.serviceType, ...(k.loadBalancerSourceRanges.length > 0 ? { loadBalancerSourceRanges: [...k.loadBalancerSourceRanges] } : {}) },
  };
}
