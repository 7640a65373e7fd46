/**
 * The built-in AWS price table (`PriceTable.awsUsEast1()`), row by row, against a second statement
 * of each price written here from its source. A changed price fails with its row named; a row added
 * to the table without a statement here fails too.
 */
import { PriceTable } from '../../lib/policy';

const table = PriceTable.awsUsEast1().props;

/**
 * EC2 on-demand prices, us-east-1, Linux, USD per hour, as
 * aws/karpenter-provider-aws pkg/providers/pricing/zz_generated.pricing_aws.go @265ee0ba
 * ("generated at 2026-02-09T13:43:35Z for us-east-1") lists them; re-read 2026-12-07.
 * [instance type, the source's figure, how far the table may round it]
 */
const EC2_KARPENTER_265EE0BA: Array<[string, number, number]> = [
  ['g4dn.xlarge', 0.526, 0], ['g4dn.2xlarge', 0.752, 0], ['g4dn.4xlarge', 1.204, 0], ['g4dn.8xlarge', 2.176, 0],
  ['g4dn.12xlarge', 3.912, 0], ['g4dn.16xlarge', 4.352, 0],
  ['g5.xlarge', 1.006, 0], ['g5.2xlarge', 1.212, 0], ['g5.4xlarge', 1.624, 0], ['g5.8xlarge', 2.448, 0],
  ['g5.12xlarge', 5.672, 0], ['g5.16xlarge', 4.096, 0], ['g5.24xlarge', 8.144, 0], ['g5.48xlarge', 16.288, 0],
  ['g6.xlarge', 0.8048, 0], ['g6.2xlarge', 0.9776, 0], ['g6.4xlarge', 1.3232, 0], ['g6.8xlarge', 2.0144, 0],
  ['g6.12xlarge', 4.6016, 0], ['g6.16xlarge', 3.3968, 0], ['g6.24xlarge', 6.6752, 0], ['g6.48xlarge', 13.3504, 0],
  ['g6e.xlarge', 1.861, 0], ['g6e.2xlarge', 2.24208, 0], ['g6e.4xlarge', 3.00424, 0], ['g6e.8xlarge', 4.52856, 0],
  ['g6e.12xlarge', 10.49264, 0], ['g6e.16xlarge', 7.57719, 0], ['g6e.24xlarge', 15.06559, 0], ['g6e.48xlarge', 30.13118, 0],
  // the table rounds 21.957642 to 21.96 (said in its source)
  ['p4d.24xlarge', 21.957642, 0.005],
  ['p4de.24xlarge', 27.44705, 0],
  ['p5.48xlarge', 55.04, 0], ['p5.4xlarge', 6.88, 0],
  ['p5en.48xlarge', 63.296, 0],
  ['gr6.4xlarge', 1.5392, 0], ['gr6.8xlarge', 2.4464, 0],
  ['g5g.xlarge', 0.42, 0], ['g5g.2xlarge', 0.556, 0], ['g5g.4xlarge', 0.828, 0], ['g5g.8xlarge', 1.372, 0], ['g5g.16xlarge', 2.744, 0],
  ['g7e.2xlarge', 3.36312, 0], ['g7e.4xlarge', 3.99816, 0], ['g7e.8xlarge', 5.26824, 0], ['g7e.12xlarge', 8.28608, 0],
  ['g7e.24xlarge', 16.57216, 0], ['g7e.48xlarge', 33.14432, 0],
  ['m7i.large', 0.1008, 0], ['m7i.xlarge', 0.2016, 0], ['m7i.2xlarge', 0.4032, 0], ['m7i.4xlarge', 0.8064, 0],
  ['c7i.large', 0.08925, 0], ['c7i.xlarge', 0.1785, 0], ['c7i.2xlarge', 0.357, 0],
  ['r7i.large', 0.1323, 0], ['r7i.xlarge', 0.2646, 0], ['r7i.2xlarge', 0.5292, 0], ['r7i.4xlarge', 1.0584, 0],
  ['m7g.large', 0.0816, 0], ['m7g.xlarge', 0.1632, 0], ['m7g.2xlarge', 0.3264, 0], ['m7g.4xlarge', 0.6528, 0],
  ['c7g.large', 0.0725, 0], ['c7g.xlarge', 0.145, 0],
  ['r7g.large', 0.1071, 0], ['r7g.xlarge', 0.2142, 0], ['r7g.2xlarge', 0.4284, 0],
];

/** [row, the figure its source states, the source] */
const SCALARS: Array<[string, number, string, number]> = [
  // aws.amazon.com/lambda/pricing, us-east-1, first duration tier (the figures pricing.ts cites)
  ['lambdaX86.requestUsd', 0.20 / 1e6, 'aws.amazon.com/lambda/pricing: $0.20 per 1M requests', table.lambdaX86.requestUsd],
  ['lambdaX86.gbSecondUsd', 0.0000166667, 'aws.amazon.com/lambda/pricing: x86 $0.0000166667 per GB-second', table.lambdaX86.gbSecondUsd],
  ['lambdaX86.provisionedGbSecondUsd', 0.0000041667, 'aws.amazon.com/lambda/pricing: x86 provisioned concurrency $0.0000041667 per GB-second', table.lambdaX86.provisionedGbSecondUsd],
  ['lambdaX86.provisionedExecutionGbSecondUsd', 0.0000097222,
    'aws.amazon.com/lambda/pricing: x86 duration with provisioned concurrency $0.0000097222 per GB-second', table.lambdaX86.provisionedExecutionGbSecondUsd],
  ['lambdaArm64.requestUsd', 0.20 / 1e6, 'aws.amazon.com/lambda/pricing: $0.20 per 1M requests', table.lambdaArm64.requestUsd],
  ['lambdaArm64.gbSecondUsd', 0.0000133334, 'aws.amazon.com/lambda/pricing: Arm $0.0000133334 per GB-second', table.lambdaArm64.gbSecondUsd],
  ['lambdaArm64.provisionedGbSecondUsd', 0.0000033334, 'aws.amazon.com/lambda/pricing: Arm provisioned concurrency $0.0000033334 per GB-second', table.lambdaArm64.provisionedGbSecondUsd],
  ['lambdaArm64.provisionedExecutionGbSecondUsd', 0.0000077778,
    'aws.amazon.com/lambda/pricing: Arm duration with provisioned concurrency $0.0000077778 per GB-second', table.lambdaArm64.provisionedExecutionGbSecondUsd],
  ['lambdaX86.ephemeralStorageGbSecondUsd', 0.0000000309, 'aws.amazon.com/lambda/pricing: ephemeral storage $0.0000000309 per GB-second', table.lambdaX86.ephemeralStorageGbSecondUsd!],
  ['lambdaArm64.ephemeralStorageGbSecondUsd', 0.0000000309, 'aws.amazon.com/lambda/pricing: ephemeral storage $0.0000000309 per GB-second', table.lambdaArm64.ephemeralStorageGbSecondUsd!],
  ['clusterOverhead.controlPlaneHourlyUsd', 0.10, 'aws.amazon.com/eks/pricing: $0.10 per cluster per hour (standard support)', table.clusterOverhead.controlPlaneHourlyUsd],
  ['managedInstances.managementFeeRate', 0.15,
    'aws.amazon.com/lambda/pricing, Lambda Managed Instances: 15% management fee on the EC2 on-demand price', table.managedInstances!.managementFeeRate],
  ['managedInstances.requestUsd', 0.20 / 1e6, 'aws.amazon.com/lambda/pricing, Lambda Managed Instances: $0.20 per 1M requests', table.managedInstances!.requestUsd],
  ['networkLoadBalancer.hourlyUsd', 0.0225, 'aws.amazon.com/elasticloadbalancing/pricing, us-east-1: $0.0225 per NLB-hour', table.networkLoadBalancer!.hourlyUsd],
  ['networkLoadBalancer.capacityUnitHourlyUsd', 0.006, 'aws.amazon.com/elasticloadbalancing/pricing, us-east-1: $0.006 per NLCU-hour', table.networkLoadBalancer!.capacityUnitHourlyUsd],
];

describe('the us-east-1 table, row by row', () => {
  const rows = new Map<string, number>([...table.gpuInstances, ...table.cpuInstances].map(r => [r.instanceType, r.hourlyUsd]));

  test.each(EC2_KARPENTER_265EE0BA)('%s costs $%f an hour', (instanceType, stated, rounding) => {
    const price = rows.get(instanceType);
    expect(price).toBeDefined();
    expect(Math.abs(price! - stated)).toBeLessThanOrEqual(rounding + 1e-12);
  });

  test.each(SCALARS)('%s is %f (%s)', (_row, stated, _source, price) => {
    expect(price).toBeCloseTo(stated, 15);
  });

  test('every instance row of the table has its statement here, and no statement is for a row the table lacks', () => {
    expect([...rows.keys()].sort()).toEqual(EC2_KARPENTER_265EE0BA.map(([t]) => t).sort());
  });
});
