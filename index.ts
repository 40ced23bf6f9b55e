/**
 * Library entry: `import { RabbitMqClusterStack, clusterSpec, clusterSpecFrom } from 'rmq-ha'`.
 * Provider classes are not re-exported (deep imports only, inside constructs/).
 */
export * from './spec';
export * from './plan';
export * from './rabbitmq';
export * from './stacks';
export { DockerCluster, type DockerClusterProps } from './constructs/docker/docker-cluster';
export { KubernetesCluster, type KubernetesClusterProps } from './constructs/kubernetes/kubernetes-cluster';
export { checkKubernetesStack } from './constructs/kubernetes/consistency';
