export * from './addresses';
export * from './endpoints';
export * from './files';
export * from './names';
export * from './plan';
export * from './plan-files';
export * from './ports';
export * from './warnings';
