import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { InferenceWorkload, ModelImage, PlacementPolicy, PlacementTarget, WorkloadProfile } from '../../lib';
import { GpuTarget, gpuUtilizationTargetFor, MIN_GPU_TARGET } from '../../lib/policy/gpu-target';
import { MANAGED_INSTANCES_GPU_LIMITS, MANAGED_INSTANCES_LIMITS } from '../../lib/policy/limits';
import { resolveProfile } from '../../lib/policy/profile';
import { importedVpc, SERVERLESS_GPU_PROFILE } from '../helpers/fixtures';

const P99 = SERVERLESS_GPU_PROFILE.requestDurationP99Ms!; // 900 ms
const withBudget = (budgetMs: number | undefined, extra: Partial<WorkloadProfile> = {}): WorkloadProfile =>
  ({ ...SERVERLESS_GPU_PROFILE, ...(budgetMs !== undefined ? { latencyBudgetP99Ms: budgetMs } : {}), ...extra });
const targetOf = (p: WorkloadProfile) => gpuUtilizationTargetFor(resolveProfile(p));

/**
 * The target follows the budget: never above 1 / growth (a doubling would fill the GPUs), never
 * below the floor, not higher for a tighter budget, and the p99 stretched by the doubled load
 * (M/M/1: D / (1 - growth x target)) stays within the budget whenever the floor is not what binds.
 */
function checkTargetFollowsBudget(targetFor: (budgetMs: number) => GpuTarget): void {
  const growth = MANAGED_INSTANCES_LIMITS.burstGrowthFactor;
  let previous = 0;
  for (const ratio of [1, 1.05, 1.25, 1.5, 2, 3, 4, 5, 7.5, 10, 20, 100]) {
    const budget = P99 * ratio;
    const { target } = targetFor(budget);
    if (target > 1 / growth || target < MIN_GPU_TARGET) {
      throw new Error(`budget ${budget} ms: target ${target} outside [${MIN_GPU_TARGET}, ${1 / growth}]`);
    }
    if (target < previous) {
      throw new Error(`budget ${budget} ms: target ${target} below the ${previous} of a tighter budget`);
    }
    if (target > MIN_GPU_TARGET && P99 / (1 - growth * target) > budget + 1e-6) {
      throw new Error(`budget ${budget} ms: at ${target} a doubled load stretches the ${P99} ms p99 past the budget`);
    }
    previous = target;
  }
  if (targetFor(P99 * 1.5).target >= targetFor(P99 * 20).target) {
    throw new Error('a tight budget does not get a lower target than a loose one');
  }
}

describe('the GPU utilization target from the latency budget', () => {
  test.each([
    // budget / p99 duration -> target: (1 - 1/ratio) / 2, whole percents rounded down, between 10% and 50%
    [undefined, MANAGED_INSTANCES_GPU_LIMITS.defaultGpuUtilizationTarget, /AWS's default/],
    [P99, MIN_GPU_TARGET, /at least 10%/], // no room at all: the floor
    [P99 * 1.25, MIN_GPU_TARGET, /900 ms p99 \/ 1125 ms budget/], // (1 - 0.8) / 2 = 10%
    [P99 * 2, 0.25, /\(1 - 900 ms p99 \/ 1800 ms budget\) \/ 2 for traffic doubling$/],
    [P99 * 5, 0.4, /4500 ms budget/], // AWS's default falls out of the formula at 5 x the p99
    [P99 * 10, 0.45, /9000 ms budget/],
    [P99 * 1000, 0.49, /900000 ms budget/],
  ])('budget %p ms -> %p', (budget, expected, basis) => {
    const t = targetOf(withBudget(budget));
    expect(t.target).toBe(expected);
    expect(t.basis).toMatch(basis);
  });

  test('the target follows the budget (tighter -> lower, within the bounds, p99 within the budget after a doubling)', () => {
    checkTargetFollowsBudget(b => targetOf(withBudget(b)));
  });

  test('a planted regression fails: a fixed 40% whatever the budget', () => {
    expect(() => checkTargetFollowsBudget(() => ({ target: 0.4, basis: 'fixed' }))).toThrow(/stretches the 900 ms p99 past the budget/);
  });

  test('a planted regression fails: a target that rises as the budget tightens', () => {
    expect(() => checkTargetFollowsBudget(b => ({ target: Math.min(0.5, Math.max(0.1, P99 / b / 2)), basis: 'inverted' }))).toThrow(/below the|past the budget/);
  });

  test('profile.gpuUtilizationTarget overrides the derivation', () => {
    expect(targetOf(withBudget(P99 * 2, { gpuUtilizationTarget: 0.6 }))).toEqual({ target: 0.6, basis: 'profile.gpuUtilizationTarget' });
  });

  test.each([
    [{ gpuUtilizationTarget: 0.05 }, /'profile.gpuUtilizationTarget' must be/],
    [{ gpuUtilizationTarget: 0.95 }, /'profile.gpuUtilizationTarget' must be/],
    [{ gpuUtilizationTarget: 0.5, gpuCount: 0 }, /Cannot configure 'profile.gpuUtilizationTarget' \(0.5\) without 'profile.gpuCount' of at least 1, got 0/],
  ])('throws on a bad override %p', (extra, message) => {
    expect(() => resolveProfile({ ...SERVERLESS_GPU_PROFILE, ...extra } as WorkloadProfile)).toThrow(message);
  });

  test('the decision prices, states and renders the target: a tighter budget, a lower target and more environments at the peak', () => {
    // the placement itself may move with the budget: priced on Managed Instances whatever it is
    const policy = PlacementPolicy.fixed(PlacementTarget.LAMBDA_MANAGED_INSTANCES);
    const loose = policy.decide(withBudget(P99 * 10));
    const tight = policy.decide(withBudget(P99 * 2));
    expect(loose.managedInstances!.gpuUtilizationTarget).toBe(0.45);
    expect(tight.managedInstances!.gpuUtilizationTarget).toBe(0.25);
    expect(tight.managedInstances!.maxExecutionEnvironments).toBeGreaterThan(loose.managedInstances!.maxExecutionEnvironments);
    const item = (d: typeof tight) => d.costs.find(c => c.option === 'lambda-managed-instances')!.lineItems.map(l => l.basis).join(' | ');
    expect(item(tight)).toContain('GPU target 25%: (1 - 900 ms p99 / 1800 ms budget) / 2 for traffic doubling');

    const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
    const w = new InferenceWorkload(stack, 'Reranker', {
      image: ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/reranker-gpu:2.0.0'),
      profile: withBudget(P99 * 2),
      policy,
      managedInstances: { vpc: importedVpc(stack) },
    });
    expect(w.decision.target).toBe(PlacementTarget.LAMBDA_MANAGED_INSTANCES);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::CapacityProvider', {
      CapacityProviderScalingConfig: {
        ScalingPolicies: [
          { PredefinedMetricType: 'LambdaCapacityProviderAverageCPUUtilization', TargetValue: 70 },
          { PredefinedMetricType: 'LambdaCapacityProviderAverageGPUUtilization', TargetValue: 25 },
        ],
      },
    });
  });
});
