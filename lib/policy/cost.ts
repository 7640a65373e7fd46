import { CostLineItem, formatUsd, KubernetesNodeCandidate } from './decision';
import { ARTICLE_THRESHOLDS, MANAGED_INSTANCES_LIMITS, MAX_PROVISIONED_CONCURRENCY } from './limits';
import { CpuInstancePrice, GpuInstancePrice, HOURS_PER_MONTH, LambdaPrices, PriceTable, SECONDS_PER_MONTH } from './pricing';
import { CpuArchitecture, ResolvedProfile } from './profile';
import { FloorShare, floorShares } from './schedule';

/*
 * The cost model. Pure functions of (profile, price table, sustained utilization).
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

/** Memory of the hybrid control-plane entry function, MiB. */
export const CONTROL_PLANE_MEMORY_MIB = 512;
/** Smallest CPU request of a CPU pod, millicores. */
export const MIN_CPU_MILLIS = 250;
/** CPU request of the in-pod store of a workload's node-local state, millicores. */
export const STATE_STORE_CPU_MILLIS = 250;
/** Smallest CPU request per GPU of a GPU pod, millicores. */
export const MIN_CPU_MILLIS_PER_GPU = 1000;

/** One traffic level the model is evaluated at. */
export interface Load {
  /** Sustained utilization, 0-1. */
  readonly u: number;
  /** Peak requests per second. */
  readonly peakRps: number;
  /** Average requests per second (u x peak). */
  readonly avgRps: number;
  /** Lambda executions at the peak (p50-based, fractional). */
  readonly peakConcurrency: number;
}

/** Builds the load at utilization `u` with the profile's peak. */
export function loadAt(p: ResolvedProfile, u: number): Load {
  return {
    u,
    peakRps: p.peakRequestsPerSecond,
    avgRps: u * p.peakRequestsPerSecond,
    peakConcurrency: p.peakRequestsPerSecond * p.requestDurationP50Ms / 1000,
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
  readonly monthlyUsd: number;
  readonly lineItems: CostLineItem[];
  /** Share of requests that may land on a cold Lambda environment (0-1). */
  readonly coldExposure: number;
}

/** Whether line items carry their `basis` text (off inside break-even searches and cost curves, for speed). */
let detail = true;

/**
 * Runs `fn` with line-item text switched off (numbers are identical).
 * @internal
 */
export function withoutDetail<T>(fn: () => T): T {
  const before = detail;
  detail = false;
  try {
    return fn();
  } finally {
    detail = before;
  }
}

function item(label: string, monthlyUsd: number, basis: () => string): CostLineItem {
  return { label, monthlyUsd: round2(monthlyUsd), basis: detail ? basis() : '' };
}

function total(items: CostLineItem[]): number {
  return round2(items.reduce((s, i) => s + i.monthlyUsd, 0));
}

/** Rounds to cents (costs are reported in cents; keeps decisions stable across platforms). */
export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function num(x: number, digits = 2): string {
  const f = digits === 0 ? 1 : digits === 3 ? 1000 : 100;
  return String(Math.round(x * f) / f);
}

/** Lambda prices for a profile: arm64 when the image allows it (cheaper), else x86_64. */
export function lambdaArchitecture(p: ResolvedProfile): CpuArchitecture {
  return p.architecture === CpuArchitecture.X86_64 ? CpuArchitecture.X86_64 : CpuArchitecture.ARM64;
}

/** The parts of an on-demand Lambda bill, USD per month (unrounded). */
function onDemandParts(p: ResolvedProfile, prices: LambdaPrices, load: Load) {
  const gb = p.memoryMiB / 1024;
  const gbSeconds = load.avgRps * SECONDS_PER_MONTH * (p.requestDurationP50Ms / 1000) * gb;
  const requests = load.avgRps * SECONDS_PER_MONTH;
  return { gbSeconds, requests, requestsUsd: requests * prices.requestUsd, durationUsd: gbSeconds * prices.gbSecondUsd };
}

/** Lambda on demand: every invocation billed at the on-demand duration price. */
export function lambdaOnDemandCost(p: ResolvedProfile, t: PriceTable, load: Load): PricedOption {
  const prices = t.lambdaPrices(lambdaArchitecture(p));
  const x = onDemandParts(p, prices, load);
  const items = [
    item('requests', x.requestsUsd, () => `${num(x.requests / 1e6, 3)} M requests x $${prices.requestUsd}/request`),
    item('duration (on demand)', x.durationUsd, () => `${num(x.gbSeconds, 0)} GB-s x $${prices.gbSecondUsd}/GB-s (${lambdaArchitecture(p)})`),
  ];
  return { monthlyUsd: total(items), lineItems: items, coldExposure: load.u > 0 ? 1 : 0 };
}

/** The monthly cost alone of `lambdaOnDemandCost()` (no line items; for curves). */
export function lambdaOnDemandUsd(p: ResolvedProfile, t: PriceTable, load: Load): number {
  const x = onDemandParts(p, t.lambdaPrices(lambdaArchitecture(p)), load);
  // the same sum as total() of the line items: rounded items, added in order
  return round2(0 + round2(x.requestsUsd) + round2(x.durationUsd));
}

/** The result of sizing provisioned concurrency. */
export interface ProvisionedPlan extends PricedOption {
  /** Provisioned concurrency (environments kept warm). */
  readonly provisioned: number;
}

/**
 * Lambda with `P` environments of provisioned concurrency and on-demand spillover above them.
 * With `pinned` the count is fixed; otherwise the cheapest P >= 1 is chosen (the cost is convex in P,
 * so the integer neighbours of the continuous optimum are exact).
 */
export function lambdaProvisionedCost(
  p: ResolvedProfile, t: PriceTable, load: Load, memoryMiB: number, durationMs: number, pinned?: number,
): ProvisionedPlan {
  const prices = t.lambdaPrices(lambdaArchitecture(p));
  const peakConcurrency = load.peakRps * durationMs / 1000;
  const P = pinned ?? cheapestProvisioned(prices, load, memoryMiB, peakConcurrency).provisioned;
  return provisionedAt(prices, load, memoryMiB, peakConcurrency, P);
}

/** The monthly cost alone of `lambdaProvisionedCost()` (no line items; for searches). */
export function lambdaProvisionedUsd(
  p: ResolvedProfile, t: PriceTable, load: Load, memoryMiB: number, durationMs: number, pinned?: number,
): number {
  const prices = t.lambdaPrices(lambdaArchitecture(p));
  const peakConcurrency = load.peakRps * durationMs / 1000;
  return pinned !== undefined
    ? provisionedUsd(prices, load, memoryMiB, peakConcurrency, pinned)
    : cheapestProvisioned(prices, load, memoryMiB, peakConcurrency).usd;
}

/** The cheapest provisioned count P >= 1 (at most what a function can get), and its monthly cost. */
function cheapestProvisioned(prices: LambdaPrices, load: Load, memoryMiB: number, peakConcurrency: number): { provisioned: number; usd: number } {
  const maxP = Math.max(1, Math.min(MAX_PROVISIONED_CONCURRENCY, Math.ceil(peakConcurrency)));
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
  const x = fStar * peakConcurrency;
  // candidates in ascending order; ties keep the smaller count
  const c1 = clamp(Math.floor(x), 1, maxP);
  const c2 = clamp(Math.ceil(x), 1, maxP);
  let provisioned = 1;
  let usd = provisionedUsd(prices, load, memoryMiB, peakConcurrency, 1);
  const v1 = provisionedUsd(prices, load, memoryMiB, peakConcurrency, c1);
  if (v1 < usd) {
    usd = v1;
    provisioned = c1;
  }
  const v2 = provisionedUsd(prices, load, memoryMiB, peakConcurrency, c2);
  if (v2 < usd) {
    usd = v2;
    provisioned = c2;
  }
  const v3 = provisionedUsd(prices, load, memoryMiB, peakConcurrency, maxP);
  if (v3 < usd) {
    usd = v3;
    provisioned = maxP;
  }
  return { provisioned, usd };
}

/** The parts of a provisioned-concurrency bill, USD per month (unrounded). */
interface ProvisionedParts {
  gb: number;
  spillShare: number;
  spillConcurrencySeconds: number;
  warmConcurrencySeconds: number;
  requests: number;
  requestsUsd: number;
  standbyUsd: number;
  warmUsd: number;
  spillUsd: number;
}

/** The parts of a provisioned-concurrency bill, written into `out` (a fresh object unless given). */
function provisionedParts(
  prices: LambdaPrices, load: Load, memoryMiB: number, peakConcurrency: number, P: number, out: ProvisionedParts = {} as ProvisionedParts,
): ProvisionedParts {
  const gb = memoryMiB / 1024;
  const f = peakConcurrency > 0 ? Math.min(1, P / peakConcurrency) : 1;
  const spillShare = volumeAbove(load.u, f); // share of peak volume above the provisioned level
  const totalConcurrencySeconds = peakConcurrency * load.u * SECONDS_PER_MONTH;
  const spillConcurrencySeconds = peakConcurrency * spillShare * SECONDS_PER_MONTH;
  const warmConcurrencySeconds = totalConcurrencySeconds - spillConcurrencySeconds;
  const requests = load.avgRps * SECONDS_PER_MONTH;
  const standbyGbs = P * gb * SECONDS_PER_MONTH;
  out.gb = gb;
  out.spillShare = spillShare;
  out.spillConcurrencySeconds = spillConcurrencySeconds;
  out.warmConcurrencySeconds = warmConcurrencySeconds;
  out.requests = requests;
  out.requestsUsd = requests * prices.requestUsd;
  out.standbyUsd = standbyGbs * prices.provisionedGbSecondUsd;
  out.warmUsd = warmConcurrencySeconds * gb * prices.provisionedExecutionGbSecondUsd;
  out.spillUsd = spillConcurrencySeconds * gb * prices.gbSecondUsd;
  return out;
}

/** Scratch parts for the searches, which read the sums only (the policy runs on one thread). */
const SCRATCH_PARTS = {} as ProvisionedParts;

/** Monthly cost with `P` provisioned environments, rounded exactly as the line items are. */
function provisionedUsd(prices: LambdaPrices, load: Load, memoryMiB: number, peakConcurrency: number, P: number): number {
  const x = provisionedParts(prices, load, memoryMiB, peakConcurrency, P, SCRATCH_PARTS);
  return round2(round2(x.requestsUsd) + round2(x.standbyUsd) + round2(x.warmUsd) + round2(x.spillUsd));
}

function provisionedAt(prices: LambdaPrices, load: Load, memoryMiB: number, peakConcurrency: number, P: number): ProvisionedPlan {
  const x = provisionedParts(prices, load, memoryMiB, peakConcurrency, P);
  const { gb, spillShare, spillConcurrencySeconds, warmConcurrencySeconds, requests, requestsUsd, standbyUsd, warmUsd, spillUsd } = x;
  const items = [
    item('requests', requestsUsd, () => `${num(requests / 1e6, 3)} M requests x $${prices.requestUsd}/request`),
    item('provisioned concurrency standby', standbyUsd, () => `${P} x ${num(gb, 3)} GB x ${HOURS_PER_MONTH} h x $${prices.provisionedGbSecondUsd}/GB-s`),
    item('duration on provisioned concurrency', warmUsd, () => `${num(warmConcurrencySeconds * gb, 0)} GB-s x $${prices.provisionedExecutionGbSecondUsd}/GB-s`),
    item('on-demand spillover above provisioned concurrency', spillUsd, () => `${num(spillConcurrencySeconds * gb, 0)} GB-s x $${prices.gbSecondUsd}/GB-s`),
  ];
  const coldExposure = load.u > 0 ? spillShare / load.u : 0;
  return { monthlyUsd: total(items), lineItems: items, coldExposure: round3(coldExposure), provisioned: P };
}

/**
 * Lambda whose provisioned concurrency follows the warm windows and is 0 outside them
 * (`allowScaleToZero`): each floor is priced for the share of the month it holds, and the hours at
 * 0 run every request on demand.
 */
export function lambdaScheduledCost(
  p: ResolvedProfile, t: PriceTable, load: Load, memoryMiB: number, durationMs: number, floors: FloorShare[],
): ProvisionedPlan {
  const prices = t.lambdaPrices(lambdaArchitecture(p));
  const peakConcurrency = load.peakRps * durationMs / 1000;
  const parts = floors.map(f => ({ ...f, x: provisionedParts(prices, load, memoryMiB, peakConcurrency, f.floor) }));
  const sum = (get: (x: ProvisionedParts) => number) => parts.reduce((acc, f) => acc + f.share * get(f.x), 0);
  const gb = memoryMiB / 1024;
  const requests = load.avgRps * SECONDS_PER_MONTH;
  const warmSeconds = sum(x => x.warmConcurrencySeconds);
  const spillSeconds = sum(x => x.spillConcurrencySeconds);
  const environmentHours = floors.reduce((acc, f) => acc + f.floor * f.share * HOURS_PER_MONTH, 0);
  const items = [
    item('requests', requests * prices.requestUsd, () => `${num(requests / 1e6, 3)} M requests x $${prices.requestUsd}/request`),
    item('provisioned concurrency standby', sum(x => x.standbyUsd), () => `${num(environmentHours, 0)} environment-hours in the warm windows (0 outside) x ${num(gb, 3)} GB x $${prices.provisionedGbSecondUsd}/GB-s`),
    item('duration on provisioned concurrency', sum(x => x.warmUsd), () => `${num(warmSeconds * gb, 0)} GB-s x $${prices.provisionedExecutionGbSecondUsd}/GB-s`),
    item('on-demand spillover above provisioned concurrency', sum(x => x.spillUsd), () => `${num(spillSeconds * gb, 0)} GB-s x $${prices.gbSecondUsd}/GB-s (all traffic outside the warm windows)`),
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
    ? lambdaScheduledCost(p, t, load, p.memoryMiB, p.requestDurationP50Ms, floorShares(p.warmSchedules, 0))
    : lambdaProvisionedCost(p, t, load, p.memoryMiB, p.requestDurationP50Ms, pinned);
}

/** The monthly cost alone of `lambdaDeployedCost()` (no line items; for searches). */
export function lambdaDeployedUsd(p: ResolvedProfile, t: PriceTable, load: Load, pinned: number | undefined): number {
  return p.allowScaleToZero
    ? lambdaDeployedCost(p, t, load, pinned).monthlyUsd
    : lambdaProvisionedUsd(p, t, load, p.memoryMiB, p.requestDurationP50Ms, pinned);
}

/** The node a Kubernetes pod lands on, and how many pods share one node. */
export interface NodeChoice {
  readonly instanceType: string;
  readonly hourlyUsd: number;
  readonly gpu?: GpuInstancePrice;
  /** Pods that fit on one node. */
  readonly podsPerNode: number;
  /** For CPU pods: the share of one node a pod occupies (the cluster bin-packs the rest); 1/podsPerNode for GPU nodes. */
  readonly share: number;
  /** CPU request per pod, millicores (the in-pod store of the node-local state included). */
  readonly cpuMillis: number;
  /** Of `cpuMillis`, the in-pod store of the node-local state, millicores (0 when stateless). */
  readonly stateCpuMillis: number;
  /** Whether whole nodes are paid for (GPU node pools are tainted, nothing else fills them). */
  readonly wholeNodes: boolean;
  /** Whether `cpuMillis` is whole, exclusive cores (a jitter budget under the threshold). */
  readonly exclusiveCpu: boolean;
  /** Memory of one pod, MiB (the model server and the node-local state). */
  readonly podMemoryMiB: number;
}

/** Most instance types a pod's node selection lists. */
const MAX_NODE_CANDIDATES = 10;

/**
 * Whether the pod needs whole, exclusive cores: a jitter budget under the `constraint.jitter`
 * threshold cannot absorb CFS quota throttling. The kubelet's static CPU manager gives exclusive
 * cores only to Guaranteed pods with integer CPU requests
 * (https://kubernetes.io/docs/tasks/administer-cluster/cpu-management-policies/#static-policy).
 */
export function needsExclusiveCpu(p: ResolvedProfile): boolean {
  return p.jitterBudgetMicros !== undefined && p.jitterBudgetMicros < ARTICLE_THRESHOLDS.jitterMicros;
}

/** Rounds millicores up to whole cores. */
function wholeCores(millis: number): number {
  return Math.ceil(millis / 1000) * 1000;
}

function archFits(profileArch: CpuArchitecture, nodeArch: CpuArchitecture | undefined): boolean {
  const a = nodeArch ?? CpuArchitecture.X86_64;
  return profileArch === CpuArchitecture.ANY || profileArch === a;
}

/**
 * CPU request of a CPU pod: the vCPUs the profile's durations assume (`vcpus`, by default what Lambda
 * gives its memory), at least 250m, rounded up to 50m.
 */
export function cpuPodMillis(p: ResolvedProfile): number {
  return Math.max(MIN_CPU_MILLIS, Math.ceil(round6(assumedVcpus(p) * 1000 / 50)) * 50);
}

/**
 * The cheapest node for `replicas` pods: for GPU work whole nodes from the GPU catalog (GPU count,
 * GPU memory, family, host memory and CPU must fit); for CPU work the cheapest share of a CPU node.
 * Returns undefined when nothing in the table fits.
 */
export function chooseNode(p: ResolvedProfile, t: PriceTable, replicas: number): NodeChoice | undefined {
  const alloc = t.props.clusterOverhead.allocatableFraction ?? 0.9;
  // node-local state (e.g. a Redis cache sidecar) sits in the same pod, on the same node, next to the model
  const podMemoryMiB = p.memoryMiB + Math.ceil(p.nodeLocalStateGiB * 1024);
  const exclusive = needsExclusiveCpu(p);
  // the store that keeps the node-local state in the pod (a single-threaded key-value store) gets the
  // smallest CPU request; in a GPU pod with exclusive cores it gets a whole core out of the node's
  // share, so the model server's share stays whole
  const stateCpu = p.nodeLocalStateGiB === 0 ? 0 : exclusive && p.gpuCount > 0 ? 1000 : STATE_STORE_CPU_MILLIS;
  if (p.gpuCount > 0) {
    let best: { c: NodeChoice; cost: number } | undefined;
    const family = p.gpuFamily?.toLowerCase();
    for (const g of t.props.gpuInstances) {
      if (!archFits(p.architecture, g.architecture) || g.gpuCount < p.gpuCount || g.gpuMemoryGiB < p.gpuMemoryGiB) {
        continue;
      }
      if (family !== undefined && g.gpuModel.toLowerCase() !== family && g.gpuName.toLowerCase() !== family) {
        continue;
      }
      const allocMiB = g.memoryGiB * 1024 * alloc;
      const allocCpu = g.vcpu * 1000 * alloc;
      const minCpu = MIN_CPU_MILLIS_PER_GPU * p.gpuCount;
      const podsPerNode = Math.min(Math.floor(g.gpuCount / p.gpuCount), Math.floor(allocMiB / podMemoryMiB), Math.floor(allocCpu / minCpu));
      if (podsPerNode < 1) {
        continue;
      }
      const cost = Math.ceil(replicas / podsPerNode) * g.hourlyUsd;
      if (best === undefined || cost < best.cost || (cost === best.cost && g.hourlyUsd < best.c.hourlyUsd)) {
        // exclusive cores: whole cores only, so the static CPU manager can pin them
        const cpuMillis = Math.max(minCpu, Math.floor(allocCpu / podsPerNode / (exclusive ? 1000 : 100)) * (exclusive ? 1000 : 100));
        best = {
          cost,
          c: {
            instanceType: g.instanceType,
            hourlyUsd: g.hourlyUsd,
            gpu: g,
            podsPerNode,
            share: 1 / podsPerNode,
            cpuMillis,
            wholeNodes: true,
            stateCpuMillis: stateCpu,
            exclusiveCpu: exclusive,
            podMemoryMiB,
          },
        };
      }
    }
    return best?.c;
  }
  const cpuMillis = (exclusive ? wholeCores(cpuPodMillis(p)) : cpuPodMillis(p)) + stateCpu;
  let best: { c: NodeChoice; cost: number } | undefined;
  for (const n of t.props.cpuInstances) {
    if (!archFits(p.architecture, n.architecture)) {
      continue;
    }
    const c = cpuChoice(n, podMemoryMiB, cpuMillis, alloc, exclusive, stateCpu);
    if (c === undefined) {
      continue;
    }
    const cost = c.share * n.hourlyUsd;
    if (best === undefined || cost < best.cost - 1e-12 || (Math.abs(cost - best.cost) <= 1e-12 && n.hourlyUsd < best.c.hourlyUsd)) {
      best = { cost, c };
    }
  }
  return best?.c;
}

/**
 * Instance types of the price table one pod of `node`'s size fits on, the chosen one first, then
 * cheapest first (ties by name), at most 10: what a node autoscaler may launch for the pod.
 */
export function nodeCandidates(p: ResolvedProfile, t: PriceTable, node: NodeChoice): KubernetesNodeCandidate[] {
  const alloc = t.props.clusterOverhead.allocatableFraction ?? 0.9;
  const podMemoryMiB = node.podMemoryMiB;
  if (node.gpu !== undefined) {
    const family = p.gpuFamily?.toLowerCase();
    const fits = sortedCatalog(t.props.gpuInstances).filter(g => archFits(p.architecture, g.architecture) && g.gpuCount >= p.gpuCount
      && g.gpuMemoryGiB >= p.gpuMemoryGiB
      && (family === undefined || g.gpuModel.toLowerCase() === family || g.gpuName.toLowerCase() === family)
      && g.memoryGiB * 1024 * alloc >= podMemoryMiB && g.vcpu * 1000 * alloc >= node.cpuMillis);
    return candidatesOf(node.instanceType, fits);
  }
  const fits = sortedCatalog(t.props.cpuInstances).filter(n => archFits(p.architecture, n.architecture)
    && cpuChoice(n, podMemoryMiB, node.cpuMillis, alloc, node.exclusiveCpu, node.stateCpuMillis) !== undefined);
  return candidatesOf(node.instanceType, fits);
}

/** Each catalog sorted cheapest first (ties by name), computed once per catalog. */
const SORTED_CATALOGS = new WeakMap<ReadonlyArray<GpuInstancePrice | CpuInstancePrice>, ReadonlyArray<GpuInstancePrice | CpuInstancePrice>>();

/** The catalog cheapest first, ties by name (instance types are unique, so the order is total). */
function sortedCatalog<T extends GpuInstancePrice | CpuInstancePrice>(catalog: T[]): T[] {
  let sorted = SORTED_CATALOGS.get(catalog);
  if (sorted === undefined) {
    sorted = [...catalog].sort((a, b) => a.hourlyUsd - b.hourlyUsd || a.instanceType.localeCompare(b.instanceType));
    SORTED_CATALOGS.set(catalog, sorted);
  }
  return sorted as T[];
}

/**
 * The chosen instance type first, then the others cheapest first (ties by name), at most
 * `MAX_NODE_CANDIDATES`. `fits` is already cheapest first (`sortedCatalog`).
 */
function candidatesOf(chosen: string, fits: Array<GpuInstancePrice | CpuInstancePrice>): KubernetesNodeCandidate[] {
  const i = fits.findIndex(n => n.instanceType === chosen);
  const sorted = i <= 0 ? fits : [fits[i], ...fits.slice(0, i), ...fits.slice(i + 1)];
  return sorted.slice(0, MAX_NODE_CANDIDATES).map(n => ('gpuName' in n
    ? {
      instanceType: n.instanceType,
      hourlyUsd: n.hourlyUsd,
      gpuCount: n.gpuCount,
      gpuName: n.gpuName,
      gpuProduct: n.gpuProduct,
      gpuMemoryGiB: n.gpuMemoryGiB,
    }
    : { instanceType: n.instanceType, hourlyUsd: n.hourlyUsd }));
}

function cpuChoice(
  n: CpuInstancePrice, memoryMiB: number, cpuMillis: number, alloc: number, exclusiveCpu: boolean, stateCpuMillis: number,
): NodeChoice | undefined {
  const allocMiB = n.memoryGiB * 1024 * alloc;
  const allocCpu = n.vcpu * 1000 * alloc;
  if (memoryMiB > allocMiB || cpuMillis > allocCpu) {
    return undefined;
  }
  const share = Math.max(memoryMiB / allocMiB, cpuMillis / allocCpu);
  return {
    instanceType: n.instanceType,
    hourlyUsd: n.hourlyUsd,
    podsPerNode: Math.floor(Math.min(allocMiB / memoryMiB, allocCpu / cpuMillis)),
    share,
    cpuMillis,
    stateCpuMillis,
    wholeNodes: false,
    exclusiveCpu,
    podMemoryMiB: memoryMiB,
  };
}

/** Replicas for the peak: peak concurrency over per-replica concurrency, at least one. */
export function peakReplicas(p: ResolvedProfile, load: Load): number {
  return Math.max(1, Math.ceil(round6(load.peakConcurrency / p.concurrencyPerReplica)));
}

/** Node cost of `replicas` pods for a month, unrounded. */
function nodeUsd(node: NodeChoice, replicas: number): number {
  return node.wholeNodes
    ? Math.ceil(replicas / node.podsPerNode) * node.hourlyUsd * HOURS_PER_MONTH
    : replicas * node.share * node.hourlyUsd * HOURS_PER_MONTH;
}

/** Node cost of `replicas` pods for a month. */
function nodeItem(label: string, node: NodeChoice, replicas: number): CostLineItem {
  if (node.wholeNodes) {
    const nodes = Math.ceil(replicas / node.podsPerNode);
    return item(label, nodes * node.hourlyUsd * HOURS_PER_MONTH, () => `${nodes} x ${node.instanceType} (${node.podsPerNode} pod(s) per node) x ${HOURS_PER_MONTH} h x $${node.hourlyUsd}/h`);
  }
  return item(label, replicas * node.share * node.hourlyUsd * HOURS_PER_MONTH, () => `${replicas} pod(s) x ${num(node.share, 3)} of a ${node.instanceType} x ${HOURS_PER_MONTH} h x $${node.hourlyUsd}/h`);
}

/** The cluster's control plane and operations, this workload's share, USD per month (unrounded). */
function overheadAmounts(p: ResolvedProfile, t: PriceTable): number[] {
  const o = t.props.clusterOverhead;
  const amounts = [o.controlPlaneHourlyUsd * HOURS_PER_MONTH / o.workloadsPerCluster];
  if (!p.teamRunsKubernetes) {
    amounts.push(o.opsMonthlyUsd / o.workloadsPerCluster);
  }
  return amounts;
}

/** The cluster's control plane and operations, this workload's share. */
function overheadItems(p: ResolvedProfile, t: PriceTable): CostLineItem[] {
  const o = t.props.clusterOverhead;
  const [controlPlane, ops] = overheadAmounts(p, t);
  const items = [item('cluster control plane (share)', controlPlane, () => `$${o.controlPlaneHourlyUsd}/h x ${HOURS_PER_MONTH} h / ${o.workloadsPerCluster} workloads per cluster`)];
  if (ops !== undefined) {
    items.push(item('cluster operations (share)', ops, () => `${formatUsd(o.opsMonthlyUsd)}/mo / ${o.workloadsPerCluster} workloads per cluster (the team does not run Kubernetes yet)`));
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

/** A hybrid plan: data-plane floor, overflow and control plane. */
export interface HybridPlan extends PricedOption {
  readonly floorReplicas: number;
  readonly overflowToLambda: boolean;
  readonly controlPlaneProvisioned: number;
  readonly overflowThresholdRps: number;
}

/**
 * Hybrid: a serverless control plane (entry function with a small provisioned concurrency) in front of
 * a Kubernetes data plane. With overflow, the data plane keeps the cheapest warm floor and the tail goes
 * to a Lambda function running the model on CPU (priced at the p99 duration); without it, the data plane
 * holds the peak as `kubernetes` does.
 */
export function hybridCost(p: ResolvedProfile, t: PriceTable, load: Load, node: NodeChoice, overflowToLambda: boolean, minFloor: number): HybridPlan {
  const rPeak = peakReplicas(p, load);
  const controlPlane = lambdaProvisionedCost(p, t, load, CONTROL_PLANE_MEMORY_MIB, p.requestDurationP50Ms);
  const cpItems = controlPlane.lineItems
    .filter(i => i.monthlyUsd > 0 || i.label !== 'on-demand spillover above provisioned concurrency')
    .map(i => ({ ...i, label: `control plane: ${i.label}` }));
  const perReplicaRps = p.concurrencyPerReplica * 1000 / p.requestDurationP50Ms;
  if (!overflowToLambda) {
    const floor = clamp(minFloor, 1, rPeak);
    const items = [nodeItem(`data plane nodes for ${rPeak} replica(s) at the peak`, node, rPeak), ...cpItems, ...overheadItems(p, t)];
    return {
      monthlyUsd: total(items),
      lineItems: items,
      coldExposure: 0,
      floorReplicas: floor,
      overflowToLambda: false,
      controlPlaneProvisioned: controlPlane.provisioned,
      overflowThresholdRps: round3(floor * perReplicaRps),
    };
  }
  const o = hybridOverflow(p, t, load, node, rPeak);
  const { floor, overflowSeconds, overflowRequests, gb, slowdown, prices } = o;
  const items = [
    nodeItem(`data plane nodes for a warm floor of ${floor} replica(s)`, node, floor),
    item('overflow: requests', o.requestsUsd, () => `${num(overflowRequests / 1e6, 3)} M tail requests x $${prices.requestUsd}/request`),
    item('overflow: duration on CPU (on demand)', o.durationUsd, () => `${num(overflowSeconds * gb * slowdown, 0)} GB-s at the p99 duration x ${p.cpuFallbackSlowdown} (CPU slowdown) x $${prices.gbSecondUsd}/GB-s`),
    ...cpItems,
    ...overheadItems(p, t),
  ];
  const coldExposure = load.u > 0 ? volumeAbove(load.u, Math.min(1, floor * p.concurrencyPerReplica / load.peakConcurrency)) / load.u : 0;
  return {
    monthlyUsd: total(items),
    lineItems: items,
    coldExposure: round3(coldExposure),
    floorReplicas: floor,
    overflowToLambda: true,
    controlPlaneProvisioned: controlPlane.provisioned,
    overflowThresholdRps: round3(floor * perReplicaRps),
  };
}

/**
 * The monthly cost alone of `hybridCost()` (no line items; for the cost curve): the same amounts,
 * each rounded to cents and added in the order of the line items.
 */
export function hybridUsd(p: ResolvedProfile, t: PriceTable, load: Load, node: NodeChoice, overflowToLambda: boolean): number {
  const rPeak = peakReplicas(p, load);
  const cpPrices = t.lambdaPrices(lambdaArchitecture(p));
  const cpConcurrency = load.peakRps * p.requestDurationP50Ms / 1000;
  const cp = provisionedParts(cpPrices, load, CONTROL_PLANE_MEMORY_MIB, cpConcurrency,
    cheapestProvisioned(cpPrices, load, CONTROL_PLANE_MEMORY_MIB, cpConcurrency).provisioned);
  let sum = 0;
  if (overflowToLambda) {
    const o = hybridOverflow(p, t, load, node, rPeak);
    sum += round2(nodeUsd(node, o.floor));
    sum += round2(o.requestsUsd);
    sum += round2(o.durationUsd);
  } else {
    sum += round2(nodeUsd(node, rPeak));
  }
  // the control plane's line items (a spillover of $0.00 is left out of the items: adding 0 changes no sum)
  sum += round2(cp.requestsUsd);
  sum += round2(cp.standbyUsd);
  sum += round2(cp.warmUsd);
  sum += round2(cp.spillUsd);
  for (const amount of overheadAmounts(p, t)) {
    sum += round2(amount);
  }
  return round2(sum);
}

/**
 * The hybrid with a Lambda overflow: the cheapest warm floor of the data plane and the tail that
 * overflows above it, at the p99 duration on CPU.
 */
function hybridOverflow(p: ResolvedProfile, t: PriceTable, load: Load, node: NodeChoice, rPeak: number) {
  const prices = t.lambdaPrices(lambdaArchitecture(p));
  const gb = Math.min(p.memoryMiB, 10_240) / 1024;
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
  const overflowRequests = overflowSeconds * 1000 / p.requestDurationP50Ms;
  return {
    floor,
    overflowSeconds,
    overflowRequests,
    gb,
    slowdown,
    prices,
    requestsUsd: overflowRequests * prices.requestUsd,
    durationUsd: overflowSeconds * gb * slowdown * prices.gbSecondUsd,
  };
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/** Rounds to three decimals. */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** How Lambda Managed Instances are priced for one workload: the instance and the warm floor. */
export interface ManagedInstancesInput {
  readonly instance: ManagedInstanceChoice;
  /** Execution environments always running (the rule table's burst floor, at least 3). */
  readonly floorEnvironments: number;
  /** Target CPU utilization the capacity provider scales at (the policy's utilization target). */
  readonly cpuTarget: number;
}

/*
 * Lambda Managed Instances. The function runs in execution environments on EC2 instances of a
 * capacity provider; each environment serves `concurrencyPerReplica` requests at once. Billed:
 * the EC2 on-demand price of the instances, a management fee on it, and requests; no duration.
 * An environment gets the vCPUs the workload's latency assumes (see `assumedVcpus`), in whole
 * vCPUs, with 2, 4 or 8 GiB per vCPU and at least 2 GiB. The warm floor (at least 3 environments
 * on 3 instances, for AZ resilience) runs all month; above it, instances follow the load curve at
 * the CPU target, as the capacity provider's target tracking scales them.
 */

/**
 * vCPUs one model server needs for the profile's durations: the profile's `vcpus` (by default what
 * Lambda gives its memory, 1 vCPU per 1,769 MB, at most 6).
 */
export function assumedVcpus(p: ResolvedProfile): number {
  return p.vcpus;
}

/** The shape of one execution environment and the instance type that hosts it. */
export interface ManagedInstanceChoice {
  readonly instanceType: string;
  readonly hourlyUsd: number;
  readonly architecture: CpuArchitecture;
  /** vCPUs of the instance type. */
  readonly instanceVcpu: number;
  /** vCPUs of one environment (whole vCPUs). */
  readonly vcpu: number;
  /** Memory of one environment, MiB (vcpu x memoryGiBPerVcpu x 1024). */
  readonly memoryMiB: number;
  /** 2, 4 or 8. */
  readonly memoryGiBPerVcpu: number;
  /** Environments one instance holds. */
  readonly perInstance: number;
  /** Requests one environment serves at once. */
  readonly concurrency: number;
}

/** The environment shape for a profile: whole vCPUs for its latency, then the smallest memory ratio that holds its memory. */
export function managedEnvironmentShape(p: ResolvedProfile): { vcpu: number; memoryMiB: number; memoryGiBPerVcpu: number } {
  const memoryMiB = Math.max(MANAGED_INSTANCES_LIMITS.minMemoryMiB, p.memoryMiB);
  let vcpu = Math.max(1, Math.ceil(round6(assumedVcpus(p))));
  const ratios = MANAGED_INSTANCES_LIMITS.memoryGiBPerVcpu;
  let ratio = ratios.find(r => vcpu * r * 1024 >= memoryMiB);
  if (ratio === undefined) {
    ratio = ratios[ratios.length - 1];
    vcpu = Math.ceil(memoryMiB / (ratio * 1024));
  }
  return { vcpu, memoryMiB: vcpu * ratio * 1024, memoryGiBPerVcpu: ratio };
}

/** Execution environments the warm floor keeps so that a peak arriving within 5 minutes at most doubles the load it meets. */
export function managedInstancesBurstFloor(p: ResolvedProfile): number {
  const c = Math.min(MANAGED_INSTANCES_LIMITS.maxConcurrencyPerEnvironment, p.concurrencyPerReplica);
  const peakConcurrency = p.peakRequestsPerSecond * p.requestDurationP50Ms / 1000;
  const burst = Math.ceil(round6(peakConcurrency / MANAGED_INSTANCES_LIMITS.burstGrowthFactor / c));
  return Math.max(MANAGED_INSTANCES_LIMITS.minEnvironments, burst);
}

/**
 * The instance type for the environments: among the table's CPU instances of a fitting
 * architecture, the one with the lowest monthly cost at the workload's load (ties: the cheaper
 * instance). Undefined when no instance holds one environment.
 */
export function chooseManagedInstance(
  p: ResolvedProfile, t: PriceTable, load: Load, floorEnvironments: number, cpuTarget: number,
): ManagedInstanceChoice | undefined {
  const shape = managedEnvironmentShape(p);
  const concurrency = Math.min(MANAGED_INSTANCES_LIMITS.maxConcurrencyPerEnvironment, p.concurrencyPerReplica);
  // each candidate is priced through one scratch input (the price reads only these fields);
  // the choice is built for the cheapest alone
  const scratch: { -readonly [K in keyof ManagedInstanceChoice]: ManagedInstanceChoice[K] } = {
    instanceType: '', hourlyUsd: 0, architecture: CpuArchitecture.ARM64, instanceVcpu: 0, ...shape, perInstance: 0, concurrency,
  };
  const input: ManagedInstancesInput = { instance: scratch, floorEnvironments, cpuTarget };
  let best: { n: CpuInstancePrice; perInstance: number; usd: number } | undefined;
  for (const n of t.props.cpuInstances) {
    if (!archFits(p.architecture, n.architecture)) {
      continue;
    }
    const perInstance = Math.floor(Math.min(n.vcpu / shape.vcpu, n.memoryGiB * 1024 / shape.memoryMiB));
    if (perInstance < 1) {
      continue;
    }
    scratch.instanceType = n.instanceType;
    scratch.hourlyUsd = n.hourlyUsd;
    scratch.architecture = n.architecture;
    scratch.instanceVcpu = n.vcpu;
    scratch.perInstance = perInstance;
    const usd = managedInstancesParts(t, load, input).monthlyUsd;
    if (best === undefined || usd < best.usd - 1e-9 || (Math.abs(usd - best.usd) <= 1e-9 && n.hourlyUsd < best.n.hourlyUsd)) {
      best = { n, perInstance, usd };
    }
  }
  if (best === undefined) {
    return undefined;
  }
  return {
    instanceType: best.n.instanceType,
    hourlyUsd: best.n.hourlyUsd,
    architecture: best.n.architecture,
    instanceVcpu: best.n.vcpu,
    ...shape,
    perInstance: best.perInstance,
    concurrency,
  };
}

/** The result of pricing Lambda Managed Instances. */
export interface ManagedInstancesPlan extends PricedOption {
  readonly floorEnvironments: number;
  readonly peakEnvironments: number;
  readonly floorInstances: number;
  readonly peakInstances: number;
}

function managedInstancesParts(t: PriceTable, load: Load, m: ManagedInstancesInput) {
  const prices = t.managedInstancesPrices;
  const i = m.instance;
  const peakEnvironmentsExact = load.peakConcurrency / i.concurrency / m.cpuTarget;
  const peakEnvironments = Math.max(m.floorEnvironments, Math.ceil(round6(peakEnvironmentsExact)));
  const floorInstances = Math.max(MANAGED_INSTANCES_LIMITS.minInstances, Math.ceil(m.floorEnvironments / i.perInstance));
  const peakInstancesExact = peakEnvironmentsExact / i.perInstance;
  const peakInstances = Math.max(floorInstances, Math.ceil(round6(peakInstancesExact)));
  // instances above the floor follow the load: on average peak x (share of the peak volume above the floor)
  const f = peakInstancesExact > 0 ? Math.min(1, floorInstances / peakInstancesExact) : 1;
  const aboveInstances = peakInstancesExact * volumeAbove(load.u, f);
  const floorUsd = floorInstances * i.hourlyUsd * HOURS_PER_MONTH;
  const aboveUsd = aboveInstances * i.hourlyUsd * HOURS_PER_MONTH;
  const feeUsd = (round2(floorUsd) + round2(aboveUsd)) * prices.managementFeeRate;
  const requests = load.avgRps * SECONDS_PER_MONTH;
  const requestsUsd = requests * prices.requestUsd;
  const monthlyUsd = round2(round2(floorUsd) + round2(aboveUsd) + round2(feeUsd) + round2(requestsUsd));
  return { prices, peakEnvironments, floorInstances, peakInstances, aboveInstances, floorUsd, aboveUsd, feeUsd, requests, requestsUsd, monthlyUsd };
}

/** Lambda Managed Instances at one load: the warm floor, instances above it, the management fee, requests. */
export function managedInstancesCost(t: PriceTable, load: Load, m: ManagedInstancesInput): ManagedInstancesPlan {
  const x = managedInstancesParts(t, load, m);
  const i = m.instance;
  const env = `environment(s) of ${i.memoryMiB / 1024} GiB / ${i.vcpu} vCPU, ${i.perInstance} per instance`;
  const items = [
    item('instances for the warm floor', x.floorUsd, () => `${x.floorInstances} x ${i.instanceType} (${m.floorEnvironments} ${env}) x ${HOURS_PER_MONTH} h x $${i.hourlyUsd}/h`),
    item('instances above the floor', x.aboveUsd, () => `${num(x.aboveInstances, 3)} ${i.instanceType} on average (up to ${x.peakInstances} at the peak, CPU target ${Math.round(m.cpuTarget * 100)}%) x ${HOURS_PER_MONTH} h x $${i.hourlyUsd}/h`),
    item('management fee', x.feeUsd, () => `${Math.round(x.prices.managementFeeRate * 1000) / 10}% of the instances' on-demand price`),
    item('requests', x.requestsUsd, () => `${num(x.requests / 1e6, 3)} M requests x $${x.prices.requestUsd}/request (no duration charge)`),
  ];
  return {
    monthlyUsd: x.monthlyUsd,
    lineItems: items,
    coldExposure: 0,
    floorEnvironments: m.floorEnvironments,
    peakEnvironments: x.peakEnvironments,
    floorInstances: x.floorInstances,
    peakInstances: x.peakInstances,
  };
}

/** The monthly cost alone of `managedInstancesCost()` (for searches). */
export function managedInstancesUsd(t: PriceTable, load: Load, m: ManagedInstancesInput): number {
  return managedInstancesParts(t, load, m).monthlyUsd;
}
