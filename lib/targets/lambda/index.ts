export * from './code';
export * from './entry-point';
export * from './lambda-target';
