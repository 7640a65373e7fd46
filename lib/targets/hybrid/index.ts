export type { HybridTargetOptions, HybridRendering, HybridAlarms } from './hybrid-target';
