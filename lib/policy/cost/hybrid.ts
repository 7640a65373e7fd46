import { nodeBasis, nodeUsd, overheadAmounts, overheadLines, peakReplicas } from './kubernetes';
import { CONTROL_PLANE_MEMORY_MIB, lambdaArchitecture, lambdaProvisionedBill, ProvisionedBill, provisionedItems } from './lambda';
import { Bill, clamp, inCents, itemsOf, Load, num, PricedOption, round2, round3, sumOf, volumeAbove } from './load';
import { NodeChoice } from './node-choice';
import { LAMBDA_LIMITS } from '../limits';
import { HOURS_PER_MONTH, PriceTable, SECONDS_PER_MONTH } from '../pricing';
import { ResolvedProfile } from '../profile';

/** What the hybrid's sizing reads of its price: the data-plane floor, the overflow and the control plane. */
interface HybridFacts {
  readonly floorReplicas: number;
  readonly overflowToLambda: boolean;
  readonly controlPlaneProvisioned: number;
  readonly overflowThresholdRps: number;
}

/** A hybrid plan with its line items. */
export interface HybridPlan extends PricedOption, HybridFacts {}

/** The hybrid, numbers only: data-plane nodes, the overflow (if any), the control plane, the cluster overhead. */
export interface HybridBill extends Bill, HybridFacts {
  readonly peakReplicas: number;
  readonly controlPlane: ProvisionedBill;
  /** The overflow's volume, when the tail overflows to Lambda. */
  readonly overflow?: { readonly seconds: number; readonly requests: number; readonly gb: number; readonly slowdown: number };
}

/** The index of the spillover among a provisioned bill's amounts (left out of the control plane's items when $0.00). */
const SPILL = 3;

/**
 * Hybrid: a serverless control plane (entry function with a small provisioned concurrency) in front of
 * a Kubernetes data plane. With overflow, the data plane keeps the cheapest warm floor and the tail goes
 * to a Lambda function running the model on CPU (priced at the p99 duration); without it, the data plane
 * holds the peak as `kubernetes` does.
 */
export function hybridBill(p: ResolvedProfile, t: PriceTable, load: Load, node: NodeChoice, overflowToLambda: boolean, minFloor: number): HybridBill {
  const rPeak = peakReplicas(p, load);
  const controlPlane = lambdaProvisionedBill(p, t, load, CONTROL_PLANE_MEMORY_MIB);
  // a spillover of $0.00 is left out of the control plane's amounts
  const cpAmounts = controlPlane.amounts.filter((a, i) => a > 0 || i !== SPILL);
  const perReplicaRps = p.concurrencyPerReplica * 1000 / p.requestDurationP50Ms;
  // the parts every hybrid bill has, whether or not the tail overflows to Lambda
  const bill = (amounts: number[], floor: number, coldExposure: number) => ({
    amounts,
    monthlyUsd: sumOf(amounts),
    coldExposure,
    controlPlane,
    controlPlaneProvisioned: controlPlane.provisioned,
    peakReplicas: rPeak,
    overflowToLambda,
    floorReplicas: floor,
    overflowThresholdRps: round3(floor * perReplicaRps),
  });
  if (!overflowToLambda) {
    return bill(inCents([nodeUsd(node, rPeak), ...cpAmounts, ...overheadAmounts(p, t)]), clamp(minFloor, 1, rPeak), 0);
  }
  const o = hybridOverflow(p, t, load, node, rPeak);
  const { floor, overflowSeconds, overflowRequests, gb, slowdown, prices } = o;
  const coldExposure = load.u > 0 ? volumeAbove(load.u, Math.min(1, floor * p.concurrencyPerReplica / load.peakConcurrency)) / load.u : 0;
  const amounts = inCents([
    nodeUsd(node, floor),
    overflowRequests * prices.requestUsd,
    overflowSeconds * gb * slowdown * prices.gbSecondUsd,
    ...cpAmounts,
    ...overheadAmounts(p, t),
  ]);
  return { ...bill(amounts, floor, round3(coldExposure)), overflow: { seconds: overflowSeconds, requests: overflowRequests, gb, slowdown } };
}

/** The hybrid with its line items, written from its bill. */
export function hybridCost(p: ResolvedProfile, t: PriceTable, load: Load, node: NodeChoice, overflowToLambda: boolean, minFloor: number): HybridPlan {
  const b = hybridBill(p, t, load, node, overflowToLambda, minFloor);
  const prices = t.lambdaPrices(lambdaArchitecture(p));
  const cpLines = provisionedItems(p, t, b.controlPlane)
    .filter((_, i) => b.controlPlane.amounts[i] > 0 || i !== SPILL)
    .map((i): [string, string] => [`control plane: ${i.label}`, i.basis]);
  const o = b.overflow;
  const dataPlane: Array<[string, string]> = o === undefined
    ? [[`data plane nodes for ${b.peakReplicas} replica(s) at the peak`, nodeBasis(node, b.peakReplicas)]]
    : [
      [`data plane nodes for a warm floor of ${b.floorReplicas} replica(s)`, nodeBasis(node, b.floorReplicas)],
      ['overflow: requests', `${num(o.requests / 1e6, 3)} M tail requests x $${prices.requestUsd}/request`],
      ['overflow: duration on CPU (on demand)',
        `${num(o.seconds * o.gb * o.slowdown, 0)} GB-s at the p99 duration x ${p.cpuFallbackSlowdown} (CPU slowdown) x $${prices.gbSecondUsd}/GB-s`],
    ];
  return {
    monthlyUsd: b.monthlyUsd,
    lineItems: itemsOf(b, [...dataPlane, ...cpLines, ...overheadLines(p, t)]),
    coldExposure: b.coldExposure,
    floorReplicas: b.floorReplicas,
    overflowToLambda: b.overflowToLambda,
    controlPlaneProvisioned: b.controlPlaneProvisioned,
    overflowThresholdRps: b.overflowThresholdRps,
  };
}

/**
 * The hybrid with a Lambda overflow: the cheapest warm floor of the data plane and the tail that
 * overflows above it, at the p99 duration on CPU. The floor search minimises the floor's node cost
 * plus the overflow's cost per concurrency-second (requests and duration together).
 */
function hybridOverflow(p: ResolvedProfile, t: PriceTable, load: Load, node: NodeChoice, rPeak: number) {
  const prices = t.lambdaPrices(lambdaArchitecture(p));
  const gb = Math.min(p.memoryMiB, LAMBDA_LIMITS.maxMemoryMiB) / 1024;
  // each tail request is billed at the p99 duration, times how much slower the model is on CPU
  const slowdown = p.requestDurationP99Ms / p.requestDurationP50Ms * p.cpuFallbackSlowdown;
  const perConcurrencySecond = gb * prices.gbSecondUsd * slowdown + (1000 / p.requestDurationP50Ms) * prices.requestUsd;
  const overflowOf = (floor: number) => {
    const f = load.peakConcurrency > 0 ? Math.min(1, floor * p.concurrencyPerReplica / load.peakConcurrency) : 1;
    return load.peakConcurrency * volumeAbove(load.u, f) * SECONDS_PER_MONTH;
  };
  const costOf = (floor: number) => round2(nodeUsd(node, floor)) + overflowOf(floor) * perConcurrencySecond;
  // continuous optimum: a replica at level x is worth keeping while its node share costs less than the
  // Lambda volume it absorbs, (1-x)^k x perReplicaConcurrency x perConcurrencySecond x seconds
  const step = node.wholeNodes ? node.podsPerNode : 1;
  const nodePerReplica = node.wholeNodes ? node.hourlyUsd * HOURS_PER_MONTH / node.podsPerNode : node.share * node.hourlyUsd * HOURS_PER_MONTH;
  let xStar = 1;
  if (load.u <= 0) {
    xStar = 0;
  } else if (load.u < 1) {
    const ratio = nodePerReplica / (p.concurrencyPerReplica * perConcurrencySecond * SECONDS_PER_MONTH);
    xStar = ratio >= 1 ? 0 : 1 - Math.pow(ratio, 1 / (1 / load.u - 1));
  }
  const rStar = xStar * load.peakConcurrency / p.concurrencyPerReplica;
  let floor = 1;
  let best = costOf(floor);
  // ascending candidates; ties keep the smaller floor
  for (const c of [clamp(Math.floor(rStar / step) * step, 1, rPeak), clamp(Math.ceil(rStar / step) * step, 1, rPeak), rPeak]) {
    const v = costOf(c);
    if (v < best - 1e-9) {
      floor = c;
      best = v;
    }
  }
  const overflowSeconds = overflowOf(floor);
  return { floor, overflowSeconds, overflowRequests: overflowSeconds * 1000 / p.requestDurationP50Ms, gb, slowdown, prices };
}
