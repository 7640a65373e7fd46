export * from './hybrid-target';
