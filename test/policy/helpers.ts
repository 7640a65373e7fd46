import { PlacementDecision, PlacementPolicy, PlacementPolicyOptions, PriceTable, RuleOutcome, WorkloadProfile } from '../../lib/policy';

/** A spiky, stateless CPU workload that the default policy places on Lambda. */
export const SPIKY_CPU: WorkloadProfile = {
  memoryMiB: 2048,
  requestDurationP50Ms: 120,
  requestDurationP99Ms: 400,
  averageRequestsPerSecond: 2,
  peakRequestsPerSecond: 40,
};

/** A single-GPU model server. */
export const GPU: WorkloadProfile = {
  memoryMiB: 30_720,
  gpuCount: 1,
  gpuMemoryGiB: 24,
  requestDurationP50Ms: 1500,
  requestDurationP99Ms: 6000,
  averageRequestsPerSecond: 3,
  peakRequestsPerSecond: 12,
};

/** The outcome of one rule, failing the test when the rule was not evaluated. */
export function rule(d: PlacementDecision, id: string): RuleOutcome {
  const r = d.rules.find(x => x.ruleId === id);
  if (!r) {
    throw new Error(`rule ${id} not in decision: ${d.rules.map(x => x.ruleId).join(', ')}`);
  }
  return r;
}

/** The monthly cost of one option. */
export function usd(d: PlacementDecision, option: string): number {
  const c = d.costs.find(x => x.option === option);
  if (!c) {
    throw new Error(`option ${option} not priced: ${d.costs.map(x => x.option).join(', ')}`);
  }
  return c.monthlyUsd;
}

/**
 * The default table with a management fee that makes Lambda Managed Instances dearer than any
 * other option: for tests about the other targets' own economics (the default table would place
 * some of their profiles on Managed Instances).
 */
export const DEAR_MANAGED_INSTANCES = PriceTable.custom({
  ...PriceTable.awsUsEast1().props,
  name: 'dear-managed-instances',
  managedInstances: { ...PriceTable.awsUsEast1().managedInstancesPrices, managementFeeRate: 10 },
});

/** The default policy over `DEAR_MANAGED_INSTANCES`. */
export function withoutManagedInstances(options: PlacementPolicyOptions = {}): PlacementPolicy {
  return PlacementPolicy.default({ ...options, priceTable: DEAR_MANAGED_INSTANCES });
}
