import { GPU, rule, SPIKY_CPU, usd } from './helpers';
import { CpuArchitecture, PlacementPolicy, PlacementTarget, PriceTable, RuleKind, RuleVerdict, WorkloadProfile } from '../../lib/policy';
import { decide as decideWith } from '../../lib/policy/engine';
import { resolveProfile } from '../../lib/policy/profile';
import { ChoiceContext, ChoiceRule, EngineMode, PolicyRule, reasonText } from '../../lib/policy/rule-types';
import { RULES } from '../../lib/policy/rules';

const policy = PlacementPolicy.default();
const decide = (overrides: Partial<WorkloadProfile>) => policy.decide({ ...SPIKY_CPU, ...overrides } as WorkloadProfile);

const L = PlacementTarget.LAMBDA;
const K = PlacementTarget.KUBERNETES;
const H = PlacementTarget.HYBRID;
const M = PlacementTarget.LAMBDA_MANAGED_INSTANCES;

/** [rule id, profile at the boundary (passes), profile just past it (fires), targets excluded when fired] */
const CONSTRAINTS: Array<[string, Partial<WorkloadProfile>, Partial<WorkloadProfile>, PlacementTarget[]]> = [
  ['constraint.gpu', { gpuCount: 0 }, { gpuCount: 1 }, [L]],
  ['constraint.memory', { memoryMiB: 10_240 }, { memoryMiB: 10_241 }, [L]],
  ['constraint.duration', { requestDurationP99Ms: 900_000 }, { requestDurationP99Ms: 900_001 }, [L, H, M]],
  ['constraint.image-size', { imageSizeGiB: 10 }, { imageSizeGiB: 10.001 }, [L, M]],
  ['constraint.payload', { requestPayloadKiB: 6144 }, { requestPayloadKiB: 6145 }, [L, H, M]],
  ['constraint.jitter', { jitterBudgetMicros: 50 }, { jitterBudgetMicros: 49.999 }, [L, H, M]],
  ['constraint.node-local-state', { nodeLocalStateGiB: 0 }, { nodeLocalStateGiB: 0.001 }, [L, M]],
  ['constraint.managed-instances-gpu', { gpuCount: 1 }, { gpuCount: 2 }, [M]],
  ['constraint.managed-instances-memory', { memoryMiB: 10_240 }, { memoryMiB: 10_241 }, [M]],
];

/** Engine settings of the default rules policy, over the default table. */
const engine = (rules: readonly PolicyRule[]) => ({
  policyName: 'test',
  priceTable: PriceTable.awsUsEast1(),
  mode: EngineMode.RULES,
  bandCostTolerance: 0.2,
  latencyWeight: 0,
  includeHybrid: false,
  utilizationTarget: 0.7,
  rules,
});

describe('hard constraints', () => {
  test.each(CONSTRAINTS)('%s passes at the boundary and fires just past it', (id, at, past, excludes) => {
    const passed = rule(decide(at), id);
    expect(passed.kind).toBe(RuleKind.CONSTRAINT);
    expect(passed.verdict).toBe(RuleVerdict.PASSED);
    expect(passed.excludes).toBeUndefined();

    const d = decide(past);
    const fired = rule(d, id);
    expect(fired.verdict).toBe(RuleVerdict.FIRED);
    expect(fired.excludes).toEqual(excludes);
    expect(fired.reason).toMatch(/\d/); // the sentence carries the numbers
    expect(d.target).not.toBe(L);
    for (const target of excludes) {
      expect(d.target).not.toBe(target);
      for (const c of d.costs.filter(x => x.target === target)) {
        expect(c.feasible).toBe(false);
        expect(c.excludedBy).toContain(id);
      }
    }
  });

  test('every hard constraint runs first, in a stable order, on every decision', () => {
    const ids = decide({}).rules.filter(r => r.kind === RuleKind.CONSTRAINT).map(r => r.ruleId);
    expect(ids).toEqual([
      'constraint.gpu', 'constraint.memory', 'constraint.duration', 'constraint.image-size', 'constraint.payload',
      'constraint.jitter', 'constraint.node-local-state', 'constraint.cold-start', 'constraint.instance-fit',
      'constraint.managed-instances-gpu', 'constraint.managed-instances-memory', 'constraint.managed-instances-burst', 'constraint.isolation',
    ]);
    const kinds = decide({}).rules.map(r => r.kind);
    expect(kinds.lastIndexOf(RuleKind.CONSTRAINT)).toBeLessThan(kinds.indexOf(RuleKind.ECONOMICS));
    expect(kinds.lastIndexOf(RuleKind.ECONOMICS)).toBeLessThan(kinds.indexOf(RuleKind.BAND));
  });

  test('reasons carry the numbers', () => {
    expect(rule(decide({ memoryMiB: 12_288 }), 'constraint.memory').reason).toBe('needs 12,288 MiB; Lambda allows at most 10,240 MiB');
    expect(rule(decide({ gpuCount: 2, gpuMemoryGiB: 40 }), 'constraint.gpu').reason).toBe('needs 2 GPU(s) with 40 GiB each; Lambda has no GPU');
    expect(rule(decide({ requestDurationP99Ms: 1_200_000 }), 'constraint.duration').reason)
      .toBe("p99 request takes 1,200 s; Lambda (and a hybrid's Lambda entry point) stops at 900 s");
    expect(rule(decide({ imageSizeGiB: 14 }), 'constraint.image-size').reason).toBe('image is 14 GiB; Lambda container images are limited to 10 GiB');
    expect(rule(decide({ requestPayloadKiB: 12_288 }), 'constraint.payload').reason)
      .toBe('request payload is 12,288 KiB; synchronous Lambda invocations accept at most 6,144 KiB');
  });
});

describe('constraint.cold-start', () => {
  test.each([
    [500, RuleVerdict.PASSED],
    [499, RuleVerdict.FIRED],
  ])('at a tolerance of %i ms it is %s', (tolerance, verdict) => {
    expect(rule(decide({ coldStartToleranceMs: tolerance }), 'constraint.cold-start').verdict).toBe(verdict);
  });

  test('under 500 ms it forbids on-demand spillover: Lambda must hold the whole peak warm', () => {
    const tolerant = decide({ coldStartToleranceMs: 500 });
    const strict = decide({ coldStartToleranceMs: 499 });
    const r = rule(strict, 'constraint.cold-start');
    expect(r.excludes).toBeUndefined(); // the Lambda target stays feasible...
    expect(r.excludesOptions).toEqual(['lambda-on-demand']); // ...without on-demand environments
    expect(r.reason).toContain('keep all 16 peak environments warm'); // 40 rps x 400 ms
    expect(strict.costs.find(c => c.option === 'lambda-on-demand')!.feasible).toBe(false);
    expect(strict.costs.find(c => c.option === 'lambda-provisioned')!.feasible).toBe(true);
    expect(usd(strict, 'lambda-provisioned')).toBeGreaterThan(usd(tolerant, 'lambda-provisioned'));
    const standby = strict.costs.find(c => c.option === 'lambda-provisioned')!.lineItems.find(i => i.label === 'provisioned concurrency standby')!;
    expect(standby.basis).toMatch(/^16 x 2 GB/);
  });

  test.each([
    // peak rps x p99 = environments needed to hold the peak warm; provisioned concurrency allows 900
    [900, undefined],
    [901, [L]],
  ])('it excludes the Lambda target only when holding the peak warm needs more than 900 environments: %i', (peakRequestsPerSecond, excludes) => {
    const d = decide({
      coldStartToleranceMs: 100,
      peakRequestsPerSecond,
      averageRequestsPerSecond: 90,
      requestDurationP50Ms: 100,
      requestDurationP99Ms: 1000,
    });
    const r = rule(d, 'constraint.cold-start');
    expect(r.verdict).toBe(RuleVerdict.FIRED);
    expect(r.excludes).toEqual(excludes);
    expect(d.costs.find(c => c.option === 'lambda-provisioned')!.feasible).toBe(excludes === undefined);
    if (excludes) {
      expect(r.reason).toBe("cold-start tolerance 100 ms is under Lambda's 500 ms and holding the peak warm needs 901 environments, over the 900 provisioned concurrency allows");
    }
  });

  test('a Lambda placement under 500 ms tolerance is sized with the peak provisioned', () => {
    const d = decide({
      coldStartToleranceMs: 100,
      memoryMiB: 1024,
      requestDurationP50Ms: 40,
      requestDurationP99Ms: 120,
      averageRequestsPerSecond: 1,
      peakRequestsPerSecond: 15,
    });
    expect(d.target).toBe(L);
    expect(d.lambda!.provisionedConcurrencyMin).toBe(2); // 15 rps x 120 ms = 1.8
    expect(d.lambda!.provisionedConcurrencyMax).toBe(2);
  });
});

describe('constraint.instance-fit', () => {
  const oneNode = PriceTable.custom({
    ...PriceTable.awsUsEast1().props,
    name: 'one-node',
    cpuInstances: [{ instanceType: 'm7i.large', architecture: 'x86_64' as any, vcpu: 2, memoryGiB: 8, hourlyUsd: 0.1008 }],
  });
  const small = PlacementPolicy.default({ priceTable: oneNode });

  test.each([
    // 8,192 MiB - kube-reserved (11 MiB x 110 max pods + 255 = 1,465) - eviction 100 - DaemonSets 256 = 6,371 MiB;
    // the pod states 1.6 vCPU (of 2,000m - kube-reserved 70m - DaemonSets 250m = 1,680m)
    [6371, RuleVerdict.PASSED],
    [6372, RuleVerdict.FIRED],
  ])('with only an m7i.large, a %i MiB pod %s', (memoryMiB, verdict) => {
    const d = small.decide({ ...SPIKY_CPU, memoryMiB, vcpus: 1.6 });
    const r = rule(d, 'constraint.instance-fit');
    expect(r.verdict).toBe(verdict);
    if (verdict === RuleVerdict.FIRED) {
      expect(r.excludes).toEqual([K, H]);
      expect(d.target).toBe(L);
      // nothing to price a node with; one Managed Instances environment (2 vCPU, 8 GiB) does not fit the m7i.large
      // either, once the instance keeps memory for its OS and the Lambda agent
      expect(d.costs.map(c => c.option)).toEqual(['lambda-on-demand', 'lambda-provisioned']);
    }
  });

  test('a GPU family the catalog does not have fires it, and with Lambda excluded too the workload fits no target', () => {
    expect(() => policy.decide({ ...SPIKY_CPU, gpuCount: 1, gpuFamily: 'MI300X' }))
      .toThrow(/^'profile' must fit at least one target, got none \(lambda by constraint.gpu; kubernetes by constraint.instance-fit; hybrid by constraint.instance-fit; lambda-managed-instances by no fitting instance type in the price table\)/);
  });

  test('GPU family and GPU memory pick the instance; the sizing carries its GFD and Karpenter labels', () => {
    const cases: Array<[Partial<WorkloadProfile>, string, string, string]> = [
      [{ gpuCount: 1, gpuMemoryGiB: 16, memoryMiB: 8192 }, 'g4dn.xlarge', 'Tesla-T4', 't4'],
      [{ gpuCount: 1, gpuMemoryGiB: 24, gpuFamily: 'A10G', memoryMiB: 8192 }, 'g5.xlarge', 'NVIDIA-A10G', 'a10g'],
      [{ gpuCount: 1, gpuMemoryGiB: 24, memoryMiB: 8192 }, 'g6.xlarge', 'NVIDIA-L4', 'l4'],
      [{ gpuCount: 1, gpuMemoryGiB: 48, memoryMiB: 16_384 }, 'g6e.xlarge', 'NVIDIA-L40S', 'l40s'],
      [{ gpuCount: 8, gpuMemoryGiB: 40, gpuFamily: 'a100', memoryMiB: 262_144 }, 'p4d.24xlarge', 'NVIDIA-A100-SXM4-40GB', 'a100'],
      // 8 x 80 GiB: the A100 80GB of a p4de.24xlarge ($27.45/h) beats the H100 of a p5.48xlarge ($55.04/h)
      [{ gpuCount: 8, gpuMemoryGiB: 80, memoryMiB: 262_144 }, 'p4de.24xlarge', 'NVIDIA-A100-SXM4-80GB', 'a100'],
      [{ gpuCount: 8, gpuMemoryGiB: 80, gpuFamily: 'H100', memoryMiB: 262_144 }, 'p5.48xlarge', 'NVIDIA-H100-80GB-HBM3', 'h100'],
      // one H100: a p5.4xlarge, not a share of the 8-GPU p5.48xlarge
      [{ gpuCount: 1, gpuMemoryGiB: 80, gpuFamily: 'H100', memoryMiB: 65_536 }, 'p5.4xlarge', 'NVIDIA-H100-80GB-HBM3', 'h100'],
      [{ gpuCount: 1, gpuMemoryGiB: 96, memoryMiB: 32_768 }, 'g7e.2xlarge', 'NVIDIA-RTX-PRO-6000-Blackwell-Server-Edition', 'rtx-pro-6000'],
      [{ gpuCount: 8, gpuMemoryGiB: 141, memoryMiB: 262_144 }, 'p5en.48xlarge', 'NVIDIA-H200', 'h200'],
    ];
    for (const [gpu, instanceType, gpuProduct, gpuName] of cases) {
      // the node choice of a Kubernetes placement (at this spiky load the default policy places several on GPU Managed Instances)
      const d = PlacementPolicy.fixed(K).decide({ ...SPIKY_CPU, ...gpu } as WorkloadProfile);
      expect(d.target).toBe(K);
      expect(d.kubernetes).toMatchObject({ instanceType, gpuProduct, gpuName, gpuCount: gpu.gpuCount });
    }
  });
});

describe('the rule table', () => {
  test('lists every rule id once, constraints first, in the order decisions report them', () => {
    expect(RULES.map(r => r.id)).toEqual([
      'constraint.gpu', 'constraint.memory', 'constraint.duration', 'constraint.image-size', 'constraint.payload',
      'constraint.jitter', 'constraint.node-local-state', 'constraint.cold-start', 'constraint.instance-fit',
      'constraint.managed-instances-gpu', 'constraint.managed-instances-memory', 'constraint.managed-instances-burst', 'constraint.isolation',
      'economics.break-even', 'economics.cheapest', 'band.spiky', 'band.hybrid', 'band.managed-instances', 'band.serverless-gpu', 'band.wait', 'override.fixed',
      'verdict.avoid', 'verdict.wait', 'verdict.jump', 'verdict.stay',
    ]);
    for (const r of RULES) {
      expect([r.threshold, r.source, r.condition].every(s => s.length > 0)).toBe(true);
    }
  });

  test('a new constraint is one row: one that excludes Kubernetes alone leaves hybrid as the only feasible target', () => {
    // none of the built-in constraints excludes Kubernetes without hybrid; this row does, and reaches band.hybrid's first branch
    const noCluster: PolicyRule = {
      id: 'constraint.no-cluster',
      kind: RuleKind.CONSTRAINT,
      excludes: [PlacementTarget.KUBERNETES],
      blocksLambdaOverflow: false,
      condition: 'always',
      threshold: 'n/a',
      source: 'a test',
      evaluate: () => ({ fired: true, reason: 'no cluster for a dedicated deployment' }),
    };
    const rules = [...RULES.slice(0, 9), noCluster, ...RULES.slice(9)];
    const d = decideWith(resolveProfile(GPU), engine(rules));
    expect(d.target).toBe(PlacementTarget.HYBRID);
    expect(rule(d, 'economics.break-even')).toMatchObject({ verdict: RuleVerdict.SKIPPED, reason: 'neither Lambda nor Kubernetes is feasible' });
    expect(rule(d, 'band.hybrid')).toMatchObject({ verdict: RuleVerdict.FIRED, favours: PlacementTarget.HYBRID });
    expect(rule(d, 'band.hybrid').reason).toMatch(/^hybrid is the only feasible target \(\$[\d,.]+\/mo\)$/);
    expect(d.costs.find(c => c.option === 'kubernetes')!.excludedBy).toEqual(['constraint.no-cluster']);
  });

  test('with the built-in rules, hybrid is never the only feasible target: whatever excludes Kubernetes excludes hybrid too', () => {
    for (const r of RULES) {
      if (r.kind === RuleKind.CONSTRAINT && r.excludes.includes(PlacementTarget.KUBERNETES)) {
        expect(r.excludes).toContain(PlacementTarget.HYBRID);
      }
    }
  });
});

/*
 * Every comparison of the choice rows at equality and on each side. The rows are evaluated on
 * their own, with stated monthly costs (whole cents, as the cost model rounds them), so a tie is
 * exact; the break-even rule's tie is also built end to end, through a custom price table.
 */
describe('ties and boundaries of the choice rules', () => {
  const BASE = resolveProfile(SPIKY_CPU);
  const OPTIONS = { ...engine(RULES), bandCostTolerance: 0.25 }; // 1.25 x a whole-cent cost is exact in binary
  /** A band that does not move the choice. */
  const STAYS = 'nothing (the current choice stays)';

  interface Given {
    readonly u?: number;
    readonly current?: PlacementTarget;
    readonly usd: Partial<Record<PlacementTarget, number>>;
    readonly teamRunsKubernetes?: boolean;
  }

  /** One choice row's result for stated costs: every target with a cost is feasible, no other is. */
  function evaluate(id: string, g: Given) {
    const row = RULES.find(r => r.id === id) as ChoiceRule;
    const price = (t: PlacementTarget) => (g.usd[t] === undefined ? undefined : { option: t, target: t, monthlyUsd: g.usd[t]!, feasible: true });
    const ctx: ChoiceContext = {
      p: { ...BASE, sustainedUtilization: g.u ?? 0.3, teamRunsKubernetes: g.teamRunsKubernetes ?? false },
      o: OPTIONS,
      current: g.current,
      outcomes: [],
      coldExposure: () => 0,
      breakEven: () => undefined,
      managedBreakEven: () => undefined,
      cost: price,
      feasible: t => g.usd[t] !== undefined,
      usd: t => g.usd[t]!,
    };
    const r = row.evaluate(ctx)!;
    return { verdict: r.verdict, favours: r.favours, choose: r.choose, reason: reasonText(r.reason) };
  }

  test.each([
    // Lambda wins when it costs at most Kubernetes
    ['Lambda cheaper by a cent', L, 99.99],
    ['a tie', L, 100],
    ['Lambda dearer by a cent', K, 100.01],
  ])('economics.break-even: %s chooses %s', (_name, winner, lambdaUsd) => {
    expect(evaluate('economics.break-even', { usd: { [L]: lambdaUsd, [K]: 100 } })).toMatchObject({ verdict: RuleVerdict.FIRED, favours: winner, choose: winner });
  });

  test.each([
    // the first of lambda, kubernetes, hybrid, managed instances among equally cheap options wins
    ['Lambda and Kubernetes tie', L, { [L]: 100, [K]: 100 }],
    ['Kubernetes a cent cheaper than Lambda', K, { [L]: 100, [K]: 99.99 }],
    ['Kubernetes and Managed Instances tie', K, { [L]: 100.01, [K]: 100, [M]: 100 }],
    ['Managed Instances a cent cheaper', M, { [L]: 100.01, [K]: 100, [M]: 99.99 }],
  ])('economics.cheapest: %s chooses %s', (_name, winner, costs) => {
    expect(evaluate('economics.cheapest', { usd: costs })).toMatchObject({ verdict: RuleVerdict.FIRED, choose: winner });
  });

  test.each([
    // under 10% sustained utilization is spiky
    [0.0999, RuleVerdict.FIRED],
    [0.1, RuleVerdict.PASSED],
    [0.1001, RuleVerdict.PASSED],
  ])('band.spiky at %f sustained utilization: %s', (u, verdict) => {
    expect(evaluate('band.spiky', { u, current: L, usd: { [L]: 100, [K]: 100 } }).verdict).toBe(verdict);
  });

  test.each([
    // Lambda moves the choice when it costs at most (1 + tolerance) x the current choice: 1.25 x 100 = 125
    [124.99, L],
    [125, L],
    [125.01, STAYS],
  ])('band.spiky with Lambda at %f against Kubernetes at 100 and a 25%% tolerance moves the choice to %s', (lambdaUsd, choose) => {
    const r = evaluate('band.spiky', { u: 0.05, current: K, usd: { [L]: lambdaUsd, [K]: 100 } });
    expect(r.verdict).toBe(choose === STAYS ? RuleVerdict.PASSED : RuleVerdict.FIRED);
    expect(r.choose).toBe(choose === STAYS ? undefined : choose);
  });

  test.each([
    // the band is 20-60% inclusive
    [0.1999, RuleVerdict.PASSED],
    [0.2, RuleVerdict.FIRED],
    [0.2001, RuleVerdict.FIRED],
    [0.5999, RuleVerdict.FIRED],
    [0.6, RuleVerdict.FIRED],
    [0.6001, RuleVerdict.PASSED],
  ])('band.hybrid at %f sustained utilization (hybrid cheaper): %s', (u, verdict) => {
    expect(evaluate('band.hybrid', { u, current: K, usd: { [L]: 200, [K]: 100, [H]: 90 } }).verdict).toBe(verdict);
  });

  test.each([
    // from 20% sustained utilization up
    [0.1999, RuleVerdict.PASSED, /is under/],
    [0.2, RuleVerdict.FIRED, /cheaper than/],
    [0.2001, RuleVerdict.FIRED, /cheaper than/],
  ])('band.managed-instances at %f sustained utilization (Managed Instances cheaper): %s', (u, verdict, reason) => {
    const r = evaluate('band.managed-instances', { u, current: K, usd: { [L]: 200, [K]: 100, [M]: 90 } });
    expect(r.verdict).toBe(verdict);
    expect(r.reason).toMatch(reason);
  });

  test.each([
    // hybrid and Managed Instances must each be strictly cheaper than the current choice to move it
    ['band.hybrid', H, 99.99, H],
    ['band.hybrid', H, 100, STAYS],
    ['band.hybrid', H, 100.01, STAYS],
    ['band.managed-instances', M, 99.99, M],
    ['band.managed-instances', M, 100, STAYS],
    ['band.managed-instances', M, 100.01, STAYS],
  ])('%s with %s at %f against Kubernetes at 100 moves the choice to %s', (id, challenger, challengerUsd, choose) => {
    const r = evaluate(id, { u: 0.3, current: K, usd: { [L]: 200, [K]: 100, [challenger]: challengerUsd } });
    expect(r.verdict).toBe(choose === STAYS ? RuleVerdict.PASSED : RuleVerdict.FIRED);
    expect(r.choose).toBe(choose === STAYS ? undefined : choose);
  });
});

describe('the break-even rule at an exact tie, end to end', () => {
  // one CPU node type whose price sets the Kubernetes cost; no cluster overhead, so that cost is
  // linear in the node price; Managed Instances priced out of the way
  const base = PriceTable.awsUsEast1().props;
  const table = (hourlyUsd: number) => PriceTable.custom({
    ...base,
    name: 'tie',
    cpuInstances: [{ instanceType: 'm7i.large', architecture: CpuArchitecture.X86_64, vcpu: 2, memoryGiB: 8, hourlyUsd }],
    clusterOverhead: { ...base.clusterOverhead, controlPlaneHourlyUsd: 0, opsMonthlyUsd: 0 },
    managedInstances: { ...PriceTable.awsUsEast1().managedInstancesPrices, managementFeeRate: 10 },
  });
  const profile: WorkloadProfile = { ...SPIKY_CPU, sustainedUtilization: 0.3 };
  const decideAt = (hourlyUsd: number) => PlacementPolicy.default({ priceTable: table(hourlyUsd) }).decide(profile);

  // Kubernetes costs (pods x share of a node x 730 h) x the node's price; read that factor at a high price
  const perDollarHour = usd(decideAt(100), 'kubernetes') / 100;
  const lambdaUsd = usd(decideAt(100), 'lambda-provisioned');

  test.each([
    ['Kubernetes a cent cheaper', K, -0.01],
    ['a tie', L, 0],
    ['Kubernetes a cent dearer', L, 0.01],
  ])('%s: %s wins', (_name, winner, delta) => {
    const d = decideAt((lambdaUsd + delta) / perDollarHour);
    // the prices are what the case says, to the cent (the cost model rounds every figure to cents)
    expect(usd(d, 'lambda-provisioned')).toBe(lambdaUsd);
    expect(usd(d, 'kubernetes')).toBe(Math.round((lambdaUsd + delta) * 100) / 100);
    const r = rule(d, 'economics.break-even');
    expect(r).toMatchObject({ verdict: RuleVerdict.FIRED, favours: winner });
    expect(r.reason).toContain(winner === L ? 'lambda-provisioned' : 'kubernetes');
  });
});

describe('the hybrid\'s Lambda overflow at Lambda\'s 900 s timeout', () => {
  // the tail may overflow to Lambda when the p99 on CPU (p99 x slowdown) fits in 900 s
  test.each([
    [299_999, true],
    [300_000, true], // 300 s x 3 = 900 s exactly
    [300_001, false],
  ])('a p99 of %i ms with a CPU slowdown of 3 overflows to Lambda: %s', (requestDurationP99Ms, overflow) => {
    const d = PlacementPolicy.fixed(H).decide({
      ...SPIKY_CPU, requestDurationP50Ms: 1000, requestDurationP99Ms, cpuFallbackCapable: true, cpuFallbackSlowdown: 3,
    });
    expect(d.hybrid!.overflowToLambda).toBe(overflow);
  });
});

describe('constraint.managed-instances-memory at the 2,048 MiB floor', () => {
  test.each([
    [2047, 'is sized up to Lambda Managed Instances\' 2,048 MiB minimum'],
    [2048, 'fits Lambda Managed Instances\' 2,048-10,240 MiB'],
    [2049, 'fits Lambda Managed Instances\' 2,048-10,240 MiB'],
  ])('a %i MiB function: %s', (memoryMiB, reason) => {
    const r = rule(decide({ memoryMiB }), 'constraint.managed-instances-memory');
    expect(r.verdict).toBe(RuleVerdict.PASSED);
    expect(r.reason).toContain(reason);
  });
});
