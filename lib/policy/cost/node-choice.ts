import { round6 } from './load';
import { nodeRoom } from './node-overhead';
import { KubernetesNodeCandidate } from '../decision';
import { ARTICLE_THRESHOLDS } from '../limits';
import { ClusterOverhead, CpuInstancePrice, GpuInstancePrice, PriceTable } from '../pricing';
import { CpuArchitecture, ResolvedProfile } from '../profile';

/*
 * Node choice: the cheapest instance type of the price table a pod fits on, and the pod's CPU.
 */

/** Smallest CPU request of a CPU pod, millicores. */
export const MIN_CPU_MILLIS = 250;
/** CPU request of the in-pod store of a workload's node-local state, millicores. */
export const STATE_STORE_CPU_MILLIS = 250;
/** Smallest CPU request per GPU of a GPU pod, millicores. */
export const MIN_CPU_MILLIS_PER_GPU = 1000;

/** The node a Kubernetes pod lands on, and how many pods share one node. */
export interface NodeChoice {
  readonly instanceType: string;
  readonly hourlyUsd: number;
  readonly gpu?: GpuInstancePrice;
  /** Pods that fit on one node. */
  readonly podsPerNode: number;
  /** For CPU pods: the share of one node a pod occupies (the cluster bin-packs the rest); 1/podsPerNode for GPU nodes. */
  readonly share: number;
  /** CPU request per pod, millicores (the in-pod store of the node-local state included). */
  readonly cpuMillis: number;
  /** Of `cpuMillis`, the in-pod store of the node-local state, millicores (0 when stateless). */
  readonly stateCpuMillis: number;
  /** Whether whole nodes are paid for (GPU node pools are tainted, nothing else fills them). */
  readonly wholeNodes: boolean;
  /** Whether `cpuMillis` is whole, exclusive cores (a jitter budget under the threshold). */
  readonly exclusiveCpu: boolean;
  /** Memory of one pod, MiB (the model server and the node-local state). */
  readonly podMemoryMiB: number;
}

/** Most instance types a pod's node selection lists. */
const MAX_NODE_CANDIDATES = 10;

/**
 * Whether the pod needs whole, exclusive cores: a jitter budget under the `constraint.jitter`
 * threshold cannot absorb CFS quota throttling. The kubelet's static CPU manager gives exclusive
 * cores only to Guaranteed pods with integer CPU requests
 * (https://kubernetes.io/docs/tasks/administer-cluster/cpu-management-policies/#static-policy).
 */
export function needsExclusiveCpu(p: ResolvedProfile): boolean {
  return p.jitterBudgetMicros !== undefined && p.jitterBudgetMicros < ARTICLE_THRESHOLDS.jitterMicros;
}

/** Rounds millicores up to whole cores. */
function wholeCores(millis: number): number {
  return Math.ceil(millis / 1000) * 1000;
}

export function archFits(profileArch: CpuArchitecture, nodeArch: CpuArchitecture | undefined): boolean {
  const a = nodeArch ?? CpuArchitecture.X86_64;
  return profileArch === CpuArchitecture.ANY || profileArch === a;
}

/**
 * CPU request of the model server, millicores: the vCPUs the profile's durations assume (`vcpus`, by
 * default what Lambda gives its memory), rounded up to 50m; at least 250m, and for a GPU pod at least
 * 1,000m per GPU (the server's own work: HTTP, tokenizer, batching loop, feeding the GPU).
 */
export function cpuPodMillis(p: ResolvedProfile): number {
  return Math.max(MIN_CPU_MILLIS, MIN_CPU_MILLIS_PER_GPU * p.gpuCount, Math.ceil(round6(p.vcpus * 1000 / 50)) * 50);
}

/** What one pod requests: the model server (`vcpus`, `memoryMiB`) and the in-pod store of its node-local state. */
interface PodRequests {
  readonly cpuMillis: number;
  readonly stateCpuMillis: number;
  readonly memoryMiB: number;
  readonly exclusive: boolean;
}

/**
 * The pod's requests, from the profile only (never a share of a node): CPU from `cpuPodMillis()` (whole
 * cores when the pod needs exclusive cores), plus the state store's; memory is `memoryMiB` (the model
 * server: weights, runtime, request buffers) plus the node-local state.
 */
export function podRequests(p: ResolvedProfile): PodRequests {
  const exclusive = needsExclusiveCpu(p);
  // the store that keeps the node-local state in the pod (a single-threaded key-value store) gets the
  // smallest CPU request; in a GPU pod with exclusive cores a whole core, so the model server's stays whole
  const stateCpuMillis = p.nodeLocalStateGiB === 0 ? 0 : exclusive && p.gpuCount > 0 ? 1000 : STATE_STORE_CPU_MILLIS;
  const server = cpuPodMillis(p);
  return {
    cpuMillis: (exclusive ? wholeCores(server) : server) + stateCpuMillis,
    stateCpuMillis,
    // node-local state (e.g. a Redis cache sidecar) sits in the same pod, on the same node, next to the model
    memoryMiB: p.memoryMiB + Math.ceil(p.nodeLocalStateGiB * 1024),
    exclusive,
  };
}

/** Whether a GPU instance type holds the pod's GPUs (count, memory, family, architecture). */
function gpuFits(p: ResolvedProfile, g: GpuInstancePrice): boolean {
  const family = p.gpuFamily?.toLowerCase();
  return archFits(p.architecture, g.architecture) && g.gpuCount >= p.gpuCount && g.gpuMemoryGiB >= p.gpuMemoryGiB
    && (family === undefined || g.gpuModel.toLowerCase() === family || g.gpuName.toLowerCase() === family);
}

/** Pods of `pod`'s requests that fit on one GPU node after its overhead (0 when none does). */
function gpuPodsPerNode(p: ResolvedProfile, g: GpuInstancePrice, pod: PodRequests, o: ClusterOverhead): number {
  const room = nodeRoom(g.vcpu, g.memoryGiB, true, o);
  return Math.min(Math.floor(g.gpuCount / p.gpuCount), Math.floor(room.memoryMiB / pod.memoryMiB), Math.floor(room.cpuMillis / pod.cpuMillis));
}

/**
 * The cheapest node for `replicas` pods: for GPU work whole nodes from the GPU catalog (GPU count,
 * GPU memory, family, and the pod's CPU and memory after the node's overhead must fit), among the
 * instance types with the fewest GPUs that fit (a one-GPU model is never placed on a multi-GPU node
 * when a one-GPU instance fits); for CPU work the cheapest share of a CPU node.
 * Returns undefined when nothing in the table fits.
 */
export function chooseNode(p: ResolvedProfile, t: PriceTable, replicas: number): NodeChoice | undefined {
  const o = t.props.clusterOverhead;
  const pod = podRequests(p);
  if (p.gpuCount > 0) {
    const fitting: Array<[GpuInstancePrice, number]> = [];
    let fewestGpus = Infinity;
    for (const g of t.props.gpuInstances) {
      const podsPerNode = gpuFits(p, g) ? gpuPodsPerNode(p, g, pod, o) : 0;
      if (podsPerNode >= 1) {
        fitting.push([g, podsPerNode]);
        fewestGpus = Math.min(fewestGpus, g.gpuCount);
      }
    }
    let best: { c: NodeChoice; cost: number } | undefined;
    for (const [g, podsPerNode] of fitting) {
      // only the instance types with the fewest GPUs that fit: a node autoscaler launches a node for the
      // pods pending now (often one), so GPUs beyond them would be paid for and left idle
      if (g.gpuCount !== fewestGpus) {
        continue;
      }
      const cost = Math.ceil(replicas / podsPerNode) * g.hourlyUsd;
      if (best === undefined || cost < best.cost || (cost === best.cost && g.hourlyUsd < best.c.hourlyUsd)) {
        best = {
          cost,
          c: {
            instanceType: g.instanceType,
            hourlyUsd: g.hourlyUsd,
            gpu: g,
            podsPerNode,
            share: 1 / podsPerNode,
            cpuMillis: pod.cpuMillis,
            wholeNodes: true,
            stateCpuMillis: pod.stateCpuMillis,
            exclusiveCpu: pod.exclusive,
            podMemoryMiB: pod.memoryMiB,
          },
        };
      }
    }
    return best?.c;
  }
  let best: { c: NodeChoice; cost: number } | undefined;
  for (const n of t.props.cpuInstances) {
    if (!archFits(p.architecture, n.architecture)) {
      continue;
    }
    const c = cpuChoice(n, pod, o);
    if (c === undefined) {
      continue;
    }
    const cost = c.share * n.hourlyUsd;
    if (best === undefined || cost < best.cost - 1e-12 || (Math.abs(cost - best.cost) <= 1e-12 && n.hourlyUsd < best.c.hourlyUsd)) {
      best = { cost, c };
    }
  }
  return best?.c;
}

/**
 * Instance types of the price table one pod of `node`'s requests fits on after the node's overhead, the
 * chosen one first, then cheapest first (ties by name), at most 10: what a node autoscaler may launch
 * for the pod. GPU instance types with another GPU count than the chosen one's (the fewest that fit)
 * are left out: a node autoscaler launching a larger one for a single pending pod would pay for GPUs
 * nothing uses.
 */
export function nodeCandidates(p: ResolvedProfile, t: PriceTable, node: NodeChoice): KubernetesNodeCandidate[] {
  const o = t.props.clusterOverhead;
  const pod: PodRequests = {
    cpuMillis: node.cpuMillis, stateCpuMillis: node.stateCpuMillis, memoryMiB: node.podMemoryMiB, exclusive: node.exclusiveCpu,
  };
  if (node.gpu !== undefined) {
    const gpus = node.gpu.gpuCount;
    const fits = sortedCatalog(t.props.gpuInstances).filter(g => gpuFits(p, g) && g.gpuCount === gpus && gpuPodsPerNode(p, g, pod, o) >= 1);
    return candidatesOf(node.instanceType, fits);
  }
  const fits = sortedCatalog(t.props.cpuInstances).filter(n => archFits(p.architecture, n.architecture) && cpuChoice(n, pod, o) !== undefined);
  return candidatesOf(node.instanceType, fits);
}

/** Each catalog sorted cheapest first (ties by name), computed once per catalog. */
const SORTED_CATALOGS = new WeakMap<ReadonlyArray<GpuInstancePrice | CpuInstancePrice>, ReadonlyArray<GpuInstancePrice | CpuInstancePrice>>();

/** The catalog cheapest first, ties by name (instance types are unique, so the order is total). */
function sortedCatalog<T extends GpuInstancePrice | CpuInstancePrice>(catalog: T[]): T[] {
  let sorted = SORTED_CATALOGS.get(catalog);
  if (sorted === undefined) {
    sorted = [...catalog].sort((a, b) => a.hourlyUsd - b.hourlyUsd || a.instanceType.localeCompare(b.instanceType));
    SORTED_CATALOGS.set(catalog, sorted);
  }
  return sorted as T[];
}

/**
 * The chosen instance type first, then the others cheapest first (ties by name), at most
 * `MAX_NODE_CANDIDATES`. `fits` is already cheapest first (`sortedCatalog`).
 */
function candidatesOf(chosen: string, fits: Array<GpuInstancePrice | CpuInstancePrice>): KubernetesNodeCandidate[] {
  const i = fits.findIndex(n => n.instanceType === chosen);
  const sorted = i <= 0 ? fits : [fits[i], ...fits.slice(0, i), ...fits.slice(i + 1)];
  return sorted.slice(0, MAX_NODE_CANDIDATES).map(n => ('gpuName' in n
    ? {
      instanceType: n.instanceType,
      hourlyUsd: n.hourlyUsd,
      gpuCount: n.gpuCount,
      gpuName: n.gpuName,
      gpuProduct: n.gpuProduct,
      gpuMemoryGiB: n.gpuMemoryGiB,
    }
    : { instanceType: n.instanceType, hourlyUsd: n.hourlyUsd }));
}

function cpuChoice(n: CpuInstancePrice, pod: PodRequests, o: ClusterOverhead): NodeChoice | undefined {
  const room = nodeRoom(n.vcpu, n.memoryGiB, false, o);
  if (pod.memoryMiB > room.memoryMiB || pod.cpuMillis > room.cpuMillis) {
    return undefined;
  }
  return {
    instanceType: n.instanceType,
    hourlyUsd: n.hourlyUsd,
    podsPerNode: Math.floor(Math.min(room.memoryMiB / pod.memoryMiB, room.cpuMillis / pod.cpuMillis)),
    // the share of the node's room for pods (the cluster bin-packs the rest with other workloads)
    share: Math.max(pod.memoryMiB / room.memoryMiB, pod.cpuMillis / room.cpuMillis),
    cpuMillis: pod.cpuMillis,
    stateCpuMillis: pod.stateCpuMillis,
    wholeNodes: false,
    exclusiveCpu: pod.exclusive,
    podMemoryMiB: pod.memoryMiB,
  };
}
