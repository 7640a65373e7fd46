import { InferenceWorkloadValidationError } from '../errors';
import { ModelImage } from '../image';
import { CpuArchitecture, IPlacementPolicy, WarmSchedule, WorkloadProfile } from '../policy';
import { CacheSidecar, HybridTargetOptions, KubernetesTargetOptions, LambdaTargetOptions, ManagedInstancesTargetOptions } from '../targets';
import type { InferenceWorkloadProps } from '../workload';

/**
 * Profile fields that replace a template's own. Every field is optional; a field left out
 * keeps the template's value (see each template for its profile).
 */
export interface WorkloadProfileOverrides {
  /** @default - the template's value */
  readonly memoryMiB?: number;
  /** @default - the template's value */
  readonly gpuCount?: number;
  /** @default - the template's value */
  readonly gpuMemoryGiB?: number;
  /** @default - the template's value */
  readonly gpuFamily?: string;
  /** @default - the template's value */
  readonly modelSizeGiB?: number;
  /** @default - the template's value */
  readonly imageSizeGiB?: number;
  /** @default - the template's value */
  readonly requestDurationP50Ms?: number;
  /** @default - the template's value */
  readonly requestDurationP99Ms?: number;
  /** @default - the template's value */
  readonly averageRequestsPerSecond?: number;
  /** @default - the template's value */
  readonly peakRequestsPerSecond?: number;
  /** @default - the template's value */
  readonly sustainedUtilization?: number;
  /** @default - the template's value */
  readonly latencyBudgetP99Ms?: number;
  /** @default - the template's value */
  readonly coldStartToleranceMs?: number;
  /** @default - the template's value */
  readonly jitterBudgetMicros?: number;
  /** @default - the template's value */
  readonly nodeLocalStateGiB?: number;
  /** @default - the template's value */
  readonly requestPayloadKiB?: number;
  /** @default - the template's value */
  readonly architecture?: CpuArchitecture;
  /** @default - the template's value */
  readonly teamRunsKubernetes?: boolean;
  /** @default - the template's value */
  readonly cpuFallbackCapable?: boolean;
  /** @default - the template's value */
  readonly cpuFallbackSlowdown?: number;
  /** @default - the template's value */
  readonly concurrencyPerReplica?: number;
  /** @default - the template's value */
  readonly vcpus?: number;
  /** @default - the template's value */
  readonly warmSchedules?: WarmSchedule[];
  /** @default - the template's value */
  readonly allowScaleToZero?: boolean;
  /** @default - the template's value */
  readonly rampRequestsPerSecondPerMinute?: number;
  /** @default - the template's value */
  readonly processPerRequest?: boolean;
  /** @default - the template's value */
  readonly requiresSingleTenantHosts?: boolean;
  /** @default - the template's value */
  readonly gpuUtilizationTarget?: number;
}

/** What every template takes: the image, and anything to override. */
export interface WorkloadTemplateOptions {
  /** The model server's container image. */
  readonly image: ModelImage;

  /**
   * Profile fields that replace the template's.
   * @default - the template's profile unchanged
   */
  readonly profile?: WorkloadProfileOverrides;

  /**
   * The placement policy.
   * @default - PlacementPolicy.default() (or the policy set in CDK context)
   */
  readonly policy?: IPlacementPolicy;

  /**
   * Name of the workload (a DNS-1123 label).
   * @default - the construct id in kebab case
   */
  readonly workloadName?: string;

  /**
   * Options that apply when the workload lands on Lambda.
   * @default - defaults of `LambdaTargetOptions`
   */
  readonly lambda?: LambdaTargetOptions;

  /**
   * Options that apply when the workload lands on Kubernetes.
   * @default - defaults of `KubernetesTargetOptions`
   */
  readonly kubernetes?: KubernetesTargetOptions;

  /**
   * Options that apply when the workload is placed as hybrid (`hybrid.vpc` is required then).
   * @default - none
   */
  readonly hybrid?: HybridTargetOptions;

  /**
   * Options that apply when the workload is placed on Lambda Managed Instances (`managedInstances.vpc` is required then).
   * @default - none
   */
  readonly managedInstances?: ManagedInstancesTargetOptions;
}

/**
 * Named, documented presets for the common inference workloads. Each returns ready
 * `InferenceWorkloadProps`: pass them to `new InferenceWorkload(...)` as they are, or
 * override fields through the options.
 *
 * The figures are typical for each kind of service, not measurements of yours: replace
 * traffic and durations with your own numbers (`profile: { averageRequestsPerSecond: ... }`)
 * and let the policy place the result.
 *
 * @example
 * new InferenceWorkload(stack, 'Chat', WorkloadTemplates.llmChat({
 *   image: ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/llm:1.0.0'),
 *   profile: { averageRequestsPerSecond: 6, peakRequestsPerSecond: 20 },
 * }));
 */
export class WorkloadTemplates {
  /**
   * An LLM chat service on one 24 GiB GPU: 30 GiB of host memory, 15 GiB of weights, 1.5 s
   * median and 6 s p99 generation, 3 requests/s on average and 12 at peak, 8 requests per
   * replica through continuous batching, 200 ms cold-start tolerance; the team runs Kubernetes.
   *
   * Lands on Kubernetes with the default policy: `constraint.gpu` (Lambda has no GPU) and
   * `constraint.memory` fire.
   */
  public static llmChat(options: WorkloadTemplateOptions): InferenceWorkloadProps {
    return build('llmChat', options, {
      memoryMiB: 30_720,
      gpuCount: 1,
      gpuMemoryGiB: 24,
      modelSizeGiB: 15,
      imageSizeGiB: 8,
      requestDurationP50Ms: 1_500,
      requestDurationP99Ms: 6_000,
      averageRequestsPerSecond: 3,
      peakRequestsPerSecond: 12,
      coldStartToleranceMs: 200,
      concurrencyPerReplica: 8,
      teamRunsKubernetes: true,
    });
  }

  /**
   * A text-embeddings service on CPU with steady traffic: 3 GiB, 60 ms median and 150 ms
   * p99, 40 requests/s on average and 50 at peak (80% sustained utilization); the team
   * runs Kubernetes.
   *
   * Lands on Kubernetes with the default policy: at 80% utilization dedicated replicas cost
   * less than Lambda (the economics rule; the break-even is in the report).
   */
  public static embeddingsService(options: WorkloadTemplateOptions): InferenceWorkloadProps {
    return build('embeddingsService', options, {
      memoryMiB: 3_072,
      modelSizeGiB: 0.5,
      requestDurationP50Ms: 60,
      requestDurationP99Ms: 150,
      averageRequestsPerSecond: 40,
      peakRequestsPerSecond: 50,
      requestPayloadKiB: 16,
      teamRunsKubernetes: true,
    });
  }

  /**
   * A small, stateless classifier with spiky traffic: 2 GiB, 120 ms median and 400 ms p99,
   * 2 requests/s on average and 40 at peak (5% sustained utilization), 800 ms cold-start
   * tolerance.
   *
   * Stays on Lambda with the default policy: spiky and stateless, far below the break-even.
   */
  public static spikyClassifier(options: WorkloadTemplateOptions): InferenceWorkloadProps {
    return build('spikyClassifier', options, {
      memoryMiB: 2_048,
      modelSizeGiB: 0.3,
      requestDurationP50Ms: 120,
      requestDurationP99Ms: 400,
      averageRequestsPerSecond: 2,
      peakRequestsPerSecond: 40,
      coldStartToleranceMs: 800,
    });
  }

  /**
   * Batch scoring: one request scores a file of records. 4 GiB, 5 minutes median and
   * 20 minutes p99 per batch, a batch every 100 s on average, 512 KiB request payload
   * (a pointer to the input, not the input).
   *
   * Lands on Kubernetes with the default policy: `constraint.duration` fires (a 20-minute
   * request outlives Lambda's 15-minute timeout).
   */
  public static batchScoring(options: WorkloadTemplateOptions): InferenceWorkloadProps {
    return build('batchScoring', options, {
      memoryMiB: 4_096,
      requestDurationP50Ms: 300_000,
      requestDurationP99Ms: 1_200_000,
      averageRequestsPerSecond: 0.01,
      peakRequestsPerSecond: 0.05,
      requestPayloadKiB: 512,
      coldStartToleranceMs: 60_000,
    });
  }

  /**
   * A recommender that keeps 6 GiB of session and feature state in a node-local cache next
   * to the model: 8 GiB, 25 ms median and 80 ms p99, 30 requests/s on average and 90 at peak;
   * the team runs Kubernetes (at 33% utilization without one, `band.wait` would place it as hybrid).
   *
   * Lands on Kubernetes with the default policy: `constraint.node-local-state` fires (the
   * cache must sit on the same node; a Lambda environment has no such locality). The cache is a
   * Redis sidecar bound to localhost, sized to the state (`CacheSidecar.redis()`), unless
   * `kubernetes.cacheSidecars` says otherwise.
   */
  public static statefulRecommender(options: WorkloadTemplateOptions): InferenceWorkloadProps {
    return build('statefulRecommender', options, {
      memoryMiB: 8_192,
      nodeLocalStateGiB: 6,
      requestDurationP50Ms: 25,
      requestDurationP99Ms: 80,
      averageRequestsPerSecond: 30,
      peakRequestsPerSecond: 90,
      latencyBudgetP99Ms: 150,
      coldStartToleranceMs: 100,
      teamRunsKubernetes: true,
    }, { cacheSidecars: [CacheSidecar.redis()] }); // the renderer sizes the store to the decision's node-local state
  }

  /**
   * A steady CPU model server that handles several requests at once, run by a team without
   * Kubernetes: 3 GiB, 80 ms median and 250 ms p99, 60 requests/s on average and 150 at peak
   * (40% sustained utilization), 2 concurrent requests per execution environment.
   *
   * Lands on Lambda Managed Instances with the default policy (`band.managed-instances`): in the
   * article's 20-60% band without a Kubernetes team, instances at the EC2 price plus the
   * management fee cost less than Lambda with provisioned concurrency, hybrid and Kubernetes.
   * Pass `managedInstances: { vpc }` for the capacity provider's instances.
   */
  public static steadyConcurrentService(options: WorkloadTemplateOptions): InferenceWorkloadProps {
    return build('steadyConcurrentService', options, {
      memoryMiB: 3_072,
      modelSizeGiB: 1,
      requestDurationP50Ms: 80,
      requestDurationP99Ms: 250,
      averageRequestsPerSecond: 60,
      peakRequestsPerSecond: 150,
      concurrencyPerReplica: 2,
    });
  }

  /**
   * A GPU model that fits one 24 GiB device (a reranker, a small vision or speech model), at a
   * moderate steady load, run by a team without Kubernetes: 8 GiB host memory, 300 ms median and
   * 900 ms p99, 20 requests/s on average and 40 at peak (50% sustained utilization), 8 concurrent
   * requests per execution environment (batched on the GPU).
   *
   * Lands on GPU Lambda Managed Instances with the default policy (`band.serverless-gpu`): a GPU
   * function (a container image on x86_64, one device of at least 24 GiB per execution environment,
   * GPU instance types of the price table, scaled on GPU utilization) priced at the EC2 GPU price plus
   * the management fee and requests, within the band cost tolerance of GPU Kubernetes without a
   * cluster to run. Pass `managedInstances: { vpc }` for the capacity provider's instances.
   */
  public static serverlessGpuService(options: WorkloadTemplateOptions): InferenceWorkloadProps {
    return build('serverlessGpuService', options, {
      memoryMiB: 8_192,
      gpuCount: 1,
      gpuMemoryGiB: 24,
      modelSizeGiB: 6,
      requestDurationP50Ms: 300,
      requestDurationP99Ms: 900,
      averageRequestsPerSecond: 20,
      peakRequestsPerSecond: 40,
      concurrencyPerReplica: 8,
    });
  }

  private constructor() {}
}

function build(
  template: string, options: WorkloadTemplateOptions, base: WorkloadProfile, kubernetesDefaults: KubernetesTargetOptions = {},
): InferenceWorkloadProps {
  if (options === null || typeof options !== 'object') {
    throw new InferenceWorkloadValidationError(`'options' of WorkloadTemplates.${template}() must be an object with an 'image', got ${String(options)}`);
  }
  if (!(options.image instanceof ModelImage)) {
    throw new InferenceWorkloadValidationError(
      `'image' of WorkloadTemplates.${template}() must be a ModelImage (ModelImage.fromImageUri(...)), got ${String(options.image)}`);
  }
  const overrides = options.profile ?? {};
  if (overrides === null || typeof overrides !== 'object') {
    throw new InferenceWorkloadValidationError(`'profile' of WorkloadTemplates.${template}() must be an object, got ${String(overrides)}`);
  }
  const profile: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) {
      profile[key] = value;
    }
  }
  return {
    image: options.image,
    profile: profile as unknown as WorkloadProfile,
    ...(options.policy !== undefined ? { policy: options.policy } : {}),
    ...(options.workloadName !== undefined ? { workloadName: options.workloadName } : {}),
    ...(options.lambda !== undefined ? { lambda: options.lambda } : {}),
    ...(options.kubernetes !== undefined || Object.keys(kubernetesDefaults).length > 0
      ? { kubernetes: { ...kubernetesDefaults, ...options.kubernetes } } : {}),
    ...(options.hybrid !== undefined ? { hybrid: options.hybrid } : {}),
    ...(options.managedInstances !== undefined ? { managedInstances: options.managedInstances } : {}),
  };
}
