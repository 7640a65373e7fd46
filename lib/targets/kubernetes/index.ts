export * from './kubernetes-target';
export * from './assembly';
