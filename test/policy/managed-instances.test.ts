import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { rule, usd } from './helpers';
import { PlacementPolicy, PlacementTarget, RuleVerdict, WorkloadProfile } from '../../lib/policy';
import { MANAGED_INSTANCES_LIMITS } from '../../lib/policy/limits';
import { MANAGED_INSTANCES_PROFILE } from '../helpers/fixtures';

const policy = PlacementPolicy.default();
const M = PlacementTarget.LAMBDA_MANAGED_INSTANCES;
const L = PlacementTarget.LAMBDA;

const TAGGER = MANAGED_INSTANCES_PROFILE;

describe('Lambda Managed Instances: hard constraints', () => {
  test.each([
    ['constraint.managed-instances-gpu', { gpuCount: 1, gpuMemoryGiB: 48 }, { gpuCount: 1, gpuMemoryGiB: 48.5 }],
    ['constraint.managed-instances-memory', { memoryMiB: 10_240 }, { memoryMiB: 10_241 }],
  ] as Array<[string, Partial<WorkloadProfile>, Partial<WorkloadProfile>]>)('%s passes at the boundary and excludes only Managed Instances past it', (id, at, past) => {
    expect(rule(policy.decide({ ...TAGGER, ...at }), id).verdict).toBe(RuleVerdict.PASSED);
    const d = policy.decide({ ...TAGGER, ...past });
    const r = rule(d, id);
    expect(r.verdict).toBe(RuleVerdict.FIRED);
    expect(r.excludes).toEqual([M]);
    expect(d.costs.find(c => c.option === 'lambda-managed-instances')?.feasible ?? false).toBe(false);
  });

  test('the GPU rule says why: one device of at most 48 GiB per execution environment', () => {
    expect(rule(policy.decide({ ...TAGGER, gpuCount: 2 }), 'constraint.managed-instances-gpu').reason)
      .toMatch(/^needs 2 GPUs per model server \(tensor parallelism across devices\); a Lambda Managed Instances GPU function gets 1 accelerator device/);
    expect(rule(policy.decide({ ...TAGGER, gpuCount: 1, gpuMemoryGiB: 80 }), 'constraint.managed-instances-gpu').reason)
      .toBe('needs 80 GiB per GPU; a GPU function\'s device is at most 48 GiB (AcceleratorMemorySize)');
  });

  test('the Managed Instances limits are what the installed aws-cdk-lib validates', () => {
    // read from the installed package's capacity provider, so a bump that changes a range fails here
    const js = fs.readFileSync(path.join(path.dirname(require.resolve('aws-cdk-lib')), 'aws-lambda', 'lib', 'capacity-provider.js'), 'utf-8');
    expect(js).toContain(`maxVCpuCount must be between ${MANAGED_INSTANCES_LIMITS.minVCpuCount} and ${MANAGED_INSTANCES_LIMITS.maxVCpuCount}`);
    expect(js).toContain(`maxExecutionEnvironments must be between 0 and ${MANAGED_INSTANCES_LIMITS.maxEnvironments}`);
  });

  test('under 2,048 MiB the function is sized up to the 2 GB / 1 vCPU minimum and priced so', () => {
    const d = PlacementPolicy.fixed(M).decide({ ...TAGGER, memoryMiB: 512, vcpus: 0.3 });
    expect(rule(d, 'constraint.managed-instances-memory').reason).toBe("512 MiB is sized up to Lambda Managed Instances' 2,048 MiB minimum (priced so)");
    expect(d.managedInstances).toMatchObject({ memoryMiB: 2048, vcpuPerEnvironment: 1, memoryGiBPerVcpu: 2 });
  });

  test.each([
    // peak concurrency 150 rps x 80 ms = 12 requests, 2 per environment: half the peak is 3 environments, the default floor
    [150, RuleVerdict.PASSED, 3],
    // 151 rps: 12.08 requests, half is 3.02 environments: the floor rises to 4, priced all month
    [151, RuleVerdict.FIRED, 4],
  ])('constraint.managed-instances-burst at a peak of %i rps is %s, floor %i', (peakRequestsPerSecond, verdict, floor) => {
    const d = PlacementPolicy.fixed(M).decide({ ...TAGGER, peakRequestsPerSecond });
    const r = rule(d, 'constraint.managed-instances-burst');
    expect(r.verdict).toBe(verdict);
    expect(r.excludes).toBeUndefined();
    expect(d.managedInstances!.minExecutionEnvironments).toBe(floor);
    expect(d.costs.find(c => c.option === 'lambda-managed-instances')!.lineItems[0].basis).toContain(`(${floor} `);
  });

  test('constraint.managed-instances-burst excludes the target when half the peak needs more than 15,000 environments', () => {
    // 1,000 rps x 60 s = 60,000 concurrent requests, 2 per environment: 15,000 environments hold half; 1 more rps is too many
    const base = { ...TAGGER, requestDurationP50Ms: 60_000, requestDurationP99Ms: 60_000, averageRequestsPerSecond: 400 };
    expect(rule(policy.decide({ ...base, peakRequestsPerSecond: 1000 }), 'constraint.managed-instances-burst').excludes).toBeUndefined();
    const r = rule(policy.decide({ ...base, peakRequestsPerSecond: 1001 }), 'constraint.managed-instances-burst');
    expect(r.excludes).toEqual([M]);
    expect(r.reason).toMatch(/over the 15,000 a version may have$/);
  });

  test('cold starts do not exclude Managed Instances (no request waits for an environment); Lambda\'s limits that apply to it do', () => {
    expect(policy.decide({ ...TAGGER, coldStartToleranceMs: 50 }).target).toBe(M);
    expect(rule(policy.decide({ ...TAGGER, requestPayloadKiB: 7000 }), 'constraint.payload').excludes).toContain(M);
  });
});

describe('Lambda Managed Instances: cost model', () => {
  test('prices the floor, the instances above it per the load curve, the 15% fee and requests (hand-computed)', () => {
    const d = policy.decide(TAGGER);
    const c = d.costs.find(x => x.option === 'lambda-managed-instances')!;
    // environment: 3,072 MiB needs 3072 / 1769 = 1.737 vCPU -> 2 vCPU x 2 GiB = 4 GiB; a c7i.large (4 GiB) keeps 1 GiB for its
    // OS and the Lambda agent, so 3 GiB are left: one per m7i.large ($0.1008/h, 2 vCPU, 8 GiB - 1 GiB)
    expect(d.managedInstances).toMatchObject({ instanceType: 'm7i.large', memoryMiB: 4096, vcpuPerEnvironment: 2, memoryGiBPerVcpu: 2, perEnvironmentMaxConcurrency: 2 });
    const floor = 3 * 0.1008 * 730; // 3 instances (AZ resilience) = 220.75
    const peakInstances = 150 * 0.08 / 2 / 0.7; // 12 concurrent requests, 2 per environment, CPU target 70%: 8.571
    const u = 60 / 150;
    const above = peakInstances * u * Math.pow(1 - 3 / peakInstances, 1 / u) * 0.1008 * 730; // 85.94
    const r2 = (x: number) => Math.round(x * 100) / 100;
    const fee = (r2(floor) + r2(above)) * 0.15; // 46.00
    const requests = 60 * 730 * 3600 * 0.0000002; // 31.54
    expect(c.lineItems.map(i => [i.label, i.monthlyUsd])).toEqual([
      ['instances for the warm floor', r2(floor)],
      ['instances above the floor', r2(above)],
      ['management fee', r2(fee)],
      ['requests', r2(requests)],
    ]);
    expect(c.monthlyUsd).toBe(384.23);
    expect(c.lineItems.map(i => i.basis)).toEqual([
      '3 x m7i.large (3 environment(s) of 4 GiB / 2 vCPU, 1 per instance) x 730 h x $0.1008/h',
      '1.168 m7i.large on average (up to 9 at the peak, CPU target 70%) x 730 h x $0.1008/h',
      "15% of the instances' on-demand price",
      '157.68 M requests x $2e-7/request (no duration charge)',
    ]);
  });

  test('the example workload beats Lambda with provisioned concurrency, hybrid and Kubernetes, and the decision says by how much', () => {
    const d = policy.decide(TAGGER);
    expect(d.target).toBe(M);
    expect(d.chosenOption).toBe('lambda-managed-instances');
    expect([usd(d, 'lambda-provisioned'), usd(d, 'kubernetes'), usd(d, 'hybrid')].every(x => x > usd(d, 'lambda-managed-instances'))).toBe(true);
    const b = rule(d, 'band.managed-instances');
    expect(b.verdict).toBe(RuleVerdict.FIRED);
    expect(b.reason).toMatch(/^sustained utilization 40\.0%: it is in the 20\.0%-60\.0% band without a Kubernetes team, where Managed Instances compete with hybrid and Lambda on cost; Lambda Managed Instances \$384\.23\/mo are cheaper than kubernetes \$564\.53\/mo; break-even vs lambda-provisioned 17\.6%, vs kubernetes 67\.3%$/);
    expect(d.breakEvens).toEqual([{ versus: 'lambda-provisioned', utilization: 0.176 }, { versus: 'kubernetes', utilization: 0.673 }, { versus: 'hybrid' }]);
    expect(d.explain()).toContain('break-even: vs lambda-provisioned 17.6%, vs kubernetes 67.3%, vs hybrid none in 0-100%');
  });

  test('the break-evens are where the costs cross', () => {
    const d = policy.decide(TAGGER);
    const at = (u: number) => policy.decide({ ...TAGGER, sustainedUtilization: u });
    const versus = (option: string) => d.breakEvens!.find(b => b.versus === option)!.utilization;
    const versusLambda = versus('lambda-provisioned');
    const versusKubernetes = versus('kubernetes');
    expect(usd(at(versusLambda! - 0.01), 'lambda-managed-instances')).toBeGreaterThan(usd(at(versusLambda! - 0.01), 'lambda-provisioned'));
    expect(usd(at(versusLambda! + 0.01), 'lambda-managed-instances')).toBeLessThan(usd(at(versusLambda! + 0.01), 'lambda-provisioned'));
    expect(usd(at(versusKubernetes! - 0.01), 'lambda-managed-instances')).toBeLessThan(usd(at(versusKubernetes! - 0.01), 'kubernetes'));
    expect(usd(at(versusKubernetes! + 0.01), 'lambda-managed-instances')).toBeGreaterThan(usd(at(versusKubernetes! + 0.01), 'kubernetes'));
  });
});

describe('band.managed-instances', () => {
  test.each([
    [0.199, RuleVerdict.PASSED, L],
    [0.2, RuleVerdict.FIRED, M],
  ])('at %d it is %s', (u, verdict, target) => {
    const d = policy.decide({ ...TAGGER, sustainedUtilization: u });
    expect(rule(d, 'band.managed-instances').verdict).toBe(verdict);
    expect(d.target).toBe(target);
  });

  test('with a Kubernetes team it competes with Kubernetes on cost', () => {
    const d = policy.decide({ ...TAGGER, teamRunsKubernetes: true });
    expect(rule(d, 'band.managed-instances').reason).toMatch(/the team runs Kubernetes, so Managed Instances compete with it on cost/);
    // on cost alone: node-overhead pricing makes this CPU pod's share of a node cheaper than Managed Instances
    expect(usd(d, 'kubernetes')).toBeLessThan(usd(d, 'lambda-managed-instances'));
    expect(d.target).toBe(PlacementTarget.KUBERNETES);
  });

  test('is skipped by the cost-optimized policy, which weighs Managed Instances with every option', () => {
    const d = PlacementPolicy.costOptimized().decide(TAGGER);
    expect(rule(d, 'band.managed-instances').verdict).toBe(RuleVerdict.SKIPPED);
    expect(d.target).toBe(M);
  });
});

describe('monotonicity with Managed Instances', () => {
  const profile = fc.record({
    memoryMiB: fc.integer({ min: 512, max: 10_240 }),
    p50: fc.integer({ min: 5, max: 2000 }),
    peak: fc.double({ min: 0.5, max: 500, noNaN: true }),
    concurrencyPerReplica: fc.integer({ min: 1, max: 8 }),
    teamRunsKubernetes: fc.boolean(),
    coldStartToleranceMs: fc.constantFrom(100, 1000),
  });
  const twoUtilizations = fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);

  test('more sustained traffic never moves a workload from a dedicated target (Managed Instances, Kubernetes, hybrid) back to plain Lambda', () => {
    fc.assert(fc.property(profile, twoUtilizations, (r, [u1, u2]) => {
      const p: WorkloadProfile = {
        memoryMiB: r.memoryMiB,
        requestDurationP50Ms: r.p50,
        peakRequestsPerSecond: r.peak,
        averageRequestsPerSecond: r.peak,
        concurrencyPerReplica: r.concurrencyPerReplica,
        teamRunsKubernetes: r.teamRunsKubernetes,
        coldStartToleranceMs: r.coldStartToleranceMs,
      };
      const before = policy.decide({ ...p, sustainedUtilization: u1 }).target;
      const after = policy.decide({ ...p, sustainedUtilization: u2 }).target;
      expect(before !== L && after === L).toBe(false);
    }), { seed: 20260920, numRuns: 300 });
  });
});
