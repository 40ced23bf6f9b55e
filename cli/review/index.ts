export * from './diff';
export * from './format';
export * from './summary';
