export * from './kubernetes-target';
export * from './assembly';
export * from './gpu';
export * from './cache-sidecar';
export * from './scaling';
export * from './delivery';
