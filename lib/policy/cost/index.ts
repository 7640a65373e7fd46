/*
 * The cost model, one file per option: the traffic model and arithmetic (`load`), Lambda,
 * the node a pod lands on (`node-choice`), Kubernetes, the hybrid and Lambda Managed Instances.
 * Each price is computed once, with its line items; the monthly cost is their sum.
 */
export * from './load';
export * from './lambda';
export * from './node-choice';
export * from './kubernetes';
export * from './hybrid';
export * from './managed-instances';
