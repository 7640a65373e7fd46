export * from './image';
export * from './policy';
export * from './report';
export * from './targets';
export * from './templates';
export * from './testing';
export * from './platform';
export * from './workload';
