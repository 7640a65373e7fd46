import { round6 } from './load';
import { KubernetesNodeCandidate } from '../decision';
import { ARTICLE_THRESHOLDS } from '../limits';
import { CpuInstancePrice, GpuInstancePrice, PriceTable } from '../pricing';
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
 * CPU request of a CPU pod: the vCPUs the profile's durations assume (`vcpus`, by default what Lambda
 * gives its memory), at least 250m, rounded up to 50m.
 */
export function cpuPodMillis(p: ResolvedProfile): number {
  return Math.max(MIN_CPU_MILLIS, Math.ceil(round6(p.vcpus * 1000 / 50)) * 50);
}

/**
 * The cheapest node for `replicas` pods: for GPU work whole nodes from the GPU catalog (GPU count,
 * GPU memory, family, host memory and CPU must fit); for CPU work the cheapest share of a CPU node.
 * Returns undefined when nothing in the table fits.
 */
export function chooseNode(p: ResolvedProfile, t: PriceTable, replicas: number): NodeChoice | undefined {
  const alloc = t.props.clusterOverhead.allocatableFraction ?? 0.9;
  // node-local state (e.g. a Redis cache sidecar) sits in the same pod, on the same node, next to the model
  const podMemoryMiB = p.memoryMiB + Math.ceil(p.nodeLocalStateGiB * 1024);
  const exclusive = needsExclusiveCpu(p);
  // the store that keeps the node-local state in the pod (a single-threaded key-value store) gets the
  // smallest CPU request; in a GPU pod with exclusive cores it gets a whole core out of the node's
  // share, so the model server's share stays whole
  const stateCpu = p.nodeLocalStateGiB === 0 ? 0 : exclusive && p.gpuCount > 0 ? 1000 : STATE_STORE_CPU_MILLIS;
  if (p.gpuCount > 0) {
    let best: { c: NodeChoice; cost: number } | undefined;
    const family = p.gpuFamily?.toLowerCase();
    for (const g of t.props.gpuInstances) {
      if (!archFits(p.architecture, g.architecture) || g.gpuCount < p.gpuCount || g.gpuMemoryGiB < p.gpuMemoryGiB) {
        continue;
      }
      if (family !== undefined && g.gpuModel.toLowerCase() !== family && g.gpuName.toLowerCase() !== family) {
        continue;
      }
      const allocMiB = g.memoryGiB * 1024 * alloc;
      const allocCpu = g.vcpu * 1000 * alloc;
      const minCpu = MIN_CPU_MILLIS_PER_GPU * p.gpuCount;
      const podsPerNode = Math.min(Math.floor(g.gpuCount / p.gpuCount), Math.floor(allocMiB / podMemoryMiB), Math.floor(allocCpu / minCpu));
      if (podsPerNode < 1) {
        continue;
      }
      const cost = Math.ceil(replicas / podsPerNode) * g.hourlyUsd;
      if (best === undefined || cost < best.cost || (cost === best.cost && g.hourlyUsd < best.c.hourlyUsd)) {
        // exclusive cores: whole cores only, so the static CPU manager can pin them
        const cpuMillis = Math.max(minCpu, Math.floor(allocCpu / podsPerNode / (exclusive ? 1000 : 100)) * (exclusive ? 1000 : 100));
        best = {
          cost,
          c: {
            instanceType: g.instanceType,
            hourlyUsd: g.hourlyUsd,
            gpu: g,
            podsPerNode,
            share: 1 / podsPerNode,
            cpuMillis,
            wholeNodes: true,
            stateCpuMillis: stateCpu,
            exclusiveCpu: exclusive,
            podMemoryMiB,
          },
        };
      }
    }
    return best?.c;
  }
  const cpuMillis = (exclusive ? wholeCores(cpuPodMillis(p)) : cpuPodMillis(p)) + stateCpu;
  let best: { c: NodeChoice; cost: number } | undefined;
  for (const n of t.props.cpuInstances) {
    if (!archFits(p.architecture, n.architecture)) {
      continue;
    }
    const c = cpuChoice(n, podMemoryMiB, cpuMillis, alloc, exclusive, stateCpu);
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
 * Instance types of the price table one pod of `node`'s size fits on, the chosen one first, then
 * cheapest first (ties by name), at most 10: what a node autoscaler may launch for the pod.
 */
export function nodeCandidates(p: ResolvedProfile, t: PriceTable, node: NodeChoice): KubernetesNodeCandidate[] {
  const alloc = t.props.clusterOverhead.allocatableFraction ?? 0.9;
  const podMemoryMiB = node.podMemoryMiB;
  if (node.gpu !== undefined) {
    const family = p.gpuFamily?.toLowerCase();
    const fits = sortedCatalog(t.props.gpuInstances).filter(g => archFits(p.architecture, g.architecture) && g.gpuCount >= p.gpuCount
      && g.gpuMemoryGiB >= p.gpuMemoryGiB
      && (family === undefined || g.gpuModel.toLowerCase() === family || g.gpuName.toLowerCase() === family)
      && g.memoryGiB * 1024 * alloc >= podMemoryMiB && g.vcpu * 1000 * alloc >= node.cpuMillis);
    return candidatesOf(node.instanceType, fits);
  }
  const fits = sortedCatalog(t.props.cpuInstances).filter(n => archFits(p.architecture, n.architecture)
    && cpuChoice(n, podMemoryMiB, node.cpuMillis, alloc, node.exclusiveCpu, node.stateCpuMillis) !== undefined);
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

function cpuChoice(
  n: CpuInstancePrice, memoryMiB: number, cpuMillis: number, alloc: number, exclusiveCpu: boolean, stateCpuMillis: number,
): NodeChoice | undefined {
  const allocMiB = n.memoryGiB * 1024 * alloc;
  const allocCpu = n.vcpu * 1000 * alloc;
  if (memoryMiB > allocMiB || cpuMillis > allocCpu) {
    return undefined;
  }
  const share = Math.max(memoryMiB / allocMiB, cpuMillis / allocCpu);
  return {
    instanceType: n.instanceType,
    hourlyUsd: n.hourlyUsd,
    podsPerNode: Math.floor(Math.min(allocMiB / memoryMiB, allocCpu / cpuMillis)),
    share,
    cpuMillis,
    stateCpuMillis,
    wholeNodes: false,
    exclusiveCpu,
    podMemoryMiB: memoryMiB,
  };
}
