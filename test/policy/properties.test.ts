import * as fc from 'fast-check';
import {
  CpuArchitecture, PlacementDecision, PlacementPolicy, PlacementTarget, RuleVerdict, WorkloadProfile,
} from '../../lib/policy';

const L = PlacementTarget.LAMBDA;
const K = PlacementTarget.KUBERNETES;
const H = PlacementTarget.HYBRID;
const M = PlacementTarget.LAMBDA_MANAGED_INSTANCES;
/** Every property runs from a fixed seed, so a failure reproduces (change the seed to explore). */
const SEED = 20260920;
const RUNS = { numRuns: 300, seed: SEED };

/**
 * Profiles that always fit some target with the default table: memory plus node-local state up to
 * 56 GiB (the largest arm64 CPU node holds it; the state sits in the same pod), GPU work on x86_64 or multi-arch images, at most 8 GPUs of at most 80 GiB.
 */
const profiles: fc.Arbitrary<WorkloadProfile> = fc.record({
  memoryMiB: fc.integer({ min: 128, max: 57_344 }),
  gpuCount: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 8 })),
  gpuMemoryGiB: fc.constantFrom(8, 16, 24, 40, 48, 80),
  p50: fc.double({ min: 1, max: 600_000, noNaN: true }),
  p99Factor: fc.double({ min: 1, max: 5, noNaN: true }),
  peak: fc.double({ min: 0.01, max: 2_000, noNaN: true }),
  u: fc.double({ min: 0, max: 1, noNaN: true }),
  coldStartToleranceMs: fc.integer({ min: 0, max: 3_000 }),
  jitterBudgetMicros: fc.option(fc.double({ min: 1, max: 1_000, noNaN: true }), { nil: undefined }),
  nodeLocalStateGiB: fc.oneof(fc.constant(0), fc.double({ min: 0.1, max: 64, noNaN: true })),
  requestPayloadKiB: fc.integer({ min: 1, max: 20_000 }),
  imageSizeGiB: fc.double({ min: 0.1, max: 20, noNaN: true }),
  architecture: fc.constantFrom(CpuArchitecture.X86_64, CpuArchitecture.ARM64, CpuArchitecture.ANY),
  teamRunsKubernetes: fc.boolean(),
  cpuFallbackCapable: fc.boolean(),
  concurrencyPerReplica: fc.integer({ min: 1, max: 16 }),
}).map(r => ({
  memoryMiB: r.memoryMiB,
  gpuCount: r.gpuCount,
  gpuMemoryGiB: r.gpuCount > 0 ? r.gpuMemoryGiB : undefined,
  requestDurationP50Ms: r.p50,
  requestDurationP99Ms: r.p50 * r.p99Factor,
  peakRequestsPerSecond: r.peak,
  averageRequestsPerSecond: r.peak * r.u,
  coldStartToleranceMs: r.coldStartToleranceMs,
  jitterBudgetMicros: r.jitterBudgetMicros,
  nodeLocalStateGiB: Math.min(r.nodeLocalStateGiB, (57_344 - r.memoryMiB) / 1024),
  requestPayloadKiB: r.requestPayloadKiB,
  imageSizeGiB: r.imageSizeGiB,
  architecture: r.gpuCount > 0 && r.architecture === CpuArchitecture.ARM64 ? CpuArchitecture.ANY : r.architecture,
  teamRunsKubernetes: r.teamRunsKubernetes,
  cpuFallbackCapable: r.cpuFallbackCapable,
  concurrencyPerReplica: r.concurrencyPerReplica,
}));

/** Two utilizations u1 <= u2. */
const twoUtilizations = fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
  .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);

const POLICIES: Array<[string, PlacementPolicy]> = [
  ['default', PlacementPolicy.default()],
  ['cost-optimized', PlacementPolicy.costOptimized()],
];

function withAverage(p: WorkloadProfile, u: number): WorkloadProfile {
  return { ...p, averageRequestsPerSecond: p.peakRequestsPerSecond! * u };
}

function costsByOption(d: PlacementDecision): Record<string, number> {
  return Object.fromEntries(d.costs.map(c => [c.option, c.monthlyUsd]));
}

describe('properties of the placement policy', () => {
  test('the same input gives the same decision', () => {
    fc.assert(fc.property(profiles, p => {
      const a = PlacementPolicy.default().decide(p).toJson();
      const b = PlacementPolicy.default().decide(JSON.parse(JSON.stringify(p))).toJson();
      expect(b).toEqual(a);
    }), { numRuns: 100, seed: SEED });
  });

  test.each(POLICIES)('a GPU workload is never placed on Lambda (%s)', (_name, policy) => {
    fc.assert(fc.property(profiles.filter(p => p.gpuCount! > 0), p => {
      const d = policy.decide(p);
      expect(d.target).not.toBe(L);
      expect(d.lambda === undefined || d.target === H).toBe(true);
      expect(() => PlacementPolicy.fixed(L).decide(p)).toThrow(/constraint\.gpu/);
    }), RUNS);
  });

  test.each(POLICIES)('raising average traffic, all else equal, never moves a workload from a dedicated target (Kubernetes, Managed Instances) to Lambda (%s)', (_name, policy) => {
    fc.assert(fc.property(profiles, twoUtilizations, (p, [u1, u2]) => {
      const before = policy.decide(withAverage(p, u1)).target;
      const after = policy.decide(withAverage(p, u2)).target;
      expect((before === K || before === M) && after === L).toBe(false);
    }), RUNS);
  });

  test('every cost is finite, non-negative, and does not fall as average traffic rises', () => {
    fc.assert(fc.property(profiles, twoUtilizations, (p, [u1, u2]) => {
      const lo = PlacementPolicy.default().decide(withAverage(p, u1));
      const hi = PlacementPolicy.default().decide(withAverage(p, u2));
      const a = costsByOption(lo);
      const b = costsByOption(hi);
      expect(Object.keys(b)).toEqual(Object.keys(a));
      for (const option of Object.keys(a)) {
        expect(Number.isFinite(a[option]) && a[option] >= 0).toBe(true);
        expect(b[option]).toBeGreaterThanOrEqual(a[option]);
      }
      for (const c of [...lo.costs, ...hi.costs]) {
        for (const i of c.lineItems) {
          expect(Number.isFinite(i.monthlyUsd) && i.monthlyUsd >= 0).toBe(true);
        }
      }
    }), RUNS);
  });

  test('every cost does not fall when the whole traffic (average and peak) grows', () => {
    fc.assert(fc.property(profiles, fc.double({ min: 1, max: 20, noNaN: true }), (p, k) => {
      const grown = { ...p, averageRequestsPerSecond: p.averageRequestsPerSecond * k, peakRequestsPerSecond: p.peakRequestsPerSecond! * k };
      const a = costsByOption(PlacementPolicy.default().decide(p));
      const b = costsByOption(PlacementPolicy.default().decide(grown));
      for (const option of Object.keys(a)) {
        expect(b[option]).toBeGreaterThanOrEqual(a[option]);
      }
    }), RUNS);
  });

  test('the cost curve is finite, non-negative and non-decreasing in utilization', () => {
    fc.assert(fc.property(profiles, p => {
      const d = PlacementPolicy.default().decide(p);
      for (const c of d.costs) {
        const points = d.costCurve!.filter(x => x.option === c.option);
        expect(points).toHaveLength(21);
        for (let i = 0; i < points.length; i++) {
          expect(Number.isFinite(points[i].monthlyUsd) && points[i].monthlyUsd >= 0).toBe(true);
          if (i > 0) {
            expect(points[i].monthlyUsd).toBeGreaterThanOrEqual(points[i - 1].monthlyUsd);
          }
        }
      }
    }), { numRuns: 100, seed: SEED });
  });

  test('the chosen option is feasible, allowed by every constraint, and consistent with the costs (default)', () => {
    fc.assert(fc.property(profiles, p => {
      const d = PlacementPolicy.default().decide(p);
      const chosen = d.chosenCost!;
      expect(chosen.target).toBe(d.target);
      expect(chosen.feasible).toBe(true);
      for (const r of d.firedRules) {
        expect(r.excludes ?? []).not.toContain(d.target);
      }
      const cost = (option: string) => d.costs.find(c => c.option === option);
      const lambda = cost('lambda-provisioned')!;
      const k8s = cost('kubernetes');
      if (d.target === M) {
        // Managed Instances only when cheaper than what economics and the bands chose, at 20% or more (or the only fit)
        const band = d.rules.find(r => r.ruleId === 'band.managed-instances')!;
        expect(band.verdict).toBe(RuleVerdict.FIRED);
        const others = d.costs.filter(c => c.feasible && (c.option === 'lambda-provisioned' || c.option === 'kubernetes'));
        expect(others.every(c => c.monthlyUsd > chosen.monthlyUsd) || band.reason.includes('only feasible')).toBe(true);
      } else if (d.target === H) {
        // hybrid only when it is cheaper than what economics chose, or the only fit
        const economics = d.rules.find(r => r.ruleId === 'economics.break-even')!;
        const other = economics.favours === undefined ? undefined : cost(economics.favours === L ? 'lambda-provisioned' : 'kubernetes');
        expect(other === undefined || chosen.monthlyUsd < other.monthlyUsd).toBe(true);
      } else if (lambda.feasible && k8s?.feasible) {
        const [mine, theirs] = d.target === L ? [lambda, k8s] : [k8s, lambda];
        const spiky = d.rules.find(r => r.ruleId === 'band.spiky')!;
        if (mine.monthlyUsd > theirs.monthlyUsd) {
          // only the spiky band may pick Lambda at a premium, and only within its tolerance
          expect(d.target).toBe(L);
          expect(spiky.verdict).toBe(RuleVerdict.FIRED);
          expect(mine.monthlyUsd).toBeLessThanOrEqual(theirs.monthlyUsd * 1.2 + 1e-9);
        }
      }
    }), RUNS);
  });

  test('the chosen option is the cheapest feasible one (cost-optimized, no latency weight)', () => {
    fc.assert(fc.property(profiles, p => {
      const d = PlacementPolicy.costOptimized().decide(p);
      const deployable = d.costs.filter(c => c.feasible && c.option !== 'lambda-on-demand');
      expect(d.chosenCost!.monthlyUsd).toBe(Math.min(...deployable.map(c => c.monthlyUsd)));
    }), RUNS);
  });

  test('sizing is present for the chosen target and within the platforms\' limits', () => {
    fc.assert(fc.property(profiles, fc.constantFrom(undefined, H), (p, forced) => {
      let d: PlacementDecision;
      try {
        d = forced ? PlacementPolicy.fixed(forced).decide(p) : PlacementPolicy.costOptimized().decide(p);
      } catch (e) {
        expect((e as Error).message).toMatch(/violates hard constraint/); // fixed(hybrid) where hybrid is excluded
        return;
      }
      expect(d.lambda !== undefined).toBe(d.target === L || d.target === H);
      expect(d.kubernetes !== undefined).toBe(d.target === K || d.target === H);
      expect(d.hybrid !== undefined).toBe(d.target === H);
      if (d.lambda) {
        const l = d.lambda;
        expect(l.memoryMiB).toBeGreaterThanOrEqual(128);
        expect(l.memoryMiB).toBeLessThanOrEqual(10_240);
        expect(l.timeoutSeconds).toBeLessThanOrEqual(900);
        expect(l.timeoutSeconds).toBeGreaterThanOrEqual(Math.min(900, p.requestDurationP99Ms! / 1000));
        expect(l.ephemeralStorageMiB).toBeGreaterThanOrEqual(512);
        expect(l.ephemeralStorageMiB).toBeLessThanOrEqual(10_240);
        expect(l.provisionedConcurrencyMin).toBeGreaterThanOrEqual(1);
        expect(l.provisionedConcurrencyMax).toBeGreaterThanOrEqual(l.provisionedConcurrencyMin);
        expect(l.architecture).toBe(p.architecture === CpuArchitecture.X86_64 ? 'x86_64' : 'arm64');
      }
      if (d.kubernetes) {
        const k = d.kubernetes;
        expect(k.replicasMin).toBeGreaterThanOrEqual(1);
        expect(k.replicasMax).toBeGreaterThanOrEqual(k.replicasMin);
        expect(k.gpuCount).toBe(p.gpuCount);
        expect(k.gpuProduct !== undefined && k.gpuName !== undefined).toBe(p.gpuCount! > 0);
        expect(k.instanceType).toMatch(/^[a-z0-9]+\.[a-z0-9]+$/);
      }
      if (d.hybrid) {
        expect(d.hybrid.dataPlaneFloorReplicas).toBeGreaterThanOrEqual(1);
        expect(d.hybrid.overflowThresholdRequestsPerSecond).toBeGreaterThan(0);
        if (d.hybrid.overflowToLambda) {
          expect(p.cpuFallbackCapable).toBe(true);
        }
      }
    }), RUNS);
  });
});
