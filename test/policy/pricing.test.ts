import { SPIKY_CPU } from './helpers';
import { CpuArchitecture, PlacementPolicy, PriceTable, PriceTableProps } from '../../lib/policy';

const DEFAULT = PriceTable.awsUsEast1();
const props = (): any => JSON.parse(JSON.stringify(DEFAULT.props));

describe('the default price table', () => {
  test('is dated, sourced and names its region and currency', () => {
    expect(DEFAULT.reference).toEqual({
      name: 'aws-us-east-1-on-demand',
      region: 'us-east-1',
      effectiveDate: '2026-06-17',
      source: expect.stringContaining('aws.amazon.com/lambda/pricing'),
      currency: 'USD',
    });
  });

  test('gives its decisions one shared, frozen reference', () => {
    const policy = PlacementPolicy.default();
    expect(policy.decide(SPIKY_CPU).priceTable).toBe(policy.decide(SPIKY_CPU).priceTable);
    expect(Object.isFrozen(DEFAULT.reference)).toBe(true);
  });

  test('holds AWS Lambda list prices for x86_64 and arm64', () => {
    expect(DEFAULT.props.lambdaX86).toEqual({
      requestUsd: 0.0000002,
      gbSecondUsd: 0.0000166667,
      provisionedGbSecondUsd: 0.0000041667,
      provisionedExecutionGbSecondUsd: 0.0000097222,
      ephemeralStorageGbSecondUsd: 0.0000000309,
    });
    expect(DEFAULT.props.lambdaArm64.gbSecondUsd).toBeLessThan(DEFAULT.props.lambdaX86.gbSecondUsd);
    expect(DEFAULT.lambdaPrices(CpuArchitecture.ANY)).toBe(DEFAULT.props.lambdaArm64);
  });

  test('covers g4dn, g5, g6, g6e, p4d and p5, several sizes, with GFD and Karpenter GPU names', () => {
    const types = DEFAULT.props.gpuInstances.map(g => g.instanceType);
    for (const family of ['g4dn', 'g5', 'g6', 'g6e']) {
      expect(types.filter(t => t.startsWith(`${family}.`)).length).toBeGreaterThanOrEqual(6);
    }
    expect(types).toEqual(expect.arrayContaining(['p4d.24xlarge', 'p5.48xlarge']));
    expect(DEFAULT.props.gpuInstances.find(g => g.instanceType === 'g5.xlarge')).toEqual({
      instanceType: 'g5.xlarge', gpuModel: 'A10G', gpuProduct: 'NVIDIA-A10G', gpuName: 'a10g', gpuCount: 1, gpuMemoryGiB: 24, vcpu: 4, memoryGiB: 16, hourlyUsd: 1.006,
    });
    for (const g of DEFAULT.props.gpuInstances) {
      expect(g.hourlyUsd).toBeGreaterThan(0);
      expect(g.gpuName).toBe(g.gpuModel.toLowerCase());
    }
  });

  test('has CPU node references for both architectures and the cluster overhead', () => {
    const types = DEFAULT.props.cpuInstances.map(c => c.instanceType);
    expect(types).toEqual(expect.arrayContaining(['m7i.large', 'm7g.large', 'c7i.large', 'r7i.large']));
    expect(DEFAULT.props.clusterOverhead).toEqual({
      controlPlaneHourlyUsd: 0.10, opsMonthlyUsd: 2000, workloadsPerCluster: 10,
    });
  });

  test('round-trips through JSON', () => {
    expect(PriceTable.fromJson(JSON.stringify(DEFAULT.toJson())).props).toEqual(DEFAULT.props);
  });
});

describe('a custom price table', () => {
  test('prices the decision and is named in it', () => {
    const negotiated = PriceTable.custom({
      ...DEFAULT.props,
      name: 'acme-eu-west-1-edp',
      region: 'eu-west-1',
      effectiveDate: '2026-10-01',
      source: 'ACME enterprise agreement, schedule B',
      cpuInstances: DEFAULT.props.cpuInstances.map(c => ({ ...c, hourlyUsd: c.hourlyUsd * 0.7 })),
    });
    const base = PlacementPolicy.default().decide(SPIKY_CPU);
    const d = PlacementPolicy.default({ priceTable: negotiated }).decide(SPIKY_CPU);
    expect(d.priceTable).toEqual({ name: 'acme-eu-west-1-edp', region: 'eu-west-1', effectiveDate: '2026-10-01', source: 'ACME enterprise agreement, schedule B', currency: 'USD' });
    const k = (x: typeof d) => x.costs.find(c => c.option === 'kubernetes')!.lineItems[0].monthlyUsd;
    expect(k(d)).toBeCloseTo(k(base) * 0.7, 1);
    expect(d.explain()).toContain('Prices: acme-eu-west-1-edp (eu-west-1, 2026-10-01, USD)');
  });

  const FAILURES: Array<[string, (p: any) => void, string]> = [
    ['a missing name', p => delete p.name, "'priceTable.name' must be a string, got undefined"],
    ['an empty source', p => p.source = '', "'priceTable.source' must not be empty, got \"\""],
    ['a malformed region', p => p.region = 'US East', "'priceTable.region' must be a region name such as \"us-east-1\", got \"US East\""],
    ['a date that is not ISO 8601', p => p.effectiveDate = '17/06/2026', "'priceTable.effectiveDate' must be an ISO 8601 date (YYYY-MM-DD), got \"17/06/2026\""],
    ['a lowercase currency', p => p.currency = 'usd', "'priceTable.currency' must be an ISO 4217 currency code such as \"USD\", got \"usd\""],
    ['a NaN Lambda price', p => p.lambdaX86.gbSecondUsd = NaN, "'priceTable.lambdaX86.gbSecondUsd' must be a finite number, got NaN"],
    ['a negative Lambda price', p => p.lambdaArm64.requestUsd = -0.0000002, "'priceTable.lambdaArm64.requestUsd' must be between 0 and 1, got -2e-7"],
    ['a Lambda price in cents per million', p => p.lambdaX86.requestUsd = 20, "'priceTable.lambdaX86.requestUsd' must be between 0 and 1, got 20"],
    ['missing Lambda prices', p => delete p.lambdaArm64, "'priceTable.lambdaArm64' must be an object, got undefined"],
    ['no GPU instances', p => p.gpuInstances = [], "'priceTable.gpuInstances' must have at least one entry, got 0"],
    ['GPU instances that are not a list', p => p.gpuInstances = {}, "'priceTable.gpuInstances' must be an array, got {}"],
    ['a repeated instance type', p => p.gpuInstances.push(p.gpuInstances[0]), "'priceTable.gpuInstances[48].instanceType' must be unique in the table, got \"g4dn.xlarge\" twice"],
    ['a malformed instance type', p => p.cpuInstances[0].instanceType = 'M7I LARGE', "'priceTable.cpuInstances[0].instanceType' must be an EC2 instance type such as \"m7i.large\", got \"M7I LARGE\""],
    ['a GPU count of 0', p => p.gpuInstances[3].gpuCount = 0, "'priceTable.gpuInstances[3].gpuCount' must be between 1 and 16, got 0"],
    ['a GFD label with a space', p => p.gpuInstances[0].gpuProduct = 'Tesla T4', "'priceTable.gpuInstances[0].gpuProduct' must be a Kubernetes label value such as \"NVIDIA-A10G\", got \"Tesla T4\""],
    ['a zero hourly price', p => p.cpuInstances[1].hourlyUsd = 0, "'priceTable.cpuInstances[1].hourlyUsd' must be greater than 0 and at most 1,000, got 0"],
    ['an infinite hourly price', p => p.gpuInstances[1].hourlyUsd = Infinity, "'priceTable.gpuInstances[1].hourlyUsd' must be a finite number, got Infinity"],
    ['a CPU node of architecture any', p => p.cpuInstances[0].architecture = 'any', "'priceTable.cpuInstances[0].architecture' must be one of x86_64, arm64, got \"any\""],
    ['no workloads per cluster', p => p.clusterOverhead.workloadsPerCluster = 0, "'priceTable.clusterOverhead.workloadsPerCluster' must be between 1 and 10,000, got 0"],
    ['an allocatable fraction under half', p => p.clusterOverhead.allocatableFraction = 0.3, "'priceTable.clusterOverhead.allocatableFraction' must be between 0.5 and 1, got 0.3"],
    ['a negative DaemonSet CPU request', p => p.clusterOverhead.daemonSetCpuMillis = -1, "'priceTable.clusterOverhead.daemonSetCpuMillis' must be between 0 and 65,536, got -1"],
    ['GPU DaemonSet memory in bytes', p => p.clusterOverhead.gpuDaemonSetMemoryMiB = 536_870_912,
      "'priceTable.clusterOverhead.gpuDaemonSetMemoryMiB' must be between 0 and 65,536, got 536,870,912"],
    ['a negative ops overhead', p => p.clusterOverhead.opsMonthlyUsd = -1, "'priceTable.clusterOverhead.opsMonthlyUsd' must be between 0 and 10,000,000, got -1"],
    ['an unknown field', p => p.spotDiscount = 0.6, "'priceTable.spotDiscount' is not a price table field (expected one of name, region, effectiveDate, source, currency, lambdaX86, lambdaArm64, gpuInstances, cpuInstances, clusterOverhead, managedInstances, networkLoadBalancer), got 0.6"],
  ];

  test.each(FAILURES)('fails on %s', (_name, mutate, message) => {
    const p = props();
    mutate(p);
    expect(() => PriceTable.custom(p as PriceTableProps)).toThrow(message);
    expect(() => PriceTable.fromJson(p)).toThrow(message);
  });

  test('fails on a table that is not an object, or JSON that does not parse', () => {
    expect(() => PriceTable.fromJson(42)).toThrow("'priceTable' must be an object, got 42");
    expect(() => PriceTable.fromJson('{"name": ')).toThrow(/^'priceTable' must be a JSON object, got a string that does not parse/);
  });
});
