import { rule, usd, withoutManagedInstances } from './helpers';
import { CpuArchitecture, PlacementPolicy, PlacementTarget, PriceTable, PriceTableProps, RuleVerdict, WorkloadProfile } from '../../lib/policy';

const policy = PlacementPolicy.default();
const L = PlacementTarget.LAMBDA;
const K = PlacementTarget.KUBERNETES;
const H = PlacementTarget.HYBRID;

/** A typical CPU model server of a few GiB, run by a team that already runs Kubernetes. */
function typical(
  memoryMiB: number, requestDurationP50Ms: number, peakRequestsPerSecond: number, architecture = CpuArchitecture.X86_64,
): WorkloadProfile {
  return {
    memoryMiB,
    requestDurationP50Ms,
    peakRequestsPerSecond,
    averageRequestsPerSecond: peakRequestsPerSecond / 4,
    architecture,
    teamRunsKubernetes: true,
  };
}

function table(overrides: Partial<PriceTableProps>): PriceTable {
  return PriceTable.custom({ ...PriceTable.awsUsEast1().props, name: 'test', ...overrides });
}

describe('break-even sustained utilization', () => {
  const grid: Array<[number, number, number, CpuArchitecture]> = [];
  for (const memoryMiB of [1024, 2048, 3072, 4096]) {
    for (const p50 of [100, 200, 500]) {
      for (const peak of [20, 100, 500]) {
        for (const arch of [CpuArchitecture.X86_64, CpuArchitecture.ANY]) {
          grid.push([memoryMiB, p50, peak, arch]);
        }
      }
    }
  }

  // a CPU pod gets the vCPUs Lambda gives the same memory (1 per 1,769 MB), so the comparison is like for like:
  // the break-even is then about twice the article's "20-30%", inside its 20-60% "Wait" band
  test.each(grid)('a typical CPU workload (%i MiB, p50 %i ms, peak %i rps, %s) breaks even at 40-60%% (the article\'s Wait band)', (memoryMiB, p50, peak, arch) => {
    const be = policy.decide(typical(memoryMiB, p50, peak, arch)).breakEvenUtilization;
    expect(be).toBeGreaterThanOrEqual(0.40);
    expect(be).toBeLessThanOrEqual(0.60);
  });

  test('it is where the Lambda option and Kubernetes cost the same', () => {
    const profile = typical(4096, 200, 100);
    const be = policy.decide(profile).breakEvenUtilization!;
    const below = policy.decide({ ...profile, sustainedUtilization: be - 0.005 });
    const above = policy.decide({ ...profile, sustainedUtilization: be + 0.005 });
    expect(usd(below, 'lambda-provisioned')).toBeLessThan(usd(below, 'kubernetes'));
    expect(usd(above, 'lambda-provisioned')).toBeGreaterThan(usd(above, 'kubernetes'));
  });

  test('it moves with prices: dearer Lambda lowers it, dearer nodes raise it', () => {
    const profile = typical(4096, 200, 100);
    const base = policy.decide(profile).breakEvenUtilization!;
    const x86 = PriceTable.awsUsEast1().props.lambdaX86;
    const dearLambda = table({
      lambdaX86: { ...x86, gbSecondUsd: x86.gbSecondUsd * 2, provisionedExecutionGbSecondUsd: x86.provisionedExecutionGbSecondUsd * 2 },
    });
    const dearNodes = table({ cpuInstances: PriceTable.awsUsEast1().props.cpuInstances.map(n => ({ ...n, hourlyUsd: n.hourlyUsd * 2 })) });
    const lambdaX2 = PlacementPolicy.default({ priceTable: dearLambda }).decide(profile).breakEvenUtilization;
    const nodesX2 = PlacementPolicy.default({ priceTable: dearNodes }).decide(profile).breakEvenUtilization;
    // undefined: one side is then cheaper at every utilization (Kubernetes, resp. Lambda)
    expect(lambdaX2 ?? 0).toBeLessThan(base * 0.6);
    expect(nodesX2 ?? 1).toBeGreaterThan(base * 1.7);
  });

  test('it rises for a team without Kubernetes (operations share), most for small workloads', () => {
    const tiny = typical(2048, 100, 20);
    const mid = typical(2048, 200, 100);
    const big = typical(2048, 500, 500);
    const without = (p: WorkloadProfile) => policy.decide({ ...p, teamRunsKubernetes: false }).breakEvenUtilization;
    const withTeam = (p: WorkloadProfile) => policy.decide(p).breakEvenUtilization!;
    expect(without(tiny)).toBeUndefined(); // serverless is cheaper at every utilization
    expect(withTeam(tiny)).toBeGreaterThan(0.2);
    expect(without(mid)! - withTeam(mid)).toBeGreaterThan(0.1);
    expect(without(big)! - withTeam(big)).toBeGreaterThan(0);
    expect(without(big)! - withTeam(big)).toBeLessThan(0.03);
  });

  test('is undefined when one side is infeasible', () => {
    expect(policy.decide({ ...typical(4096, 200, 100), gpuCount: 1 }).breakEvenUtilization).toBeUndefined();
  });
});

describe('economics.break-even', () => {
  const profile = typical(4096, 200, 100);
  const be = policy.decide(profile).breakEvenUtilization!;

  test.each([
    [-0.01, L],
    [+0.01, K],
  ])('at break-even %d the cheaper side wins', (delta, target) => {
    const d = policy.decide({ ...profile, sustainedUtilization: be + delta });
    const r = rule(d, 'economics.break-even');
    expect(r.verdict).toBe(RuleVerdict.FIRED);
    expect(r.favours).toBe(target);
    expect(d.target).toBe(target);
    expect(r.reason).toMatch(target === L ? /is at or below the break-even/ : /is above the break-even/);
    expect(r.reason).toContain('lambda-provisioned $');
  });

  test('is skipped when a constraint leaves only one of Lambda and Kubernetes', () => {
    const r = rule(policy.decide({ ...profile, memoryMiB: 16_384 }), 'economics.break-even');
    expect(r.verdict).toBe(RuleVerdict.SKIPPED);
    expect(r.reason).toMatch(/^only kubernetes is feasible/);
  });
});

describe('band.spiky (under 10%)', () => {
  // 1 ms requests: the request price dominates Lambda, so Kubernetes wins from ~3% utilization
  const tiny: WorkloadProfile = {
    memoryMiB: 128,
    requestDurationP50Ms: 1,
    averageRequestsPerSecond: 1000,
    peakRequestsPerSecond: 1000,
    teamRunsKubernetes: true,
  };

  test.each([
    [0.0999, RuleVerdict.FIRED, L],
    [0.1, RuleVerdict.PASSED, K],
  ])('at %d with a generous cost tolerance it is %s', (u, verdict, target) => {
    const generous = PlacementPolicy.default({ bandCostTolerance: 1 });
    const d = generous.decide({ ...tiny, sustainedUtilization: u, peakRequestsPerSecond: 300, averageRequestsPerSecond: 300 });
    expect(rule(d, 'economics.break-even').favours).toBe(K);
    expect(rule(d, 'band.spiky').verdict).toBe(verdict);
    expect(d.target).toBe(target);
  });

  test('never makes an absurd cost choice: outside the tolerance, the cheaper dedicated option stays', () => {
    const d = policy.decide({ ...tiny, sustainedUtilization: 0.09 });
    expect(usd(d, 'lambda-provisioned')).toBeGreaterThan(usd(d, 'kubernetes') * 1.2);
    const r = rule(d, 'band.spiky');
    expect(r.verdict).toBe(RuleVerdict.PASSED);
    expect(r.reason).toMatch(/is spiky, but Lambda \$[\d,.]+\/mo is more than 20% above kubernetes/);
    expect(d.target).toBe(K);
  });

  test('confirms Lambda when economics already chose it', () => {
    const d = policy.decide({ memoryMiB: 2048, requestDurationP50Ms: 120, averageRequestsPerSecond: 2, peakRequestsPerSecond: 40 });
    expect(rule(d, 'band.spiky')).toMatchObject({ verdict: RuleVerdict.FIRED, favours: L });
    expect(rule(d, 'band.spiky').reason).toBe('sustained utilization 5.0% is under 10.0% (spiky): stays on Lambda');
  });

  test('is skipped when Lambda is excluded', () => {
    expect(rule(policy.decide({ ...tiny, gpuCount: 1, memoryMiB: 8192, sustainedUtilization: 0.05 }), 'band.spiky').verdict).toBe(RuleVerdict.SKIPPED);
  });
});

describe('band.hybrid (20-60% without a Kubernetes team)', () => {
  // CPU-capable model: the tail can overflow to Lambda, which makes a hybrid floor cheaper
  const middle: WorkloadProfile = {
    memoryMiB: 4096,
    vcpus: 1,
    requestDurationP50Ms: 200,
    averageRequestsPerSecond: 30,
    peakRequestsPerSecond: 100,
    cpuFallbackCapable: true,
  };

  test.each([
    [0.199, RuleVerdict.PASSED],
    [0.2, RuleVerdict.FIRED],
    [0.3, RuleVerdict.FIRED],
  ])('at %d it is %s (hybrid is cheaper there)', (u, verdict) => {
    const d = withoutManagedInstances().decide({ ...middle, sustainedUtilization: u });
    const r = rule(d, 'band.hybrid');
    expect(r.verdict).toBe(verdict);
    if (verdict === RuleVerdict.FIRED) {
      expect(d.target).toBe(H);
      expect(usd(d, 'hybrid')).toBeLessThan(Math.min(usd(d, 'lambda-provisioned'), usd(d, 'kubernetes')));
    } else {
      expect(d.target).not.toBe(H);
    }
  });

  test.each([
    [0.6, RuleVerdict.PASSED, /is not cheaper than kubernetes/],
    [0.601, RuleVerdict.PASSED, /is outside 20.0%-60.0%/],
  ])('at %d it is %s', (u, verdict, reason) => {
    const r = rule(withoutManagedInstances().decide({ ...middle, sustainedUtilization: u }), 'band.hybrid');
    expect(r.verdict).toBe(verdict);
    expect(r.reason).toMatch(reason);
  });

  test('does not fire for a team that runs Kubernetes', () => {
    const d = policy.decide({ ...middle, teamRunsKubernetes: true });
    expect(rule(d, 'band.hybrid').verdict).toBe(RuleVerdict.PASSED);
    expect(rule(d, 'band.hybrid').reason).toContain('the team runs Kubernetes');
    expect(d.target).not.toBe(H);
  });

  test('does not fire when hybrid is dearer (a GPU model without CPU fallback); band.wait then places it as hybrid all the same', () => {
    const d = policy.decide({
      memoryMiB: 30_720,
      gpuCount: 1,
      gpuMemoryGiB: 24,
      requestDurationP50Ms: 1500,
      averageRequestsPerSecond: 3,
      peakRequestsPerSecond: 12,
    });
    expect(d.sustainedUtilization).toBe(0.25);
    expect(rule(d, 'band.hybrid').verdict).toBe(RuleVerdict.PASSED);
    expect(usd(d, 'hybrid')).toBeGreaterThan(usd(d, 'kubernetes'));
    // the team does not run Kubernetes: in the band, plain Kubernetes is not an option while hybrid is feasible
    expect(rule(d, 'band.wait').verdict).toBe(RuleVerdict.FIRED);
    expect(d.target).toBe(PlacementTarget.HYBRID);
  });

  test('is skipped when hybrid is excluded (payload past the entry function)', () => {
    const r = rule(policy.decide({ ...middle, requestPayloadKiB: 8192 }), 'band.hybrid');
    expect(r.verdict).toBe(RuleVerdict.SKIPPED);
    expect(r.reason).toBe('hybrid is excluded by constraint.payload');
  });
});

describe('cost model', () => {
  test('line items add up to each option\'s monthly cost, each with a basis', () => {
    const d = policy.decide({
      memoryMiB: 4096,
      requestDurationP50Ms: 200,
      averageRequestsPerSecond: 30,
      peakRequestsPerSecond: 100,
      cpuFallbackCapable: true,
    });
    expect(d.costs.map(c => c.option)).toEqual(['lambda-on-demand', 'lambda-provisioned', 'kubernetes', 'hybrid', 'lambda-managed-instances']);
    for (const c of d.costs) {
      const sum = c.lineItems.reduce((s, i) => s + i.monthlyUsd, 0);
      expect(c.monthlyUsd).toBeCloseTo(sum, 2);
      for (const i of c.lineItems) {
        expect(i.basis.length).toBeGreaterThan(5);
      }
    }
  });

  test('Lambda on demand is requests plus GB-seconds at list price', () => {
    // 10 rps x 2,628,000 s = 26.28 M requests; x 0.1 s x 1 GB = 2,628,000 GB-s
    const d = policy.decide({ memoryMiB: 1024, requestDurationP50Ms: 100, averageRequestsPerSecond: 10, peakRequestsPerSecond: 10 });
    expect(usd(d, 'lambda-on-demand')).toBeCloseTo(26.28 * 0.2 + 2_628_000 * 0.0000166667, 1);
  });

  test('Kubernetes is priced for the peak replicas plus the cluster share', () => {
    // 50 rps x 200 ms = 10 concurrent requests = 10 replicas of a 4 GiB / 1 vCPU pod; the cheapest share is of an
    // m7i.4xlarge: its room for pods is 65,536 MiB - kube-reserved (11 x 234 max pods + 255 = 2,829) - eviction 100
    // - DaemonSets 256 = 62,351 MiB and 16,000m - kube-reserved 110m - DaemonSets 250m = 15,640m
    const d = policy.decide({
      memoryMiB: 4096,
      vcpus: 1,
      requestDurationP50Ms: 200,
      averageRequestsPerSecond: 5,
      peakRequestsPerSecond: 50,
      teamRunsKubernetes: true,
    });
    const k = d.costs.find(c => c.option === 'kubernetes')!;
    expect(k.lineItems.map(i => i.label)).toEqual(['nodes for 10 replica(s) at the peak', 'cluster control plane (share)']);
    expect(k.lineItems[0].basis).toContain('of a m7i.4xlarge');
    expect(k.lineItems[0].monthlyUsd).toBeCloseTo(10 * Math.max(4096 / 62_351, 1000 / 15_640) * 0.8064 * 730, 1);
    expect(k.lineItems[1].monthlyUsd).toBe(7.3); // $0.10/h x 730 h / 10 workloads
    const noTeam = policy.decide({ memoryMiB: 4096, vcpus: 1, requestDurationP50Ms: 200, averageRequestsPerSecond: 5, peakRequestsPerSecond: 50 });
    expect(usd(noTeam, 'kubernetes') - usd(d, 'kubernetes')).toBeCloseTo(200, 2); // $2,000/mo ops / 10 workloads
  });

  test('GPU nodes are paid whole: pods per node from GPUs, memory and CPU', () => {
    // placed on Kubernetes (at 25% a GPU Lambda Managed Instances function would be cheaper: band.serverless-gpu)
    const d = PlacementPolicy.fixed(PlacementTarget.KUBERNETES).decide({
      memoryMiB: 8192, gpuCount: 1, gpuMemoryGiB: 24, gpuFamily: 'A10G', requestDurationP50Ms: 1000, averageRequestsPerSecond: 2, peakRequestsPerSecond: 8, teamRunsKubernetes: true,
    });
    // 8 rps x 1 s / 4 per replica = 2 replicas = 2 x g5.xlarge; the pod asks 2 vCPUs (the default per GPU), not a
    // share of the node. Floor: the ramp (8 x 0.75 / 15 = 0.4 rps/min) over 30 s HPA + 150 s node + 10 s image +
    // 60 s weights = 250 s adds 1.67 rps to the average 2: 3.67 rps x 1 s / 4 per replica -> 1 of 2
    expect(d.kubernetes).toMatchObject({ instanceType: 'g5.xlarge', replicasMax: 2, replicasMin: 1, cpuMillis: 2000 });
    expect(d.costs.find(c => c.option === 'kubernetes')!.lineItems[0]).toMatchObject({ monthlyUsd: 2 * 1.006 * 730 });
  });

  test('the cost curve has every priced option at 0-100% in 5% steps, non-decreasing', () => {
    const d = policy.decide({
      memoryMiB: 4096,
      requestDurationP50Ms: 200,
      averageRequestsPerSecond: 30,
      peakRequestsPerSecond: 100,
      cpuFallbackCapable: true,
    });
    const curve = d.costCurve!;
    expect(curve.length).toBe(21 * 5);
    for (const option of d.costs.map(c => c.option)) {
      const points = curve.filter(c => c.option === option);
      expect(points.map(c => c.utilization)).toEqual(Array.from({ length: 21 }, (_, i) => i / 20));
      for (let i = 1; i < points.length; i++) {
        expect(points[i].monthlyUsd).toBeGreaterThanOrEqual(points[i - 1].monthlyUsd);
      }
    }
    // Kubernetes capacity stands for the peak: flat; Lambda grows with the load
    const k = curve.filter(c => c.option === 'kubernetes').map(c => c.monthlyUsd);
    expect(new Set(k).size).toBe(1);
    const lambda = curve.filter(c => c.option === 'lambda-on-demand');
    expect(lambda[20].monthlyUsd).toBeGreaterThan(lambda[1].monthlyUsd * 10);
    // the curve crosses at the break-even
    const lp = curve.filter(c => c.option === 'lambda-provisioned');
    const be = d.breakEvenUtilization!;
    expect(lp.filter(c => c.utilization < be - 0.05).every(c => c.monthlyUsd < k[0])).toBe(true);
    expect(lp.filter(c => c.utilization > be + 0.05).every(c => c.monthlyUsd > k[0])).toBe(true);
  });
});
