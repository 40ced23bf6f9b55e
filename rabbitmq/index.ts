export * from './conf-context';
export * from './conf-rules';
export { formatFloat, renderConfValue, type ConfValue } from './conf-value';
export * from './definitions';
export * from './enabled-plugins';
export * from './rabbitmq-conf';
export * from './monitoring';
