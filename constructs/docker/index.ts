export * from './cluster-network';
export * from './docker-cluster';
export * from './load-balancer-container';
export * from './rabbitmq-node';
export * from './staged-files';
