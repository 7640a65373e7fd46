export type { HybridTargetOptions, HybridRendering } from './hybrid-target';
