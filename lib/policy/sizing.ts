import {
  HybridPlan, lambdaArchitecture, Load, loadAt, ManagedInstancesInput, ManagedInstancesPlan, NodeChoice, peakConcurrency, peakReplicas,
  round3, round6,
} from './cost';
import {
  HybridSizing, KubernetesNodeCandidate, KubernetesSizing, LambdaSizing, ManagedInstancesSizing, PlacementDecision, PlacementTarget,
} from './decision';
import { KUBERNETES_LIMITS, LAMBDA_LIMITS, MANAGED_INSTANCES_LIMITS } from './limits';
import { resolveProfile, ResolvedProfile, WorkloadProfile } from './profile';
import { InferenceWorkloadValidationError } from '../errors';
import { DEFAULT_TERMINATION_GRACE_SECONDS, defaultSharedMemoryMiB } from './sizing-defaults';
import { hybridTimeBudget, LAMBDA_MAX_TIMEOUT_MS, ROUTER_MARGIN_MS } from './time-budget';
import { formatValue } from '../private/validate';

/*
 * Sizing: turns the priced plan into what the renderers build. Every figure here is the one the
 * cost model priced (memory, provisioned concurrency, CPU, GPUs, node-local state), so that the
 * rendered workload costs what the decision says.
 */

/*
 * Scale-out estimate. A new replica serves only after its node is up (GPU pods: a tainted GPU node is
 * launched for them), its image is pulled and its weights are loaded. These are planning estimates of
 * this library, not measurements: an EC2 GPU instance with the NVIDIA AMI joins and reports its GPUs
 * in about 2-3 minutes; ECR pulls run at about 100 MiB/s per node; weights load from local disk at
 * about 1 GiB per 15 s (the same rate the startup probe allows).
 */
/** Seconds to launch a GPU node and register its GPUs (node autoscaler, boot, device plugin). */
export const GPU_NODE_PROVISIONING_SECONDS = 150;
/** Seconds to add CPU capacity (a shared node, when no spare capacity is left). */
export const CPU_NODE_PROVISIONING_SECONDS = 60;
/** Seconds to pull one GiB of image. */
export const IMAGE_PULL_SECONDS_PER_GIB = 10;
/** Seconds to load one GiB of weights into the server. */
export const WEIGHT_LOAD_SECONDS_PER_GIB = 15;
/** Seconds a stopping pod keeps serving after it is removed from the endpoints (preStop sleep). */
export const PRE_STOP_DELAY_SECONDS = 10;
/** Seconds added to the p99 request for the server to close connections after the last request. */
export const DRAIN_MARGIN_SECONDS = 5;

/** Seconds a new replica takes to serve (node, image, weights): see the estimates above. */
export function estimatedScaleOutSeconds(p: ResolvedProfile): number {
  const node = p.gpuCount > 0 ? GPU_NODE_PROVISIONING_SECONDS : CPU_NODE_PROVISIONING_SECONDS;
  return Math.ceil(node + p.imageSizeGiB * IMAGE_PULL_SECONDS_PER_GIB + p.modelSizeGiB * WEIGHT_LOAD_SECONDS_PER_GIB);
}

/** Grace period of a stopping pod: preStop delay + p99 request + drain margin, at least 30 s. */
export function terminationGracePeriodSeconds(p: ResolvedProfile): number {
  return Math.max(DEFAULT_TERMINATION_GRACE_SECONDS,
    PRE_STOP_DELAY_SECONDS + Math.ceil(p.requestDurationP99Ms / 1000) + DRAIN_MARGIN_SECONDS);
}

/**
 * Seconds the HPA takes to act on a rise: its sync period (15 s, kube-controller-manager's
 * `--horizontal-pod-autoscaler-sync-period` default,
 * https://kubernetes.io/docs/concepts/workloads/autoscaling/horizontal-pod-autoscale/#how-does-a-horizontalpodautoscaler-work)
 * plus one metrics resolution (15 s, metrics-server's `--metric-resolution` default,
 * https://github.com/kubernetes-sigs/metrics-server#configuration).
 */
export const HPA_REACTION_SECONDS = 30;

/** The HPA floor and how it was reached. */
export interface ReplicaFloor {
  /** Replicas always warm (`minReplicas`), 1 to the peak replicas. */
  readonly replicas: number;
  /** The arithmetic, as the report prints it (written only for a decision that renders it). */
  basis(): string;
}

/**
 * The HPA floor. Warm replicas for the average load at the utilization target, at least 1; and, when
 * new capacity takes longer than the cold-start tolerance (the HPA's reaction, then node, image,
 * weights: `estimatedScaleOutSeconds`), enough replicas to serve, at their full concurrency, the
 * average load plus the rise the profile's ramp (`rampRequestsPerSecondPerMinute`) brings in that
 * time, at most the peak. A rise that starts above the average meets the replicas the HPA has added by
 * then, with their headroom (1 - utilization target). The cost model prices the peak replicas all
 * month either way (`kubernetesCost`), so the floor never costs more than priced.
 */
export function replicaFloor(p: ResolvedProfile, load: Load, utilizationTarget: number): ReplicaFloor {
  const perReplicaRps = p.concurrencyPerReplica * 1000 / p.requestDurationP50Ms;
  const peak = peakReplicas(p, load);
  const average = Math.min(peak, Math.max(1, Math.ceil(round6(load.avgRps / (perReplicaRps * utilizationTarget)))));
  const averageBasis = () => `average ${rate(load.avgRps)} rps / (${rate(perReplicaRps)} rps per replica x ${utilizationTarget} target) = ${average}`;
  const scaleOutSeconds = HPA_REACTION_SECONDS + estimatedScaleOutSeconds(p);
  if (scaleOutSeconds * 1000 <= p.coldStartToleranceMs) {
    return { replicas: average, basis: () => `${averageBasis()} (new replicas serve in ${scaleOutSeconds} s, within the cold-start tolerance)` };
  }
  const covered = Math.min(load.peakRps, load.avgRps + p.rampRequestsPerSecondPerMinute * scaleOutSeconds / 60);
  const ramp = Math.max(1, Math.ceil(round6(covered * p.requestDurationP50Ms / 1000 / p.concurrencyPerReplica)));
  const replicas = Math.min(peak, Math.max(average, ramp));
  return {
    replicas,
    basis: () => `${averageBasis()}; ramp: average ${rate(load.avgRps)} rps + ${rate(p.rampRequestsPerSecondPerMinute)} rps/min x ${scaleOutSeconds} s to scale out `
      + `(${HPA_REACTION_SECONDS} s HPA + ${scaleOutSeconds - HPA_REACTION_SECONDS} s node, image, weights) / 60 = ${rate(covered)} rps `
      + `(at most the peak ${rate(load.peakRps)}) / ${rate(perReplicaRps)} rps per replica = ${ramp}; floor ${replicas} of ${peak} at the peak`,
  };
}

/** A rate as the floor's arithmetic writes it: 4 significant digits (small rates keep theirs). */
function rate(x: number): string {
  return String(Number(x.toPrecision(4)));
}

/** The rate a floor of `replicas` serves at full concurrency, requests per second (what `replicaFloor` covers). */
export function floorCapacityRps(p: ResolvedProfile, replicas: number): number {
  return replicas * p.concurrencyPerReplica * 1000 / p.requestDurationP50Ms;
}

/** What the Lambda sizing is built from. */
export interface LambdaPlan {
  /** Provisioned concurrency floor, as priced. */
  readonly provisioned: number;
  /** Function memory, as priced, MiB. */
  readonly memoryMiB: number;
  /** Weights the function loads into `/tmp`, GiB (0 for the hybrid's control plane). */
  readonly modelSizeGiB: number;
  /** Environments needed to hold the peak warm (peak rps x p99). */
  readonly peakConcurrency: number;
  /** Target value of provisioned concurrency utilization. */
  readonly utilizationTarget: number;
  /** The function's timeout, seconds. @default - one request's allowance (3 x p99, at least 3 s) */
  readonly timeoutSeconds?: number;
}

/** The Lambda function's sizing (the Lambda target, or a hybrid's control plane). */
export function lambdaSizing(p: ResolvedProfile, plan: LambdaPlan): LambdaSizing {
  const scheduleMax = Math.max(0, ...p.warmSchedules.map(w => w.minCapacity));
  const { provisioned } = plan;
  return {
    memoryMiB: Math.min(LAMBDA_LIMITS.maxMemoryMiB, Math.max(LAMBDA_LIMITS.minMemoryMiB, plan.memoryMiB)),
    timeoutSeconds: plan.timeoutSeconds ?? requestTimeoutSeconds(p),
    ephemeralStorageMiB: Math.min(LAMBDA_LIMITS.maxEphemeralStorageMiB,
      Math.max(LAMBDA_LIMITS.minEphemeralStorageMiB, Math.ceil(plan.modelSizeGiB * 1024 * 1.2))),
    architecture: lambdaArchitecture(p),
    provisionedConcurrencyMin: provisioned,
    // never above what provisioned concurrency allows, unless a warm window asks for more explicitly
    provisionedConcurrencyMax: Math.max(provisioned, scheduleMax, Math.min(LAMBDA_LIMITS.maxProvisionedConcurrency, plan.peakConcurrency)),
    utilizationTarget: plan.utilizationTarget,
    peakConcurrency: plan.peakConcurrency,
    ...(p.warmSchedules.length > 0 ? { warmSchedules: p.warmSchedules } : {}),
    ...(p.latencyBudgetP99Ms !== undefined ? { latencyBudgetMs: p.latencyBudgetP99Ms } : {}),
  };
}

/** The Kubernetes Deployment's sizing (the Kubernetes target, or a hybrid's data plane). */
export function kubernetesSizing(
  p: ResolvedProfile, node: NodeChoice, replicasMin: number, replicasMax: number, candidates: KubernetesNodeCandidate[], floorBasis?: string,
): KubernetesSizing {
  // built field by field (keys in the documented order): conditional spreads are slow in a hot path
  const s: { -readonly [K in keyof KubernetesSizing]: KubernetesSizing[K] } = {
    replicasMin: Math.max(1, Math.min(replicasMin, replicasMax)),
    replicasMax: Math.max(1, replicasMax),
    gpuCount: p.gpuCount,
    gpuMemoryGiB: p.gpuMemoryGiB,
  } as KubernetesSizing;
  if (node.gpu) {
    s.gpuProduct = node.gpu.gpuProduct;
    s.gpuName = node.gpu.gpuName;
  }
  s.instanceType = node.instanceType;
  s.cpuMillis = node.cpuMillis;
  s.memoryMiB = p.memoryMiB;
  s.concurrencyPerReplica = p.concurrencyPerReplica;
  s.modelSizeGiB = p.modelSizeGiB;
  s.nodeLocalStateGiB = p.nodeLocalStateGiB;
  if (node.stateCpuMillis > 0) {
    s.nodeLocalStateCpuMillis = node.stateCpuMillis;
  }
  s.exclusiveCpu = node.exclusiveCpu;
  s.estimatedScaleOutSeconds = estimatedScaleOutSeconds(p);
  s.terminationGracePeriodSeconds = terminationGracePeriodSeconds(p);
  s.sharedMemoryMiB = defaultSharedMemoryMiB(p.memoryMiB);
  s.nodeCandidates = candidates;
  if (floorBasis !== undefined) {
    s.floorBasis = floorBasis;
  }
  return s;
}

/** One request's allowance: 3 x p99, at least 3 s, at most Lambda's 900 s. */
function requestTimeoutSeconds(p: ResolvedProfile): number {
  return Math.min(LAMBDA_LIMITS.maxTimeoutSeconds, Math.max(3, Math.ceil(p.requestDurationP99Ms * 3 / 1000)));
}

/** The hybrid's routing: warm floor, overflow threshold, the overflow function and the router's time budget. */
export function hybridSizing(p: ResolvedProfile, plan: HybridPlan): HybridSizing {
  const overflowTimeoutSeconds = plan.overflowToLambda ? Math.min(LAMBDA_LIMITS.maxTimeoutSeconds,
    Math.max(3, Math.ceil(p.requestDurationP99Ms * p.cpuFallbackSlowdown * 3 / 1000))) : undefined;
  // the data plane gets one request's allowance (3 x p99, at least 3 s); an overflowing request
  // then needs the overflow's cold start and timeout on top, inside the control plane's timeout
  const timeBudget = hybridTimeBudget({
    // at most what leaves the router its margin inside Lambda's 900 s
    dataPlaneDeadlineMs: Math.min(requestTimeoutSeconds(p) * 1000, LAMBDA_MAX_TIMEOUT_MS - ROUTER_MARGIN_MS),
    overflowFunctionTimeoutMs: overflowTimeoutSeconds === undefined ? undefined : overflowTimeoutSeconds * 1000,
  });
  return {
    dataPlaneFloorReplicas: Math.max(1, plan.floorReplicas),
    overflowThresholdRequestsPerSecond: plan.overflowThresholdRps,
    overflowToLambda: plan.overflowToLambda,
    controlPlaneProvisionedConcurrency: plan.controlPlaneProvisioned,
    ...(plan.overflowToLambda ? {
      overflowMemoryMiB: Math.min(LAMBDA_LIMITS.maxMemoryMiB, Math.max(LAMBDA_LIMITS.minMemoryMiB, p.memoryMiB)),
      overflowTimeoutSeconds,
    } : {}),
    timeBudget,
  };
}

/** The Lambda Managed Instances capacity provider and function, as priced. */
export function managedInstancesSizing(
  p: ResolvedProfile, m: ManagedInstancesInput, plan: ManagedInstancesPlan, cpuTarget: number,
): ManagedInstancesSizing {
  const i = m.instance;
  const MI = MANAGED_INSTANCES_LIMITS;
  // room for the peak's instances of the priced type, never under the service's minimum
  const maxVCpuCount = Math.min(MI.maxVCpuCount, Math.max(MI.minVCpuCount, plan.peakInstances * i.instanceVcpu));
  return {
    instanceType: i.instanceType,
    instanceVcpu: i.instanceVcpu,
    architecture: i.architecture,
    memoryMiB: i.memoryMiB,
    vcpuPerEnvironment: i.vcpu,
    memoryGiBPerVcpu: i.memoryGiBPerVcpu,
    perEnvironmentMaxConcurrency: i.concurrency,
    minExecutionEnvironments: plan.floorEnvironments,
    maxExecutionEnvironments: Math.min(MI.maxEnvironments, Math.max(plan.floorEnvironments, plan.peakEnvironments)),
    maxVCpuCount,
    cpuUtilizationTarget: cpuTarget,
    timeoutSeconds: requestTimeoutSeconds(p),
    peakConcurrency: round3(peakConcurrency(p)),
    ...(p.latencyBudgetP99Ms !== undefined ? { latencyBudgetMs: p.latencyBudgetP99Ms } : {}),
    instanceTypes: i.instanceTypes,
    ...(i.accelerator ? { acceleratorMemoryGiB: i.accelerator.acceleratorMemoryGiB, gpuUtilizationTarget: m.gpuTarget } : {}),
  };
}

/**
 * Refuses a decision on Kubernetes (or the hybrid's data plane) whose peak replicas, sized from the
 * profile, are more than a Deployment is sized for: the message names the profile fields and the
 * arithmetic, so the user reads their own inputs rather than the renderer's check of the decision.
 * A decision whose replicas are not the profile's peak (a custom policy's) is left to that check.
 * @internal
 */
export function checkReplicaCeiling(profile: WorkloadProfile, decision: PlacementDecision): void {
  const replicasMax = decision.kubernetes?.replicasMax;
  if ((decision.target !== PlacementTarget.KUBERNETES && decision.target !== PlacementTarget.HYBRID)
    || replicasMax === undefined || replicasMax <= KUBERNETES_LIMITS.maxReplicas) {
    return;
  }
  let p: ResolvedProfile;
  try {
    p = resolveProfile(profile);
  } catch {
    return; // a custom policy may take a profile the built-in policies refuse: the renderer's check speaks for it
  }
  const replicas = peakReplicas(p, loadAt(p, p.sustainedUtilization));
  if (replicas !== replicasMax) {
    return;
  }
  throw new InferenceWorkloadValidationError(
    `'profile' must need at most ${formatValue(KUBERNETES_LIMITS.maxReplicas)} replicas at peak for the ${decision.target} target, got ${formatValue(replicas)} `
    + `(peakRequestsPerSecond ${formatValue(p.peakRequestsPerSecond)} x requestDurationP50Ms ${formatValue(p.requestDurationP50Ms)} ms / 1,000 = `
    + `${formatValue(peakConcurrency(p))} concurrent requests / concurrencyPerReplica ${formatValue(p.concurrencyPerReplica)}); `
    + 'lower peakRequestsPerSecond or requestDurationP50Ms, or raise concurrencyPerReplica');
}
