import { item, Load, num, PricedOption, round6, total } from './load';
import { NodeChoice } from './node-choice';
import { CostLineItem, formatUsd } from '../decision';
import { HOURS_PER_MONTH, PriceTable } from '../pricing';
import { ResolvedProfile } from '../profile';

/** Replicas for the peak: peak concurrency over per-replica concurrency, at least one. */
export function peakReplicas(p: ResolvedProfile, load: Load): number {
  return Math.max(1, Math.ceil(round6(load.peakConcurrency / p.concurrencyPerReplica)));
}

/** Node cost of `replicas` pods for a month, unrounded (whole nodes for GPU pods, a share of a node for CPU pods). */
export function nodeUsd(node: NodeChoice, replicas: number): number {
  return node.wholeNodes
    ? Math.ceil(replicas / node.podsPerNode) * node.hourlyUsd * HOURS_PER_MONTH
    : replicas * node.share * node.hourlyUsd * HOURS_PER_MONTH;
}

/** Node cost of `replicas` pods for a month, as a line item. */
export function nodeItem(label: string, node: NodeChoice, replicas: number): CostLineItem {
  const basis = node.wholeNodes
    ? `${Math.ceil(replicas / node.podsPerNode)} x ${node.instanceType} (${node.podsPerNode} pod(s) per node) x ${HOURS_PER_MONTH} h x $${node.hourlyUsd}/h`
    : `${replicas} pod(s) x ${num(node.share, 3)} of a ${node.instanceType} x ${HOURS_PER_MONTH} h x $${node.hourlyUsd}/h`;
  return item(label, nodeUsd(node, replicas), basis);
}

/** The cluster's control plane and operations, this workload's share. */
export function overheadItems(p: ResolvedProfile, t: PriceTable): CostLineItem[] {
  const o = t.props.clusterOverhead;
  const items = [item('cluster control plane (share)', o.controlPlaneHourlyUsd * HOURS_PER_MONTH / o.workloadsPerCluster,
    `$${o.controlPlaneHourlyUsd}/h x ${HOURS_PER_MONTH} h / ${o.workloadsPerCluster} workloads per cluster`)];
  if (!p.teamRunsKubernetes) {
    items.push(item('cluster operations (share)', o.opsMonthlyUsd / o.workloadsPerCluster,
      `${formatUsd(o.opsMonthlyUsd)}/mo / ${o.workloadsPerCluster} workloads per cluster (the team does not run Kubernetes yet)`));
  }
  return items;
}

/**
 * Kubernetes: capacity for the peak stands all month (node provisioning takes minutes, longer than
 * any latency budget; the HPA's scale-down is not credited), plus the cluster overhead share.
 */
export function kubernetesCost(p: ResolvedProfile, t: PriceTable, load: Load, node: NodeChoice): PricedOption {
  const replicas = peakReplicas(p, load);
  const items = [nodeItem(`nodes for ${replicas} replica(s) at the peak`, node, replicas), ...overheadItems(p, t)];
  return { monthlyUsd: total(items), lineItems: items, coldExposure: 0 };
}
