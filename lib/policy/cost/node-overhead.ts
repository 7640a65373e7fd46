import { ClusterOverhead } from '../pricing';

/*
 * Node overhead: what of a node's CPU and memory the scheduler can give to pods (its allocatable, less
 * the requests of the DaemonSets every node runs). One model, read by the pricing (how many pods fit on
 * a node, what share of a node a pod takes) and by the check of each instance type a pod may land on.
 *
 * The policy does not see the cluster flavour, so the figures are ones that hold on all of them:
 * - kube-reserved and the hard eviction threshold as the EKS AMI's nodeadm sets them
 *   (awslabs/amazon-eks-ami nodeadm/internal/kubelet/config.go: `withDefaultReservedResources`,
 *   `getCPUMillicoresToReserve`, `getMemoryMebibytesToReserve`, `evictionHard`). Karpenter computes the
 *   same reservation for its EC2NodeClass nodes, and managed node groups run the EKS AMI; EKS Auto
 *   Mode's nodes are AWS-managed and run their node agents as processes, not DaemonSets, so the
 *   DaemonSet allowance below over-counts there (the safe side).
 * - memory kube-reserved depends on the node's max pods, which the policy cannot know (ENIs, prefix
 *   delegation, a kubelet `maxPods` setting): `maxPodsBound()` is an upper bound.
 * - the DaemonSets' requests: `ClusterOverhead.daemonSet*`, defaults below with their sources.
 */

/**
 * kube-reserved CPU, millicores, as nodeadm computes it from the node's cores: 6% of the first core,
 * 1% of the second, 0.5% of the third and fourth, 0.25% of every core above four, each range rounded
 * down to whole millicores (`getCPUMillicoresToReserve` / `getResourceToReserveInRange`).
 */
export function kubeReservedCpuMillis(vcpu: number): number {
  const total = vcpu * 1000;
  const ranges: ReadonlyArray<readonly [number, number, number]> = [[0, 1000, 600], [1000, 2000, 100], [2000, 4000, 50], [4000, Infinity, 25]];
  let reserved = 0;
  for (const [start, end, basisPoints] of ranges) {
    if (total > start) {
      reserved += Math.floor((Math.min(total, end) - start) * basisPoints / 10000);
    }
  }
  return reserved;
}

/**
 * An upper bound of a node's max pods, by its vCPUs. nodeadm takes max pods from the ENI limits
 * (`eni-max-pods.txt`: ENIs x (IPv4 per ENI - 1) + 2; current-generation types list at most 58 up to
 * 8 vCPUs, 234 up to 32 vCPUs, 737 above); with prefix delegation the EKS max-pods calculator caps it
 * at 110 (at most 30 vCPUs) or 250 (nodeadm/internal/kubelet/util.go `calculateMaxPods`). The bound is
 * the larger of the two in each size class.
 */
export function maxPodsBound(vcpu: number): number {
  if (vcpu <= 8) {
    return 110;
  }
  return vcpu <= 30 ? 234 : 737;
}

/** kube-reserved memory, MiB, for a node of `maxPods` pods: 11 MiB per pod + 255 MiB (`getMemoryMebibytesToReserve`). */
export function kubeReservedMemoryMiB(maxPods: number): number {
  return 11 * maxPods + 255;
}

/** The kubelet's hard eviction threshold on the EKS AMI, MiB (`evictionHard: memory.available: 100Mi`): not allocatable. */
export const EVICTION_HARD_MEMORY_MIB = 100;

/*
 * The DaemonSets' requests on every node (defaults of `ClusterOverhead`):
 * - aws-node (Amazon VPC CNI): 25m CPU, no memory request (aws/amazon-vpc-cni-k8s charts/aws-vpc-cni/values.yaml
 *   `resources.requests.cpu: 25m`); its network-policy agent container: 25m allowed (an assumption);
 * - kube-proxy: 100m CPU (the request of the EKS kube-proxy add-on's DaemonSet; not re-read from a stored
 *   copy of the add-on: an assumption of this library);
 * - eks-pod-identity-agent: no request (aws/eks-pod-identity-agent charts/eks-pod-identity-agent/values.yaml
 *   `resources: {}`);
 * - a node exporter and a log agent (Prometheus node-exporter, Fluent Bit or the CloudWatch agent): an
 *   allowance of this library, 100m CPU and 256 MiB, since their charts leave requests to the operator.
 * GPU nodes also run the NVIDIA device plugin (no request in its published manifest) and usually GPU
 * Feature Discovery and the DCGM exporter: an allowance of 100m CPU and 512 MiB.
 */
/** CPU requested by the DaemonSets on every node, millicores: 25 + 25 + 100 + 0 + 100. */
export const DAEMONSET_CPU_MILLIS = 250;
/** Memory requested by the DaemonSets on every node, MiB (the node exporter and log agent allowance). */
export const DAEMONSET_MEMORY_MIB = 256;
/** CPU requested by the GPU DaemonSets on a GPU node, millicores (device plugin, feature discovery, DCGM exporter). */
export const GPU_DAEMONSET_CPU_MILLIS = 100;
/** Memory requested by the GPU DaemonSets on a GPU node, MiB. */
export const GPU_DAEMONSET_MEMORY_MIB = 512;

/** What pods can request on a node after kube-reserved, the eviction threshold and the DaemonSets. */
export interface NodeRoom {
  /** CPU, millicores. */
  readonly cpuMillis: number;
  /** Memory, MiB. */
  readonly memoryMiB: number;
}

/**
 * The room for pods on a node of `vcpu` vCPUs and `memoryGiB` GiB (GPU DaemonSets included when `gpu`):
 * capacity less kube-reserved, the hard eviction threshold and the DaemonSets' requests; a table's
 * `allocatableFraction`, when it states one, caps it further at that share of the capacity.
 */
export function nodeRoom(vcpu: number, memoryGiB: number, gpu: boolean, o: ClusterOverhead): NodeRoom {
  let rooms = ROOMS.get(o);
  if (rooms === undefined) {
    rooms = new Map();
    ROOMS.set(o, rooms);
  }
  const key = `${vcpu}/${memoryGiB}/${gpu}`;
  let room = rooms.get(key);
  if (room === undefined) {
    room = computeRoom(vcpu, memoryGiB, gpu, o);
    rooms.set(key, room);
  }
  return room;
}

/** The room of each node shape, per overhead (a price table's overhead is one object): computed once. */
const ROOMS = new WeakMap<ClusterOverhead, Map<string, NodeRoom>>();

function computeRoom(vcpu: number, memoryGiB: number, gpu: boolean, o: ClusterOverhead): NodeRoom {
  const dsCpu = (o.daemonSetCpuMillis ?? DAEMONSET_CPU_MILLIS) + (gpu ? (o.gpuDaemonSetCpuMillis ?? GPU_DAEMONSET_CPU_MILLIS) : 0);
  const dsMemory = (o.daemonSetMemoryMiB ?? DAEMONSET_MEMORY_MIB) + (gpu ? (o.gpuDaemonSetMemoryMiB ?? GPU_DAEMONSET_MEMORY_MIB) : 0);
  const capacityCpu = vcpu * 1000;
  const capacityMemory = memoryGiB * 1024;
  let cpuMillis = capacityCpu - kubeReservedCpuMillis(vcpu) - dsCpu;
  let memoryMiB = capacityMemory - kubeReservedMemoryMiB(maxPodsBound(vcpu)) - EVICTION_HARD_MEMORY_MIB - dsMemory;
  if (o.allocatableFraction !== undefined) {
    cpuMillis = Math.min(cpuMillis, capacityCpu * o.allocatableFraction);
    memoryMiB = Math.min(memoryMiB, capacityMemory * o.allocatableFraction);
  }
  return { cpuMillis: Math.max(0, cpuMillis), memoryMiB: Math.max(0, memoryMiB) };
}
