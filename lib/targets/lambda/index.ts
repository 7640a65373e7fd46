export * from './lambda-target';
