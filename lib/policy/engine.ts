import { breakEvenUtilization, costCurve, managedInstancesBreakEven } from './analytics';
import { chooseTarget, constraintOutcome, RENDERED_OPTION } from './choice';
import {
  chooseManagedInstance, chooseNode, CONTROL_PLANE_MEMORY_MIB, hybridCost, HybridPlan, kubernetesCost, lambdaDeployedCost, lambdaOnDemandCost,
  Load, loadAt, managedInstancesCost, ManagedInstancesInput, ManagedInstancesPlan, nodeCandidates, NodeChoice, peakReplicas, PricedOption,
  ProvisionedPlan, withoutDetail,
} from './cost';
import { ManagedInstancesBreakEven, OptionCost, PlacementDecision, PlacementTarget, RuleKind, RuleVerdict } from './decision';
import { InferenceWorkloadValidationError } from '../errors';
import { LAMBDA_LIMITS, MANAGED_INSTANCES_LIMITS, OPTION } from './limits';
import { PriceTable } from './pricing';
import { ResolvedProfile } from './profile';
import { EngineOptions, ConstraintContext, ConstraintRule, OptionPrice, PendingOutcome, PolicyRule, reasonText, writeOutcome } from './rule-types';
import { RULES } from './rules';
import { averageReplicas, hybridSizing, kubernetesSizing, lambdaSizing, managedInstancesSizing } from './sizing';

const L = PlacementTarget.LAMBDA;
const K = PlacementTarget.KUBERNETES;
const H = PlacementTarget.HYBRID;
const M = PlacementTarget.LAMBDA_MANAGED_INSTANCES;
const TARGETS = [L, K, H, M];

/** Every cost option with the target it renders to, in the order a decision lists them. */
const OPTIONS: ReadonlyArray<readonly [string, PlacementTarget]> = [
  [OPTION.LAMBDA_ON_DEMAND, L],
  [OPTION.LAMBDA_PROVISIONED, L],
  [OPTION.KUBERNETES, K],
  [OPTION.HYBRID, H],
  [OPTION.LAMBDA_MANAGED_INSTANCES, M],
];

function isConstraint(r: PolicyRule): r is ConstraintRule {
  return r.kind === RuleKind.CONSTRAINT;
}

/** The built-in table's constraint rows, in order. */
const RULE_CONSTRAINTS = RULES.filter(isConstraint);

/** A value computed on first call, then kept. */
function once<T>(fn: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = fn();
      done = true;
    }
    return value;
  };
}

/**
 * The decision pipeline: hard constraints, the choice rules (economics, bands, override) over the
 * options' costs, sizing. Pure and deterministic.
 *
 * What chooses the target and sizes it is computed here, numbers only; an option's price is
 * computed the first time a rule or the sizing needs it. The rules' sentences, the line items with
 * their text, the prices of options no rule looked at, the break-evens and the cost curve are
 * computed when the decision's `rules`, `costs`, break-evens or `costCurve` are first read: the
 * same functions of the same inputs, so the values are those an eager computation gives.
 * @internal
 */
export function decide(p: ResolvedProfile, o: EngineOptions): PlacementDecision {
  const table = o.rules ?? RULES;
  const t = o.priceTable;
  const load = loadAt(p, p.sustainedUtilization);
  const peakConcurrency = Math.max(1, Math.ceil(Math.round(p.peakRequestsPerSecond * p.requestDurationP99Ms) / 1000 - 1e-9));
  const rPeak = peakReplicas(p, load);
  const node = chooseNode(p, t, rPeak);
  const ctx: ConstraintContext = { p, peakConcurrency, node };

  // 1. hard constraints
  const outcomes: PendingOutcome[] = [];
  const excludedBy: Record<string, string[]> = {
    [OPTION.LAMBDA_ON_DEMAND]: [],
    [OPTION.LAMBDA_PROVISIONED]: [],
    [OPTION.KUBERNETES]: [],
    [OPTION.HYBRID]: [],
    [OPTION.LAMBDA_MANAGED_INSTANCES]: [],
  };
  let pinned: number | undefined;
  let managedFloor: number = MANAGED_INSTANCES_LIMITS.minEnvironments;
  let lambdaBlockedForOverflow = false;
  for (const rule of table === RULES ? RULE_CONSTRAINTS : table.filter(isConstraint)) {
    const r = rule.evaluate(ctx);
    const outcome = constraintOutcome(rule, r);
    for (const target of outcome.excludes ?? []) {
      if (target === L) {
        excludedBy[OPTION.LAMBDA_ON_DEMAND].push(rule.id);
      }
      excludedBy[RENDERED_OPTION[target]].push(rule.id);
    }
    for (const option of outcome.excludesOptions ?? []) {
      excludedBy[option].push(rule.id);
    }
    if (r.fired) {
      pinned = r.pinProvisionedConcurrency ?? pinned;
      managedFloor = Math.max(managedFloor, r.floorExecutionEnvironments ?? managedFloor);
      lambdaBlockedForOverflow = lambdaBlockedForOverflow || rule.blocksLambdaOverflow;
    }
    outcomes.push(outcome);
  }
  // the tail may overflow to Lambda only if the model runs on CPU within Lambda's timeout there
  const overflow = p.cpuFallbackCapable && !lambdaBlockedForOverflow
    && p.requestDurationP99Ms * p.cpuFallbackSlowdown <= LAMBDA_LIMITS.maxTimeoutSeconds * 1000;
  const k8sMin = averageReplicas(p, load, o.utilizationTarget);

  // 2. prices, each when first needed
  const pricing = new LazyPricing(p, t, load, node, pinned, overflow, k8sMin, managedFloor, o.utilizationTarget, excludedBy);
  const cost = (target: PlacementTarget) => pricing.price(target);
  const feasible = (target: PlacementTarget) => pricing.feasible(target);
  if (!TARGETS.some(feasible)) {
    const why = TARGETS.map(target => `${target} by ${excludedBy[RENDERED_OPTION[target]].join(', ')}`).join('; ');
    const fired = outcomes.filter(r => r.verdict === RuleVerdict.FIRED).map(r => `${r.ruleId}: ${reasonText(r.reason)}`).join('; ');
    throw new InferenceWorkloadValidationError(`'profile' must fit at least one target, got none (${why}) — ${fired}`);
  }

  // 3. the break-evens: read by the rules' sentences and the decision, not by the choice
  const breakEven = once(() => (feasible(L) && feasible(K) ? breakEvenUtilization(p, t, node!, pinned) : undefined));
  const managedBreakEven = once((): ManagedInstancesBreakEven | undefined => (feasible(M)
    ? managedInstancesBreakEven(p, t, pricing.managedInput()!, feasible(L) ? pinned : undefined, feasible(L), feasible(K) ? node : undefined)
    : undefined));
  const coldExposure = (target: PlacementTarget): number => {
    switch (target) {
      case L: return pricing.numbers(OPTION.LAMBDA_PROVISIONED)!.coldExposure;
      case H: return pricing.numbers(OPTION.HYBRID)?.coldExposure ?? 0;
      // no request waits for an environment to start: a burst past the floor is throttled (rule table), not cold
      default: return 0;
    }
  };

  // 4. choose: economics, bands, override
  const target = chooseTarget(table, { p, o, cost, feasible, coldExposure, breakEven, managedBreakEven }, outcomes);

  // 5. sizing: exactly what was priced
  const lambdaPlan = { peakConcurrency, utilizationTarget: o.utilizationTarget };
  const hybridPlan = target === H ? pricing.numbers(OPTION.HYBRID) as HybridPlan : undefined;
  const hybrid = hybridPlan ? hybridSizing(p, hybridPlan) : undefined;
  const lambda = target === L
    ? lambdaSizing(p, {
      ...lambdaPlan,
      provisioned: (pricing.numbers(OPTION.LAMBDA_PROVISIONED) as ProvisionedPlan).provisioned,
      memoryMiB: p.memoryMiB,
      modelSizeGiB: p.modelSizeGiB,
    })
    : hybridPlan
      // the control plane waits for the data plane and, for the tail, the overflow: its timeout is the router's budget
      ? lambdaSizing(p, {
        ...lambdaPlan,
        provisioned: hybridPlan.controlPlaneProvisioned,
        memoryMiB: CONTROL_PLANE_MEMORY_MIB,
        modelSizeGiB: 0,
        timeoutSeconds: hybrid!.timeBudget!.controlPlaneTimeoutSeconds,
      })
      : undefined;
  const kubernetes = target === K || hybridPlan
    ? kubernetesSizing(p, node!, hybridPlan ? hybridPlan.floorReplicas : k8sMin, rPeak, nodeCandidates(p, t, node!))
    : undefined;
  const managedInstances = target === M
    ? managedInstancesSizing(p, pricing.managedInput()!, pricing.numbers(OPTION.LAMBDA_MANAGED_INSTANCES) as ManagedInstancesPlan,
      o.utilizationTarget)
    : undefined;

  // what is read later: every option priced with its line items, the rules' sentences, the curve
  const costs = () => {
    const out: OptionCost[] = [];
    for (const [option, optionTarget] of OPTIONS) {
      const c = pricing.priceOf(option);
      if (c === undefined) {
        continue; // no node fits: not meaningfully priced
      }
      out.push({ option, target: optionTarget, monthlyUsd: c.monthlyUsd, lineItems: c.lineItems, ...feasibility(excludedBy[option]) });
    }
    return out;
  };
  const curve = () => costCurve(p, t, node, pinned, overflow,
    OPTIONS.map(([option]) => option).filter(option => pricing.priceable(option)), pricing.managedInput());
  return new PlacementDecision({
    target,
    policyName: o.policyName,
    chosenOption: RENDERED_OPTION[target],
    rules: [],
    costs: [],
    sustainedUtilization: p.sustainedUtilization,
    priceTable: t.reference,
    lambda,
    kubernetes,
    hybrid,
    managedInstances,
  })._lazy({
    rules: () => outcomes.map(writeOutcome),
    costs,
    breakEvenUtilization: breakEven,
    managedInstancesBreakEven: managedBreakEven,
    costCurve: curve,
  });
}

/** Whether the constraints allow an option, and which rules exclude it (keys in the reported order). */
function feasibility(excludedBy: string[]): { feasible: boolean; excludedBy?: string[] } {
  return excludedBy.length === 0 ? { feasible: true } : { feasible: false, excludedBy: [...excludedBy] };
}

/** The index of each option in `OPTIONS`. */
const OPTION_INDEX: Record<string, number> = Object.fromEntries(OPTIONS.map(([option], i) => [option, i]));

/**
 * The options' prices for one decision, each computed the first time it is asked for. `numbers()`
 * prices without the line items' text; `priceOf()` with it (for the decision's `costs`).
 */
class LazyPricing {
  private readonly computed: Array<PricedOption | undefined | null> = [null, null, null, null, null];
  private readonly views: Array<OptionPrice | undefined | null> = [null, null, null, null, null];
  private managed: ManagedInstancesInput | undefined | null = null;

  constructor(
    private readonly p: ResolvedProfile,
    private readonly t: PriceTable,
    private readonly load: Load,
    private readonly node: NodeChoice | undefined,
    private readonly pinned: number | undefined,
    private readonly overflow: boolean,
    private readonly k8sMin: number,
    private readonly managedFloor: number,
    private readonly utilizationTarget: number,
    private readonly excludedBy: Record<string, string[]>,
  ) {}

  /** Lambda Managed Instances' instance and floor; undefined when no instance type holds one environment. */
  public managedInput(): ManagedInstancesInput | undefined {
    if (this.managed === null) {
      const instance = chooseManagedInstance(this.p, this.t, this.load, this.managedFloor, this.utilizationTarget);
      this.managed = instance ? { instance, floorEnvironments: this.managedFloor, cpuTarget: this.utilizationTarget } : undefined;
    }
    return this.managed;
  }

  /** Whether an option can be priced at all (a node, or an instance type, fits). */
  public priceable(option: string): boolean {
    switch (option) {
      case OPTION.KUBERNETES:
      case OPTION.HYBRID:
        return this.node !== undefined;
      case OPTION.LAMBDA_MANAGED_INSTANCES:
        return this.managedInput() !== undefined;
      default:
        return true;
    }
  }

  /** An option's price, line items with their text included; undefined when it cannot be priced. */
  public priceOf(option: string): PricedOption | undefined {
    const { p, t, load, node } = this;
    switch (option) {
      case OPTION.LAMBDA_ON_DEMAND: return lambdaOnDemandCost(p, t, load);
      case OPTION.LAMBDA_PROVISIONED: return lambdaDeployedCost(p, t, load, this.pinned);
      case OPTION.KUBERNETES: return node && kubernetesCost(p, t, load, node);
      case OPTION.HYBRID: return node && hybridCost(p, t, load, node, this.overflow, this.k8sMin);
      default: {
        const m = this.managedInput();
        return m && managedInstancesCost(t, load, m);
      }
    }
  }

  /** An option's price without the line items' text, computed once. */
  public numbers(option: string): PricedOption | undefined {
    const i = OPTION_INDEX[option];
    let c = this.computed[i];
    if (c === null) {
      c = withoutDetail(() => this.priceOf(option));
      this.computed[i] = c;
    }
    return c;
  }

  /** Whether the option a target renders as is priced and allowed by every constraint (priced only when allowed). */
  public feasible(target: PlacementTarget): boolean {
    const option = RENDERED_OPTION[target];
    return this.excludedBy[option].length === 0 && this.priceable(option);
  }

  /** The cost of the option a target renders as, as the choice rules see it. */
  public price(target: PlacementTarget): OptionPrice | undefined {
    const option = RENDERED_OPTION[target];
    const i = OPTION_INDEX[option];
    let v = this.views[i];
    if (v === null) {
      const c = this.numbers(option);
      v = c === undefined ? undefined : { option, target, monthlyUsd: c.monthlyUsd, ...feasibility(this.excludedBy[option]) };
      this.views[i] = v;
    }
    return v;
  }
}
