import { CpuArchitecture, WarmSchedule } from './profile';
import { HybridTimeBudget } from './time-budget';

/*
 * The parts of a placement decision: the target, the rules' outcomes, the options' costs with their
 * line items, and the sizing each renderer builds from.
 */

/**
 * Where a workload runs.
 */
export enum PlacementTarget {
  /** AWS Lambda with provisioned concurrency on an alias. */
  LAMBDA = 'lambda',
  /** A Kubernetes (GPU) Deployment. */
  KUBERNETES = 'kubernetes',
  /** A serverless control plane in front of a Kubernetes GPU data plane. */
  HYBRID = 'hybrid',
  /**
   * AWS Lambda Managed Instances: the function runs on EC2 instances of a capacity provider in the
   * account, several requests per execution environment, billed per instance-hour plus a
   * management fee and per request (the article's predicted "Reserved Lambda").
   */
  LAMBDA_MANAGED_INSTANCES = 'lambda-managed-instances',
}

/** What a rule did for one workload. */
export enum RuleVerdict {
  /** The rule's condition held and it constrained or chose the target. */
  FIRED = 'fired',
  /** The rule was evaluated and its condition did not hold. */
  PASSED = 'passed',
  /** The rule was not evaluated because an earlier rule already decided. */
  SKIPPED = 'skipped',
}

/** The family a rule belongs to; families are evaluated in this order. */
export enum RuleKind {
  /** A hard limit of a platform: it removes targets that cannot run the workload. */
  CONSTRAINT = 'constraint',
  /** A comparison of monthly costs. */
  ECONOMICS = 'economics',
  /** One of the article's utilization bands. */
  BAND = 'band',
  /** A user override (`PlacementPolicy.fixed`). */
  OVERRIDE = 'override',
  /** Names the article's verdict (stay, jump, wait, avoid) for the chosen target; evaluated last, chooses nothing. */
  VERDICT = 'verdict',
}

/**
 * The seed article's four verdicts ("When to Stay, When to Jump"), as the decision names them.
 */
export enum Verdict {
  /** Stay serverless: spiky, stateless, short, cold-start tolerant (Lambda or Lambda Managed Instances). */
  STAY = 'stay',
  /** Jump to dedicated capacity: GPU serving, jitter, node-local state, throughput pipelines (Kubernetes, or hybrid). */
  JUMP = 'jump',
  /**
   * Wait: 20-60% utilization without a team that runs Kubernetes: an option that needs no cluster team
   * (hybrid with a managed pool, Lambda Managed Instances, Lambda).
   */
  WAIT = 'wait',
  /** Avoid shared serverless hosts: the workload declared that it needs single-tenant hosts. */
  AVOID = 'avoid',
}

/**
 * Where the chosen option and one alternative cost the same, as sustained utilization (0-1) at the
 * workload's peak.
 */
export interface BreakEven {
  /** The alternative's option id, e.g. `kubernetes`. */
  readonly versus: string;
  /**
   * Sustained utilization (0-1) where the two cost the same.
   * @default - none in 0-100% (one of the two is cheaper at every utilization)
   */
  readonly utilization?: number;
}

/** One rule's outcome, with a sentence that carries the numbers. */
export interface RuleOutcome {
  /** Stable rule id, e.g. `constraint.gpu`. Never renamed: users acknowledge and grep for it. */
  readonly ruleId: string;
  /** The rule family. */
  readonly kind: RuleKind;
  /** What the rule did. */
  readonly verdict: RuleVerdict;
  /** One sentence with the numbers, e.g. "needs 1 GPU; Lambda has none". */
  readonly reason: string;
  /** Targets this rule made infeasible (constraints only). @default - none */
  readonly excludes?: PlacementTarget[];
  /** The target this rule chose or favoured, if any. @default - none */
  readonly favours?: PlacementTarget;
  /**
   * Cost options (not whole targets) this rule made infeasible, e.g. `lambda-on-demand` when
   * cold starts are not tolerated. @default - none
   */
  readonly excludesOptions?: string[];
  /** The threshold the rule compares against, with its unit, e.g. `10,240 MiB`. @default - none */
  readonly threshold?: string;
}

/** One line of a monthly cost. */
export interface CostLineItem {
  /** What is charged, e.g. "provisioned concurrency standby". */
  readonly label: string;
  /** Monthly cost of this line, USD. */
  readonly monthlyUsd: number;
  /** How the figure was computed, e.g. "2 x g5.xlarge x 730 h x $1.006/h". */
  readonly basis: string;
}

/** The monthly cost of one way of running the workload. */
export interface OptionCost {
  /** Stable option id: `lambda-on-demand`, `lambda-provisioned`, `kubernetes`, `hybrid`, `lambda-managed-instances`. */
  readonly option: string;
  /** The target this option renders to. */
  readonly target: PlacementTarget;
  /** Total monthly cost, USD. */
  readonly monthlyUsd: number;
  /** The lines that add up to `monthlyUsd`. */
  readonly lineItems: CostLineItem[];
  /** Whether every hard constraint allows this option. */
  readonly feasible: boolean;
  /** Ids of the constraint rules that exclude this option. @default - none */
  readonly excludedBy?: string[];
}

/** The price table a decision was priced with. */
export interface PriceTableReference {
  /** Name of the table, e.g. `aws-us-east-1-on-demand`. */
  readonly name: string;
  /** Region the prices are for. */
  readonly region: string;
  /** Date the prices were read, ISO 8601 (`2026-11-01`). */
  readonly effectiveDate: string;
  /** Where the prices come from. */
  readonly source: string;
  /** Currency of every figure. */
  readonly currency: string;
}

/** What the Lambda renderer needs. */
export interface LambdaSizing {
  /** Function memory, MiB (128–10,240). */
  readonly memoryMiB: number;
  /** Function timeout, seconds (at most 900). */
  readonly timeoutSeconds: number;
  /** Ephemeral storage (`/tmp`), MiB (512–10,240). */
  readonly ephemeralStorageMiB: number;
  /** Architecture to deploy (`x86_64` or `arm64`). */
  readonly architecture: CpuArchitecture;
  /**
   * Provisioned concurrency floor on the `live` alias. 0 with `allowScaleToZero`: the warm windows
   * then hold the only provisioned concurrency, and the alias declares none of its own.
   */
  readonly provisionedConcurrencyMin: number;
  /** Provisioned concurrency ceiling on the `live` alias. */
  readonly provisionedConcurrencyMax: number;
  /** Target tracking value for `LambdaProvisionedConcurrencyUtilization`, 0.1–0.9. */
  readonly utilizationTarget: number;
  /** Concurrent executions at peak (for alarms and reserved concurrency). */
  readonly peakConcurrency: number;
  /**
   * Share of invocations (0-1) the cost model expects above provisioned concurrency, on demand (the
   * planned spillover): the spillover alarm fires at twice this share.
   * @default - not planned (the spillover alarm fires above 1% of invocations)
   */
  readonly plannedSpilloverShare?: number;
  /**
   * Scheduled warm windows, validated by the policy (never below 1 unless the profile allows scale
   * to zero). The renderer never schedules a window below `provisionedConcurrencyMin`.
   * @default - none
   */
  readonly warmSchedules?: WarmSchedule[];
  /**
   * End-to-end p99 latency budget, ms (the profile's `latencyBudgetP99Ms`): the threshold of the
   * p99 duration alarm.
   * @default - no latency budget
   */
  readonly latencyBudgetMs?: number;
}

/** What the Kubernetes renderer needs. */
export interface KubernetesSizing {
  /** Replicas that are always warm (never below 1). */
  readonly replicasMin: number;
  /** Replicas at peak. */
  readonly replicasMax: number;
  /** GPUs per pod (`nvidia.com/gpu` limit); 0 for CPU pods. */
  readonly gpuCount: number;
  /** Minimum memory per GPU, GiB (0 for CPU pods). */
  readonly gpuMemoryGiB: number;
  /** GPU product of the chosen instance type, e.g. `NVIDIA-A10G` (GPU Feature Discovery spelling). @default - none (CPU pods) */
  readonly gpuProduct?: string;
  /** Short GPU name of the chosen instance type, e.g. `a10g` (Karpenter spelling). @default - none (CPU pods) */
  readonly gpuName?: string;
  /** The cheapest instance type that fits one pod. */
  readonly instanceType: string;
  /** CPU request per pod, millicores. */
  readonly cpuMillis: number;
  /** Memory request and limit per pod, MiB. */
  readonly memoryMiB: number;
  /** Concurrent requests per pod the sizing assumed. */
  readonly concurrencyPerReplica: number;
  /**
   * Size of the model weights, GiB, as resolved by the policy (the profile's `modelSizeGiB`, or its
   * default of memoryMiB / 2048): sizes the model cache and the startup probe. A decision always
   * carries it: when a custom policy leaves it out, `PlacementDecision` fills in the default.
   * @default - memoryMiB / 2048
   */
  readonly modelSizeGiB?: number;
  /**
   * Node-local state (cache, feature shard, KV store) kept in the pod next to the model server,
   * GiB. The pod was priced with `memoryMiB` plus this state on the same node. A decision always
   * carries it (filled in with 0 when a custom policy leaves it out).
   * @default 0
   */
  readonly nodeLocalStateGiB?: number;
  /**
   * The pod's shared memory (`/dev/shm`), MiB: a quarter of `memoryMiB`, at least 1 GiB and at most
   * 16 GiB, never more than half of `memoryMiB` (it counts against the pod's memory). The
   * `kubernetes.sharedMemorySize` option overrides it. A decision always carries it (filled in with
   * the default when a custom policy leaves it out).
   * @default - a quarter of memoryMiB, 1-16 GiB, at most half of memoryMiB
   */
  readonly sharedMemoryMiB?: number;
  /**
   * Of `cpuMillis`, the CPU priced for the in-pod store that keeps the node-local state, millicores.
   * @default - none priced (the store's CPU comes out of the model server's share)
   */
  readonly nodeLocalStateCpuMillis?: number;
  /**
   * Whether the pod gets whole, exclusive cores: the CPU request is an integer number of cores and
   * equals the limit (a Guaranteed pod), which the kubelet's static CPU manager pins to dedicated
   * cores. Set for jitter budgets under the `constraint.jitter` threshold; priced as whole cores.
   * @default false
   */
  readonly exclusiveCpu?: boolean;
  /**
   * Seconds a new replica takes to serve: node provisioning (GPU pods), image pull and weight load.
   * An estimate; when it (with the HPA's reaction) exceeds the cold-start tolerance, the floor
   * (`replicasMin`) covers the profile's ramp in that time (`floorBasis`).
   * @default - not estimated
   */
  readonly estimatedScaleOutSeconds?: number;
  /**
   * How the floor (`replicasMin`) was reached from the peak (`replicasMax`): the average load, the
   * ramp and the scale-out time, as arithmetic.
   * @default - not stated
   */
  readonly floorBasis?: string;
  /**
   * Seconds a pod has to finish in-flight requests when it is stopped (`terminationGracePeriodSeconds`):
   * the preStop delay, the p99 request duration and a drain margin. A decision always carries it
   * (filled in with 30 when a custom policy leaves it out).
   * @default 30
   */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Instance types of the price table one pod fits on (GPU count, GPU memory, host memory and the
   * pod's CPU request), the chosen `instanceType` first, then cheapest first: what a node autoscaler
   * may launch for the pod.
   * @default - the chosen `instanceType` only
   */
  readonly nodeCandidates?: KubernetesNodeCandidate[];
}

/** An instance type a pod fits on, with the GPU facts a node autoscaler knows before launch. */
export interface KubernetesNodeCandidate {
  /** EC2 instance type (`node.kubernetes.io/instance-type`), e.g. `g5.xlarge`. */
  readonly instanceType: string;
  /** On-demand price, USD per hour. */
  readonly hourlyUsd: number;
  /** GPUs on the instance. @default 0 */
  readonly gpuCount?: number;
  /** GPU name as Karpenter and EKS Auto Mode label it (lowercase), e.g. `a10g`. @default - none (CPU node) */
  readonly gpuName?: string;
  /** GPU product as GPU Feature Discovery labels it, e.g. `NVIDIA-A10G`. @default - none (CPU node) */
  readonly gpuProduct?: string;
  /** Memory of each GPU, GiB, as the price table lists it. @default 0 */
  readonly gpuMemoryGiB?: number;
}

/** What the Lambda Managed Instances renderer needs: the capacity provider and the function on it. */
export interface ManagedInstancesSizing {
  /** The EC2 instance type the capacity provider may launch (the one priced), e.g. `m7g.large`. */
  readonly instanceType: string;
  /** vCPUs of that instance type. */
  readonly instanceVcpu: number;
  /** Architecture of the capacity provider and the function (`x86_64` or `arm64`). */
  readonly architecture: CpuArchitecture;
  /** Function memory: the memory of one execution environment, MiB (at least 2,048). */
  readonly memoryMiB: number;
  /** vCPUs of one execution environment (memory / `memoryGiBPerVcpu`). */
  readonly vcpuPerEnvironment: number;
  /** Memory per vCPU of an execution environment, GiB: 2, 4 or 8. */
  readonly memoryGiBPerVcpu: number;
  /** Requests one execution environment serves at once (`PerExecutionEnvironmentMaxConcurrency`). */
  readonly perEnvironmentMaxConcurrency: number;
  /** Execution environments always running (the warm floor, at least 3 for AZ resilience). */
  readonly minExecutionEnvironments: number;
  /** Execution environments at the peak, with the CPU target's headroom. */
  readonly maxExecutionEnvironments: number;
  /** Ceiling of the capacity provider's vCPUs (`MaxVCpuCount`, 12-15,000). */
  readonly maxVCpuCount: number;
  /** Target CPU utilization of the capacity provider's scaling policy, 0.1-0.9. */
  readonly cpuUtilizationTarget: number;
  /** Function timeout, seconds (at most 900). */
  readonly timeoutSeconds: number;
  /** Concurrent requests at the peak (peak rps x p50). */
  readonly peakConcurrency: number;
  /**
   * End-to-end p99 latency budget, ms: the threshold of the p99 duration alarm.
   * @default - no latency budget
   */
  readonly latencyBudgetMs?: number;
  /**
   * Instance types the capacity provider may launch: `instanceType` (the one priced) first, then
   * the next cheapest that hold one execution environment.
   * @default - `instanceType` only
   */
  readonly instanceTypes?: string[];
  /**
   * A GPU function: the least memory of the accelerator device of each execution environment, GiB
   * (`AcceleratorMemorySize`: 3, 6, 12, 16, 24 or 48). The function is then a container image on
   * x86_64 and the capacity provider launches GPU instance types.
   * @default - a CPU function (no accelerator)
   */
  readonly acceleratorMemoryGiB?: number;
  /**
   * Target GPU utilization of a GPU function's capacity provider, 0.1-0.9 (scaled on
   * `LambdaCapacityProviderAverageGPUUtilization` in addition to CPU).
   * @default - a CPU function (CPU utilization only)
   */
  readonly gpuUtilizationTarget?: number;
}

/** What the hybrid renderer needs, in addition to the Kubernetes and Lambda sizing. */
export interface HybridSizing {
  /** Warm data-plane replicas that carry the sustained load (never 0). */
  readonly dataPlaneFloorReplicas: number;
  /** Requests per second above which traffic is tail (served by scale-up or overflow). */
  readonly overflowThresholdRequestsPerSecond: number;
  /** Whether a Lambda overflow function serves the tail (only for CPU-capable models). */
  readonly overflowToLambda: boolean;
  /** Provisioned concurrency of the control-plane entry function. */
  readonly controlPlaneProvisionedConcurrency: number;
  /** Memory of the Lambda overflow function (the model on CPU), MiB. @default - no overflow function */
  readonly overflowMemoryMiB?: number;
  /** Timeout of the Lambda overflow function, seconds. @default - no overflow function */
  readonly overflowTimeoutSeconds?: number;
  /**
   * The router's time budget: connect and response timeouts, the data-plane deadline, what the
   * overflow may take, and the control plane's timeout (`lambda.timeoutSeconds` of a hybrid), so
   * that a request that overflows still finishes.
   * A decision always carries it: when a custom policy leaves it out, `PlacementDecision` derives it
   * from `lambda.timeoutSeconds` (the data-plane deadline) and `overflowTimeoutSeconds`.
   * @default - derived from `lambda.timeoutSeconds` and the overflow timeout
   */
  readonly timeBudget?: HybridTimeBudget;
}

/** The monthly cost of one option at one sustained utilization (for the report's chart). */
export interface CostCurvePoint {
  /** Option id, as in `OptionCost.option`. */
  readonly option: string;
  /** Sustained utilization, 0–1. */
  readonly utilization: number;
  /** Monthly cost at that utilization, USD. */
  readonly monthlyUsd: number;
}
