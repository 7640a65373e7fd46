import { rule } from './helpers';
import { PlacementPolicy, PlacementTarget, PriceTable, WorkloadProfile } from '../../lib/policy';
import { decidingRule } from '../../lib/policy/deciding-rule';
import { MANAGED_INSTANCES_GPU_LIMITS } from '../../lib/policy/limits';
import { reportEntry, renderWorkloadMarkdown } from '../../lib/report/render';
import { SERVERLESS_GPU_PROFILE } from '../helpers/fixtures';

const SERVERLESS_GPU = SERVERLESS_GPU_PROFILE;

const decide = (p: WorkloadProfile) => PlacementPolicy.default().decide(p);
const usdOf = (d: ReturnType<typeof decide>, option: string) => d.costs.find(c => c.option === option)?.monthlyUsd;

describe('serverless GPUs (GPU Lambda Managed Instances) by the default policy', () => {
  test('a 24 GiB one-device model at moderate steady load without a Kubernetes team lands on GPU Managed Instances, decided by band.serverless-gpu with both costs', () => {
    const d = decide(SERVERLESS_GPU);
    expect(d.target).toBe(PlacementTarget.LAMBDA_MANAGED_INSTANCES);
    expect(decidingRule(d)?.ruleId).toBe('band.serverless-gpu');
    const band = rule(d, 'band.serverless-gpu');
    const mi = usdOf(d, 'lambda-managed-instances')!;
    const k8s = usdOf(d, 'kubernetes')!;
    expect(band.reason).toContain(`$${mi.toLocaleString('en-US', { minimumFractionDigits: 2 })}`);
    expect(band.reason).toContain(`kubernetes $${k8s.toLocaleString('en-US', { minimumFractionDigits: 2 })}`);
    expect(band.reason).toMatch(/capacity risk/);
    // within the band cost tolerance of Kubernetes, not cheaper: without a Kubernetes team the tolerance applies
    expect(mi).toBeLessThanOrEqual(k8s * 1.2);
    expect(d.breakEvens?.find(b => b.versus === 'kubernetes')?.utilization).toBeDefined();
    expect(d.breakEvens?.find(b => b.versus === 'hybrid')?.utilization).toBeDefined();
    const m = d.managedInstances!;
    expect(m.acceleratorMemoryGiB).toBe(24);
    expect(m.gpuUtilizationTarget).toBe(MANAGED_INSTANCES_GPU_LIMITS.defaultGpuUtilizationTarget);
    expect(m.architecture).toBe('x86_64');
    expect(m.minExecutionEnvironments).toBeGreaterThanOrEqual(1);
    // several GPU instance types, each from the price table, with a device of at least 24 GiB
    const table = PriceTable.awsUsEast1().props.gpuInstances;
    expect(m.instanceTypes!.length).toBeGreaterThan(1);
    expect(m.instanceTypes![0]).toBe(m.instanceType);
    for (const type of m.instanceTypes!) {
      const row = table.find(g => g.instanceType === type)!;
      expect(row.gpuMemoryGiB).toBeGreaterThanOrEqual(24);
      expect(row.architecture ?? 'x86_64').toBe('x86_64');
    }
  });

  test('the placement report names the deciding rule and both costs', () => {
    const d = decide(SERVERLESS_GPU);
    const w = { constructPath: 'App/Gpu', stack: 'App', workloadName: 'gpu', decision: d };
    const entry = reportEntry(w);
    expect(entry.decidingRule).toBe('band.serverless-gpu');
    expect(entry.breakEvens).toEqual(d.breakEvens);
    expect(entry).not.toHaveProperty('managedInstancesBreakEven');
    const md = renderWorkloadMarkdown(w);
    expect(md).toContain('deciding rule `band.serverless-gpu`');
    expect(md).toMatch(/break-even vs kubernetes [\d.]+%, vs hybrid [\d.]+%\./);
    for (const option of ['lambda-managed-instances', 'kubernetes', 'hybrid']) {
      expect(md).toMatch(new RegExp(`\`${option}\`( \\(chosen\\))? \\| \\$[\\d,.]+`));
    }
  });

  test('with a Kubernetes team the tolerance is 0: the cheaper GPU Kubernetes wins, and the band says so with both costs', () => {
    const d = decide({ ...SERVERLESS_GPU, teamRunsKubernetes: true });
    expect(d.target).toBe(PlacementTarget.KUBERNETES);
    const band = rule(d, 'band.serverless-gpu');
    expect(band.verdict).toBe('passed');
    expect(band.reason).toMatch(/GPU Lambda Managed Instances \$[\d,.]+\/mo vs kubernetes \$[\d,.]+\/mo/);
  });

  test.each([
    ['80 GiB per device', { gpuMemoryGiB: 80 }, 'constraint.managed-instances-gpu', /80 GiB per GPU/],
    ['two devices (tensor parallelism)', { gpuCount: 2 }, 'constraint.managed-instances-gpu', /2 GPUs per model server/],
    ['a jitter budget', { jitterBudgetMicros: 20 }, 'constraint.jitter', /jitter budget is 20 µs/],
  ])('%s lands on GPU Kubernetes, excluded from GPU Managed Instances by its constraint, with the Kubernetes and hybrid costs', (_, extra, ruleId, reason) => {
    // a team that runs Kubernetes: plain GPU Kubernetes, decided by the constraint
    const d = decide({ ...SERVERLESS_GPU, ...extra, teamRunsKubernetes: true });
    expect(d.target).toBe(PlacementTarget.KUBERNETES);
    const constraint = rule(d, ruleId);
    expect(constraint.verdict).toBe('fired');
    expect(constraint.excludes).toContain(PlacementTarget.LAMBDA_MANAGED_INSTANCES);
    expect(constraint.reason).toMatch(reason);
    expect(rule(d, 'band.serverless-gpu').verdict).toBe('skipped');
    expect(usdOf(d, 'kubernetes')).toBeGreaterThan(0);
    expect(usdOf(d, 'hybrid')).toBeGreaterThan(0);
    expect(decidingRule(d)?.kind).toBe('constraint');
    // without a team, in the 20-60% band: never plain Kubernetes unless a constraint forces it (band.wait); the
    // hybrid's data plane is the same GPU Kubernetes deployment, behind a serverless entry point
    const noTeam = decide({ ...SERVERLESS_GPU, ...extra });
    expect(rule(noTeam, ruleId).verdict).toBe('fired');
    expect(noTeam.target === PlacementTarget.HYBRID ? rule(noTeam, 'band.wait').verdict : noTeam.target).toBe(
      noTeam.target === PlacementTarget.HYBRID ? 'fired' : PlacementTarget.KUBERNETES);
    expect(noTeam.managedInstances).toBeUndefined();
  });

  test('traffic that more than doubles within 5 minutes raises the warm floor to half the peak, priced so', () => {
    const onManaged = PlacementPolicy.fixed(PlacementTarget.LAMBDA_MANAGED_INSTANCES);
    const steady = onManaged.decide(SERVERLESS_GPU);
    const bursty = onManaged.decide({ ...SERVERLESS_GPU, peakRequestsPerSecond: 160, averageRequestsPerSecond: 80 });
    // half of the peak's 48 concurrent requests at 8 per environment
    expect(bursty.managedInstances!.minExecutionEnvironments).toBe(3);
    expect(steady.managedInstances!.minExecutionEnvironments).toBe(1);
    expect(rule(bursty, 'constraint.managed-instances-burst').reason).toMatch(/warm floor/);
    expect(usdOf(bursty, 'lambda-managed-instances')!).toBeGreaterThan(usdOf(steady, 'lambda-managed-instances')!);
  });

  test('scales to zero only when the profile allows it and tolerates minutes', () => {
    const windows = { warmSchedules: [{ name: 'day', startCron: 'cron(0 8 * * ? *)', endCron: 'cron(0 18 * * ? *)', minCapacity: 1 }], allowScaleToZero: true };
    const sparse = { ...SERVERLESS_GPU, averageRequestsPerSecond: 1, peakRequestsPerSecond: 40, teamRunsKubernetes: false };
    const minutes = PlacementPolicy.fixed(PlacementTarget.LAMBDA_MANAGED_INSTANCES).decide({ ...sparse, ...windows, coldStartToleranceMs: 600_000 });
    const seconds = PlacementPolicy.fixed(PlacementTarget.LAMBDA_MANAGED_INSTANCES).decide({ ...sparse, ...windows, coldStartToleranceMs: 60_000 });
    const unasked = PlacementPolicy.fixed(PlacementTarget.LAMBDA_MANAGED_INSTANCES).decide({ ...sparse, coldStartToleranceMs: 600_000 });
    expect(minutes.managedInstances!.minExecutionEnvironments).toBe(0);
    expect(seconds.managedInstances!.minExecutionEnvironments).toBeGreaterThanOrEqual(1);
    expect(unasked.managedInstances!.minExecutionEnvironments).toBeGreaterThanOrEqual(1);
    expect(usdOf(minutes, 'lambda-managed-instances')!).toBeLessThan(usdOf(seconds, 'lambda-managed-instances')!);
  });

  test('GPU Managed Instances are priced as EC2 GPU on-demand + 15% + $0.20 per million requests', () => {
    const d = decide(SERVERLESS_GPU);
    const items = d.costs.find(c => c.option === 'lambda-managed-instances')!.lineItems;
    const instances = items.filter(i => i.label.startsWith('instances')).reduce((a, i) => a + i.monthlyUsd, 0);
    const fee = items.find(i => i.label === 'management fee')!.monthlyUsd;
    expect(fee).toBeCloseTo(instances * 0.15, 1);
    const requests = items.find(i => i.label === 'requests')!.monthlyUsd;
    expect(requests).toBeCloseTo(d.sustainedUtilization * 40 * 730 * 3600 * 0.2 / 1e6, 0);
    const hourly = PriceTable.awsUsEast1().props.gpuInstances.find(g => g.instanceType === d.managedInstances!.instanceType)!.hourlyUsd;
    expect(items[0].basis).toContain(`$${hourly}/h`);
  });
});
