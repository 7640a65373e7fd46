export * from './workload-templates';
