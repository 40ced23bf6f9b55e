export * from './diff';
export * from './format';
export * from './rolling';
export * from './summary';
