export * from './inference-testing';
