import { clamp, item, Load, num, PricedOption, round3, total, volumeAbove } from './load';
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

/** Lambda on demand: every invocation billed at the on-demand duration price. */
export function lambdaOnDemandCost(p: ResolvedProfile, t: PriceTable, load: Load): PricedOption {
  const architecture = lambdaArchitecture(p);
  const prices = t.lambdaPrices(architecture);
  const gbSeconds = load.avgRps * SECONDS_PER_MONTH * (p.requestDurationP50Ms / 1000) * (p.memoryMiB / 1024);
  const requests = load.avgRps * SECONDS_PER_MONTH;
  const items = [
    item('requests', requests * prices.requestUsd, `${num(requests / 1e6, 3)} M requests x $${prices.requestUsd}/request`),
    item('duration (on demand)', gbSeconds * prices.gbSecondUsd, `${num(gbSeconds, 0)} GB-s x $${prices.gbSecondUsd}/GB-s (${architecture})`),
  ];
  return { monthlyUsd: total(items), lineItems: items, coldExposure: load.u > 0 ? 1 : 0 };
}

/** The result of sizing provisioned concurrency. */
export interface ProvisionedPlan extends PricedOption {
  /** Provisioned concurrency (environments kept warm). */
  readonly provisioned: number;
}

/**
 * Lambda with `P` environments of provisioned concurrency and on-demand spillover above them, at
 * the load's peak concurrency. With `pinned` the count is fixed; otherwise the cheapest P >= 1 is
 * chosen (the cost is convex in P, so the integer neighbours of the continuous optimum are exact).
 */
export function lambdaProvisionedCost(p: ResolvedProfile, t: PriceTable, load: Load, memoryMiB: number, pinned?: number): ProvisionedPlan {
  const prices = t.lambdaPrices(lambdaArchitecture(p));
  return pinned !== undefined ? provisionedAt(prices, load, memoryMiB, pinned) : cheapestProvisioned(prices, load, memoryMiB);
}

/** The plan with the cheapest provisioned count P >= 1 (at most what a function can get). */
function cheapestProvisioned(prices: LambdaPrices, load: Load, memoryMiB: number): ProvisionedPlan {
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
    const plan = provisionedAt(prices, load, memoryMiB, c);
    if (plan.monthlyUsd < best.monthlyUsd) {
      best = plan;
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

function provisionedAt(prices: LambdaPrices, load: Load, memoryMiB: number, P: number): ProvisionedPlan {
  const x = provisionedParts(prices, load, memoryMiB, P);
  const gb = memoryMiB / 1024;
  const requests = load.avgRps * SECONDS_PER_MONTH;
  const items = [
    item('requests', requests * prices.requestUsd, `${num(requests / 1e6, 3)} M requests x $${prices.requestUsd}/request`),
    item('provisioned concurrency standby', x.standbyUsd, `${P} x ${num(gb, 3)} GB x ${HOURS_PER_MONTH} h x $${prices.provisionedGbSecondUsd}/GB-s`),
    item('duration on provisioned concurrency', x.warmUsd, `${num(x.warmConcurrencySeconds * gb, 0)} GB-s x $${prices.provisionedExecutionGbSecondUsd}/GB-s`),
    item('on-demand spillover above provisioned concurrency', x.spillUsd, `${num(x.spillConcurrencySeconds * gb, 0)} GB-s x $${prices.gbSecondUsd}/GB-s`),
  ];
  const coldExposure = load.u > 0 ? x.spillShare / load.u : 0;
  return { monthlyUsd: total(items), lineItems: items, coldExposure: round3(coldExposure), provisioned: P };
}

/**
 * Lambda whose provisioned concurrency follows the warm windows and is 0 outside them
 * (`allowScaleToZero`): each floor is priced for the share of the month it holds, and the hours at
 * 0 run every request on demand.
 */
export function lambdaScheduledCost(p: ResolvedProfile, t: PriceTable, load: Load, memoryMiB: number, floors: FloorShare[]): ProvisionedPlan {
  const prices = t.lambdaPrices(lambdaArchitecture(p));
  const parts = floors.map(f => ({ ...f, x: provisionedParts(prices, load, memoryMiB, f.floor) }));
  const sum = (get: (x: ProvisionedParts) => number) => parts.reduce((acc, f) => acc + f.share * get(f.x), 0);
  const gb = memoryMiB / 1024;
  const requests = load.avgRps * SECONDS_PER_MONTH;
  const warmSeconds = sum(x => x.warmConcurrencySeconds);
  const spillSeconds = sum(x => x.spillConcurrencySeconds);
  const environmentHours = floors.reduce((acc, f) => acc + f.floor * f.share * HOURS_PER_MONTH, 0);
  const items = [
    item('requests', requests * prices.requestUsd, `${num(requests / 1e6, 3)} M requests x $${prices.requestUsd}/request`),
    item('provisioned concurrency standby', sum(x => x.standbyUsd), `${num(environmentHours, 0)} environment-hours in the warm windows (0 outside) x ${num(gb, 3)} GB x $${prices.provisionedGbSecondUsd}/GB-s`),
    item('duration on provisioned concurrency', sum(x => x.warmUsd), `${num(warmSeconds * gb, 0)} GB-s x $${prices.provisionedExecutionGbSecondUsd}/GB-s`),
    item('on-demand spillover above provisioned concurrency', sum(x => x.spillUsd), `${num(spillSeconds * gb, 0)} GB-s x $${prices.gbSecondUsd}/GB-s (all traffic outside the warm windows)`),
  ];
  const coldExposure = load.u > 0 ? sum(x => x.spillShare) / load.u : 0;
  return { monthlyUsd: total(items), lineItems: items, coldExposure: round3(coldExposure), provisioned: 0 };
}

/**
 * The Lambda shape the Lambda target deploys: warm windows over a floor of 0 when the profile
 * allows scale to zero, otherwise a provisioned floor (pinned, or the cheapest) with on-demand spillover.
 */
export function lambdaDeployedCost(p: ResolvedProfile, t: PriceTable, load: Load, pinned: number | undefined): ProvisionedPlan {
  return p.allowScaleToZero
    ? lambdaScheduledCost(p, t, load, p.memoryMiB, floorShares(p.warmSchedules, 0))
    : lambdaProvisionedCost(p, t, load, p.memoryMiB, pinned);
}
