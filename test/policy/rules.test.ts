import { GPU, rule, SPIKY_CPU, usd } from './helpers';
import { PlacementPolicy, PlacementTarget, PriceTable, RuleKind, RuleVerdict, WorkloadProfile } from '../../lib/policy';
import { decide as decideWith } from '../../lib/policy/engine';
import { resolveProfile } from '../../lib/policy/profile';
import { EngineMode, PolicyRule } from '../../lib/policy/rule-types';
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
  ['constraint.managed-instances-gpu', { gpuCount: 0 }, { gpuCount: 1 }, [M]],
  ['constraint.managed-instances-memory', { memoryMiB: 10_240 }, { memoryMiB: 10_241 }, [M]],
];

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
      'constraint.managed-instances-gpu', 'constraint.managed-instances-memory', 'constraint.managed-instances-burst',
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
    // 8 GiB x 0.9 allocatable = 7,372.8 MiB; the pod states 1.8 vCPU (of 1.8 allocatable)
    [7372, RuleVerdict.PASSED],
    [7373, RuleVerdict.FIRED],
  ])('with only an m7i.large, a %i MiB pod %s', (memoryMiB, verdict) => {
    const d = small.decide({ ...SPIKY_CPU, memoryMiB, vcpus: 1.8 });
    const r = rule(d, 'constraint.instance-fit');
    expect(r.verdict).toBe(verdict);
    if (verdict === RuleVerdict.FIRED) {
      expect(r.excludes).toEqual([K, H]);
      expect(d.target).toBe(L);
      // nothing to price a node with; one Managed Instances environment (2 vCPU, 8 GiB) fills the m7i.large
      expect(d.costs.map(c => c.option)).toEqual(['lambda-on-demand', 'lambda-provisioned', 'lambda-managed-instances']);
    }
  });

  test('a GPU family the catalog does not have fires it, and with Lambda excluded too the workload fits no target', () => {
    expect(() => policy.decide({ ...SPIKY_CPU, gpuCount: 1, gpuFamily: 'MI300X' }))
      .toThrow(/^'profile' must fit at least one target, got none \(lambda by constraint.gpu; kubernetes by constraint.instance-fit; hybrid by constraint.instance-fit; lambda-managed-instances by constraint.managed-instances-gpu\)/);
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
      const d = decide(gpu);
      expect(d.target).toBe(K);
      expect(d.kubernetes).toMatchObject({ instanceType, gpuProduct, gpuName, gpuCount: gpu.gpuCount });
    }
  });
});

describe('the rule table', () => {
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

  test('lists every rule id once, constraints first, in the order decisions report them', () => {
    expect(RULES.map(r => r.id)).toEqual([
      'constraint.gpu', 'constraint.memory', 'constraint.duration', 'constraint.image-size', 'constraint.payload',
      'constraint.jitter', 'constraint.node-local-state', 'constraint.cold-start', 'constraint.instance-fit',
      'constraint.managed-instances-gpu', 'constraint.managed-instances-memory', 'constraint.managed-instances-burst',
      'economics.break-even', 'economics.cheapest', 'band.spiky', 'band.hybrid', 'band.managed-instances', 'override.fixed',
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
