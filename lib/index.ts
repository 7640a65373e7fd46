export * from './image';
export * from './policy';
export * from './report';
export * from './targets';
export * from './platform';
export * from './workload';
