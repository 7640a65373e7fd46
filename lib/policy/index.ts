export { PlacementTarget, RuleVerdict, RuleKind, PlacementDecision } from './decision';
export type {
  RuleOutcome, CostLineItem, OptionCost, PriceTableReference, LambdaSizing, KubernetesSizing, KubernetesNodeCandidate, HybridSizing, CostCurvePoint,
  PlacementDecisionProps,
} from './decision';
export { PlacementPolicy } from './policy';
export type { IPlacementPolicy, PlacementPolicyOptions, CostOptimizedPolicyOptions } from './policy';
export { PriceTable } from './pricing';
export type { LambdaPrices, GpuInstancePrice, CpuInstancePrice, ClusterOverhead, PriceTableProps } from './pricing';
export { CpuArchitecture } from './profile';
export type { WarmSchedule, WorkloadProfile } from './profile';
