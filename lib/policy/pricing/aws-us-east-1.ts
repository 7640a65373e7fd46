import { CpuInstancePrice, GpuInstancePrice, ManagedInstancesPrices, NetworkLoadBalancerPrices, PriceTableProps } from './types';
import { CpuArchitecture } from '../profile';

/*
 * The default price table: AWS list prices for us-east-1, on-demand, Linux, each with its source.
 */

const GPU_PRODUCT = {
  T4: { gpuModel: 'T4', gpuProduct: 'Tesla-T4', gpuName: 't4', gpuMemoryGiB: 16 },
  A10G: { gpuModel: 'A10G', gpuProduct: 'NVIDIA-A10G', gpuName: 'a10g', gpuMemoryGiB: 24 },
  L4: { gpuModel: 'L4', gpuProduct: 'NVIDIA-L4', gpuName: 'l4', gpuMemoryGiB: 24 },
  L40S: { gpuModel: 'L40S', gpuProduct: 'NVIDIA-L40S', gpuName: 'l40s', gpuMemoryGiB: 48 },
  A100: { gpuModel: 'A100', gpuProduct: 'NVIDIA-A100-SXM4-40GB', gpuName: 'a100', gpuMemoryGiB: 40 },
  H100: { gpuModel: 'H100', gpuProduct: 'NVIDIA-H100-80GB-HBM3', gpuName: 'h100', gpuMemoryGiB: 80 },
  A100_80: { gpuModel: 'A100', gpuProduct: 'NVIDIA-A100-SXM4-80GB', gpuName: 'a100', gpuMemoryGiB: 80 },
  H200: { gpuModel: 'H200', gpuProduct: 'NVIDIA-H200', gpuName: 'h200', gpuMemoryGiB: 141 },
  T4G: { gpuModel: 'T4G', gpuProduct: 'NVIDIA-T4G', gpuName: 't4g', gpuMemoryGiB: 16 },
  RTX_PRO_6000: { gpuModel: 'RTX-PRO-6000', gpuProduct: 'NVIDIA-RTX-PRO-6000-Blackwell-Server-Edition', gpuName: 'rtx-pro-6000', gpuMemoryGiB: 96 },
} as const;

/** aws/karpenter-provider-aws' generated on-demand price list: the public, dated source of the GPU prices. */
const KARPENTER = 'aws/karpenter-provider-aws pkg/providers/pricing/zz_generated.pricing_aws.go @265ee0ba, generated 2026-02-09 for us-east-1';
/** Where the GPU specs (GPU model, count and memory) come from. */
const SPECS = {
  BATCH: 'specs: docs.aws.amazon.com/batch/latest/userguide/gpu-jobs.html',
  VANTAGE: 'GPU specs: vantage-sh/ec2instances.info scraper/aws/ec2/gpu_data.go @4fd40665; vCPU and memory as AWS publishes them, not re-read for this table',
  G7E: 'specs: AWS What\'s New 2026-02 (up to 8 GPUs, 96 GB each, 192 vCPUs) and instances.vantage.sh (2026-01-21); '
    + 'GFD product and Karpenter GPU name spellings not verified',
} as const;

type Gpu = keyof typeof GPU_PRODUCT;
function gpu(
  instanceType: string, model: Gpu, gpuCount: number, vcpu: number, memoryGiB: number, hourlyUsd: number, extra: Partial<GpuInstancePrice> = {},
): GpuInstancePrice {
  return { instanceType, ...GPU_PRODUCT[model], gpuCount, vcpu, memoryGiB, hourlyUsd, ...extra };
}
/** A row priced from Karpenter's list, with the source of its specs. */
function gpuK(
  instanceType: string, model: Gpu, gpuCount: number, vcpu: number, memoryGiB: number, hourlyUsd: number, specs: string,
  extra: Partial<GpuInstancePrice> = {},
): GpuInstancePrice {
  return gpu(instanceType, model, gpuCount, vcpu, memoryGiB, hourlyUsd, { ...extra, source: `price: ${KARPENTER}; ${specs}` });
}
function cpu(instanceType: string, architecture: CpuArchitecture, vcpu: number, memoryGiB: number, hourlyUsd: number): CpuInstancePrice {
  return { instanceType, architecture, vcpu, memoryGiB, hourlyUsd };
}
const X86 = CpuArchitecture.X86_64;
const ARM = CpuArchitecture.ARM64;

/** Lambda Managed Instances' list figures (the default for tables that do not state their own). */
export const MANAGED_INSTANCES_LIST_PRICES: ManagedInstancesPrices = {
  managementFeeRate: 0.15,
  requestUsd: 0.0000002,
  effectiveDate: '2026-09-20',
  source: 'aws.amazon.com/lambda/pricing, Lambda Managed Instances: "Request charges: $0.20 per million requests", '
    + '"Compute management fee: 15% premium on the EC2 on-demand instance price", no duration charge (the page lists only these two lines; '
    + 'read from its transcription in api-evangelist/aws-lambda plans/aws-lambda-plans-pricing.yml, 2026-09-20; the same figures in the re:Invent 2025 CNS382 talk); '
    + 'the EC2 part is the on-demand price of the table\'s CPU instances',
};

/** Network Load Balancer list figures, us-east-1 (the default for tables that do not state their own). */
export const NLB_LIST_PRICES: NetworkLoadBalancerPrices = {
  hourlyUsd: 0.0225,
  capacityUnitHourlyUsd: 0.006,
  effectiveDate: '2026-09-20',
  source: 'aws.amazon.com/elasticloadbalancing/pricing, us-east-1: $0.0225 per NLB-hour, $0.006 per NLCU-hour; a TCP NLCU is 800 new connections/s, '
    + '100,000 active connections or 1 GB/h processed (the page renders its rates client-side: read from secondary copies on 2026-09-20, not from the price list API)',
};

/** Lambda's ephemeral storage price above 512 MB, per GB-second (both architectures). */
export const EPHEMERAL_STORAGE_GB_SECOND_USD = 0.0000000309;

/**
 * The built-in table: AWS list prices, us-east-1, on-demand, Linux, no Savings Plans.
 * Figures as published on the AWS pricing pages; P4d/P5 after AWS's June 2025 reduction.
 */
export const AWS_US_EAST_1: PriceTableProps = {
  name: 'aws-us-east-1-on-demand',
  region: 'us-east-1',
  effectiveDate: '2026-06-17',
  source: 'AWS list prices, us-east-1, on-demand Linux: aws.amazon.com/lambda/pricing, aws.amazon.com/ec2/pricing/on-demand, '
    + 'aws.amazon.com/eks/pricing (P4d/P5 after the June 2025 GPU price reduction; the GPU prices match aws/karpenter-provider-aws\' list generated 2026-02-09, '
    + 'p4d.24xlarge 21.957642 rounded to 21.96); Lambda ephemeral storage $0.0000000309/GB-s from the AWS pricing calculator\'s metered-unit map; '
    + 'rows with their own source are dated there; ops overhead is an estimate of this library',
  currency: 'USD',
  lambdaX86: {
    requestUsd: 0.0000002,
    gbSecondUsd: 0.0000166667,
    provisionedGbSecondUsd: 0.0000041667,
    provisionedExecutionGbSecondUsd: 0.0000097222,
    ephemeralStorageGbSecondUsd: EPHEMERAL_STORAGE_GB_SECOND_USD,
  },
  lambdaArm64: {
    requestUsd: 0.0000002,
    gbSecondUsd: 0.0000133334,
    provisionedGbSecondUsd: 0.0000033334,
    provisionedExecutionGbSecondUsd: 0.0000077778,
    ephemeralStorageGbSecondUsd: EPHEMERAL_STORAGE_GB_SECOND_USD,
  },
  gpuInstances: [
    gpu('g4dn.xlarge', 'T4', 1, 4, 16, 0.526),
    gpu('g4dn.2xlarge', 'T4', 1, 8, 32, 0.752),
    gpu('g4dn.4xlarge', 'T4', 1, 16, 64, 1.204),
    gpu('g4dn.8xlarge', 'T4', 1, 32, 128, 2.176),
    gpu('g4dn.12xlarge', 'T4', 4, 48, 192, 3.912),
    gpu('g4dn.16xlarge', 'T4', 1, 64, 256, 4.352),
    gpu('g5.xlarge', 'A10G', 1, 4, 16, 1.006),
    gpu('g5.2xlarge', 'A10G', 1, 8, 32, 1.212),
    gpu('g5.4xlarge', 'A10G', 1, 16, 64, 1.624),
    gpu('g5.8xlarge', 'A10G', 1, 32, 128, 2.448),
    gpu('g5.12xlarge', 'A10G', 4, 48, 192, 5.672),
    gpu('g5.16xlarge', 'A10G', 1, 64, 256, 4.096),
    gpu('g5.24xlarge', 'A10G', 4, 96, 384, 8.144),
    gpu('g5.48xlarge', 'A10G', 8, 192, 768, 16.288),
    gpu('g6.xlarge', 'L4', 1, 4, 16, 0.8048),
    gpu('g6.2xlarge', 'L4', 1, 8, 32, 0.9776),
    gpu('g6.4xlarge', 'L4', 1, 16, 64, 1.3232),
    gpu('g6.8xlarge', 'L4', 1, 32, 128, 2.0144),
    gpu('g6.12xlarge', 'L4', 4, 48, 192, 4.6016),
    gpu('g6.16xlarge', 'L4', 1, 64, 256, 3.3968),
    gpu('g6.24xlarge', 'L4', 4, 96, 384, 6.6752),
    gpu('g6.48xlarge', 'L4', 8, 192, 768, 13.3504),
    gpu('g6e.xlarge', 'L40S', 1, 4, 32, 1.861),
    gpu('g6e.2xlarge', 'L40S', 1, 8, 64, 2.24208),
    gpu('g6e.4xlarge', 'L40S', 1, 16, 128, 3.00424),
    gpu('g6e.8xlarge', 'L40S', 1, 32, 256, 4.52856),
    gpu('g6e.12xlarge', 'L40S', 4, 48, 384, 10.49264),
    gpu('g6e.16xlarge', 'L40S', 1, 64, 512, 7.57719),
    gpu('g6e.24xlarge', 'L40S', 4, 96, 768, 15.06559),
    gpu('g6e.48xlarge', 'L40S', 8, 192, 1536, 30.13118),
    gpu('p4d.24xlarge', 'A100', 8, 96, 1152, 21.96),
    gpu('p5.48xlarge', 'H100', 8, 192, 2048, 55.04),
    // rows below: price from Karpenter's generated list (2026-02-09), each with the source of its specs
    gpuK('p5.4xlarge', 'H100', 1, 16, 256, 6.88, SPECS.VANTAGE),
    gpuK('p4de.24xlarge', 'A100_80', 8, 96, 1152, 27.44705, SPECS.VANTAGE),
    gpuK('p5en.48xlarge', 'H200', 8, 192, 2048, 63.296, SPECS.VANTAGE + '; GFD product spelling not verified'),
    gpuK('gr6.4xlarge', 'L4', 1, 16, 128, 1.5392, SPECS.VANTAGE),
    gpuK('gr6.8xlarge', 'L4', 1, 32, 256, 2.4464, SPECS.VANTAGE),
    gpuK('g5g.xlarge', 'T4G', 1, 4, 8, 0.42, SPECS.BATCH + '; GFD product spelling not verified', { architecture: CpuArchitecture.ARM64 }),
    gpuK('g5g.2xlarge', 'T4G', 1, 8, 16, 0.556, SPECS.BATCH + '; GFD product spelling not verified', { architecture: CpuArchitecture.ARM64 }),
    gpuK('g5g.4xlarge', 'T4G', 1, 16, 32, 0.828, SPECS.BATCH + '; GFD product spelling not verified', { architecture: CpuArchitecture.ARM64 }),
    gpuK('g5g.8xlarge', 'T4G', 1, 32, 64, 1.372, SPECS.BATCH + '; GFD product spelling not verified', { architecture: CpuArchitecture.ARM64 }),
    gpuK('g5g.16xlarge', 'T4G', 2, 64, 128, 2.744, SPECS.BATCH + '; GFD product spelling not verified', { architecture: CpuArchitecture.ARM64 }),
    gpuK('g7e.2xlarge', 'RTX_PRO_6000', 1, 8, 64, 3.36312, SPECS.G7E),
    gpuK('g7e.4xlarge', 'RTX_PRO_6000', 1, 16, 128, 3.99816, SPECS.G7E),
    gpuK('g7e.8xlarge', 'RTX_PRO_6000', 1, 32, 256, 5.26824, SPECS.G7E),
    gpuK('g7e.12xlarge', 'RTX_PRO_6000', 2, 48, 512, 8.28608, SPECS.G7E),
    gpuK('g7e.24xlarge', 'RTX_PRO_6000', 4, 96, 1024, 16.57216, SPECS.G7E),
    gpuK('g7e.48xlarge', 'RTX_PRO_6000', 8, 192, 2048, 33.14432, SPECS.G7E),
  ],
  cpuInstances: [
    cpu('m7i.large', X86, 2, 8, 0.1008),
    cpu('m7i.xlarge', X86, 4, 16, 0.2016),
    cpu('m7i.2xlarge', X86, 8, 32, 0.4032),
    cpu('m7i.4xlarge', X86, 16, 64, 0.8064),
    cpu('c7i.large', X86, 2, 4, 0.08925),
    cpu('c7i.xlarge', X86, 4, 8, 0.1785),
    cpu('c7i.2xlarge', X86, 8, 16, 0.357),
    cpu('r7i.large', X86, 2, 16, 0.1323),
    cpu('r7i.xlarge', X86, 4, 32, 0.2646),
    cpu('r7i.2xlarge', X86, 8, 64, 0.5292),
    cpu('r7i.4xlarge', X86, 16, 128, 1.0584),
    cpu('m7g.large', ARM, 2, 8, 0.0816),
    cpu('m7g.xlarge', ARM, 4, 16, 0.1632),
    cpu('m7g.2xlarge', ARM, 8, 32, 0.3264),
    cpu('m7g.4xlarge', ARM, 16, 64, 0.6528),
    cpu('c7g.large', ARM, 2, 4, 0.0725),
    cpu('c7g.xlarge', ARM, 4, 8, 0.145),
    cpu('r7g.large', ARM, 2, 16, 0.1071),
    cpu('r7g.xlarge', ARM, 4, 32, 0.2142),
    cpu('r7g.2xlarge', ARM, 8, 64, 0.4284),
  ],
  clusterOverhead: {
    controlPlaneHourlyUsd: 0.10,
    // ~0.1 FTE of a platform engineer (upgrades every ~4 months, add-ons, node images, on-call share)
    opsMonthlyUsd: 2000,
    workloadsPerCluster: 10,
    // the room for pods on a node is computed (kube-reserved, eviction threshold, DaemonSet requests):
    // lib/policy/cost/node-overhead.ts states each figure and its source
  },
  managedInstances: MANAGED_INSTANCES_LIST_PRICES,
  networkLoadBalancer: NLB_LIST_PRICES,
};
