import {
  CostCurvePoint, PlacementDecision, PlacementDecisionProps, PlacementTarget, RuleKind, RuleVerdict,
} from '../../lib';

/** A price table reference used by every fixture. */
export const PRICES = {
  name: 'fixture-us-east-1',
  region: 'us-east-1',
  effectiveDate: '2026-11-01',
  source: 'hand-written test fixture',
  currency: 'USD',
};

/** Lambda on demand grows linearly with load; Lambda provisioned has a floor; Kubernetes steps per node. */
export function fixtureCurve(): CostCurvePoint[] {
  const points: CostCurvePoint[] = [];
  for (let i = 0; i <= 20; i++) {
    const u = i / 20;
    points.push({ option: 'lambda-on-demand', utilization: u, monthlyUsd: round2(40 + 2600 * u) });
    points.push({ option: 'lambda-provisioned', utilization: u, monthlyUsd: round2(420 + 1900 * u) });
    points.push({ option: 'kubernetes', utilization: u, monthlyUsd: round2(735 + 150 * Math.ceil(u * 4)) });
  }
  return points;
}

/** A CPU workload at 20% utilization with a break-even of 27.3%: stays on Lambda. */
export function lambdaDecision(overrides: Partial<PlacementDecisionProps> = {}): PlacementDecision {
  return new PlacementDecision({
    target: PlacementTarget.LAMBDA,
    policyName: 'default',
    rules: [
      { ruleId: 'constraint.gpu', kind: RuleKind.CONSTRAINT, verdict: RuleVerdict.PASSED, reason: 'CPU only' },
      {
        ruleId: 'economics.break-even',
        kind: RuleKind.ECONOMICS,
        verdict: RuleVerdict.FIRED,
        reason: 'utilization 20.0% is below the break-even 27.3%',
        favours: PlacementTarget.LAMBDA,
      },
    ],
    costs: [
      {
        option: 'lambda-on-demand',
        target: PlacementTarget.LAMBDA,
        monthlyUsd: 560,
        feasible: true,
        lineItems: [
          { label: 'compute', monthlyUsd: 540, basis: '1.3M GB-s x $0.0000166667' },
          { label: 'requests', monthlyUsd: 20, basis: '100M x $0.20/M' },
        ],
      },
      {
        option: 'lambda-provisioned',
        target: PlacementTarget.LAMBDA,
        monthlyUsd: 800,
        feasible: true,
        lineItems: [{ label: 'provisioned concurrency standby', monthlyUsd: 800, basis: '4 x 2 GB x 730 h' }],
      },
      {
        option: 'kubernetes',
        target: PlacementTarget.KUBERNETES,
        monthlyUsd: 885,
        feasible: true,
        lineItems: [{ label: 'nodes', monthlyUsd: 885, basis: '2 x m7i.large x 730 h | warm floor' }],
      },
    ],
    breakEvenUtilization: 0.273,
    sustainedUtilization: 0.2,
    priceTable: PRICES,
    lambda: {
      memoryMiB: 2048,
      timeoutSeconds: 3,
      ephemeralStorageMiB: 1229,
      architecture: 'x86_64' as any,
      provisionedConcurrencyMin: 4,
      provisionedConcurrencyMax: 12,
      utilizationTarget: 0.7,
      peakConcurrency: 12,
    },
    costCurve: fixtureCurve(),
    ...overrides,
  });
}

/** A GPU workload: Lambda infeasible, placed on Kubernetes, no break-even. */
export function gpuDecision(overrides: Partial<PlacementDecisionProps> = {}): PlacementDecision {
  const curve: CostCurvePoint[] = [];
  for (let i = 0; i <= 10; i++) {
    const u = i / 10;
    curve.push({ option: 'lambda-on-demand', utilization: u, monthlyUsd: round2(100 + 9000 * u) });
    curve.push({ option: 'kubernetes', utilization: u, monthlyUsd: round2(1469 + 734 * Math.ceil(u * 3)) });
  }
  return new PlacementDecision({
    target: PlacementTarget.KUBERNETES,
    policyName: 'default',
    rules: [{
      ruleId: 'constraint.gpu',
      kind: RuleKind.CONSTRAINT,
      verdict: RuleVerdict.FIRED,
      reason: 'needs 1 GPU(s) with 24 GiB each; Lambda has no GPU',
      excludes: [PlacementTarget.LAMBDA],
      favours: PlacementTarget.KUBERNETES,
    }],
    costs: [
      {
        option: 'lambda-on-demand',
        target: PlacementTarget.LAMBDA,
        monthlyUsd: 2350,
        feasible: false,
        excludedBy: ['constraint.gpu'],
        lineItems: [],
      },
      {
        option: 'kubernetes',
        target: PlacementTarget.KUBERNETES,
        monthlyUsd: 2203,
        feasible: true,
        lineItems: [{ label: 'GPU nodes', monthlyUsd: 2203, basis: '3 x g5.xlarge x 730 h x $1.006/h' }],
      },
    ],
    sustainedUtilization: 0.25,
    priceTable: PRICES,
    kubernetes: {
      replicasMin: 2,
      replicasMax: 7,
      gpuCount: 1,
      gpuMemoryGiB: 24,
      gpuProduct: 'NVIDIA-A10G',
      gpuName: 'a10g',
      instanceType: 'g5.xlarge',
      cpuMillis: 3000,
      memoryMiB: 30720,
      concurrencyPerReplica: 4,
    },
    costCurve: curve,
    ...overrides,
  });
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
