import { CpuArchitecture, PlacementDecision, PlacementPolicy, PlacementTarget, PriceTable, WorkloadProfile } from '../../lib/policy';
import { nodeRoom } from '../../lib/policy/cost/node-overhead';

/*
 * Every term of every option's bill, stated from first principles: the expected amount of each line
 * item is computed here from the profile's fields and the default price table's rows (read through
 * the public API), so that scaling one term of a formula fails a test that names the term.
 */

const table = PriceTable.awsUsEast1();
const x86 = table.lambdaPrices(CpuArchitecture.X86_64);
const overhead = table.props.clusterOverhead;
/** Hours in the average month as AWS pricing pages count them (8,760 h / 12). */
const HOURS = 730;
const SECONDS = HOURS * 3600;
const r2 = (x: number) => Math.round(x * 100) / 100;

/** The amount of the line item `label` of `option`, failing with the labels when it is not there. */
function item(d: PlacementDecision, option: string, label: string): number {
  const c = d.costs.find(x => x.option === option);
  if (c === undefined) {
    throw new Error(`option ${option} not priced: ${d.costs.map(x => x.option).join(', ')}`);
  }
  const i = c.lineItems.find(x => x.label === label);
  if (i === undefined) {
    throw new Error(`${option} has no line item '${label}': ${c.lineItems.map(x => x.label).join(', ')}`);
  }
  return i.monthlyUsd;
}

/** The row of the default table for a CPU instance type. */
function cpuRow(instanceType: string) {
  return table.props.cpuInstances.find(n => n.instanceType === instanceType)!;
}

/** Share of the peak volume above level f (0-1 of the peak) when the load's average is u x peak: u x (1 - f)^(1/u). */
function volumeAbove(u: number, f: number): number {
  return u * Math.pow(1 - f, 1 / u);
}

/**
 * 5 requests/s on average, 20 at the peak (u = 25%), 100 ms each, 2 GiB, x86_64: 2 concurrent
 * requests at the peak; a team that does not run Kubernetes yet.
 */
const CPU: WorkloadProfile = {
  memoryMiB: 2048,
  requestDurationP50Ms: 100,
  requestDurationP99Ms: 300,
  averageRequestsPerSecond: 5,
  peakRequestsPerSecond: 20,
  architecture: CpuArchitecture.X86_64,
};
const cpu = PlacementPolicy.default().decide(CPU);
const requests = 5 * SECONDS; // 13.14 M a month

describe('Lambda on demand', () => {
  test('the requests line is requests x the request price', () => {
    expect(item(cpu, 'lambda-on-demand', 'requests')).toBe(r2(requests * x86.requestUsd));
  });

  test('the on-demand duration line is GB-seconds x the GB-second price', () => {
    const gbSeconds = requests * 0.1 * 2; // 100 ms x 2 GB each
    expect(item(cpu, 'lambda-on-demand', 'duration (on demand)')).toBe(r2(gbSeconds * x86.gbSecondUsd));
  });
});

describe('Lambda with provisioned concurrency', () => {
  // peak concurrency 20 x 0.1 s = 2; the cheapest count is 1 (standby 1 x 2 GB all month); the level
  // f = 1/2 of the peak: the volume above it spills to on demand, u x (1 - f)^(1/u) of the peak volume
  const u = 0.25;
  const peak = 2;
  const spill = peak * volumeAbove(u, 1 / peak) * SECONDS; // concurrency-seconds over the provisioned one
  const warm = peak * u * SECONDS - spill;

  test('one environment is provisioned (the cheapest count)', () => {
    expect(cpu.costs.find(c => c.option === 'lambda-provisioned')!.lineItems[1].basis).toMatch(/^1 x 2 GB x 730 h/);
  });

  test('the requests line is requests x the request price', () => {
    expect(item(cpu, 'lambda-provisioned', 'requests')).toBe(r2(requests * x86.requestUsd));
  });

  test('the standby line is environments x GB x seconds in the month x the provisioned GB-second price', () => {
    expect(item(cpu, 'lambda-provisioned', 'provisioned concurrency standby')).toBe(r2(1 * 2 * SECONDS * x86.provisionedGbSecondUsd));
  });

  test('the duration on provisioned concurrency is the warm GB-seconds x the provisioned execution price', () => {
    expect(item(cpu, 'lambda-provisioned', 'duration on provisioned concurrency')).toBe(r2(warm * 2 * x86.provisionedExecutionGbSecondUsd));
  });

  test('the spillover is the GB-seconds above provisioned concurrency x the on-demand GB-second price', () => {
    expect(item(cpu, 'lambda-provisioned', 'on-demand spillover above provisioned concurrency')).toBe(r2(spill * 2 * x86.gbSecondUsd));
  });
});

describe('Kubernetes', () => {
  test('CPU nodes: replicas x the share of a node a pod takes x hours x the hourly price', () => {
    // 2 concurrent requests at the peak, 1 per replica: 2 replicas; a pod asks 2,048 MiB and the vCPUs
    // Lambda gives 2,048 MB (2048 / 1769 = 1.158 -> 1,200m, rounded up to 50m); of the node's room for pods
    // after kube-reserved, eviction threshold and DaemonSets (the overhead model, pinned in node-overhead.test.ts)
    const k = PlacementPolicy.fixed(PlacementTarget.KUBERNETES).decide(CPU);
    const node = cpuRow(k.kubernetes!.instanceType);
    const room = nodeRoom(node.vcpu, node.memoryGiB, false, overhead);
    const share = Math.max(2048 / room.memoryMiB, 1200 / room.cpuMillis);
    expect(item(k, 'kubernetes', 'nodes for 2 replica(s) at the peak')).toBe(r2(2 * share * HOURS * node.hourlyUsd));
  });

  test('the EKS control-plane share is the hourly price x hours / workloads per cluster', () => {
    // $0.10 per cluster per hour in standard support: https://aws.amazon.com/eks/pricing/ and
    // https://aws.amazon.com/blogs/containers/amazon-eks-extended-support-for-kubernetes-versions-pricing/
    expect(overhead.controlPlaneHourlyUsd).toBe(0.10);
    expect(item(cpu, 'kubernetes', 'cluster control plane (share)')).toBe(r2(overhead.controlPlaneHourlyUsd * HOURS / overhead.workloadsPerCluster));
  });

  test('the operations share is the monthly operations cost / workloads per cluster, without a Kubernetes team', () => {
    expect(item(cpu, 'kubernetes', 'cluster operations (share)')).toBe(r2(overhead.opsMonthlyUsd / overhead.workloadsPerCluster));
  });

  test('GPU nodes are paid whole: nodes for the peak replicas x hours x the hourly price', () => {
    // 12 requests/s x 1.5 s = 18 concurrent at the peak, 4 per replica: 5 replicas, one per single-GPU node
    const d = PlacementPolicy.default().decide({
      memoryMiB: 30_720, gpuCount: 1, gpuMemoryGiB: 24, requestDurationP50Ms: 1500, averageRequestsPerSecond: 3, peakRequestsPerSecond: 12,
    });
    const node = table.props.gpuInstances.find(g => g.instanceType === d.kubernetes!.instanceType)!;
    expect(node.gpuCount).toBe(1);
    expect(item(d, 'kubernetes', 'nodes for 5 replica(s) at the peak')).toBe(r2(5 * HOURS * node.hourlyUsd));
  });
});

describe('hybrid with a Lambda overflow', () => {
  // 100 requests/s on average, 2,000 at the peak (u = 5%), 10 ms p50, 30 ms p99, 1 GiB: 20 concurrent at the peak
  const profile: WorkloadProfile = {
    memoryMiB: 1024,
    requestDurationP50Ms: 10,
    requestDurationP99Ms: 30,
    averageRequestsPerSecond: 100,
    peakRequestsPerSecond: 2000,
    architecture: CpuArchitecture.X86_64,
    cpuFallbackCapable: true,
    cpuFallbackSlowdown: 2,
    teamRunsKubernetes: true,
  };
  const d = PlacementPolicy.fixed(PlacementTarget.HYBRID).decide(profile);
  const floor = d.hybrid!.dataPlaneFloorReplicas;
  // the tail above the floor's concurrency (floor x 1 request per replica of 20 at the peak), as requests of 10 ms
  const tailRequests = 20 * volumeAbove(0.05, floor / 20) * SECONDS / 0.01;

  test('it overflows above a warm floor smaller than the peak', () => {
    expect(d.hybrid!.overflowToLambda).toBe(true);
    expect(floor).toBeGreaterThanOrEqual(1);
    expect(floor).toBeLessThan(20);
  });

  test('the overflow requests line is the tail above the floor x the request price', () => {
    expect(item(d, 'hybrid', 'overflow: requests')).toBe(r2(tailRequests * x86.requestUsd));
  });

  test('the overflow duration line is tail requests x the p99 duration x the CPU slowdown x GB x the on-demand GB-second price', () => {
    expect(item(d, 'hybrid', 'overflow: duration on CPU (on demand)')).toBe(r2(tailRequests * 0.03 * 2 * 1 * x86.gbSecondUsd));
  });

  test('the data plane is the warm floor\'s node share x hours x the hourly price', () => {
    const node = cpuRow(d.kubernetes!.instanceType);
    const room = nodeRoom(node.vcpu, node.memoryGiB, false, overhead);
    // a 1 GiB pod asks the vCPUs Lambda gives 1,024 MB: 1024 / 1769 = 0.579 -> 600m
    const share = Math.max(1024 / room.memoryMiB, 600 / room.cpuMillis);
    expect(item(d, 'hybrid', `data plane nodes for a warm floor of ${floor} replica(s)`)).toBe(r2(floor * share * HOURS * node.hourlyUsd));
  });
});

describe('Lambda Managed Instances', () => {
  // https://aws.amazon.com/lambda/pricing/ (Lambda Managed Instances): "Compute management fee: 15% premium
  // on the EC2 on-demand instance price" and "Request charges: $0.20 per million requests", no duration charge
  const FEE = 0.15;
  const REQUEST_USD = 0.0000002; // $0.20 per million

  test('the default table holds the published fee and request price', () => {
    expect(table.managedInstancesPrices.managementFeeRate).toBe(FEE);
    expect(table.managedInstancesPrices.requestUsd).toBe(REQUEST_USD);
  });

  test('the warm floor is 3 instances (one per AZ) x hours x the instance\'s hourly price', () => {
    const m = PlacementPolicy.fixed(PlacementTarget.LAMBDA_MANAGED_INSTANCES).decide(CPU);
    const node = cpuRow(m.managedInstances!.instanceType);
    expect(item(m, 'lambda-managed-instances', 'instances for the warm floor')).toBe(r2(3 * HOURS * node.hourlyUsd));
  });

  test('instances above the floor follow the load: the peak\'s instances x the volume above the floor x hours x the hourly price', () => {
    // 50 requests/s on average, 200 at the peak (u = 25%), 100 ms: 20 concurrent requests at the peak
    const m = PlacementPolicy.fixed(PlacementTarget.LAMBDA_MANAGED_INSTANCES)
      .decide({ ...CPU, averageRequestsPerSecond: 50, peakRequestsPerSecond: 200 });
    const s = m.managedInstances!;
    const node = cpuRow(s.instanceType);
    const perInstance = Math.floor(Math.min(node.vcpu / s.vcpuPerEnvironment, node.memoryGiB * 1024 / s.memoryMiB));
    // environments at the peak at the CPU target, on instances; the floor's instances (at least 3) run all month
    const peakInstances = 20 / s.perEnvironmentMaxConcurrency / s.cpuUtilizationTarget / perInstance;
    const floorInstances = Math.max(3, Math.ceil(s.minExecutionEnvironments / perInstance));
    expect(floorInstances).toBeLessThan(peakInstances);
    const above = peakInstances * volumeAbove(0.25, floorInstances / peakInstances) * HOURS * node.hourlyUsd;
    expect(item(m, 'lambda-managed-instances', 'instances above the floor')).toBe(r2(above));
    expect(item(m, 'lambda-managed-instances', 'instances for the warm floor')).toBe(r2(floorInstances * HOURS * node.hourlyUsd));
  });

  test('the management fee is 15% of the instances\' amounts', () => {
    const instances = item(cpu, 'lambda-managed-instances', 'instances for the warm floor')
      + item(cpu, 'lambda-managed-instances', 'instances above the floor');
    expect(item(cpu, 'lambda-managed-instances', 'management fee')).toBe(r2(instances * FEE));
  });

  test('the requests line is requests x $0.20 per million', () => {
    expect(item(cpu, 'lambda-managed-instances', 'requests')).toBe(r2(requests * REQUEST_USD));
  });
});
