/**
 * Nodes: plays the node autoscaler and the scheduler. A pod's required node affinity (one term of
 * ANDed expressions, or several ORed), its tolerations against each pool's taints, and each pool's
 * requirements against each instance type's labels give the nodes the pod can get. Failures: a pod
 * that stays Pending (no pool launches a node it accepts); a node of another architecture than the
 * image's; a GPU pod that can land on a node the library did not emit a pool for (Karpenter, Auto
 * Mode), or whose pool does not admit exactly the instance types the decision priced.
 */
import { CATALOG, clusterPools, nodeLabels, satisfies, SimCluster, SimPool, emittedPools } from './cluster';
import { Manifest } from '../../helpers/kubernetes';

/** A pod template of the manifests and what the library priced for it. */
export interface PricedPod {
  readonly name: string;
  /** The instance types the decision priced (`decision.kubernetes.nodeCandidates`). */
  readonly pricedInstanceTypes: string[];
  /** `kubernetes.io/arch` values the image runs on. */
  readonly imageArches: string[];
}

/** The (pool, instance type) pairs a pod can be scheduled on. */
export function placements(spec: any, pools: SimPool[]): Array<{ pool: SimPool; instanceType: string; arch: string }> {
  const terms: any[] = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [{ matchExpressions: [] }];
  const tolerations: any[] = spec.tolerations ?? [];
  const gpus = (spec.containers as any[]).reduce((sum, c) => sum + (c.resources?.limits?.['nvidia.com/gpu'] ?? 0), 0);
  const out: Array<{ pool: SimPool; instanceType: string; arch: string }> = [];
  for (const pool of pools) {
    const tolerated = pool.taints.every(t => tolerations.some(o => o.key === t.key && (o.effect === undefined || o.effect === t.effect)
      && (o.operator === 'Exists' || o.value === t.value)));
    if (!tolerated) {
      continue;
    }
    for (const instance of CATALOG) {
      const labels = nodeLabels(pool, instance);
      if (!pool.requirements.every(r => satisfies(labels, r)) || instance.gpuCount < gpus) {
        continue;
      }
      if (terms.some(t => (t.matchExpressions ?? []).every((e: any) => satisfies(labels, e)))) {
        out.push({ pool, instanceType: instance.instanceType, arch: instance.arch });
      }
    }
  }
  return out;
}

/** Node failures of one workload's manifests on the cluster. */
export function nodeFailures(manifests: Manifest[], cluster: SimCluster, priced: PricedPod, staticCpuLabel?: [string, string]): string[] {
  const deployment = manifests.find(m => m.kind === 'Deployment');
  if (!deployment) {
    return [];
  }
  const spec = deployment.spec.template.spec;
  const pools = [...emittedPools(manifests), ...clusterPools(cluster.flavor, staticCpuLabel)];
  const where = priced.name;
  const failures: string[] = [];
  const nodes = placements(spec, pools);
  if (nodes.length === 0) {
    return [`${where}: Pending: no pool launches a node the pod accepts`];
  }
  const wrongArch = nodes.filter(n => !priced.imageArches.includes(n.arch));
  if (wrongArch.length > 0) {
    failures.push(`${where}: can land on ${wrongArch[0].arch} (${wrongArch[0].instanceType}, pool ${wrongArch[0].pool.name}), the image is ${priced.imageArches.join('/')}`);
  }
  const gpu = (spec.containers as any[]).some(c => c.resources?.limits?.['nvidia.com/gpu'] !== undefined);
  if (gpu && cluster.flavor !== 'managed-node-groups') {
    const foreign = nodes.filter(n => !n.pool.emitted);
    if (foreign.length > 0) {
      failures.push(`${where}: can land on pool ${foreign[0].pool.name}, which the library did not emit`);
    }
    for (const pool of emittedPools(manifests)) {
      const admitted = CATALOG.filter(i => pool.requirements.every(r => satisfies(nodeLabels(pool, i), r))).map(i => i.instanceType).sort();
      const expected = [...priced.pricedInstanceTypes].sort();
      if (JSON.stringify(admitted) !== JSON.stringify(expected)) {
        failures.push(`${where}: NodePool ${pool.name} admits ${admitted.join(', ')}; the decision priced ${expected.join(', ')}`);
      }
      if (!pool.taints.some(t => t.key === 'nvidia.com/gpu' && t.effect === 'NoSchedule')) {
        failures.push(`${where}: NodePool ${pool.name} does not taint its GPU nodes nvidia.com/gpu:NoSchedule`);
      }
    }
  }
  return failures;
}
