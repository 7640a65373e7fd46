import { createHash } from 'crypto';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ResolvedClusterFlavor } from './cluster';
import { GPU_RESOURCE } from './gpu';
import { ModelCredentials } from './pod-options';
import { requiredRootVolumeGiB } from './startup';
import { formatMiB } from './validate';
import { InferenceWorkloadValidationError } from '../../errors';
import {
  NodePool, NodePoolSpecDisruptionConsolidationPolicy, NodePoolSpecLimits, NodePoolSpecTemplateSpecRequirementsOperator,
  NodePoolSpecTemplateSpecTaintsEffect,
} from '../../imports/karpenter.sh';
import { CpuArchitecture, KubernetesSizing } from '../../policy';

/*
 * Which nodes a workload's pods may run on, per cluster flavor: the architecture of the image on
 * every pod; on Karpenter and EKS Auto Mode, a NodePool per workload that needs nodes the cluster's
 * own pools may not make (GPU nodes, static-CPU-manager nodes, arm64 nodes on Auto Mode), admitting
 * exactly the instance types the decision priced; on managed node groups, the static CPU manager
 * nodes' label. What no flavor can provide is refused here, naming the option.
 */

/** One required node selector expression of a pod. @internal */
export interface PodNodeRequirement {
  readonly key: string;
  readonly operator: 'In' | 'Gt' | 'Exists';
  readonly values?: string[];
}

/** What the node placement adds to a workload. @internal */
export interface NodePlacement {
  /** The pod's required node selector expressions, ANDed in one term with the GPU label expressions. */
  readonly requirements: PodNodeRequirement[];
  /** Taints of the workload's NodePool the pods tolerate (besides the GPU taint). */
  readonly tolerations: Array<{ key: string; value: string }>;
  /** What the cluster must provide, one sentence each, prefixed with the workload's name. */
  readonly prerequisites: string[];
  /** The emitted NodePool. @default - none */
  readonly nodePool?: NodePool;
}

/** Inputs of `placeOnNodes`. @internal */
export interface NodePlacementInput {
  readonly chart: cdk8s.Chart;
  readonly workloadName: string;
  readonly namespace: string;
  readonly sizing: KubernetesSizing;
  readonly flavor: ResolvedClusterFlavor;
  readonly architecture: CpuArchitecture;
  readonly modelCredentials?: ModelCredentials;
  /** Whether the pod fetches weights with the credentials (they matter only then). */
  readonly fetches: boolean;
  /**
   * Whether a node autoscaler can launch the GPU pods' nodes: whole GPUs (a MIG slice needs nodes
   * partitioned beforehand) selected by labels known before launch (not GPU Feature Discovery's).
   */
  readonly autoscaledGpus: boolean;
  /** The startup probe's budget, seconds: an emptied GPU node is kept at least this long. */
  readonly startupSeconds: number;
  /** The pod's node-local disk, MiB (the nodes' root volume must hold it). */
  readonly ephemeralMiB: number;
}

/** The well-known labels a NodePool and a pod select on. */
const ARCH_LABEL = 'kubernetes.io/arch';
const OS_LABEL = 'kubernetes.io/os';
const INSTANCE_TYPE_LABEL = 'node.kubernetes.io/instance-type';
/** Karpenter's label of the NodePool that made a node, and of the capacity type (kubernetes-sigs/karpenter `pkg/apis/v1/labels.go`). */
export const NODE_POOL_LABEL = 'karpenter.sh/nodepool';
const CAPACITY_TYPE_LABEL = 'karpenter.sh/capacity-type';
/** The taint of the CPU NodePools the library emits: only the workload's pods tolerate it. */
export const NODE_POOL_TAINT = 'inference-workload/node-pool';

/** `kubernetes.io/arch` values (GOARCH) of an image's architecture. */
export function archValues(architecture: CpuArchitecture): string[] {
  return architecture === CpuArchitecture.ARM64 ? ['arm64'] : architecture === CpuArchitecture.ANY ? ['amd64', 'arm64'] : ['amd64'];
}

/**
 * The nodes of a workload, for its cluster flavor. Throws when the flavor cannot provide them.
 * @internal
 */
export function placeOnNodes(input: NodePlacementInput): NodePlacement {
  const { flavor: f, sizing, workloadName: name } = input;
  const gpu = sizing.gpuCount > 0;
  const exclusive = sizing.exclusiveCpu === true;
  const arches = archValues(input.architecture);
  // every pod on its image's architecture: a mixed-architecture pool must not start an x86 image on Graviton
  const requirements: PodNodeRequirement[] = [{ key: ARCH_LABEL, operator: 'In', values: arches }];
  const tolerations: Array<{ key: string; value: string }> = [];
  const prerequisites: string[] = [];
  const credentials = input.fetches ? input.modelCredentials : undefined;

  if (f.kind === 'eks-auto-mode') {
    if (exclusive) {
      // https://docs.aws.amazon.com/eks/latest/userguide/create-node-class.html (Node Class Specification: no kubelet field)
      throw new InferenceWorkloadValidationError(
        '\'kubernetes.flavor\' must provide nodes with the static CPU manager for a pod with exclusive cores (the profile\'s jitterBudgetMicros), '
        + 'got ClusterFlavor.eksAutoMode(): an Auto Mode NodeClass has no kubelet settings; use ClusterFlavor.karpenter() or .managedNodeGroups({ staticCpuManagerNodeLabel })');
    }
    if (credentials === ModelCredentials.NODE_ROLE) {
      // the same specification has no metadataOptions: the nodes' IMDSv2 hop limit cannot be raised to reach a pod
      throw new InferenceWorkloadValidationError(
        '\'kubernetes.modelCredentials\' cannot be ModelCredentials.NODE_ROLE on ClusterFlavor.eksAutoMode(): an Auto Mode NodeClass has no metadata options, '
        + 'so a pod cannot get an IMDSv2 token (hop limit 1); use SERVICE_ACCOUNT_ROLE or POD_IDENTITY, got node-role');
    }
  }

  const needsPool = f.nodePools && ((gpu && input.autoscaledGpus) || (!gpu && exclusive && f.kind === 'karpenter')
    // the built-in general-purpose pool launches amd64 nodes only (EKS user guide, "Enable or Disable Built-in NodePools",
    // https://docs.aws.amazon.com/eks/latest/userguide/set-builtin-node-pools.html)
    || (!gpu && f.kind === 'eks-auto-mode' && !arches.includes('amd64')));
  let nodePool: NodePool | undefined;
  const poolName = nodePoolName(input.namespace, name);
  const poolClass = !gpu && exclusive ? f.staticCpuManagerNodeClassName! : f.nodeClassName;
  if (needsPool) {
    nodePool = renderNodePool(input, poolName, poolClass, arches);
    requirements.push({ key: NODE_POOL_LABEL, operator: 'In', values: [poolName] });
    if (!gpu) {
      tolerations.push({ key: NODE_POOL_TAINT, value: poolName });
    }
  }

  const types = candidateTypes(sizing).join(', ');
  const disk = `${requiredRootVolumeGiB(input.ephemeralMiB)} GiB (the pod's ${formatMiB(input.ephemeralMiB)} of node-local disk) plus the images`;
  if (gpu && input.autoscaledGpus && f.kind !== 'managed-node-groups' && nodePool === undefined) {
    prerequisites.push(`${name}: a NodePool of the cluster launches ${types} tainted nvidia.com/gpu:NoSchedule (the flavor's nodePools is false).`);
  }
  if (f.kind === 'karpenter') {
    if (nodePool) {
      prerequisites.push(`${name}: Karpenter 1.0 or later (karpenter.sh/v1), and the EC2NodeClass ${poolClass} the emitted NodePool references.`);
    }
    if (gpu) {
      prerequisites.push(`${name}: GPU nodes run the NVIDIA device plugin; the EC2NodeClass ${f.nodeClassName} gives ${types} an NVIDIA AMI `
        + `(al2023 or bottlerocket alias: Karpenter picks the accelerated variant) and a root volume larger than ${disk} (Karpenter's default root volume is 20 GiB).`);
    }
    if (exclusive) {
      // aws/karpenter-provider-aws v1.14.1 pkg/apis/v1/ec2nodeclass.go: `kubelet` passes every KubeletConfiguration field through
      prerequisites.push(`${name}: EC2NodeClass ${f.staticCpuManagerNodeClassName} sets spec.kubelet.cpuManagerPolicy: static `
        + '(Karpenter v1.14.1 or later passes it to the kubelet) so the whole-core pod gets exclusive cores.');
    }
    if (credentials === ModelCredentials.NODE_ROLE) {
      // pkg/apis/v1/ec2nodeclass.go: metadataOptions.httpPutResponseHopLimit defaults to 1
      prerequisites.push(`${name}: the EC2NodeClass of its nodes sets metadataOptions.httpPutResponseHopLimit: 2 (the default, 1, keeps IMDSv2 tokens from pods).`);
    }
  } else if (f.kind === 'eks-auto-mode') {
    if (nodePool) {
      prerequisites.push(`${name}: EKS Auto Mode, and the NodeClass ${poolClass} the emitted NodePool references `
        + '(the built-in "default" NodeClass exists while a built-in node pool is enabled).');
    }
    if (gpu) {
      prerequisites.push(`${name}: NodeClass ${f.nodeClassName} gives ${types} ephemeral storage larger than ${disk} (the NodeClass's ephemeralStorage.size).`);
    }
  } else {
    if (gpu) {
      prerequisites.push(`${name}: a managed node group of ${types} (or a subset) runs the EKS-optimized accelerated AMI (NVIDIA device plugin), `
        + `is tainted nvidia.com/gpu:NoSchedule, and has a root volume larger than ${disk}.`);
    }
    if (exclusive) {
      const label = f.staticCpuManagerNodeLabel;
      if (label === undefined) {
        throw new InferenceWorkloadValidationError(
          '\'kubernetes.flavor.staticCpuManagerNodeLabel\' must name the nodes whose kubelet runs the static CPU manager for a pod with exclusive cores '
          + '(the profile\'s jitterBudgetMicros), got undefined');
      }
      requirements.push(label.value === undefined ? { key: label.key, operator: 'Exists' } : { key: label.key, operator: 'In', values: [label.value] });
      prerequisites.push(`${name}: the nodes labelled ${label.key}${label.value === undefined ? '' : `=${label.value}`} run the kubelet with cpuManagerPolicy: static.`);
    }
    if (credentials === ModelCredentials.NODE_ROLE) {
      // AL2023 node groups default to a hop limit of 1 (kubernetes-sigs/aws-load-balancer-controller#3695)
      prerequisites.push(`${name}: the node group's launch template sets the IMDSv2 hop limit (HttpPutResponseHopLimit) to 2.`);
    }
  }
  return { requirements, tolerations, prerequisites, nodePool };
}

/** The instance types the decision priced: the candidates, else the chosen type. */
function candidateTypes(sizing: KubernetesSizing): string[] {
  const candidates = sizing.nodeCandidates ?? [];
  return candidates.length > 0 ? candidates.map(c => c.instanceType) : [sizing.instanceType];
}

/**
 * The workload's NodePool (cluster-scoped, so named after the namespace and the workload): exactly
 * the instance types the decision priced, on demand (the prices are on-demand prices), the image's
 * architecture, the GPU taint on GPU nodes (or a taint of its own on CPU nodes, so that only the
 * workload's pods use them); a GPU limit of the peak, a rollout's surge and a replacement; and nodes removed only when empty, and not
 * sooner than a replica takes to start: consolidating a GPU node that serves requests, or one a
 * replica comes back to minutes later, costs a cold start (Karpenter v1 disruption: `WhenEmpty` with
 * `consolidateAfter`, https://karpenter.sh/docs/concepts/disruption/).
 */
function renderNodePool(input: NodePlacementInput, poolName: string, nodeClassName: string, arches: string[]): NodePool {
  const { sizing, flavor: f } = input;
  const gpu = sizing.gpuCount > 0;
  const autoMode = f.kind === 'eks-auto-mode';
  const In = NodePoolSpecTemplateSpecRequirementsOperator.IN;
  const requirements = [
    { key: INSTANCE_TYPE_LABEL, operator: In, values: candidateTypes(sizing) },
    { key: CAPACITY_TYPE_LABEL, operator: In, values: ['on-demand'] },
    { key: ARCH_LABEL, operator: In, values: arches },
    // EKS Auto Mode runs Linux only and rejects kubernetes.io/os (EKS user guide, "Create a Node Pool for EKS Auto Mode")
    ...(autoMode ? [] : [{ key: OS_LABEL, operator: In, values: ['linux'] }]),
  ];
  const maxGpus = Math.max(sizing.gpuCount, ...(sizing.nodeCandidates ?? []).map(c => c.gpuCount ?? 0));
  const nodesAtMost = sizing.replicasMax + Math.ceil(sizing.replicasMax / 4) + 1;
  const pool = new NodePool(input.chart, 'NodePool', {
    metadata: { name: poolName },
    spec: {
      template: {
        spec: {
          // Karpenter: group karpenter.k8s.aws, kind EC2NodeClass; Auto Mode: group eks.amazonaws.com, kind NodeClass
          nodeClassRef: autoMode
            ? { group: 'eks.amazonaws.com', kind: 'NodeClass', name: nodeClassName }
            : { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: nodeClassName },
          requirements,
          taints: [gpu
            ? { key: GPU_RESOURCE, effect: NodePoolSpecTemplateSpecTaintsEffect.NO_SCHEDULE }
            : { key: NODE_POOL_TAINT, value: poolName, effect: NodePoolSpecTemplateSpecTaintsEffect.NO_SCHEDULE }],
        },
      },
      // one node per replica at most, on the largest candidate (the candidates carry no vCPU count): the peak's replicas,
      // a rolling update's surge (the Deployment default, 25% rounded up) and one node replacing a drifted or expired one
      limits: gpu ? { [GPU_RESOURCE]: NodePoolSpecLimits.fromNumber(nodesAtMost * maxGpus) } : undefined,
      disruption: {
        consolidationPolicy: NodePoolSpecDisruptionConsolidationPolicy.WHEN_EMPTY,
        consolidateAfter: `${input.startupSeconds}s`,
      },
    },
  });
  // a NodePool is cluster-scoped: the chart's namespace does not apply to it
  cdk8s.ApiObject.of(pool).addJsonPatch(cdk8s.JsonPatch.remove('/metadata/namespace'));
  return pool;
}

/** `<namespace>-<workload>`, at most 63 characters (it is the value of the `karpenter.sh/nodepool` label). */
function nodePoolName(namespace: string, workloadName: string): string {
  const full = `${namespace}-${workloadName}`;
  if (full.length <= 63) {
    return full;
  }
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, 54).replace(/[-.]+$/, '')}-${hash}`;
}

/** The pod's node selector expressions as cdk8s-plus queries. @internal */
export function nodeQueries(requirements: PodNodeRequirement[]): kplus.NodeLabelQuery[] {
  return requirements.map(r => r.operator === 'In' ? kplus.NodeLabelQuery.in(r.key, r.values!)
    : r.operator === 'Gt' ? kplus.NodeLabelQuery.gt(r.key, r.values!) : kplus.NodeLabelQuery.exists(r.key));
}
