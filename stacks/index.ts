export * from './rabbitmq-cluster-stack';
export * from './synth';
