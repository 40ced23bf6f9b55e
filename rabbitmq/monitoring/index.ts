export * from './alert-rules';
export * from './pod-annotations';
export * from './prometheus-config';
export * from './rules-file';
export * from './scrape-jobs';
export { metricNamesIn } from './private/promql';
