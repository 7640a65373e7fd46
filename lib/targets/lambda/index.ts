export { LambdaCode } from './code';
export type { LambdaDockerfileOptions } from './code';
export { LambdaEntryPoint } from './entry-point';
export type { FunctionUrlEntryPointOptions, HttpApiEntryPointOptions } from './entry-point';
export type { LambdaTargetOptions } from './options';
export type { LambdaAlarms } from './alarms';
export type { LambdaRendering } from './lambda-target';
