export type { HybridTargetOptions, HybridRendering, HybridAlarms } from './hybrid-target';
export type { OverflowWebAdapterOptions } from './overflow';
