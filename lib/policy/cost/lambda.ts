import { Bill, clamp, inCents, itemsOf, Load, num, PricedOption, round3, sumOf, volumeAbove } from './load';
import { CostLineItem } from '../decision';
import { LAMBDA_LIMITS } from '../limits';
import { HOURS_PER_MONTH, LambdaPrices, PriceTable, SECONDS_PER_MONTH } from '../pricing';
import { CpuArchitecture, ResolvedProfile } from '../profile';
import { FloorShare, floorShares } from '../schedule';

/** Memory of the hybrid control-plane entry function, MiB. */
export const CONTROL_PLANE_MEMORY_MIB = 512;

/** Lambda prices for a profile: arm64 when the image allows it (cheaper), else x86_64. */
export function lambdaArchitecture(p: ResolvedProfile): CpuArchitecture {
  return p.architecture === CpuArchitecture.X86_64 ? CpuArchitecture.X86_64 : CpuArchitecture.ARM64;
}

/** Lambda on demand, numbers only: every invocation billed at the on-demand duration price. */
export interface OnDemandBill extends Bill {
  readonly requests: number;
  readonly gbSeconds: number;
}

/** The on-demand bill: requests, then duration. */
export function lambdaOnDemandBill(p: ResolvedProfile, t: PriceTable, load: Load): OnDemandBill {
  const prices = t.lambdaPrices(lambdaArchitecture(p));
  const gbSeconds = load.avgRps * SECONDS_PER_MONTH * (p.requestDurationP50Ms / 1000) * (p.memoryMiB / 1024);
  const requests = load.avgRps * SECONDS_PER_MONTH;
  const amounts = inCents([requests * prices.requestUsd, gbSeconds * prices.gbSecondUsd]);
  return { amounts, monthlyUsd: sumOf(amounts), coldExposure: load.u > 0 ? 1 : 0, requests, gbSeconds };
}

/** Lambda on demand with its line items. */
export function lambdaOnDemandCost(p: ResolvedProfile, t: PriceTable, load: Load): PricedOption {
  const architecture = lambdaArchitecture(p);
  const prices = t.lambdaPrices(architecture);
  const b = lambdaOnDemandBill(p, t, load);
  return {
    monthlyUsd: b.monthlyUsd,
    coldExposure: b.coldExposure,
    lineItems: itemsOf(b, [
      ['requests', `${num(b.requests / 1e6, 3)} M requests x $${prices.requestUsd}/request`],
      ['duration (on demand)', `${num(b.gbSeconds, 0)} GB-s x $${prices.gbSecondUsd}/GB-s (${architecture})`],
    ]),
  };
}

/** Provisioned concurrency, numbers only: requests, standby, duration on it, on-demand spillover. */
export interface ProvisionedBill extends Bill {
  /** Provisioned concurrency (environments kept warm; 0 when it follows warm windows). */
  readonly provisioned: number;
  readonly memoryMiB: number;
  readonly requests: number;
  readonly warmConcurrencySeconds: number;
  readonly spillConcurrencySeconds: number;
  /** Environment-hours the warm windows hold: set when provisioned concurrency follows them. */
  readonly environmentHours?: number;
}

/** The result of sizing provisioned concurrency, with its line items. */
export interface ProvisionedPlan extends PricedOption {
  /** Provisioned concurrency (environments kept warm). */
  readonly provisioned: number;
}

/**
 * Lambda with `P` environments of provisioned concurrency and on-demand spillover above them, at
 * the load's peak concurrency. With `pinned` the count is fixed; otherwise the cheapest P >= 1 is
 * chosen (the cost is convex in P, so the integer neighbours of the continuous optimum are exact).
 */
export function lambdaProvisionedBill(p: ResolvedProfile, t: PriceTable, load: Load, memoryMiB: number, pinned?: number): ProvisionedBill {
  const prices = t.lambdaPrices(lambdaArchitecture(p));
  return pinned !== undefined ? provisionedAt(prices, load, memoryMiB, pinned) : cheapestProvisioned(prices, load, memoryMiB);
}

/** The bill with the cheapest provisioned count P >= 1 (at most what a function can get). */
function cheapestProvisioned(prices: LambdaPrices, load: Load, memoryMiB: number): ProvisionedBill {
  const peak = load.peakConcurrency;
  const maxP = Math.max(1, Math.min(LAMBDA_LIMITS.maxProvisionedConcurrency, Math.ceil(peak)));
  // marginal environment at level x is busy a share (1-x)^k of the month; keep it warm while
  // standby < busy share x (on-demand - provisioned execution), i.e. (1-x)^k > standby / (on-demand - execution)
  const ratio = prices.provisionedGbSecondUsd / Math.max(1e-18, prices.gbSecondUsd - prices.provisionedExecutionGbSecondUsd);
  let fStar: number;
  if (load.u <= 0 || ratio >= 1) {
    fStar = 0;
  } else if (load.u >= 1) {
    fStar = 1;
  } else {
    const k = 1 / load.u - 1;
    fStar = 1 - Math.pow(ratio, 1 / k);
  }
  const x = fStar * peak;
  // candidates in ascending order; ties keep the smaller count
  let best = provisionedAt(prices, load, memoryMiB, 1);
  for (const c of [clamp(Math.floor(x), 1, maxP), clamp(Math.ceil(x), 1, maxP), maxP]) {
    const b = provisionedAt(prices, load, memoryMiB, c);
    if (b.monthlyUsd < best.monthlyUsd) {
      best = b;
    }
  }
  return best;
}

/** The parts of a provisioned-concurrency bill, USD per month (unrounded). */
interface ProvisionedParts {
  readonly spillShare: number;
  readonly spillConcurrencySeconds: number;
  readonly warmConcurrencySeconds: number;
  readonly standbyUsd: number;
  readonly warmUsd: number;
  readonly spillUsd: number;
}

function provisionedParts(prices: LambdaPrices, load: Load, memoryMiB: number, P: number): ProvisionedParts {
  const gb = memoryMiB / 1024;
  const peak = load.peakConcurrency;
  const f = peak > 0 ? Math.min(1, P / peak) : 1;
  const spillShare = volumeAbove(load.u, f); // share of peak volume above the provisioned level
  const totalConcurrencySeconds = peak * load.u * SECONDS_PER_MONTH;
  const spillConcurrencySeconds = peak * spillShare * SECONDS_PER_MONTH;
  const warmConcurrencySeconds = totalConcurrencySeconds - spillConcurrencySeconds;
  return {
    spillShare,
    spillConcurrencySeconds,
    warmConcurrencySeconds,
    standbyUsd: P * gb * SECONDS_PER_MONTH * prices.provisionedGbSecondUsd,
    warmUsd: warmConcurrencySeconds * gb * prices.provisionedExecutionGbSecondUsd,
    spillUsd: spillConcurrencySeconds * gb * prices.gbSecondUsd,
  };
}

function provisionedAt(prices: LambdaPrices, load: Load, memoryMiB: number, P: number): ProvisionedBill {
  const x = provisionedParts(prices, load, memoryMiB, P);
  const requests = load.avgRps * SECONDS_PER_MONTH;
  const coldExposure = load.u > 0 ? x.spillShare / load.u : 0;
  const amounts = inCents([requests * prices.requestUsd, x.standbyUsd, x.warmUsd, x.spillUsd]);
  return {
    amounts,
    monthlyUsd: sumOf(amounts),
    coldExposure: round3(coldExposure),
    provisioned: P,
    memoryMiB,
    requests,
    warmConcurrencySeconds: x.warmConcurrencySeconds,
    spillConcurrencySeconds: x.spillConcurrencySeconds,
  };
}

/**
 * Lambda whose provisioned concurrency follows the warm windows and is 0 outside them
 * (`allowScaleToZero`): each floor is priced for the share of the month it holds, and the hours at
 * 0 run every request on demand.
 */
export function lambdaScheduledBill(p: ResolvedProfile, t: PriceTable, load: Load, memoryMiB: number, floors: FloorShare[]): ProvisionedBill {
  const prices = t.lambdaPrices(lambdaArchitecture(p));
  const parts = floors.map(f => ({ ...f, x: provisionedParts(prices, load, memoryMiB, f.floor) }));
  const sum = (get: (x: ProvisionedParts) => number) => parts.reduce((acc, f) => acc + f.share * get(f.x), 0);
  const requests = load.avgRps * SECONDS_PER_MONTH;
  const coldExposure = load.u > 0 ? sum(x => x.spillShare) / load.u : 0;
  const amounts = inCents([requests * prices.requestUsd, sum(x => x.standbyUsd), sum(x => x.warmUsd), sum(x => x.spillUsd)]);
  return {
    amounts,
    monthlyUsd: sumOf(amounts),
    coldExposure: round3(coldExposure),
    provisioned: 0,
    memoryMiB,
    requests,
    warmConcurrencySeconds: sum(x => x.warmConcurrencySeconds),
    spillConcurrencySeconds: sum(x => x.spillConcurrencySeconds),
    environmentHours: floors.reduce((acc, f) => acc + f.floor * f.share * HOURS_PER_MONTH, 0),
  };
}

/**
 * The Lambda shape the Lambda target deploys: warm windows over a floor of 0 when the profile
 * allows scale to zero, otherwise a provisioned floor (pinned, or the cheapest) with on-demand spillover.
 */
export function lambdaDeployedBill(p: ResolvedProfile, t: PriceTable, load: Load, pinned: number | undefined): ProvisionedBill {
  return p.allowScaleToZero
    ? lambdaScheduledBill(p, t, load, p.memoryMiB, floorShares(p.warmSchedules, 0))
    : lambdaProvisionedBill(p, t, load, p.memoryMiB, pinned);
}

/** The line items of a provisioned-concurrency bill, written from its numbers. */
export function provisionedItems(p: ResolvedProfile, t: PriceTable, b: ProvisionedBill): CostLineItem[] {
  const prices = t.lambdaPrices(lambdaArchitecture(p));
  const gb = b.memoryMiB / 1024;
  const scheduled = b.environmentHours !== undefined;
  return itemsOf(b, [
    ['requests', `${num(b.requests / 1e6, 3)} M requests x $${prices.requestUsd}/request`],
    ['provisioned concurrency standby', scheduled
      ? `${num(b.environmentHours!, 0)} environment-hours in the warm windows (0 outside) x ${num(gb, 3)} GB x $${prices.provisionedGbSecondUsd}/GB-s`
      : `${b.provisioned} x ${num(gb, 3)} GB x ${HOURS_PER_MONTH} h x $${prices.provisionedGbSecondUsd}/GB-s`],
    ['duration on provisioned concurrency', `${num(b.warmConcurrencySeconds * gb, 0)} GB-s x $${prices.provisionedExecutionGbSecondUsd}/GB-s`],
    ['on-demand spillover above provisioned concurrency',
      `${num(b.spillConcurrencySeconds * gb, 0)} GB-s x $${prices.gbSecondUsd}/GB-s${scheduled ? ' (all traffic outside the warm windows)' : ''}`],
  ]);
}

/** The deployed Lambda shape with its line items. */
export function lambdaDeployedCost(p: ResolvedProfile, t: PriceTable, load: Load, pinned: number | undefined): ProvisionedPlan {
  const b = lambdaDeployedBill(p, t, load, pinned);
  return { monthlyUsd: b.monthlyUsd, coldExposure: b.coldExposure, provisioned: b.provisioned, lineItems: provisionedItems(p, t, b) };
}
