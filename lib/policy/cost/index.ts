/*
 * The cost model, one file per option: the traffic model and arithmetic (`load`), Lambda,
 * the node a pod lands on (`node-choice`), Kubernetes, the hybrid and Lambda Managed Instances.
 * Each option has one pricing function, its bill: every line's amount in cents and their sum
 * (`xxxBill`). Its cost (`xxxCost`) is that bill with the line items' text written from the same
 * numbers. The searches, break-evens and the cost curve read bills; the decision lists costs.
 */
export * from './load';
export * from './lambda';
export * from './node-choice';
export * from './kubernetes';
export * from './hybrid';
export * from './managed-instances';
