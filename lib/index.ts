// The package's public surface: user-facing types only. Internals (renderers, checks, the rule
// table, helpers) are imported by path inside lib/ and are not reachable from the package.
export { InferenceWorkloadValidationError } from './errors';
export * from './image';
export * from './policy';
export * from './report';
export * from './targets';
export * from './templates';
export * from './testing';
export * from './platform';
export * from './validation';
export * from './workload';
