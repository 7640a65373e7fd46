export { PlacementTarget, RuleVerdict, RuleKind, PlacementDecision, Verdict } from './decision';
export type { HybridTimeBudget } from './time-budget';
export type {
  RuleOutcome, CostLineItem, OptionCost, PriceTableReference, LambdaSizing, KubernetesSizing, KubernetesNodeCandidate, HybridSizing,
  CostCurvePoint, PlacementDecisionProps, ManagedInstancesSizing, BreakEven,
} from './decision';
export { PlacementPolicy } from './policy';
export type { IPlacementPolicy, PlacementPolicyOptions, CostOptimizedPolicyOptions } from './policy';
export { PriceTable } from './pricing';
export type {
  LambdaPrices, GpuInstancePrice, CpuInstancePrice, ClusterOverhead, PriceTableProps, ManagedInstancesPrices, NetworkLoadBalancerPrices,
} from './pricing';
export { CpuArchitecture } from './profile';
export type { WarmSchedule, WorkloadProfile } from './profile';
