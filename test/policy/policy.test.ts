import { DEAR_MANAGED_INSTANCES, GPU, rule, SPIKY_CPU, usd, withoutManagedInstances } from './helpers';
import {
  IPlacementPolicy, PlacementDecision, PlacementPolicy, PlacementTarget, PriceTable, RuleKind, RuleVerdict, WorkloadProfile,
} from '../../lib/policy';

const L = PlacementTarget.LAMBDA;
const K = PlacementTarget.KUBERNETES;
const H = PlacementTarget.HYBRID;
/** A CPU model that needs 1 vCPU (stated: Lambda would give its 4 GiB 2.3 vCPUs). */
const MIDDLE: WorkloadProfile = {
  memoryMiB: 4096, vcpus: 1, requestDurationP50Ms: 200, averageRequestsPerSecond: 30, peakRequestsPerSecond: 100, cpuFallbackCapable: true,
};

describe('PlacementPolicy.default()', () => {
  test('places the spiky classifier on Lambda with sizing for the renderer', () => {
    const d = PlacementPolicy.default().decide(SPIKY_CPU);
    expect(d.target).toBe(L);
    expect(d.policyName).toBe('default');
    expect(d.chosenOption).toBe('lambda-provisioned');
    expect(d.chosenCost!.option).toBe('lambda-provisioned');
    expect(d.lambda).toEqual({
      memoryMiB: 2048,
      timeoutSeconds: 3, // p99 400 ms x 3, at least 3 s
      ephemeralStorageMiB: 1229, // 1 GiB model x 1.2
      architecture: 'x86_64',
      provisionedConcurrencyMin: 1,
      provisionedConcurrencyMax: 16, // 40 rps x 400 ms
      utilizationTarget: 0.7,
      peakConcurrency: 16,
      plannedSpilloverShare: 0.009, // the share of requests priced above provisioned concurrency (the spillover alarm's reference)
    });
    expect(d.kubernetes).toBeUndefined();
    expect(d.hybrid).toBeUndefined();
  });

  test('a multi-arch image runs on arm64 Lambda (cheaper)', () => {
    expect(PlacementPolicy.default().decide({ ...SPIKY_CPU, architecture: 'any' as any }).lambda!.architecture).toBe('arm64');
  });

  test('Lambda sizing: timeout from p99 with headroom capped at 900 s, storage within 512-10,240 MiB', () => {
    const d = PlacementPolicy.default().decide({ ...SPIKY_CPU, requestDurationP99Ms: 400_000, modelSizeGiB: 12 });
    expect(d.lambda).toMatchObject({ timeoutSeconds: 900, ephemeralStorageMiB: 10_240 });
    const small = PlacementPolicy.default().decide({ ...SPIKY_CPU, memoryMiB: 128, modelSizeGiB: 0.1 });
    expect(small.lambda).toMatchObject({ memoryMiB: 128, ephemeralStorageMiB: 512 });
  });

  test('places the GPU model on Kubernetes with the instance and its GPU node labels', () => {
    // a team that runs Kubernetes: at 25% utilization without one, band.wait would place it as hybrid
    const d = PlacementPolicy.default().decide({ ...GPU, teamRunsKubernetes: true });
    expect(d.target).toBe(K);
    expect(d.kubernetes).toEqual({
      // 3 rps x 1.5 s / 4 per replica / 0.7 = 2 for the average, but a new GPU replica takes 30 s (HPA) + 385 s
      // (150 s node + 1 GiB image x 10 s + 15 GiB x 15 s), past the 1,000 ms cold-start tolerance: the floor covers the
      // ramp (12 x 0.75 / 15 min = 0.6 rps/min) in that time, 3 + 0.6 x 415 / 60 = 7.15 rps x 1.5 s / 4 per replica -> 3
      replicasMin: 3,
      replicasMax: 5, // 12 rps x 1.5 s / 4 per replica
      estimatedScaleOutSeconds: 385,
      terminationGracePeriodSeconds: 30, // 10 s preStop + 2 s p99 + 5 s drain, at least 30 s
      exclusiveCpu: false,
      nodeCandidates: expect.any(Array),
      gpuCount: 1,
      gpuMemoryGiB: 24,
      gpuProduct: 'NVIDIA-L4',
      gpuName: 'l4',
      instanceType: 'g6.4xlarge', // the cheapest 24 GiB GPU with room for a 30 GiB pod
      cpuMillis: 2000, // the model server's own need: 2 vCPUs per GPU by default, not a share of the node
      memoryMiB: 30_720,
      concurrencyPerReplica: 4,
      modelSizeGiB: 15, // the profile's default: memoryMiB / 2048
      nodeLocalStateGiB: 0,
      sharedMemoryMiB: 7_680, // a quarter of 30,720 MiB, within 1-16 GiB
      floorBasis: expect.stringContaining('0.6 rps/min x 415 s to scale out'),
    });
    expect(d.lambda).toBeUndefined();
    // every instance type one pod fits on, the chosen one first, then cheapest first
    expect(d.kubernetes!.nodeCandidates!.map(c => c.instanceType)).toEqual(
      ['g6.4xlarge', 'gr6.4xlarge', 'g5.4xlarge', 'g6.8xlarge', 'g6e.2xlarge', 'gr6.8xlarge', 'g5.8xlarge', 'g6e.4xlarge', 'g7e.2xlarge', 'g6.16xlarge']);
  });

  test('keeps the average floor when a scale-out fits the cold-start tolerance', () => {
    // 30 s for the HPA to react + 385 s to serve: within a 415 s tolerance, no ramp to cover
    const d = PlacementPolicy.default().decide({ ...GPU, coldStartToleranceMs: 415_000 });
    expect(PlacementPolicy.default().decide({ ...GPU, coldStartToleranceMs: 414_999 }).kubernetes!.replicasMin).toBe(3);
    expect(d.kubernetes).toMatchObject({ replicasMin: 2, replicasMax: 5, estimatedScaleOutSeconds: 385 });
  });

  test('sizes whole, exclusive cores for a jitter budget under 50 µs, and prices them', () => {
    const base = { memoryMiB: 2048, requestDurationP50Ms: 2, averageRequestsPerSecond: 200, peakRequestsPerSecond: 400, teamRunsKubernetes: true };
    const d = PlacementPolicy.fixed(K).decide({ ...base, jitterBudgetMicros: 20 });
    const shared = PlacementPolicy.fixed(K).decide(base);
    // shared: the compute Lambda would give 2,048 MB (1 vCPU per 1,769 MB), in 50m steps; exclusive: rounded up to whole cores
    expect(shared.kubernetes).toMatchObject({ exclusiveCpu: false, cpuMillis: 1200 });
    expect(d.kubernetes).toMatchObject({ exclusiveCpu: true, cpuMillis: 2000 });
    const cost = (x: typeof d) => x.costs.find(c => c.option === 'kubernetes')!.monthlyUsd;
    expect(cost(d)).toBeGreaterThan(cost(shared));
  });

  test('gives a pod the p99 request plus the preStop delay and a drain margin to stop', () => {
    const d = PlacementPolicy.fixed(K).decide({
      memoryMiB: 4096, requestDurationP50Ms: 300_000, requestDurationP99Ms: 1_200_000, averageRequestsPerSecond: 0.01, peakRequestsPerSecond: 0.05,
    });
    expect(d.kubernetes!.terminationGracePeriodSeconds).toBe(10 + 1200 + 5);
  });

  test('places a CPU-capable workload in the middle band without a Kubernetes team as hybrid, with all three sizings', () => {
    // with the default table Lambda Managed Instances are cheaper still (band.managed-instances)
    expect(PlacementPolicy.default().decide(MIDDLE).target).toBe(PlacementTarget.LAMBDA_MANAGED_INSTANCES);
    const d = withoutManagedInstances().decide(MIDDLE);
    expect(d.target).toBe(H);
    expect(d.chosenOption).toBe('hybrid');
    expect(d.hybrid).toEqual({
      dataPlaneFloorReplicas: 10,
      overflowThresholdRequestsPerSecond: 50, // 10 replicas x 1 / 0.2 s
      overflowToLambda: true,
      controlPlaneProvisionedConcurrency: 4,
      overflowMemoryMiB: 4096,
      overflowTimeoutSeconds: 3,
      timeBudget: {
        connectTimeoutMs: 1000,
        responseTimeoutMs: 2000,
        dataPlaneDeadlineMs: 3000, // one request's allowance: 3 x p99, at least 3 s
        overflowNeedMs: 13_000, // Lambda's 10 s Init limit (no provisioned concurrency) + the overflow's 3 s
        overflowTimeoutMs: 13_000,
        marginMs: 1000,
        controlPlaneTimeoutSeconds: 17, // 3 + 13 + 1
        streamMaxDurationSeconds: 900, // API Gateway's 15 minutes for a streamed answer
      },
    });
    expect(d.kubernetes).toMatchObject({ replicasMin: 10, replicasMax: 20, instanceType: 'm7i.4xlarge' });
    // the control-plane entry function, whose timeout is the router's budget
    expect(d.lambda).toMatchObject({ memoryMiB: 512, provisionedConcurrencyMin: 4, timeoutSeconds: 17 });
    const items = d.chosenCost!.lineItems.map(i => i.label);
    expect(items).toEqual(expect.arrayContaining(['data plane nodes for a warm floor of 10 replica(s)', 'overflow: duration on CPU (on demand)', 'control plane: requests']));
  });

  test('hybrid overflows to Lambda only for CPU-capable models that Lambda can run', () => {
    const fixedHybrid = PlacementPolicy.fixed(H);
    // without overflow the data plane holds the peak, and its floor covers the ramp while a node starts: 30 rps +
    // 100 x 0.7 / 15 min = 4.67 rps/min x (30 s HPA + 100 s scale-out) / 60 = 40.1 rps x 0.2 s -> 9 of 20
    expect(fixedHybrid.decide({ ...MIDDLE, cpuFallbackCapable: false }).hybrid)
      .toMatchObject({ overflowToLambda: false, dataPlaneFloorReplicas: 9 });
    expect(fixedHybrid.decide({ ...MIDDLE, nodeLocalStateGiB: 2 }).hybrid!.overflowToLambda).toBe(false);
    expect(fixedHybrid.decide({ ...MIDDLE, coldStartToleranceMs: 200 }).hybrid!.overflowToLambda).toBe(false);
    expect(fixedHybrid.decide({ ...GPU, cpuFallbackCapable: true, memoryMiB: 8192 }).hybrid!.overflowToLambda).toBe(true);
    expect(fixedHybrid.decide({ ...GPU, cpuFallbackCapable: true }).hybrid!.overflowToLambda).toBe(false); // 30 GiB: not on Lambda
    for (const d of [fixedHybrid.decide({ ...MIDDLE, averageRequestsPerSecond: 0.01 }), fixedHybrid.decide(GPU)]) {
      expect(d.hybrid!.dataPlaneFloorReplicas).toBeGreaterThanOrEqual(1);
      expect(d.kubernetes!.replicasMin).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('PlacementPolicy.costOptimized()', () => {
  test('picks the cheapest feasible option, bands not applied', () => {
    const d = PlacementPolicy.costOptimized({ priceTable: DEAR_MANAGED_INSTANCES }).decide({ ...MIDDLE, teamRunsKubernetes: true });
    const feasible = d.costs.filter(c => c.feasible && c.option !== 'lambda-on-demand');
    expect(d.chosenCost!.monthlyUsd).toBe(Math.min(...feasible.map(c => c.monthlyUsd)));
    expect(d.target).toBe(H); // cheapest even for a team that runs Kubernetes; the default policy would not consider it
    expect(withoutManagedInstances().decide({ ...MIDDLE, teamRunsKubernetes: true }).target).toBe(K);
    // with the list prices too, the cheapest feasible option (Managed Instances keep memory for the OS and agent: hybrid is cheaper)
    const listed = PlacementPolicy.costOptimized().decide({ ...MIDDLE, teamRunsKubernetes: true });
    expect(listed.chosenCost!.monthlyUsd).toBe(Math.min(...listed.costs.filter(c => c.feasible && c.option !== 'lambda-on-demand').map(c => c.monthlyUsd)));
    expect(rule(d, 'economics.cheapest').verdict).toBe(RuleVerdict.FIRED);
    expect(rule(d, 'band.hybrid').verdict).toBe(RuleVerdict.SKIPPED);
  });

  test('a latency weight moves away from options exposed to cold starts', () => {
    const profile: WorkloadProfile = { ...MIDDLE, sustainedUtilization: 0.2, teamRunsKubernetes: true, cpuFallbackCapable: false };
    const cheap = PlacementPolicy.costOptimized({ priceTable: DEAR_MANAGED_INSTANCES }).decide(profile);
    expect(cheap.target).toBe(L);
    const careful = PlacementPolicy.costOptimized({ latencyWeight: 1, priceTable: DEAR_MANAGED_INSTANCES }).decide(profile);
    expect(careful.target).toBe(K);
    expect(careful.policyName).toBe('cost-optimized(latencyWeight=1)');
    expect(rule(careful, 'economics.cheapest').reason).toMatch(/cold exposure/);
  });

  test('includeHybrid: false leaves hybrid out', () => {
    expect(PlacementPolicy.costOptimized({ includeHybrid: false }).decide(MIDDLE).target).not.toBe(H);
  });

  test.each([
    [{ latencyWeight: 1.5 }, "'options.latencyWeight' must be between 0 and 1, got 1.5"],
    [{ latencyWeight: NaN }, "'options.latencyWeight' must be a finite number, got NaN"],
    [{ includeHybrid: 'yes' }, "'options.includeHybrid' must be true or false, got \"yes\""],
    [{ bandCostTolerance: -0.1 }, "'options.bandCostTolerance' must be between 0 and 1, got -0.1"],
    [{ utilizationTarget: 0.95 }, "'options.utilizationTarget' must be between 0.1 and 0.9, got 0.95"],
    [{ priceTable: { name: 'x' } }, "'options.priceTable' must be a PriceTable (PriceTable.custom(...) or PriceTable.fromJson(...)), got {\"name\":\"x\"}"],
  ])('fails on options %j', (options, message) => {
    expect(() => PlacementPolicy.costOptimized(options as any)).toThrow(message);
  });
});

describe('PlacementPolicy.fixed()', () => {
  test('overrides the choice and says what the rules would have chosen', () => {
    const d = PlacementPolicy.fixed(K).decide(SPIKY_CPU);
    expect(d.target).toBe(K);
    expect(d.policyName).toBe('fixed(kubernetes)');
    const r = rule(d, 'override.fixed');
    expect(r).toMatchObject({ kind: RuleKind.OVERRIDE, verdict: RuleVerdict.FIRED, favours: K });
    expect(r.reason).toMatch(/^fixed to kubernetes \(\$[\d,.]+\/mo\); the rules alone would choose lambda \(\$[\d,.]+\/mo\)$/);
    expect(d.kubernetes!.replicasMin).toBeGreaterThanOrEqual(1);
  });

  test.each([
    [L, GPU, 'constraint.gpu'],
    [L, { ...SPIKY_CPU, memoryMiB: 12_288 }, 'constraint.memory'],
    [H, { ...SPIKY_CPU, requestPayloadKiB: 8192 }, 'constraint.payload'],
    [H, { ...SPIKY_CPU, jitterBudgetMicros: 10 }, 'constraint.jitter'],
  ])('throws when fixed(%s) violates a hard constraint, naming it', (target, profile, id) => {
    expect(() => PlacementPolicy.fixed(target).decide(profile as WorkloadProfile))
      .toThrow(new RegExp(`^'policy' PlacementPolicy.fixed\\(${target}\\) violates hard constraint ${id.replace('.', '\\.')} \\(`));
  });

  test('throws on an unknown target', () => {
    expect(() => PlacementPolicy.fixed('edge' as any)).toThrow("'target' must be one of lambda, kubernetes, hybrid, lambda-managed-instances, got \"edge\"");
  });
});

describe('custom policies', () => {
  test('implement IPlacementPolicy, for example by delegating and adjusting', () => {
    class GpuOnlyOnKubernetes implements IPlacementPolicy {
      public readonly name = 'acme';
      public decide(profile: WorkloadProfile): PlacementDecision {
        return (profile.gpuCount ?? 0) > 0 ? PlacementPolicy.fixed(K).decide(profile) : PlacementPolicy.costOptimized().decide(profile);
      }
    }
    expect(new GpuOnlyOnKubernetes().decide(GPU).target).toBe(K);
  });
});

describe('PlacementPolicy.fromConfig()', () => {
  test('with nothing configured is the default policy on the default table', () => {
    const p = PlacementPolicy.fromConfig(undefined, undefined);
    expect(p.name).toBe('default');
    expect(p.priceTable).toBe(PriceTable.awsUsEast1());
  });

  test.each([
    ['default', 'default'],
    ['cost-optimized', 'cost-optimized'],
    ['fixed:kubernetes', 'fixed(kubernetes)'],
    [{ kind: 'cost-optimized', latencyWeight: 0.5, includeHybrid: false }, 'cost-optimized(latencyWeight=0.5)'],
    [{ kind: 'fixed', target: 'lambda' }, 'fixed(lambda)'],
    [{ bandCostTolerance: 0 }, 'default'],
  ])('reads %j', (config, name) => {
    expect(PlacementPolicy.fromConfig(config).name).toBe(name);
  });

  test('applies the configured options and price table (object or JSON string)', () => {
    const table = { ...PriceTable.awsUsEast1().toJson(), name: 'acme-negotiated', effectiveDate: '2026-09-01' };
    for (const t of [table, JSON.stringify(table)]) {
      const d = PlacementPolicy.fromConfig({ kind: 'default', utilizationTarget: 0.5 }, t).decide(SPIKY_CPU);
      expect(d.priceTable.name).toBe('acme-negotiated');
      expect(d.lambda!.utilizationTarget).toBe(0.5);
    }
  });

  test('a zero band tolerance keeps the cheaper dedicated option for spiky traffic', () => {
    const tiny: WorkloadProfile = {
      memoryMiB: 128,
      requestDurationP50Ms: 1,
      averageRequestsPerSecond: 1000,
      peakRequestsPerSecond: 1000,
      sustainedUtilization: 0.05,
      teamRunsKubernetes: true,
    };
    const lenient = PlacementPolicy.fromConfig({ bandCostTolerance: 1 }).decide(tiny);
    const strict = PlacementPolicy.fromConfig({ bandCostTolerance: 0 }).decide(tiny);
    expect(usd(lenient, 'lambda-provisioned')).toBeGreaterThan(usd(lenient, 'kubernetes'));
    expect(lenient.target).toBe(L);
    expect(strict.target).toBe(K);
  });

  test.each([
    [42, undefined, "'inference-workload:policy' must be a string or an object, got 42"],
    ['fastest', undefined, "'inference-workload:policy.kind' must be one of default, cost-optimized, fixed, got \"fastest\""],
    // an Object.prototype key is not a policy kind
    [{ kind: 'toString' }, undefined, "'inference-workload:policy.kind' must be one of default, cost-optimized, fixed, got \"toString\""],
    ['fixed:lambda:now', undefined, "'inference-workload:policy' must be \"default\", \"cost-optimized\" or \"fixed:<target>\", got \"fixed:lambda:now\""],
    ['fixed', undefined, "'inference-workload:policy.target' must be one of lambda, kubernetes, hybrid, lambda-managed-instances for the fixed policy, got undefined"],
    [{ kind: 'fixed', target: 'edge' }, undefined, "'inference-workload:policy.target' must be one of lambda, kubernetes, hybrid, lambda-managed-instances for the fixed policy, got \"edge\""],
    [{ kind: 'default', latencyWeight: 1 }, undefined, "'inference-workload:policy.latencyWeight' is not an option of the default policy (expected kind, bandCostTolerance, utilizationTarget), got 1"],
    [{ kind: 'cost-optimized', latencyWeight: 2 }, undefined, "'inference-workload:policy.latencyWeight' must be between 0 and 1, got 2"],
    [{ kind: 'cost-optimized', includeHybrid: 'no' }, undefined, "'inference-workload:policy.includeHybrid' must be true or false, got \"no\""],
    [{ utilizationTarget: 1 }, undefined, "'inference-workload:policy.utilizationTarget' must be between 0.1 and 0.9, got 1"],
    [undefined, '{"name"', "'inference-workload:priceTable' must be a price table object or its JSON, got a string that does not parse"],
    [undefined, { name: 'x' }, "'inference-workload:priceTable.effectiveDate' must be a string, got undefined"],
  ])('fails on policy %j with price table %j', (policy, table, message) => {
    expect(() => PlacementPolicy.fromConfig(policy, table)).toThrow(message);
  });
});

describe('explanation', () => {
  const d = PlacementPolicy.default().decide(SPIKY_CPU);

  test('summary() is one line with the target, each option\'s monthly cost and the break-even', () => {
    const s = d.summary();
    expect(s).not.toContain('\n');
    expect(s).toMatch(/^placed on lambda by default \(stay\) \[rules: economics.break-even, band.spiky, verdict.stay\] \[costs: lambda-on-demand \$[\d,.]+\/mo, lambda-provisioned \$[\d,.]+\/mo, kubernetes \$[\d,.]+\/mo, hybrid \$[\d,.]+\/mo, lambda-managed-instances \$[\d,.]+\/mo\] \[utilization 5.0%, break-even vs kubernetes none in 0-100%, vs hybrid none in 0-100%, vs lambda-managed-instances none in 0-100%\]$/);
  });

  test('explain() renders the rules, the costs, the chosen line items and the sizing', () => {
    const e = d.explain();
    expect(e).toMatch(/^Target: lambda \(policy: default, verdict: stay\), rendered as lambda-provisioned at \$[\d,.]+\/mo$/m);
    expect(e).toContain('Prices: aws-us-east-1-on-demand (us-east-1, 2026-06-17, USD)');
    expect(e).toContain('Lambda: 2048 MiB x86_64, timeout 3 s, provisioned concurrency 1-16 at 0.7 utilization');
    for (const r of d.rules) {
      expect(e).toContain(r.ruleId);
    }
    expect(e).toMatch(/^option\s+target\s+monthly\s+feasible$/m);
    expect(e).toMatch(/^lambda-provisioned, line by line:$/m);
    expect(e).toMatch(/^provisioned concurrency standby\s+\$[\d,.]+\s+1 x 2 GB x 730 h/m);
    expect(PlacementPolicy.default().decide({ ...GPU, teamRunsKubernetes: true }).explain()).toContain('Kubernetes: 3-5 replica(s) on g6.4xlarge (1 x NVIDIA-L4), 2000m CPU, 30720 MiB');
  });

  test('toJson() is plain data including the cost curve', () => {
    const json = d.toJson();
    expect(json.target).toBe('lambda');
    expect(json.chosenOption).toBe('lambda-provisioned');
    expect(json.costCurve).toHaveLength(105); // 5 options x 21 utilizations
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});

describe('Lambda sizing limits', () => {
  test('provisioned concurrency never goes above the 900 environments a function can get', () => {
    const profile = { memoryMiB: 512, requestDurationP50Ms: 2000, averageRequestsPerSecond: 900, peakRequestsPerSecond: 1000 };
    const d = PlacementPolicy.fixed(L).decide(profile);
    expect(d.lambda!.peakConcurrency).toBe(2000);
    expect(d.lambda!.provisionedConcurrencyMax).toBe(900);
    expect(d.lambda!.provisionedConcurrencyMin).toBeLessThanOrEqual(900);
  });

  test('fails on options that are not an object', () => {
    expect(() => PlacementPolicy.default(null as any)).toThrow("'options' must be an object, got null");
  });
});
