export type { ManagedInstancesTargetOptions, ManagedInstancesRendering } from './managed-instances-target';
export { ManagedInstancesVpcEndpoints } from './wiring';
export type { ManagedInstancesEndpoints } from './wiring';
