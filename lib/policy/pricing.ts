import { PriceTableReference } from './decision';
import { InferenceWorkloadValidationError } from '../errors';
import { CpuArchitecture } from './profile';
import { checkNumber, checkString, describeValue } from '../private/validate';

/** Hours in the average month (8,760 h / 12), as AWS pricing pages count them. */
export const HOURS_PER_MONTH = 730;
/** Seconds in the average month. */
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

/** AWS Lambda prices for one architecture, USD. */
export interface LambdaPrices {
  /** Price of one request (invocation), e.g. 0.0000002 ($0.20 per million). */
  readonly requestUsd: number;
  /** On-demand duration, per GB-second. */
  readonly gbSecondUsd: number;
  /** Provisioned concurrency standby (configured, idle or not), per GB-second. */
  readonly provisionedGbSecondUsd: number;
  /** Duration of invocations served by provisioned concurrency, per GB-second. */
  readonly provisionedExecutionGbSecondUsd: number;
  /**
   * Ephemeral storage (`/tmp`) configured above the free 512 MB, per GB-second of duration.
   * @default 0.0000000309 (the us-east-1 list price)
   */
  readonly ephemeralStorageGbSecondUsd?: number;
}

/** What Lambda Managed Instances cost besides the EC2 instances (priced from `cpuInstances`). */
export interface ManagedInstancesPrices {
  /** Management fee as a share of the EC2 on-demand price of the instances, e.g. 0.15. */
  readonly managementFeeRate: number;
  /** Price of one request, e.g. 0.0000002 ($0.20 per million). */
  readonly requestUsd: number;
  /** Date these figures were read, ISO 8601. */
  readonly effectiveDate: string;
  /** Where these figures come from. */
  readonly source: string;
}

/** Network Load Balancer prices (the internal load balancer of a hybrid placement). */
export interface NetworkLoadBalancerPrices {
  /** Per load balancer and hour, USD. */
  readonly hourlyUsd: number;
  /** Per Network Load Balancer Capacity Unit (NLCU) and hour, USD. */
  readonly capacityUnitHourlyUsd: number;
  /** Date these figures were read, ISO 8601. */
  readonly effectiveDate: string;
  /** Where these figures come from. */
  readonly source: string;
}

/** One GPU instance type and its on-demand price. */
export interface GpuInstancePrice {
  /** EC2 instance type, e.g. `g5.xlarge`. */
  readonly instanceType: string;
  /** GPU model, e.g. `A10G`; `WorkloadProfile.gpuFamily` is matched against it (case-insensitive). */
  readonly gpuModel: string;
  /** GPU product as NVIDIA GPU Feature Discovery labels it (`nvidia.com/gpu.product`), e.g. `NVIDIA-A10G`. */
  readonly gpuProduct: string;
  /** GPU name as Karpenter labels it (`karpenter.k8s.aws/instance-gpu-name`), e.g. `a10g`. */
  readonly gpuName: string;
  /** GPUs per instance. */
  readonly gpuCount: number;
  /** Memory of each GPU, GiB. */
  readonly gpuMemoryGiB: number;
  /** vCPUs per instance. */
  readonly vcpu: number;
  /** Host memory, GiB. */
  readonly memoryGiB: number;
  /** On-demand price, USD per hour. */
  readonly hourlyUsd: number;
  /**
   * CPU architecture of the instance.
   * @default CpuArchitecture.X86_64
   */
  readonly architecture?: CpuArchitecture;
  /**
   * Where this row's price and specs come from, and when they were read.
   * @default - the table's `source` and `effectiveDate`
   */
  readonly source?: string;
}

/** One CPU node type for CPU-only Kubernetes work, and its on-demand price. */
export interface CpuInstancePrice {
  /** EC2 instance type, e.g. `m7i.large`. */
  readonly instanceType: string;
  /** CPU architecture (`x86_64` or `arm64`). */
  readonly architecture: CpuArchitecture;
  /** vCPUs per instance. */
  readonly vcpu: number;
  /** Memory, GiB. */
  readonly memoryGiB: number;
  /** On-demand price, USD per hour. */
  readonly hourlyUsd: number;
  /**
   * Where this row's price comes from, and when it was read.
   * @default - the table's `source` and `effectiveDate`
   */
  readonly source?: string;
}

/** What running a Kubernetes cluster costs beyond its nodes, and how it is shared. */
export interface ClusterOverhead {
  /** Control plane, USD per hour (EKS: $0.10 in standard support). */
  readonly controlPlaneHourlyUsd: number;
  /**
   * Operations cost of a cluster per month, USD, charged only to teams that do not already run
   * Kubernetes (upgrades, add-ons, node images, on-call).
   */
  readonly opsMonthlyUsd: number;
  /** Workloads that share one cluster; each carries this share of the control plane and operations. */
  readonly workloadsPerCluster: number;
  /**
   * Share of a node's CPU and memory left for pods after kubelet, system reservations and DaemonSets, 0.5–1.
   * @default 0.9
   */
  readonly allocatableFraction?: number;
}

/** Everything a price table holds. */
export interface PriceTableProps {
  /** Name of the table, e.g. `aws-us-east-1-on-demand`. */
  readonly name: string;
  /** Region the prices are for, e.g. `us-east-1`. */
  readonly region: string;
  /** Date the prices were read, ISO 8601 (`2026-11-01`). */
  readonly effectiveDate: string;
  /** Where the prices come from (a URL, a contract reference). */
  readonly source: string;
  /**
   * Currency of every figure (ISO 4217).
   * @default 'USD'
   */
  readonly currency?: string;
  /** Lambda prices on x86_64. */
  readonly lambdaX86: LambdaPrices;
  /** Lambda prices on arm64 (Graviton). */
  readonly lambdaArm64: LambdaPrices;
  /** GPU instance catalog (at least one entry). */
  readonly gpuInstances: GpuInstancePrice[];
  /** CPU node catalog for CPU-only Kubernetes work (at least one entry). */
  readonly cpuInstances: CpuInstancePrice[];
  /** Per-cluster overhead and how many workloads share it. */
  readonly clusterOverhead: ClusterOverhead;
  /**
   * Lambda Managed Instances' management fee and request price.
   * @default - the AWS list figures of `PriceTable.awsUsEast1()` (15% of the EC2 on-demand price, $0.20 per million requests)
   */
  readonly managedInstances?: ManagedInstancesPrices;
  /**
   * Network Load Balancer prices, for a hybrid's internal load balancer.
   * @default - the us-east-1 list figures of `PriceTable.awsUsEast1()` ($0.0225 per hour, $0.006 per NLCU-hour)
   */
  readonly networkLoadBalancer?: NetworkLoadBalancerPrices;
}

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
const MANAGED_INSTANCES_LIST_PRICES: ManagedInstancesPrices = {
  managementFeeRate: 0.15,
  requestUsd: 0.0000002,
  effectiveDate: '2026-09-20',
  source: 'aws.amazon.com/lambda/pricing, Lambda Managed Instances: "Request charges: $0.20 per million requests", '
    + '"Compute management fee: 15% premium on the EC2 on-demand instance price", no duration charge (the page lists only these two lines; '
    + 'read from its transcription in api-evangelist/aws-lambda plans/aws-lambda-plans-pricing.yml, 2026-09-20; the same figures in the re:Invent 2025 CNS382 talk); '
    + 'the EC2 part is the on-demand price of the table\'s CPU instances',
};

/** Network Load Balancer list figures, us-east-1 (the default for tables that do not state their own). */
const NLB_LIST_PRICES: NetworkLoadBalancerPrices = {
  hourlyUsd: 0.0225,
  capacityUnitHourlyUsd: 0.006,
  effectiveDate: '2026-09-20',
  source: 'aws.amazon.com/elasticloadbalancing/pricing, us-east-1: $0.0225 per NLB-hour, $0.006 per NLCU-hour; a TCP NLCU is 800 new connections/s, '
    + '100,000 active connections or 1 GB/h processed (the page renders its rates client-side: read from secondary copies on 2026-09-20, not from the price list API)',
};

/** Lambda's ephemeral storage price above 512 MB, per GB-second (both architectures). */
const EPHEMERAL_STORAGE_GB_SECOND_USD = 0.0000000309;

/**
 * The built-in table: AWS list prices, us-east-1, on-demand, Linux, no Savings Plans.
 * Figures as published on the AWS pricing pages; P4d/P5 after AWS's June 2025 reduction.
 */
const AWS_US_EAST_1: PriceTableProps = {
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
    allocatableFraction: 0.9,
  },
  managedInstances: MANAGED_INSTANCES_LIST_PRICES,
  networkLoadBalancer: NLB_LIST_PRICES,
};

/**
 * Prices as data: a dated, sourced table of Lambda prices, a GPU instance catalog, CPU node
 * references and per-cluster overhead. Every decision names the table it was priced with.
 *
 * Use `PriceTable.awsUsEast1()` (the default), or pass negotiated prices or another region with
 * `PriceTable.custom(...)` / `PriceTable.fromJson(...)` (or the `inference-workload:priceTable`
 * CDK context key).
 */
export class PriceTable {
  /**
   * AWS list prices for us-east-1, on-demand, Linux (the default table).
   */
  public static awsUsEast1(): PriceTable {
    return DEFAULT_TABLE;
  }

  /**
   * A table of your own (negotiated prices, another region). Validated: every price finite and
   * non-negative, every instance type unique, dates in ISO 8601.
   */
  public static custom(props: PriceTableProps): PriceTable {
    return new PriceTable(validatePriceTable(props, 'priceTable'));
  }

  /**
   * A table from parsed JSON (for example a CDK context value), in the shape of `PriceTableProps`.
   * A JSON string is parsed first. Validated like `custom()`.
   */
  public static fromJson(json: any): PriceTable {
    let value = json;
    if (typeof value === 'string') {
      try {
        value = JSON.parse(value);
      } catch (e) {
        throw new InferenceWorkloadValidationError(`'priceTable' must be a JSON object, got a string that does not parse (${(e as Error).message})`);
      }
    }
    return new PriceTable(validatePriceTable(value, 'priceTable'));
  }

  /** Every figure of the table (validated, with defaults applied). */
  public readonly props: PriceTableProps;
  private _reference?: PriceTableReference;

  private constructor(props: PriceTableProps) {
    this.props = props;
  }

  /** Name of the table. */
  public get name(): string {
    return this.props.name;
  }

  /**
   * What a decision records about the table it was priced with: one frozen value per table, so
   * that the decisions priced with it share it (the report writes each table once).
   */
  public get reference(): PriceTableReference {
    this._reference ??= Object.freeze({
      name: this.props.name,
      region: this.props.region,
      effectiveDate: this.props.effectiveDate,
      source: this.props.source,
      currency: this.props.currency ?? 'USD',
    });
    return this._reference;
  }

  /** Lambda prices for an architecture (`any` prices as arm64, the cheaper one). */
  public lambdaPrices(architecture: CpuArchitecture): LambdaPrices {
    return architecture === CpuArchitecture.X86_64 ? this.props.lambdaX86 : this.props.lambdaArm64;
  }

  /** Lambda Managed Instances' management fee and request price. */
  public get managedInstancesPrices(): ManagedInstancesPrices {
    return this.props.managedInstances ?? MANAGED_INSTANCES_LIST_PRICES;
  }

  /** Network Load Balancer prices. */
  public get networkLoadBalancerPrices(): NetworkLoadBalancerPrices {
    return this.props.networkLoadBalancer ?? NLB_LIST_PRICES;
  }

  /** A JSON-ready copy of the table, accepted by `PriceTable.fromJson()`. */
  public toJson(): any {
    return JSON.parse(JSON.stringify(this.props));
  }
}

function isObject(x: unknown): x is Record<string, any> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

function requireObject(prop: string, x: unknown): Record<string, any> {
  if (!isObject(x)) {
    throw new InferenceWorkloadValidationError(`'${prop}' must be an object, got ${describeValue(x)}`);
  }
  return x;
}

/** Largest plausible figures, to catch unit mistakes (cents for dollars, MiB for GiB). */
const MAX = {
  perUnitUsd: 1, hourlyUsd: 1000, monthlyUsd: 10_000_000, gpus: 16, gpuMemoryGiB: 1024, vcpu: 1024, memoryGiB: 32_768, workloads: 10_000,
};
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;
const LABEL_VALUE = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

function validateLambda(prop: string, x: unknown): LambdaPrices {
  const o = requireObject(prop, x);
  const price = (k: string) => checkNumber(`${prop}.${k}`, o[k], { min: 0, max: MAX.perUnitUsd });
  return {
    requestUsd: price('requestUsd'),
    gbSecondUsd: price('gbSecondUsd'),
    provisionedGbSecondUsd: price('provisionedGbSecondUsd'),
    provisionedExecutionGbSecondUsd: price('provisionedExecutionGbSecondUsd'),
    ephemeralStorageGbSecondUsd: o.ephemeralStorageGbSecondUsd === undefined ? EPHEMERAL_STORAGE_GB_SECOND_USD : price('ephemeralStorageGbSecondUsd'),
  };
}

function validateDatedSource(prop: string, o: Record<string, any>): { effectiveDate: string; source: string } {
  return {
    effectiveDate: checkString(`${prop}.effectiveDate`, o.effectiveDate, { pattern: ISO_DATE, patternDescription: 'an ISO 8601 date (YYYY-MM-DD)' }),
    source: checkString(`${prop}.source`, o.source, { maxLength: 1000 }),
  };
}

function validateManagedInstances(prop: string, x: unknown): ManagedInstancesPrices {
  if (x === undefined) {
    return MANAGED_INSTANCES_LIST_PRICES;
  }
  const o = requireObject(prop, x);
  return {
    managementFeeRate: checkNumber(`${prop}.managementFeeRate`, o.managementFeeRate, { min: 0, max: 10 }),
    requestUsd: checkNumber(`${prop}.requestUsd`, o.requestUsd, { min: 0, max: MAX.perUnitUsd }),
    ...validateDatedSource(prop, o),
  };
}

function validateNlb(prop: string, x: unknown): NetworkLoadBalancerPrices {
  if (x === undefined) {
    return NLB_LIST_PRICES;
  }
  const o = requireObject(prop, x);
  return {
    hourlyUsd: checkNumber(`${prop}.hourlyUsd`, o.hourlyUsd, { min: 0, max: MAX.hourlyUsd }),
    capacityUnitHourlyUsd: checkNumber(`${prop}.capacityUnitHourlyUsd`, o.capacityUnitHourlyUsd, { min: 0, max: MAX.hourlyUsd }),
    ...validateDatedSource(prop, o),
  };
}

function optionalSource(prop: string, x: unknown): { source?: string } {
  return x === undefined ? {} : { source: checkString(prop, x as string, { maxLength: 1000 }) };
}

function validateArchitecture(prop: string, x: unknown, fallback?: CpuArchitecture): CpuArchitecture {
  if (x === undefined && fallback !== undefined) {
    return fallback;
  }
  if (x !== CpuArchitecture.X86_64 && x !== CpuArchitecture.ARM64) {
    throw new InferenceWorkloadValidationError(`'${prop}' must be one of x86_64, arm64, got ${describeValue(x)}`);
  }
  return x;
}

function validateList<T>(prop: string, x: unknown, each: (p: string, v: unknown) => T & { instanceType: string }): T[] {
  if (!Array.isArray(x)) {
    throw new InferenceWorkloadValidationError(`'${prop}' must be an array, got ${describeValue(x)}`);
  }
  if (x.length === 0) {
    throw new InferenceWorkloadValidationError(`'${prop}' must have at least one entry, got 0`);
  }
  const seen = new Set<string>();
  return x.map((v, i) => {
    const item = each(`${prop}[${i}]`, v);
    if (seen.has(item.instanceType)) {
      throw new InferenceWorkloadValidationError(`'${prop}[${i}].instanceType' must be unique in the table, got ${JSON.stringify(item.instanceType)} twice`);
    }
    seen.add(item.instanceType);
    return item;
  });
}

function validateGpu(prop: string, x: unknown): GpuInstancePrice {
  const o = requireObject(prop, x);
  const architecture = validateArchitecture(`${prop}.architecture`, o.architecture, CpuArchitecture.X86_64);
  return {
    instanceType: checkString(`${prop}.instanceType`, o.instanceType, { maxLength: 64, pattern: INSTANCE_TYPE, patternDescription: 'an EC2 instance type such as "g5.xlarge"' }),
    gpuModel: checkString(`${prop}.gpuModel`, o.gpuModel, { maxLength: 32, pattern: LABEL_VALUE, patternDescription: 'a GPU model such as "A10G"' }),
    gpuProduct: checkString(`${prop}.gpuProduct`, o.gpuProduct, { maxLength: 63, pattern: LABEL_VALUE, patternDescription: 'a Kubernetes label value such as "NVIDIA-A10G"' }),
    gpuName: checkString(`${prop}.gpuName`, o.gpuName, { maxLength: 63, pattern: LABEL_VALUE, patternDescription: 'a Kubernetes label value such as "a10g"' }),
    gpuCount: checkNumber(`${prop}.gpuCount`, o.gpuCount, { min: 1, max: MAX.gpus, integer: true }),
    gpuMemoryGiB: checkNumber(`${prop}.gpuMemoryGiB`, o.gpuMemoryGiB, { min: 1, max: MAX.gpuMemoryGiB }),
    vcpu: checkNumber(`${prop}.vcpu`, o.vcpu, { min: 1, max: MAX.vcpu, integer: true }),
    memoryGiB: checkNumber(`${prop}.memoryGiB`, o.memoryGiB, { min: 0.5, max: MAX.memoryGiB }),
    hourlyUsd: checkNumber(`${prop}.hourlyUsd`, o.hourlyUsd, { min: 0, exclusiveMin: true, max: MAX.hourlyUsd }),
    ...(architecture === CpuArchitecture.X86_64 ? {} : { architecture }),
    ...optionalSource(`${prop}.source`, o.source),
  };
}

function validateCpu(prop: string, x: unknown): CpuInstancePrice {
  const o = requireObject(prop, x);
  return {
    instanceType: checkString(`${prop}.instanceType`, o.instanceType, { maxLength: 64, pattern: INSTANCE_TYPE, patternDescription: 'an EC2 instance type such as "m7i.large"' }),
    architecture: validateArchitecture(`${prop}.architecture`, o.architecture),
    vcpu: checkNumber(`${prop}.vcpu`, o.vcpu, { min: 1, max: MAX.vcpu, integer: true }),
    memoryGiB: checkNumber(`${prop}.memoryGiB`, o.memoryGiB, { min: 0.5, max: MAX.memoryGiB }),
    hourlyUsd: checkNumber(`${prop}.hourlyUsd`, o.hourlyUsd, { min: 0, exclusiveMin: true, max: MAX.hourlyUsd }),
    ...optionalSource(`${prop}.source`, o.source),
  };
}

function validateOverhead(prop: string, x: unknown): ClusterOverhead {
  const o = requireObject(prop, x);
  return {
    controlPlaneHourlyUsd: checkNumber(`${prop}.controlPlaneHourlyUsd`, o.controlPlaneHourlyUsd, { min: 0, max: MAX.hourlyUsd }),
    opsMonthlyUsd: checkNumber(`${prop}.opsMonthlyUsd`, o.opsMonthlyUsd, { min: 0, max: MAX.monthlyUsd }),
    workloadsPerCluster: checkNumber(`${prop}.workloadsPerCluster`, o.workloadsPerCluster, { min: 1, max: MAX.workloads, integer: true }),
    allocatableFraction: o.allocatableFraction === undefined ? 0.9
      : checkNumber(`${prop}.allocatableFraction`, o.allocatableFraction, { min: 0.5, max: 1 }),
  };
}

const KNOWN_KEYS = new Set(['name', 'region', 'effectiveDate', 'source', 'currency', 'lambdaX86', 'lambdaArm64', 'gpuInstances', 'cpuInstances', 'clusterOverhead',
  'managedInstances', 'networkLoadBalancer']);

/**
 * Validates a price table and applies its defaults. Errors name the field (with its index),
 * the allowed range and the value.
 * @internal
 */
export function validatePriceTable(x: unknown, prop: string): PriceTableProps {
  const o = requireObject(prop, x);
  for (const key of Object.keys(o)) {
    if (!KNOWN_KEYS.has(key)) {
      throw new InferenceWorkloadValidationError(`'${prop}.${key}' is not a price table field (expected one of ${[...KNOWN_KEYS].join(', ')}), got ${describeValue(o[key])}`);
    }
  }
  const effectiveDate = checkString(`${prop}.effectiveDate`, o.effectiveDate, { pattern: ISO_DATE, patternDescription: 'an ISO 8601 date (YYYY-MM-DD)' });
  return {
    name: checkString(`${prop}.name`, o.name, { maxLength: 100 }),
    region: checkString(`${prop}.region`, o.region, { maxLength: 64, pattern: /^[a-z0-9-]+$/, patternDescription: 'a region name such as "us-east-1"' }),
    effectiveDate,
    source: checkString(`${prop}.source`, o.source, { maxLength: 1000 }),
    currency: o.currency === undefined ? 'USD'
      : checkString(`${prop}.currency`, o.currency, { pattern: /^[A-Z]{3}$/, patternDescription: 'an ISO 4217 currency code such as "USD"' }),
    lambdaX86: validateLambda(`${prop}.lambdaX86`, o.lambdaX86),
    lambdaArm64: validateLambda(`${prop}.lambdaArm64`, o.lambdaArm64),
    gpuInstances: validateList(`${prop}.gpuInstances`, o.gpuInstances, validateGpu),
    cpuInstances: validateList(`${prop}.cpuInstances`, o.cpuInstances, validateCpu),
    clusterOverhead: validateOverhead(`${prop}.clusterOverhead`, o.clusterOverhead),
    managedInstances: validateManagedInstances(`${prop}.managedInstances`, o.managedInstances),
    networkLoadBalancer: validateNlb(`${prop}.networkLoadBalancer`, o.networkLoadBalancer),
  };
}

const DEFAULT_TABLE = PriceTable.custom(AWS_US_EAST_1);
