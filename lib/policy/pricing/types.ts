import { CpuArchitecture } from '../profile';

/*
 * The shape of a price table: what each figure is and its unit.
 */

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
   * A cap on the share of a node's CPU and memory left for pods, 0.5–1. The room for pods is computed
   * from the node (kube-reserved and the eviction threshold as the EKS AMI sets them, and the
   * DaemonSets' requests below); when this is set, it is also at most this share of the node.
   * @default - no cap: the computed room
   */
  readonly allocatableFraction?: number;
  /**
   * CPU the DaemonSets request on every node, millicores (VPC CNI, kube-proxy, Pod Identity agent,
   * a node exporter and a log agent).
   * @default 250
   */
  readonly daemonSetCpuMillis?: number;
  /**
   * Memory the DaemonSets request on every node, MiB.
   * @default 256
   */
  readonly daemonSetMemoryMiB?: number;
  /**
   * CPU the GPU DaemonSets request on a GPU node, millicores (NVIDIA device plugin, GPU Feature
   * Discovery, DCGM exporter), on top of `daemonSetCpuMillis`.
   * @default 100
   */
  readonly gpuDaemonSetCpuMillis?: number;
  /**
   * Memory the GPU DaemonSets request on a GPU node, MiB, on top of `daemonSetMemoryMiB`.
   * @default 512
   */
  readonly gpuDaemonSetMemoryMiB?: number;
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
