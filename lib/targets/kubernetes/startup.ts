import { ResolvedClusterFlavor } from './cluster';
import { formatMiB } from './validate';
import { InferenceWorkloadValidationError } from '../../errors';

/*
 * How long a pod takes from creation to ready, derived from the model's size, where it comes from and
 * the node's disk throughput, and how large a root volume its node-local disk needs. Every figure
 * below is a stated assumption the user can override (`kubernetes.nodeDiskThroughputMiBps`,
 * `kubernetes.nodeRootVolumeSize`, `kubernetes.startupTimeout`).
 */

/**
 * Throughput of the nodes' root volume when none is declared: a gp3 volume's baseline, 125 MiB/s
 * and 3,000 IOPS, which Karpenter's, EKS Auto Mode's and managed node groups' default root volumes
 * get (https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html#gp3-performance).
 */
export const DEFAULT_DISK_THROUGHPUT_MIBPS = 125;

/** Period of the startup and readiness probes, seconds: the startup budget is a whole number of periods. @internal */
export const PROBE_PERIOD_SECONDS = 10;

/** The server's own start (CUDA context, graph capture, warm-up) before it reads weights, seconds. */
const SERVER_INIT_SECONDS = 120;
/** Without a model cache the server is assumed to download its weights itself: 1 minute per GiB. */
const SELF_DOWNLOAD_SECONDS_PER_GIB = 60;
/** Margin on the fetch and on reading the weights back (a busy volume or link, other pods' reads and writes on the same node). */
const TRANSFER_MARGIN = 1.5;
/**
 * Scheduling, node launch and the image pull, before the fetch starts: the Deployment's progress
 * deadline counts them too. The controller's own default deadline (600 s,
 * https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#progress-deadline-seconds).
 */
const NODE_AND_PULL_SECONDS = 600;

/**
 * Karpenter's kubelet defaults on the root volume: `kubeReserved` ephemeral-storage for the node's
 * daemons (1 GiB, rounded up from Karpenter's formula) and the hard eviction threshold
 * `nodefs.available<10%` (https://karpenter.sh/docs/concepts/nodeclasses/#speckubelet,
 * https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/#hard-eviction-thresholds).
 */
const KUBE_RESERVED_GIB = 1;
const EVICTION_NODEFS_FRACTION = 0.1;

/**
 * The root volume a node gets when its node class declares none:
 * - Karpenter: the AL2023 EC2NodeClass default block device, 20 GiB gp3 at `/dev/xvda`
 *   (https://karpenter.sh/docs/concepts/nodeclasses/#specblockdevicemappings, "AL2023";
 *   aws/karpenter-provider-aws pkg/providers/amifamily/resolver.go `DefaultEBS`, `VolumeSize` 20Gi,
 *   and al2023.go `DefaultBlockDeviceMappings`, at 1d927085dd81a9df9301e613f371dac5b4d16bfe);
 * - EKS Auto Mode: the NodeClass `ephemeralStorage` defaults, 80 GiB at 3,000 IOPS and 125 MiB/s
 *   (https://docs.aws.amazon.com/eks/latest/userguide/create-node-class.html, "shown with default
 *   values"; awsdocs/amazon-eks-user-guide latest/ug/automode/create-node-class.adoc);
 * - managed node groups: `diskSize` default, 20 GiB
 *   (https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html#AmazonEKS-CreateNodegroup-request-diskSize).
 */
const DEFAULT_ROOT_VOLUME_GIB: Record<ResolvedClusterFlavor['kind'], number> = {
  'karpenter': 20,
  'eks-auto-mode': 80,
  'managed-node-groups': 20,
};

/** What start-up is derived from. @internal */
export interface StartupInput {
  readonly modelSizeGiB: number;
  /**
   * The rate of the model cache's fetch step (fetch-plan.ts: the slowest of the disk, the source's
   * streams and the step's CPU), MiB/s; undefined when no cache fetches the weights.
   */
  readonly fetchThroughputMiBps?: number;
  /** The nodes' disk throughput, MiB/s: the server reads the fetched weights back at this rate. */
  readonly diskThroughputMiBps: number;
  /** The startup probe's budget given by the user, seconds. */
  readonly startupTimeoutSeconds?: number;
}

/** How long each step of a pod's start may take, seconds. @internal */
export interface StartupBudget {
  /** The fetch step (init container), with margin. */
  readonly fetchSeconds: number;
  /** The startup probe's budget (from the server's start to ready): init plus reading the weights, with margin. */
  readonly startupSeconds: number;
  /** The Deployment's `progressDeadlineSeconds`: node, pull, fetch and startup, so a slow but healthy start is not reported failed. */
  readonly progressDeadlineSeconds: number;
  /** A new pod's time to ready, without margin, for the disruption decision. */
  readonly coldStartSeconds: number;
}

/** The start-up budget of a pod. @internal */
export function startupBudget(input: StartupInput): StartupBudget {
  const modelMiB = input.modelSizeGiB * 1024;
  const fetches = input.fetchThroughputMiBps !== undefined;
  // the fetch at the rate its plan sustains (the same figure that sized its CPU and streams)
  const fetchRaw = fetches ? modelMiB / input.fetchThroughputMiBps! : 0;
  // with a cache the server reads the weights back from the volume; without one it downloads them
  const loadRaw = fetches ? modelMiB / input.diskThroughputMiBps : input.modelSizeGiB * SELF_DOWNLOAD_SECONDS_PER_GIB;
  const fetchSeconds = Math.ceil(fetchRaw * TRANSFER_MARGIN);
  // a whole number of probe periods: the probe's failure threshold rounds up, and the deadline must cover what it allows
  const startupRaw = input.startupTimeoutSeconds ?? SERVER_INIT_SECONDS + loadRaw * (fetches ? TRANSFER_MARGIN : 1);
  const startupSeconds = Math.ceil(startupRaw / PROBE_PERIOD_SECONDS) * PROBE_PERIOD_SECONDS;
  return {
    fetchSeconds,
    startupSeconds,
    progressDeadlineSeconds: NODE_AND_PULL_SECONDS + fetchSeconds + startupSeconds,
    coldStartSeconds: Math.ceil(NODE_AND_PULL_SECONDS / 2 + fetchRaw + SERVER_INIT_SECONDS + loadRaw),
  };
}

/**
 * The root volume (GiB) a node needs to hold a pod's node-local disk (its ephemeral-storage request:
 * model cache, home, `/tmp`, emptyDir volumes) next to the kubelet's reserve and above the hard
 * eviction threshold. Container images come on top (they share the volume on AL2023).
 * Used by the node-pool renderer to size the node class's root volume.
 * @internal
 */
export function requiredRootVolumeGiB(ephemeralStorageMiB: number): number {
  return Math.ceil((ephemeralStorageMiB / 1024 + KUBE_RESERVED_GIB) / (1 - EVICTION_NODEFS_FRACTION));
}

/** The root volume of a flavor's nodes when none is declared, GiB. @internal */
export function defaultRootVolumeGiB(flavor: ResolvedClusterFlavor): number {
  return DEFAULT_ROOT_VOLUME_GIB[flavor.kind];
}

/**
 * Refuses a pod whose node-local disk does not fit the nodes' root volume (declared, or the
 * flavor's default): it would be evicted for disk pressure, or never scheduled.
 * @internal
 */
export function checkRootVolume(
  workloadName: string, ephemeralStorageMiB: number, flavor: ResolvedClusterFlavor, declaredGiB: number | undefined,
): void {
  const needed = requiredRootVolumeGiB(ephemeralStorageMiB);
  const available = declaredGiB ?? defaultRootVolumeGiB(flavor);
  if (needed > available) {
    throw new InferenceWorkloadValidationError(
      `'kubernetes.nodeRootVolumeSize' must hold ${workloadName}'s node-local disk (${formatMiB(ephemeralStorageMiB)}: model cache, home, /tmp and emptyDir volumes; `
      + `${needed} GiB with the kubelet's reserve and eviction threshold, images not counted), got ${available} GiB`
      + `${declaredGiB === undefined ? ` (the ${flavor.kind} default root volume)` : ''}: give the nodes a larger root volume in their node class and declare it here, `
      + 'or put the model cache on a volume of its own (CacheVolume.ephemeral(...) or persistentVolumeClaim(...))');
  }
}
