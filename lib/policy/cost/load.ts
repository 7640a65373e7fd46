import { CostLineItem } from '../decision';
import { ResolvedProfile } from '../profile';

/*
 * The cost model's traffic and arithmetic. Pure functions of (profile, price table, sustained utilization).
 *
 * Traffic shape. Only the average and the peak are known, so the model assumes a load-duration
 * curve: the load exceeds a fraction x of the peak for a share (1 - x)^k of the month, with
 * k = 1/u - 1 so that the average is u x peak. u = 1 is flat traffic; u -> 0 is one rare spike.
 * Capacity that sits low in the stack is busy most of the time, capacity for the top of the peak
 * rarely, which is what makes provisioned concurrency and a hybrid floor worth sizing.
 * The volume above a level F (0-1) is u x (1 - F)^(1/u) of the peak volume.
 *
 * Concurrency is requests per second x p50 duration (Little's law, p50 as the typical duration).
 */

/** One traffic level the model is evaluated at. */
export interface Load {
  /** Sustained utilization, 0-1. */
  readonly u: number;
  /** Peak requests per second. */
  readonly peakRps: number;
  /** Average requests per second (u x peak). */
  readonly avgRps: number;
  /** Concurrent requests at the peak (`peakConcurrency`, fractional). */
  readonly peakConcurrency: number;
}

/**
 * Concurrent requests at the peak: peak requests per second x the p50 duration (Little's law).
 * The one formula of peak concurrency: the cost model, the rules and the sizing read it.
 */
export function peakConcurrency(p: ResolvedProfile): number {
  return p.peakRequestsPerSecond * p.requestDurationP50Ms / 1000;
}

/**
 * Environments that hold the peak warm with no request waiting: peak requests per second x the
 * p99 duration, whole, at least 1 (what a cold-start-intolerant Lambda must keep provisioned).
 */
export function warmPeakEnvironments(p: ResolvedProfile): number {
  return Math.max(1, Math.ceil(Math.round(p.peakRequestsPerSecond * p.requestDurationP99Ms) / 1000 - 1e-9));
}

/** Builds the load at utilization `u` with the profile's peak. */
export function loadAt(p: ResolvedProfile, u: number): Load {
  return {
    u,
    peakRps: p.peakRequestsPerSecond,
    avgRps: u * p.peakRequestsPerSecond,
    peakConcurrency: peakConcurrency(p),
  };
}

/** Share of the peak volume served above level `f` (0-1 of the peak). */
export function volumeAbove(u: number, f: number): number {
  if (u <= 0) {
    return 0;
  }
  if (f <= 0) {
    return u;
  }
  if (f >= 1) {
    return 0;
  }
  return u * Math.pow(1 - f, 1 / u);
}

/** A priced option before feasibility is attached. */
export interface PricedOption {
  /** The sum of the line items, in cents. */
  readonly monthlyUsd: number;
  readonly lineItems: CostLineItem[];
  /** Share of requests that may land on a cold Lambda environment (0-1). */
  readonly coldExposure: number;
}

/**
 * What an option costs, numbers only: each line item's amount rounded to cents, in line-item order,
 * and their sum. The line items' text is written from these same numbers (`itemsOf`), so the
 * searches and the cost curve read the bill and the decision's costs the items, one pricing path.
 */
export interface Bill {
  /** Each line item's amount, rounded to cents, in order. */
  readonly amounts: readonly number[];
  /** Their sum, rounded to cents. */
  readonly monthlyUsd: number;
  /** Share of requests that may land on a cold Lambda environment (0-1). */
  readonly coldExposure: number;
}

/** Rounds each amount of a bill to cents, in place (a fresh array from the caller), and returns it. */
export function inCents(amounts: number[]): number[] {
  for (let i = 0; i < amounts.length; i++) {
    amounts[i] = round2(amounts[i]);
  }
  return amounts;
}

/** The monthly cost of a bill: its rounded amounts added in order, rounded to cents. */
export function sumOf(amounts: readonly number[]): number {
  let sum = 0;
  for (const a of amounts) {
    sum += a;
  }
  return round2(sum);
}

/** The line items of a bill: its amounts with their labels and bases (the same order). */
export function itemsOf(b: Bill, lines: ReadonlyArray<readonly [label: string, basis: string]>): CostLineItem[] {
  return lines.map(([label, basis], i) => ({ label, monthlyUsd: b.amounts[i], basis }));
}

/** Rounds to cents (costs are reported in cents; keeps decisions stable across platforms). */
export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Rounds to three decimals. */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Rounds to six decimals (before a ceiling, so that float noise does not add a whole unit). */
export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** A number as a line item's basis writes it: 0, 2 or 3 decimals. */
export function num(x: number, digits = 2): string {
  const f = digits === 0 ? 1 : digits === 3 ? 1000 : 100;
  return String(Math.round(x * f) / f);
}

/** `x` bounded to [lo, hi]. */
export function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
