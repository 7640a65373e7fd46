export type { ManagedInstancesTargetOptions, ManagedInstancesRendering } from './managed-instances-target';
