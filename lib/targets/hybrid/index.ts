export type { HybridTargetOptions, HybridRendering, HybridAlarms } from './hybrid-target';
export type { HybridTimeBudget } from './time-budget';
