import { Bill, inCents, itemsOf, Load, num, PricedOption, round6, sumOf } from './load';
import { NodeChoice } from './node-choice';
import { formatUsd } from '../decision';
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

/** How the node cost of `replicas` pods is computed, as a line item says it. */
export function nodeBasis(node: NodeChoice, replicas: number): string {
  return node.wholeNodes
    ? `${Math.ceil(replicas / node.podsPerNode)} x ${node.instanceType} (${node.podsPerNode} pod(s) per node) x ${HOURS_PER_MONTH} h x $${node.hourlyUsd}/h`
    : `${replicas} pod(s) x ${num(node.share, 3)} of a ${node.instanceType} x ${HOURS_PER_MONTH} h x $${node.hourlyUsd}/h`;
}

/** The cluster's control plane and, without a Kubernetes team, operations: this workload's share, USD per month (unrounded). */
export function overheadAmounts(p: ResolvedProfile, t: PriceTable): number[] {
  const o = t.props.clusterOverhead;
  const amounts = [o.controlPlaneHourlyUsd * HOURS_PER_MONTH / o.workloadsPerCluster];
  if (!p.teamRunsKubernetes) {
    amounts.push(o.opsMonthlyUsd / o.workloadsPerCluster);
  }
  return amounts;
}

/** The labels and bases of `overheadAmounts()`, in the same order. */
export function overheadLines(p: ResolvedProfile, t: PriceTable): Array<[string, string]> {
  const o = t.props.clusterOverhead;
  const lines: Array<[string, string]> = [['cluster control plane (share)', `$${o.controlPlaneHourlyUsd}/h x ${HOURS_PER_MONTH} h / ${o.workloadsPerCluster} workloads per cluster`]];
  if (!p.teamRunsKubernetes) {
    lines.push(['cluster operations (share)', `${formatUsd(o.opsMonthlyUsd)}/mo / ${o.workloadsPerCluster} workloads per cluster (the team does not run Kubernetes yet)`]);
  }
  return lines;
}

/** Kubernetes, numbers only: nodes for the peak replicas, then the cluster overhead share. */
export interface KubernetesBill extends Bill {
  readonly replicas: number;
}

/**
 * Kubernetes: capacity for the peak stands all month (node provisioning takes minutes, longer than
 * any latency budget; the HPA's scale-down is not credited), plus the cluster overhead share.
 */
export function kubernetesBill(p: ResolvedProfile, t: PriceTable, load: Load, node: NodeChoice): KubernetesBill {
  const replicas = peakReplicas(p, load);
  const amounts = inCents([nodeUsd(node, replicas), ...overheadAmounts(p, t)]);
  return { amounts, monthlyUsd: sumOf(amounts), coldExposure: 0, replicas };
}

/** Kubernetes with its line items. */
export function kubernetesCost(p: ResolvedProfile, t: PriceTable, load: Load, node: NodeChoice): PricedOption {
  const b = kubernetesBill(p, t, load, node);
  return {
    monthlyUsd: b.monthlyUsd,
    coldExposure: 0,
    lineItems: itemsOf(b, [[`nodes for ${b.replicas} replica(s) at the peak`, nodeBasis(node, b.replicas)], ...overheadLines(p, t)]),
  };
}
