/**
 * The simulated cluster: what a flavor provides besides the rendered manifests (its own node pools
 * or node groups, where DNS answers, the node's IMDS hop limit), and the instance catalog the nodes
 * come from. Test code: each concern (nodes, DNS, IMDS; metrics and drains in their own modules)
 * reads the rendered manifests and this description, and returns the failures it finds.
 */
import { PriceTable } from '../../../lib';
import { Manifest } from '../../helpers/kubernetes';

export type FlavorKind = 'karpenter' | 'eks-auto-mode' | 'managed-node-groups';

/** A requirement of a node pool or a pod: a node's labels satisfy it or not. */
export interface Requirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: string[];
}

/** A pool of nodes the cluster can launch (a NodePool) or already runs (a node group). */
export interface SimPool {
  readonly name: string;
  /** Instance types whose nodes the pool can have, before its requirements are applied. */
  readonly requirements: Requirement[];
  readonly taints: Array<{ key: string; value?: string; effect: string }>;
  /** Labels every node of the pool carries besides the well-known ones. */
  readonly labels: Record<string, string>;
  /** Whether the library emitted it (a NodePool in the manifests). */
  readonly emitted: boolean;
}

/** What a flavor's cluster provides. */
export interface SimCluster {
  readonly flavor: FlavorKind;
  readonly ipFamily: 'ipv4' | 'ipv6';
  readonly dns: 'coredns' | 'node-local-dns-cache' | 'node-resolver';
  /** The cluster DNS Service address: the pods' nameserver. */
  readonly dnsServiceIp: string;
  /** NodeLocal DNSCache's address. */
  readonly nodeLocalDnsIp?: string;
  /** The cluster's own pools (Auto Mode's built-in general-purpose pool, a Karpenter general pool, managed node groups). */
  readonly pools: SimPool[];
  /** IMDSv2 hop limit of the nodes: 1 on Auto Mode (no NodeClass setting), as the operator sets it otherwise. */
  readonly imdsHopLimit: number;
}

/** An instance type of the price table, with what its node's labels say. */
export interface SimInstance {
  readonly instanceType: string;
  readonly arch: 'amd64' | 'arm64';
  readonly gpuCount: number;
}

const TABLE = PriceTable.awsUsEast1().props;
/** Every instance type the simulated clusters can launch: the price table's. */
export const CATALOG: SimInstance[] = [
  ...TABLE.gpuInstances.map(g => ({ instanceType: g.instanceType, arch: archOf(g.architecture), gpuCount: g.gpuCount })),
  ...TABLE.cpuInstances.map(c => ({ instanceType: c.instanceType, arch: archOf(c.architecture), gpuCount: 0 })),
];

function archOf(architecture: string | undefined): 'amd64' | 'arm64' {
  return architecture === 'arm64' ? 'arm64' : 'amd64';
}

/** `c7i.xlarge` -> category `c`, generation 7 (EKS Auto Mode's instance-category and instance-generation labels). */
function categoryAndGeneration(instanceType: string): [string, number] {
  const m = /^([a-z]+?)(\d+)/.exec(instanceType);
  return m ? [m[1], Number(m[2])] : ['', 0];
}

/** The labels a node of `pool` on `instance` carries before it exists (what a node autoscaler matches). */
export function nodeLabels(pool: SimPool, instance: SimInstance): Record<string, string> {
  const [category, generation] = categoryAndGeneration(instance.instanceType);
  return {
    'node.kubernetes.io/instance-type': instance.instanceType,
    'kubernetes.io/arch': instance.arch,
    'kubernetes.io/os': 'linux',
    'karpenter.sh/nodepool': pool.name,
    'karpenter.sh/capacity-type': 'on-demand',
    'eks.amazonaws.com/instance-category': category,
    'eks.amazonaws.com/instance-generation': String(generation),
    ...pool.labels,
  };
}

/** Whether labels satisfy a requirement (Kubernetes node selector operators). */
export function satisfies(labels: Record<string, string>, r: Requirement): boolean {
  const v = labels[r.key];
  switch (r.operator) {
    case 'In': return v !== undefined && r.values!.includes(v);
    case 'NotIn': return v === undefined || !r.values!.includes(v);
    case 'Exists': return v !== undefined;
    case 'DoesNotExist': return v === undefined;
    case 'Gt': return v !== undefined && Number(v) > Number(r.values![0]);
    case 'Lt': return v !== undefined && Number(v) < Number(r.values![0]);
    default: return false;
  }
}

/** The NodePools of the manifests as pools. */
export function emittedPools(manifests: Manifest[]): SimPool[] {
  return manifests.filter(m => m.apiVersion === 'karpenter.sh/v1' && m.kind === 'NodePool').map(m => ({
    name: m.metadata.name,
    requirements: m.spec.template.spec.requirements ?? [],
    taints: m.spec.template.spec.taints ?? [],
    labels: m.spec.template.metadata?.labels ?? {},
    emitted: true,
  }));
}

/** Node groups and pools a flavor's cluster has of its own. */
export function clusterPools(flavor: FlavorKind, staticCpuLabel?: [string, string]): SimPool[] {
  switch (flavor) {
    case 'eks-auto-mode':
      // the built-in general-purpose pool: C, M and R families of generation 5 or later, amd64, on demand
      // (EKS user guide, "Enable or Disable Built-in NodePools")
      return [{
        name: 'general-purpose',
        requirements: [
          { key: 'eks.amazonaws.com/instance-category', operator: 'In', values: ['c', 'm', 'r'] },
          { key: 'eks.amazonaws.com/instance-generation', operator: 'Gt', values: ['4'] },
          { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
        ],
        taints: [],
        labels: {},
        emitted: false,
      }];
    case 'karpenter':
      // the operator's general pool, of mixed architecture
      return [{ name: 'general', requirements: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] }], taints: [], labels: {}, emitted: false }];
    default:
      // node groups: general nodes of each architecture, GPU nodes tainted, and the static CPU manager nodes
      return [
        { name: 'general', requirements: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] }], taints: [], labels: {}, emitted: false },
        {
          name: 'gpu',
          requirements: [{ key: 'node.kubernetes.io/instance-type', operator: 'In', values: CATALOG.filter(i => i.gpuCount > 0).map(i => i.instanceType) }],
          taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }],
          labels: {},
          emitted: false,
        },
        ...(staticCpuLabel ? [{ name: 'static-cpu', requirements: [], taints: [], labels: { [staticCpuLabel[0]]: staticCpuLabel[1] }, emitted: false }] : []),
      ];
  }
}
