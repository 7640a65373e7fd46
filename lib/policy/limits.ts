/**
 * Lambda's documented limits, the one table the policy and the renderers read
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
 */
export const LAMBDA_LIMITS = {
  maxMemoryMiB: 10_240,
  minMemoryMiB: 128,
  minTimeoutSeconds: 1,
  maxTimeoutSeconds: 900,
  maxEphemeralStorageMiB: 10_240,
  minEphemeralStorageMiB: 512,
  /** Container images: 10 GB uncompressed, layers included. */
  maxImageSizeGiB: 10,
  /** Synchronous invocation payload: 6 MB request and response. */
  maxSyncPayloadKiB: 6_144,
  /**
   * Most provisioned concurrency one function gets: the default regional concurrency quota (1,000)
   * minus the 100 Lambda keeps unreserved. Traffic above it spills on demand.
   */
  maxProvisionedConcurrency: 900,
  /**
   * Environment variables of a function: 4 KB for all of them in aggregate
   * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
   */
  maxEnvironmentBytes: 4_096,
  /**
   * Target value of `LambdaProvisionedConcurrencyUtilization` target tracking: 0.1-0.9, as
   * aws-cdk-lib's `IScalableFunctionAttribute.scaleOnUtilization` enforces it
   * (aws-cdk-lib aws-lambda/lib/private/scalable-function-attribute.ts).
   */
  minUtilizationTarget: 0.1,
  maxUtilizationTarget: 0.9,
  /**
   * `reservedConcurrentExecutions` of a function. The API allows 0 (Integer, minimum 0,
   * https://docs.aws.amazon.com/lambda/latest/dg/API_Concurrency.html), but 0 throttles every
   * invocation, so a workload reserves at least 1.
   */
  minReservedConcurrency: 1,
  /**
   * No hard maximum is documented: a function can reserve up to the Region's concurrency quota
   * minus the 100 Lambda keeps unreserved (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html),
   * and that quota is 1,000 by default and "can be increased up to tens of thousands"
   * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). 100,000 is above any
   * quota that page describes, so a value past it is a mistake (1e308 would fail only at deploy);
   * a value under it can still exceed the account's own quota, which only the deploy knows.
   */
  maxReservedConcurrency: 100_000,
} as const;

/** The Kubernetes target's sizing bounds, read by the policy and the renderer's checks. */
export const KUBERNETES_LIMITS = {
  /**
   * Most replicas one Deployment is sized for. Kubernetes' large-cluster guidance is at most 5,000
   * nodes, 110 pods per node and 150,000 pods per cluster
   * (https://kubernetes.io/docs/setup/best-practices/cluster-large/); one workload's 10,000 stays
   * well inside that, and beyond it the sizing (not the cluster) is what is wrong.
   */
  maxReplicas: 10_000,
} as const;

/** The seed article's numbers. */
export const ARTICLE_THRESHOLDS = {
  /** "Stay with serverless when cold start tolerance is 500ms+" (cold starts: 200 ms-1 s). */
  coldStartToleranceMs: 500,
  /** "Low-latency financial trading (<50μs jitter)" jumps to bare metal. */
  jitterMicros: 50,
  /** "Traffic is spiky (<10% sustained utilization)": stay serverless. */
  spikyUtilization: 0.10,
  /** "20-60% utilization, don't have dedicated DevOps team. Consider hybrid." */
  hybridBandMin: 0.20,
  hybridBandMax: 0.60,
  /** "Functions are stateless and trivial (<1s runtime)": stay serverless. */
  stayMaxDurationMs: 1_000,
} as const;

/** Option ids, stable. */
export const OPTION = {
  LAMBDA_ON_DEMAND: 'lambda-on-demand',
  LAMBDA_PROVISIONED: 'lambda-provisioned',
  KUBERNETES: 'kubernetes',
  HYBRID: 'hybrid',
  LAMBDA_MANAGED_INSTANCES: 'lambda-managed-instances',
} as const;

/**
 * Lambda Managed Instances' documented limits and behaviour, each with its source (read 2026-09-20).
 */
export const MANAGED_INSTANCES_LIMITS = {
  /**
   * "The minimum supported function size is 2GB and 1 vCPU"
   * (docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-best-practices.html).
   */
  minMemoryMiB: 2_048,
  /**
   * Largest function this library places there: Lambda's 10,240 MB function memory. A 32 GB maximum
   * for Managed Instances (March 2026) is reported only by third parties, so it is not relied on.
   */
  maxMemoryMiB: 10_240,
  /** Memory per vCPU of an execution environment, GiB: the documented 2:1, 4:1 and 8:1 (CloudFormation range 2.0-8.0). */
  memoryGiBPerVcpu: [2, 4, 8] as readonly number[],
  /** "launches three [instances] by default for AZ resiliency and starts three execution environments" (lambda-managed-instances-scaling.html). */
  minEnvironments: 3,
  minInstances: 3,
  /** Execution environments per version (aws-cdk-lib 2.262 validates 0-15,000). */
  maxEnvironments: 15_000,
  /** `PerExecutionEnvironmentMaxConcurrency`: 1-1,600 (AWS::Lambda::Function LambdaManagedInstancesCapacityProviderConfig). */
  maxConcurrencyPerEnvironment: 1_600,
  /** `MaxVCpuCount`: aws-cdk-lib 2.262 validates 12-15,000. */
  minVCpuCount: 12,
  maxVCpuCount: 15_000,
  /**
   * "If your traffic more than doubles within 5 minutes, you may see throttles"
   * (lambda-managed-instances-scaling.html): the warm floor holds at least half the peak.
   */
  burstGrowthFactor: 2,
  burstWindowMinutes: 5,

  // Read by the renderer's checks (lib/targets/lambda-managed-instances/validate.ts).
  /**
   * Target of the capacity provider's CPU target tracking, percent: 0-100 (`TargetValue` of the
   * Lambda API's TargetTrackingScalingPolicy, https://docs.aws.amazon.com/lambda/latest/api/API_TargetTrackingScalingPolicy.html).
   */
  maxCpuUtilizationTargetPercent: 100,
} as const;


/**
 * GPU functions on Lambda Managed Instances: their documented limits and behaviour, each with its
 * source (read 2026-12-07).
 */
export const MANAGED_INSTANCES_GPU_LIMITS = {
  /**
   * `AcceleratorMemorySize`, the minimum memory of each accelerator device exposed to an execution
   * environment, GiB: "Valid values: 3, 6, 12, 16, 24, 48"; Lambda may allocate more
   * (https://docs.aws.amazon.com/lambda/latest/api/API_AcceleratorConfig.html; aws-cdk-lib 2.278
   * aws-lambda AcceleratorMemorySize).
   */
  acceleratorMemorySizesGiB: [3, 6, 12, 16, 24, 48] as readonly number[],
  /**
   * "Lambda supports accelerator configuration only for functions that use the Image package type
   * and the x86_64 architecture", and only with a capacity provider
   * (https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-acceleratorconfig.html);
   * aws-cdk-lib 2.278 checks both at synth, and `memorySize` >= 2,048 MiB.
   */
  architecture: 'x86_64',
  /**
   * Accelerator devices this library gives one execution environment: one. `AcceleratorConfig` sizes
   * a device, not a device count, so a model split across devices (tensor parallelism) is not
   * placed there.
   */
  devicesPerEnvironment: 1,
  /**
   * "The default GPU utilization target is 40%, which is designed to leave headroom for traffic to
   * double" (https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-gpu-scaling.html).
   */
  defaultGpuUtilizationTarget: 0.4,
  /**
   * Scaling to zero (`MinExecutionEnvironments` 0): "scaling from zero can take several minutes while
   * Lambda provisions new GPU instances, and requests might fail if GPU capacity isn't available"
   * (lambda-managed-instances-gpu-scaling.html). This library scales a GPU function to zero only
   * when the profile allows scale to zero and tolerates this many milliseconds (5 minutes).
   */
  scaleFromZeroMs: 300_000,
  /**
   * Ephemeral storage of a GPU function: up to 32 GiB (aws-cdk-lib 2.278 aws-lambda Function,
   * `MAX_EPHEMERAL_STORAGE_GPU_MIB`).
   */
  maxEphemeralStorageMiB: 32_768,
} as const;
