export * from './cached-validate-plugin';
