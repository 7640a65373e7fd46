import {
  chooseNode, CONTROL_PLANE_MEMORY_MIB, MAX_PROVISIONED_CONCURRENCY, HybridPlan, hybridCost, kubernetesCost, lambdaArchitecture, lambdaOnDemandCost,
  lambdaProvisionedCost, lambdaProvisionedUsd, Load, loadAt, NodeChoice, peakReplicas, PricedOption, ProvisionedPlan, round3, withoutDetail,
} from './cost';
import {
  CostCurvePoint, formatPercent, formatUsd, HybridSizing, KubernetesSizing, LambdaSizing, OptionCost, PlacementDecision,
  PlacementTarget, RuleKind, RuleOutcome, RuleVerdict,
} from './decision';
import { InferenceWorkloadValidationError } from '../errors';
import { PriceTable } from './pricing';
import { ResolvedProfile } from './profile';

/** Lambda's documented limits (AWS Lambda quotas page). */
export const LAMBDA_LIMITS = {
  maxMemoryMiB: 10_240,
  minMemoryMiB: 128,
  maxTimeoutSeconds: 900,
  maxEphemeralStorageMiB: 10_240,
  minEphemeralStorageMiB: 512,
  /** Container images: 10 GB uncompressed, layers included. */
  maxImageSizeGiB: 10,
  /** Synchronous invocation payload: 6 MB request and response. */
  maxSyncPayloadKiB: 6_144,
  /** Default regional concurrency quota (1,000) minus the 100 Lambda keeps unreserved. */
  maxProvisionedConcurrency: MAX_PROVISIONED_CONCURRENCY,
} as const;

/** The seed article's numbers. */
export const ARTICLE_THRESHOLDS = {
  /** "Stay with serverless when cold start tolerance is 500ms+" (cold starts: 200 ms-1 s). */
  coldStartToleranceMs: 500,
  /** "Low-latency financial trading (<50μs jitter)" jumps to bare metal. */
  jitterMicros: 50,
  /** "Traffic is spiky (<10% sustained utilization)": stay serverless. */
  spikyUtilization: 0.10,
  /** "20-60% utilization, don't have dedicated DevOps team. Consider hybrid." */
  hybridBandMin: 0.20,
  hybridBandMax: 0.60,
} as const;

/** Option ids, stable. */
export const OPTION = {
  LAMBDA_ON_DEMAND: 'lambda-on-demand',
  LAMBDA_PROVISIONED: 'lambda-provisioned',
  KUBERNETES: 'kubernetes',
  HYBRID: 'hybrid',
} as const;

/** The option a target is rendered as. */
const RENDERED_OPTION: Record<PlacementTarget, string> = {
  [PlacementTarget.LAMBDA]: OPTION.LAMBDA_PROVISIONED,
  [PlacementTarget.KUBERNETES]: OPTION.KUBERNETES,
  [PlacementTarget.HYBRID]: OPTION.HYBRID,
};

/** What a hard rule sees. */
interface RuleContext {
  readonly p: ResolvedProfile;
  /** Environments needed to hold the peak warm (peak rps x p99). */
  readonly peakConcurrency: number;
  /** The cheapest node that fits one pod, if any. */
  readonly node?: NodeChoice;
}

interface HardRuleResult {
  readonly fired: boolean;
  readonly reason: string;
  /** Overrides the rule's `excludes` when it fired (e.g. a partial exclusion). */
  readonly excludes?: PlacementTarget[];
  readonly excludesOptions?: string[];
}

/** A hard constraint: removes targets (or options) that cannot run the workload. */
export interface HardRule {
  /** Stable id, never renamed. */
  readonly id: string;
  /** Targets excluded when the rule fires. */
  readonly excludes: PlacementTarget[];
  /** The threshold, with unit. */
  readonly threshold: string;
  /** Where the number comes from. */
  readonly source: string;
  /** The condition in words (for docs). */
  readonly condition: string;
  evaluate(ctx: RuleContext): HardRuleResult;
}

const L = PlacementTarget.LAMBDA;
const K = PlacementTarget.KUBERNETES;
const H = PlacementTarget.HYBRID;
/** Formats a number with thousands separators and at most three decimals (locale-independent, fast). */
function n(x: number): string {
  const [int, frac] = String(Math.round(x * 1000) / 1000).split('.');
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (frac ? `.${frac}` : '');
}

/** Hard constraints, evaluated first and in this order. Ids are a contract. */
export const HARD_RULES: HardRule[] = [
  {
    id: 'constraint.gpu',
    excludes: [L],
    condition: 'gpuCount > 0',
    threshold: '0 GPUs',
    source: 'AWS Lambda has no GPU; article: "GPU/TPU model serving" jumps to dedicated',
    evaluate: ({ p }) => p.gpuCount > 0
      ? { fired: true, reason: `needs ${p.gpuCount} GPU(s) with ${n(p.gpuMemoryGiB)} GiB each; Lambda has no GPU` }
      : { fired: false, reason: 'CPU only (0 GPUs)' },
  },
  {
    id: 'constraint.memory',
    excludes: [L],
    condition: 'memoryMiB > 10,240',
    threshold: '10,240 MiB',
    source: 'AWS Lambda quota (function memory 128-10,240 MB); article: "Lambda\'s 10GB memory cap"',
    evaluate: ({ p }) => p.memoryMiB > LAMBDA_LIMITS.maxMemoryMiB
      ? { fired: true, reason: `needs ${n(p.memoryMiB)} MiB; Lambda allows at most ${n(LAMBDA_LIMITS.maxMemoryMiB)} MiB` }
      : { fired: false, reason: `${n(p.memoryMiB)} MiB fits Lambda's ${n(LAMBDA_LIMITS.maxMemoryMiB)} MiB` },
  },
  {
    id: 'constraint.duration',
    excludes: [L, H],
    condition: 'requestDurationP99Ms > 900,000',
    threshold: '900 s',
    source: 'AWS Lambda quota (timeout 900 s); the hybrid entry function waits for the answer, so it is bound too',
    evaluate: ({ p }) => p.requestDurationP99Ms > LAMBDA_LIMITS.maxTimeoutSeconds * 1000
      ? { fired: true, reason: `p99 request takes ${n(p.requestDurationP99Ms / 1000)} s; Lambda (and a hybrid's Lambda entry point) stops at ${LAMBDA_LIMITS.maxTimeoutSeconds} s` }
      : { fired: false, reason: `p99 ${n(p.requestDurationP99Ms)} ms is within Lambda's ${LAMBDA_LIMITS.maxTimeoutSeconds} s` },
  },
  {
    id: 'constraint.image-size',
    excludes: [L],
    condition: 'imageSizeGiB > 10',
    threshold: '10 GiB',
    source: 'AWS Lambda quota (container image 10 GB uncompressed)',
    evaluate: ({ p }) => p.imageSizeGiB > LAMBDA_LIMITS.maxImageSizeGiB
      ? { fired: true, reason: `image is ${n(p.imageSizeGiB)} GiB; Lambda container images are limited to ${LAMBDA_LIMITS.maxImageSizeGiB} GiB` }
      : { fired: false, reason: `image ${n(p.imageSizeGiB)} GiB fits Lambda's ${LAMBDA_LIMITS.maxImageSizeGiB} GiB` },
  },
  {
    id: 'constraint.payload',
    excludes: [L, H],
    condition: 'requestPayloadKiB > 6,144',
    threshold: '6 MiB (6,144 KiB)',
    source: 'AWS Lambda quota (synchronous invocation payload 6 MB); the hybrid entry point is a synchronous Lambda',
    evaluate: ({ p }) => p.requestPayloadKiB > LAMBDA_LIMITS.maxSyncPayloadKiB
      ? { fired: true, reason: `request payload is ${n(p.requestPayloadKiB)} KiB; synchronous Lambda invocations accept at most ${n(LAMBDA_LIMITS.maxSyncPayloadKiB)} KiB` }
      : { fired: false, reason: `payload ${n(p.requestPayloadKiB)} KiB is within Lambda's ${n(LAMBDA_LIMITS.maxSyncPayloadKiB)} KiB` },
  },
  {
    id: 'constraint.jitter',
    excludes: [L, H],
    condition: 'jitterBudgetMicros < 50',
    threshold: '50 µs',
    source: 'article: "Low-latency financial trading (<50μs jitter)" jumps to dedicated; a serverless hop adds milliseconds',
    evaluate: ({ p }) => p.jitterBudgetMicros !== undefined && p.jitterBudgetMicros < ARTICLE_THRESHOLDS.jitterMicros
      ? { fired: true, reason: `jitter budget is ${n(p.jitterBudgetMicros)} µs; anything under ${ARTICLE_THRESHOLDS.jitterMicros} µs needs dedicated, always-warm capacity with no serverless hop` }
      : { fired: false, reason: p.jitterBudgetMicros === undefined ? 'no jitter budget' : `jitter budget ${n(p.jitterBudgetMicros)} µs is at least ${ARTICLE_THRESHOLDS.jitterMicros} µs` },
  },
  {
    id: 'constraint.node-local-state',
    excludes: [L],
    condition: 'nodeLocalStateGiB > 0',
    threshold: '0 GiB',
    source: 'article: "Stateful applications with local caching requirements"; local cache 5 µs vs cross-AZ 500 µs',
    evaluate: ({ p }) => p.nodeLocalStateGiB > 0
      ? { fired: true, reason: `keeps ${n(p.nodeLocalStateGiB)} GiB of node-local state next to the model; Lambda environments are placed on random hosts and share nothing` }
      : { fired: false, reason: 'stateless (0 GiB node-local state)' },
  },
  {
    id: 'constraint.cold-start',
    excludes: [L],
    condition: 'coldStartToleranceMs < 500 (and the warm peak needs > 900 environments to exclude Lambda)',
    threshold: '500 ms; 900 provisioned environments',
    source: 'article: cold starts 200 ms-1 s, "Cold start tolerance is 500ms+" to stay serverless; AWS Lambda concurrency quota (1,000, 100 unreserved)',
    evaluate: ({ p, peakConcurrency }) => {
      if (p.coldStartToleranceMs >= ARTICLE_THRESHOLDS.coldStartToleranceMs) {
        return { fired: false, reason: `cold-start tolerance ${n(p.coldStartToleranceMs)} ms is at least ${ARTICLE_THRESHOLDS.coldStartToleranceMs} ms` };
      }
      if (peakConcurrency > LAMBDA_LIMITS.maxProvisionedConcurrency) {
        return {
          fired: true,
          reason: `cold-start tolerance ${n(p.coldStartToleranceMs)} ms is under Lambda's ${ARTICLE_THRESHOLDS.coldStartToleranceMs} ms and holding the peak warm needs ${n(peakConcurrency)} environments, over the ${LAMBDA_LIMITS.maxProvisionedConcurrency} provisioned concurrency allows`,
        };
      }
      return {
        fired: true,
        excludes: [],
        excludesOptions: [OPTION.LAMBDA_ON_DEMAND],
        reason: `cold-start tolerance ${n(p.coldStartToleranceMs)} ms is under Lambda's ${ARTICLE_THRESHOLDS.coldStartToleranceMs} ms, so no traffic may spill past provisioned concurrency: Lambda must keep all ${n(peakConcurrency)} peak environments warm`,
      };
    },
  },
  {
    id: 'constraint.instance-fit',
    excludes: [K, H],
    condition: 'no instance type in the price table fits one pod',
    threshold: 'price table catalog',
    source: 'the price table\'s GPU and CPU node catalog',
    evaluate: ({ p, node }) => node === undefined
      ? { fired: true, reason: `no instance type in the price table fits one pod (${p.gpuCount} GPU(s) x ${n(p.gpuMemoryGiB)} GiB${p.gpuFamily ? ` ${p.gpuFamily}` : ''}, ${n(p.memoryMiB)} MiB${p.nodeLocalStateGiB > 0 ? ` + ${n(p.nodeLocalStateGiB)} GiB node-local state` : ''}, ${p.architecture})` }
      : { fired: false, reason: `one pod fits a ${node.instanceType}` },
  },
];

/** How the default rule pipeline picks among feasible targets. */
export enum EngineMode {
  /** Constraints, then economics (serverless vs dedicated), then the article's bands. */
  RULES = 'rules',
  /** Constraints, then the cheapest feasible option weighted by cold-start exposure. */
  COST = 'cost',
}

/** Engine settings, filled by the policies. */
export interface EngineOptions {
  readonly policyName: string;
  readonly priceTable: PriceTable;
  readonly mode: EngineMode;
  /** Share a band may cost more than the economic choice and still move the decision (spiky band). */
  readonly bandCostTolerance: number;
  /** Cost-optimized: weight of cold-start exposure against cost, 0-1. */
  readonly latencyWeight: number;
  /** Cost-optimized: whether hybrid is a candidate. */
  readonly includeHybrid: boolean;
  /** Target value for provisioned concurrency utilization. */
  readonly utilizationTarget: number;
  /** A fixed target (`PlacementPolicy.fixed`). */
  readonly forced?: PlacementTarget;
}

interface Priced {
  readonly onDemand: PricedOption;
  readonly provisioned: ProvisionedPlan;
  readonly kubernetes?: PricedOption;
  readonly hybrid?: HybridPlan;
}

/** Computes every option's cost at one load. */
function priceAll(
  p: ResolvedProfile, t: PriceTable, load: Load, node: NodeChoice | undefined, pinned: number | undefined, overflow: boolean, k8sMin: number,
): Priced {
  return {
    onDemand: lambdaOnDemandCost(p, t, load),
    provisioned: lambdaProvisionedCost(p, t, load, p.memoryMiB, p.requestDurationP50Ms, pinned),
    kubernetes: node ? kubernetesCost(p, t, load, node) : undefined,
    hybrid: node ? hybridCost(p, t, load, node, overflow, k8sMin) : undefined,
  };
}

/** Warm replicas for the average load (the HPA floor), never below 1 nor above the peak replicas. */
function averageReplicas(p: ResolvedProfile, load: Load, utilizationTarget: number): number {
  const avgConcurrency = load.avgRps * p.requestDurationP50Ms / 1000;
  const replicas = Math.ceil(Math.round(avgConcurrency / (p.concurrencyPerReplica * utilizationTarget) * 1e6) / 1e6);
  return Math.min(peakReplicas(p, load), Math.max(1, replicas));
}

/**
 * The decision pipeline: hard constraints, costs, economics, bands (or cost minimisation), sizing.
 * Pure and deterministic.
 * @internal
 */
export function decide(p: ResolvedProfile, o: EngineOptions): PlacementDecision {
  const t = o.priceTable;
  const load = loadAt(p, p.sustainedUtilization);
  const peakConcurrency = Math.max(1, Math.ceil(Math.round(p.peakRequestsPerSecond * p.requestDurationP99Ms) / 1000 - 1e-9));
  const node = chooseNode(p, t, peakReplicas(p, load));
  const ctx: RuleContext = { p, peakConcurrency, node };

  // 1. hard constraints
  const rules: RuleOutcome[] = [];
  const excludedBy: Record<string, string[]> = {
    [OPTION.LAMBDA_ON_DEMAND]: [], [OPTION.LAMBDA_PROVISIONED]: [], [OPTION.KUBERNETES]: [], [OPTION.HYBRID]: [],
  };
  let pinned: number | undefined;
  let lambdaBlockedForOverflow = false;
  for (const rule of HARD_RULES) {
    const r = rule.evaluate(ctx);
    const excludes = r.fired ? (r.excludes ?? rule.excludes) : [];
    const excludesOptions = r.fired ? (r.excludesOptions ?? []) : [];
    for (const target of excludes) {
      if (target === L) {
        excludedBy[OPTION.LAMBDA_ON_DEMAND].push(rule.id);
      }
      excludedBy[RENDERED_OPTION[target]].push(rule.id);
    }
    for (const option of excludesOptions) {
      excludedBy[option].push(rule.id);
    }
    if (r.fired && rule.id === 'constraint.cold-start') {
      pinned = peakConcurrency;
      lambdaBlockedForOverflow = true;
    }
    if (r.fired && excludes.includes(L) && rule.id !== 'constraint.gpu') {
      lambdaBlockedForOverflow = true;
    }
    rules.push({
      ruleId: rule.id,
      kind: RuleKind.CONSTRAINT,
      verdict: r.fired ? RuleVerdict.FIRED : RuleVerdict.PASSED,
      reason: r.reason,
      threshold: rule.threshold,
      ...(excludes.length > 0 ? { excludes, favours: excludes.includes(K) ? L : K } : {}),
      ...(excludesOptions.length > 0 ? { excludesOptions } : {}),
    });
  }
  // the tail may overflow to Lambda only if the model runs on CPU within Lambda's timeout there
  const overflow = p.cpuFallbackCapable && !lambdaBlockedForOverflow
    && p.requestDurationP99Ms * p.cpuFallbackSlowdown <= LAMBDA_LIMITS.maxTimeoutSeconds * 1000;
  const k8sMin = averageReplicas(p, load, o.utilizationTarget);

  // 2. costs
  const priced = priceAll(p, t, load, node, pinned, overflow, k8sMin);
  const costs: OptionCost[] = [];
  const push = (option: string, target: PlacementTarget, c: PricedOption | undefined) => {
    if (c === undefined) {
      return; // no node fits: not meaningfully priced
    }
    const ex = excludedBy[option];
    costs.push({
      option,
      target,
      monthlyUsd: c.monthlyUsd,
      lineItems: c.lineItems,
      feasible: ex.length === 0,
      ...(ex.length > 0 ? { excludedBy: [...ex] } : {}),
    });
  };
  push(OPTION.LAMBDA_ON_DEMAND, L, priced.onDemand);
  push(OPTION.LAMBDA_PROVISIONED, L, priced.provisioned);
  push(OPTION.KUBERNETES, K, priced.kubernetes);
  push(OPTION.HYBRID, H, priced.hybrid);
  const cost = (target: PlacementTarget) => costs.find(c => c.option === RENDERED_OPTION[target]);
  const feasible = (target: PlacementTarget) => cost(target)?.feasible === true;
  if (![L, K, H].some(feasible)) {
    const why = [L, K, H].map(target => `${target} by ${excludedBy[RENDERED_OPTION[target]].join(', ')}`).join('; ');
    const fired = rules.filter(r => r.verdict === RuleVerdict.FIRED).map(r => `${r.ruleId}: ${r.reason}`).join('; ');
    throw new InferenceWorkloadValidationError(`'profile' must fit at least one target, got none (${why}) — ${fired}`);
  }

  // 3. the break-even between the Lambda shape we deploy and Kubernetes
  const breakEven = feasible(L) && feasible(K) ? breakEvenUtilization(p, t, node!, pinned) : undefined;

  // 4. choose
  const choice = o.mode === EngineMode.COST
    ? chooseByCost(p, o, costs, priced, rules)
    : chooseByRules(p, o, costs, rules, breakEven);
  let target = choice;
  if (o.forced !== undefined) {
    const violated = rules.filter(r => r.verdict === RuleVerdict.FIRED && (r.excludes ?? []).includes(o.forced!));
    if (violated.length > 0) {
      throw new InferenceWorkloadValidationError(
        `'policy' PlacementPolicy.fixed(${o.forced}) violates hard constraint ${violated.map(r => `${r.ruleId} (${r.reason})`).join('; ')}`);
    }
    if (cost(o.forced) === undefined) {
      throw new InferenceWorkloadValidationError(`'policy' PlacementPolicy.fixed(${o.forced}) cannot be priced: no instance type in the price table fits one pod`);
    }
    rules.push({
      ruleId: 'override.fixed',
      kind: RuleKind.OVERRIDE,
      verdict: RuleVerdict.FIRED,
      reason: `fixed to ${o.forced} (${formatUsd(cost(o.forced)!.monthlyUsd)}/mo); the rules alone would choose ${choice} (${formatUsd(cost(choice)!.monthlyUsd)}/mo)`,
      favours: o.forced,
    });
    target = o.forced;
  }

  // 5. sizing
  const hybridPlan = priced.hybrid;
  const lambda = target === L
    ? lambdaSizing(p, o, priced.provisioned.provisioned, p.memoryMiB, p.modelSizeGiB, peakConcurrency)
    : target === H ? lambdaSizing(p, o, hybridPlan!.controlPlaneProvisioned, CONTROL_PLANE_MEMORY_MIB, 0, peakConcurrency) : undefined;
  const kubernetes = target === K || target === H
    ? kubernetesSizing(p, node!, target === H ? hybridPlan!.floorReplicas : k8sMin, peakReplicas(p, load))
    : undefined;
  const hybrid = target === H ? hybridSizing(p, hybridPlan!) : undefined;

  return new PlacementDecision({
    target,
    policyName: o.policyName,
    chosenOption: RENDERED_OPTION[target],
    rules,
    costs,
    breakEvenUtilization: breakEven,
    sustainedUtilization: p.sustainedUtilization,
    priceTable: t.reference,
    lambda,
    kubernetes,
    hybrid,
  })._lazyCostCurve(() => costCurve(p, t, node, pinned, overflow, o.utilizationTarget, costs.map(c => c.option)));
}

function chooseByRules(
  p: ResolvedProfile, o: EngineOptions, costs: OptionCost[], rules: RuleOutcome[], breakEven: number | undefined,
): PlacementTarget {
  const cost = (target: PlacementTarget) => costs.find(c => c.option === RENDERED_OPTION[target]);
  const feasible = (target: PlacementTarget) => cost(target)?.feasible === true;
  const usd = (target: PlacementTarget) => cost(target)!.monthlyUsd;
  const u = p.sustainedUtilization;
  const be = breakEven === undefined ? undefined : formatPercent(breakEven);
  let current: PlacementTarget | undefined;

  // economics: serverless (the Lambda shape we deploy) against dedicated (Kubernetes)
  if (feasible(L) && feasible(K)) {
    const lambdaWins = usd(L) <= usd(K);
    current = lambdaWins ? L : K;
    const side = be === undefined
      ? (lambdaWins ? 'serverless is cheaper at every utilization' : 'dedicated is cheaper at every utilization')
      : `${formatPercent(u)} is ${lambdaWins ? 'at or below' : 'above'} the break-even ${be}`;
    rules.push({
      ruleId: 'economics.break-even',
      kind: RuleKind.ECONOMICS,
      verdict: RuleVerdict.FIRED,
      reason: `${side}: ${OPTION.LAMBDA_PROVISIONED} ${formatUsd(usd(L))}/mo vs ${OPTION.KUBERNETES} ${formatUsd(usd(K))}/mo`,
      threshold: be === undefined ? 'n/a' : `${be} sustained utilization`,
      favours: current,
    });
  } else {
    current = feasible(L) ? L : feasible(K) ? K : undefined;
    rules.push({
      ruleId: 'economics.break-even',
      kind: RuleKind.ECONOMICS,
      verdict: RuleVerdict.SKIPPED,
      reason: current === undefined
        ? 'neither Lambda nor Kubernetes is feasible'
        : `only ${current} is feasible of Lambda and Kubernetes (${cost(current)!.option} ${formatUsd(usd(current))}/mo)`,
    });
  }

  // band: spiky traffic stays serverless, if Lambda is feasible and not absurdly dearer
  const spiky = ARTICLE_THRESHOLDS.spikyUtilization;
  if (!feasible(L) || current === undefined) {
    rules.push({ ruleId: 'band.spiky', kind: RuleKind.BAND, verdict: RuleVerdict.SKIPPED, reason: 'Lambda is not feasible', threshold: `< ${formatPercent(spiky)}` });
  } else if (u >= spiky) {
    rules.push({ ruleId: 'band.spiky', kind: RuleKind.BAND, verdict: RuleVerdict.PASSED, reason: `sustained utilization ${formatPercent(u)} is not under ${formatPercent(spiky)}`, threshold: `< ${formatPercent(spiky)}` });
  } else if (current === L) {
    rules.push({
      ruleId: 'band.spiky',
      kind: RuleKind.BAND,
      verdict: RuleVerdict.FIRED,
      favours: L,
      threshold: `< ${formatPercent(spiky)}`,
      reason: `sustained utilization ${formatPercent(u)} is under ${formatPercent(spiky)} (spiky): stays on Lambda`,
    });
  } else if (usd(L) <= usd(current) * (1 + o.bandCostTolerance)) {
    rules.push({
      ruleId: 'band.spiky',
      kind: RuleKind.BAND,
      verdict: RuleVerdict.FIRED,
      favours: L,
      threshold: `< ${formatPercent(spiky)}`,
      reason: `sustained utilization ${formatPercent(u)} is under ${formatPercent(spiky)} (spiky) and Lambda ${formatUsd(usd(L))}/mo is within ${Math.round(o.bandCostTolerance * 100)}% of ${current} ${formatUsd(usd(current))}/mo: moves to Lambda`,
    });
    current = L;
  } else {
    rules.push({
      ruleId: 'band.spiky',
      kind: RuleKind.BAND,
      verdict: RuleVerdict.PASSED,
      threshold: `< ${formatPercent(spiky)}`,
      reason: `sustained utilization ${formatPercent(u)} is spiky, but Lambda ${formatUsd(usd(L))}/mo is more than ${Math.round(o.bandCostTolerance * 100)}% above ${current} ${formatUsd(usd(current))}/mo`,
    });
  }

  // band: the middle without a Kubernetes team waits on hybrid, but only where hybrid is actually cheaper
  const lo = ARTICLE_THRESHOLDS.hybridBandMin;
  const hi = ARTICLE_THRESHOLDS.hybridBandMax;
  const band = `${formatPercent(lo)}-${formatPercent(hi)} without a Kubernetes team`;
  if (!feasible(H)) {
    rules.push({ ruleId: 'band.hybrid', kind: RuleKind.BAND, verdict: RuleVerdict.SKIPPED, threshold: band, reason: cost(H) === undefined ? 'hybrid is not feasible (no node fits)' : `hybrid is excluded by ${cost(H)!.excludedBy!.join(', ')}` });
  } else if (current === undefined) {
    rules.push({ ruleId: 'band.hybrid', kind: RuleKind.BAND, verdict: RuleVerdict.FIRED, favours: H, threshold: band, reason: `hybrid is the only feasible target (${formatUsd(usd(H))}/mo)` });
    current = H;
  } else if (u < lo || u > hi) {
    rules.push({ ruleId: 'band.hybrid', kind: RuleKind.BAND, verdict: RuleVerdict.PASSED, threshold: band, reason: `sustained utilization ${formatPercent(u)} is outside ${formatPercent(lo)}-${formatPercent(hi)}` });
  } else if (p.teamRunsKubernetes) {
    rules.push({ ruleId: 'band.hybrid', kind: RuleKind.BAND, verdict: RuleVerdict.PASSED, threshold: band, reason: `sustained utilization ${formatPercent(u)} is in the band, but the team runs Kubernetes` });
  } else if (usd(H) < usd(current)) {
    rules.push({
      ruleId: 'band.hybrid',
      kind: RuleKind.BAND,
      verdict: RuleVerdict.FIRED,
      favours: H,
      threshold: band,
      reason: `sustained utilization ${formatPercent(u)} is in the band, the team does not run Kubernetes, and hybrid ${formatUsd(usd(H))}/mo is cheaper than ${current} ${formatUsd(usd(current))}/mo`,
    });
    current = H;
  } else {
    rules.push({
      ruleId: 'band.hybrid',
      kind: RuleKind.BAND,
      verdict: RuleVerdict.PASSED,
      threshold: band,
      reason: `sustained utilization ${formatPercent(u)} is in the band without a Kubernetes team, but hybrid ${formatUsd(usd(H))}/mo is not cheaper than ${current} ${formatUsd(usd(current))}/mo`,
    });
  }
  return current!;
}

function chooseByCost(p: ResolvedProfile, o: EngineOptions, costs: OptionCost[], priced: Priced, rules: RuleOutcome[]): PlacementTarget {
  const exposure: Record<PlacementTarget, number> = {
    [L]: priced.provisioned.coldExposure,
    [K]: 0,
    [H]: priced.hybrid?.coldExposure ?? 0,
  };
  const candidates = [L, K, H]
    .filter(target => target !== H || o.includeHybrid)
    .map(target => ({ target, c: costs.find(c => c.option === RENDERED_OPTION[target]) }))
    .filter(x => x.c?.feasible === true)
    .map(x => ({ target: x.target, usd: x.c!.monthlyUsd, score: x.c!.monthlyUsd * (1 + o.latencyWeight * exposure[x.target]) }));
  if (candidates.length === 0) {
    throw new InferenceWorkloadValidationError(`'policy' ${o.policyName} has no candidate target for this workload: only hybrid is feasible and includeHybrid is false`);
  }
  let best = candidates[0];
  for (const c of candidates.slice(1)) {
    if (c.score < best.score) {
      best = c;
    }
  }
  const scores = candidates.map(c => `${c.target} ${formatUsd(c.usd)}/mo${o.latencyWeight > 0 ? ` (score ${formatUsd(c.score)}, cold exposure ${formatPercent(exposure[c.target])})` : ''}`).join(', ');
  rules.push({
    ruleId: 'economics.cheapest',
    kind: RuleKind.ECONOMICS,
    verdict: RuleVerdict.FIRED,
    favours: best.target,
    threshold: `latency weight ${o.latencyWeight}`,
    reason: `cheapest feasible option${o.latencyWeight > 0 ? ' weighted by cold-start exposure' : ''} at ${formatPercent(p.sustainedUtilization)}: ${scores}`,
  });
  for (const id of ['band.spiky', 'band.hybrid']) {
    rules.push({ ruleId: id, kind: RuleKind.BAND, verdict: RuleVerdict.SKIPPED, reason: 'the cost-optimized policy does not apply the utilization bands' });
  }
  return best.target;
}

/**
 * Sustained utilization at which the Lambda shape we deploy (provisioned concurrency, on-demand spillover)
 * costs the same as Kubernetes, with the same peak. Bisection; Lambda's cost grows with utilization,
 * Kubernetes' is flat (capacity for the peak). Undefined when one side wins everywhere.
 */
export function breakEvenUtilization(p: ResolvedProfile, t: PriceTable, node: NodeChoice, pinned: number | undefined): number | undefined {
  return withoutDetail(() => {
    const k8s = kubernetesCost(p, t, loadAt(p, 1), node).monthlyUsd;
    const f = (u: number) => lambdaProvisionedUsd(p, t, loadAt(p, u), p.memoryMiB, p.requestDurationP50Ms, pinned) - k8s;
    if (f(0) > 0 || f(1) <= 0) {
      return undefined; // dedicated is cheaper at every utilization, or serverless is
    }
    let lo = 0;
    let hi = 1;
    for (let i = 0; i < 16; i++) {
      const mid = (lo + hi) / 2;
      if (f(mid) <= 0) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return round3((lo + hi) / 2);
  });
}

/** Each priced option at 0%, 5%, ... 100% sustained utilization, same peak. */
function costCurve(
  p: ResolvedProfile, t: PriceTable, node: NodeChoice | undefined, pinned: number | undefined,
  overflow: boolean, utilizationTarget: number, options: string[],
): CostCurvePoint[] {
  return withoutDetail(() => {
    const points: CostCurvePoint[] = [];
    for (let i = 0; i <= 20; i++) {
      const u = i / 20;
      const load = loadAt(p, u);
      const priced = priceAll(p, t, load, node, pinned, overflow, averageReplicas(p, load, utilizationTarget));
      const byOption: Record<string, PricedOption | undefined> = {
        [OPTION.LAMBDA_ON_DEMAND]: priced.onDemand,
        [OPTION.LAMBDA_PROVISIONED]: priced.provisioned,
        [OPTION.KUBERNETES]: priced.kubernetes,
        [OPTION.HYBRID]: priced.hybrid,
      };
      for (const option of options) {
        points.push({ option, utilization: u, monthlyUsd: byOption[option]!.monthlyUsd });
      }
    }
    return points;
  });
}

function lambdaSizing(
  p: ResolvedProfile, o: EngineOptions, provisioned: number, memoryMiB: number, modelSizeGiB: number, peakConcurrency: number,
): LambdaSizing {
  const scheduleMax = Math.max(0, ...p.warmSchedules.map(w => w.minCapacity));
  return {
    memoryMiB: Math.min(LAMBDA_LIMITS.maxMemoryMiB, Math.max(LAMBDA_LIMITS.minMemoryMiB, memoryMiB)),
    timeoutSeconds: Math.min(LAMBDA_LIMITS.maxTimeoutSeconds, Math.max(3, Math.ceil(p.requestDurationP99Ms * 3 / 1000))),
    ephemeralStorageMiB: Math.min(LAMBDA_LIMITS.maxEphemeralStorageMiB,
      Math.max(LAMBDA_LIMITS.minEphemeralStorageMiB, Math.ceil(modelSizeGiB * 1024 * 1.2))),
    architecture: lambdaArchitecture(p),
    provisionedConcurrencyMin: provisioned,
    // never above what provisioned concurrency allows, unless a warm window asks for more explicitly
    provisionedConcurrencyMax: Math.max(provisioned, scheduleMax, Math.min(LAMBDA_LIMITS.maxProvisionedConcurrency, peakConcurrency)),
    utilizationTarget: o.utilizationTarget,
    peakConcurrency,
    ...(p.warmSchedules.length > 0 ? { warmSchedules: p.warmSchedules } : {}),
  };
}

function kubernetesSizing(p: ResolvedProfile, node: NodeChoice, replicasMin: number, replicasMax: number): KubernetesSizing {
  return {
    replicasMin: Math.max(1, Math.min(replicasMin, replicasMax)),
    replicasMax: Math.max(1, replicasMax),
    gpuCount: p.gpuCount,
    gpuMemoryGiB: p.gpuMemoryGiB,
    ...(node.gpu ? { gpuProduct: node.gpu.gpuProduct, gpuName: node.gpu.gpuName } : {}),
    instanceType: node.instanceType,
    cpuMillis: node.cpuMillis,
    memoryMiB: p.memoryMiB,
    concurrencyPerReplica: p.concurrencyPerReplica,
    modelSizeGiB: p.modelSizeGiB,
  };
}

function hybridSizing(p: ResolvedProfile, plan: HybridPlan): HybridSizing {
  return {
    dataPlaneFloorReplicas: Math.max(1, plan.floorReplicas),
    overflowThresholdRequestsPerSecond: plan.overflowThresholdRps,
    overflowToLambda: plan.overflowToLambda,
    controlPlaneProvisionedConcurrency: plan.controlPlaneProvisioned,
    ...(plan.overflowToLambda ? {
      overflowMemoryMiB: Math.min(LAMBDA_LIMITS.maxMemoryMiB, Math.max(LAMBDA_LIMITS.minMemoryMiB, p.memoryMiB)),
      overflowTimeoutSeconds: Math.min(LAMBDA_LIMITS.maxTimeoutSeconds,
        Math.max(3, Math.ceil(p.requestDurationP99Ms * p.cpuFallbackSlowdown * 3 / 1000))),
    } : {}),
  };
}
