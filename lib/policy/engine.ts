import { breakEvenUtilization, chosenBreakEvens, costCurve, ManagedInstancesBreakEven, managedInstancesBreakEven } from './analytics';
import { chooseTarget, constraintOutcome, RENDERED_OPTION } from './choice';
import {
  Bill, chooseManagedInstance, chooseNode, CONTROL_PLANE_MEMORY_MIB, hybridBill, hybridCost, HybridPlan, kubernetesBill, kubernetesCost,
  lambdaDeployedBill, lambdaDeployedCost, lambdaOnDemandBill, lambdaOnDemandCost, Load, loadAt, managedInstancesBill, nodeCandidates,
  peakReplicas, PricedOption, ProvisionedPlan, warmPeakEnvironments,
} from './cost';
import { OptionCost, PlacementDecision, PlacementTarget, RuleKind, RuleVerdict } from './decision';
import { InferenceWorkloadValidationError } from '../errors';
import { LAMBDA_LIMITS, MANAGED_INSTANCES_LIMITS, OPTION } from './limits';
import { ResolvedProfile } from './profile';
import { EngineOptions, ConstraintContext, ConstraintRule, PendingOutcome, PolicyRule, reasonText, writeOutcome } from './rule-types';
import { RULES } from './rules';
import { hybridSizing, kubernetesSizing, lambdaSizing, managedInstancesSizing, replicaFloor } from './sizing';

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

/**
 * The decision pipeline: hard constraints, every option priced once (with its line items), the
 * break-evens, the choice rules (economics, bands, override) over those prices, sizing and the cost
 * curve. Pure and deterministic; the decision it returns is complete (nothing is computed on read).
 * `assumedProfileFields` are the profile fields the user left to their defaults (for the report).
 * @internal
 */
export function decide(p: ResolvedProfile, o: EngineOptions, assumedProfileFields: readonly string[] = []): PlacementDecision {
  const table = o.rules ?? RULES;
  const t = o.priceTable;
  const load = loadAt(p, p.sustainedUtilization);
  const warmPeak = warmPeakEnvironments(p);
  const rPeak = peakReplicas(p, load);
  const node = chooseNode(p, t, rPeak);
  const ctx: ConstraintContext = { p, warmPeakEnvironments: warmPeak, node };

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
  const k8sFloor = replicaFloor(p, load, o.utilizationTarget);
  const k8sMin = k8sFloor.replicas;

  // 2. every option priced once, at the workload's utilization; the cost curve prices the same way at others
  const managed = chooseManagedInstance(p, t, load, managedFloor, o.utilizationTarget);
  // an option's bill (numbers only) at a load: the cost curve's prices, and what the line items below are written from
  const billAt = (option: string, at: Load): Bill | undefined => {
    switch (option) {
      case OPTION.LAMBDA_ON_DEMAND: return lambdaOnDemandBill(p, t, at);
      case OPTION.LAMBDA_PROVISIONED: return lambdaDeployedBill(p, t, at, pinned);
      case OPTION.KUBERNETES: return node && kubernetesBill(p, t, at, node);
      case OPTION.HYBRID: return node && hybridBill(p, t, at, node, overflow, k8sMin);
      default: return managed && managedInstancesBill(t, at, managed.input);
    }
  };
  // the options at the workload's utilization, with their line items
  const priceAt = (option: string, at: Load): PricedOption | undefined => {
    switch (option) {
      case OPTION.LAMBDA_ON_DEMAND: return lambdaOnDemandCost(p, t, at);
      case OPTION.LAMBDA_PROVISIONED: return lambdaDeployedCost(p, t, at, pinned);
      case OPTION.KUBERNETES: return node && kubernetesCost(p, t, at, node);
      case OPTION.HYBRID: return node && hybridCost(p, t, at, node, overflow, k8sMin);
      default: return managed?.plan;
    }
  };
  const priced: Record<string, PricedOption | undefined> = {};
  const costs: OptionCost[] = [];
  for (const [option, optionTarget] of OPTIONS) {
    const c = priceAt(option, load);
    priced[option] = c;
    if (c !== undefined) {
      // an option without a node (or instance type) that fits is not meaningfully priced: not listed
      costs.push({ option, target: optionTarget, monthlyUsd: c.monthlyUsd, lineItems: c.lineItems, ...feasibility(excludedBy[option]) });
    }
  }
  const costOf = (target: PlacementTarget): OptionCost | undefined => costs.find(c => c.option === RENDERED_OPTION[target]);
  const feasible = (target: PlacementTarget) => costOf(target)?.feasible === true;
  if (!TARGETS.some(feasible)) {
    const why = TARGETS.map(target => `${target} by ${excludedBy[RENDERED_OPTION[target]].join(', ') || 'no fitting instance type in the price table'}`).join('; ');
    const fired = outcomes.filter(r => r.verdict === RuleVerdict.FIRED).map(r => `${r.ruleId}: ${reasonText(r.reason)}`).join('; ');
    throw new InferenceWorkloadValidationError(`'profile' must fit at least one target, got none (${why}) — ${fired}`);
  }

  // 3. the break-evens (read by the rules' sentences and the decision)
  const kubernetesUsd = feasible(K) ? costOf(K)!.monthlyUsd : undefined;
  const breakEven = feasible(L) && kubernetesUsd !== undefined ? breakEvenUtilization(p, t, kubernetesUsd, pinned) : undefined;
  const managedBreakEven: ManagedInstancesBreakEven | undefined = feasible(M)
    ? managedInstancesBreakEven(p, t, managed!.input, feasible(L) ? pinned : undefined, feasible(L), kubernetesUsd,
      p.gpuCount > 0 && feasible(H) ? u => billAt(OPTION.HYBRID, loadAt(p, u))!.monthlyUsd : undefined)
    : undefined;
  const coldExposure = (target: PlacementTarget): number => {
    switch (target) {
      case L: return priced[OPTION.LAMBDA_PROVISIONED]!.coldExposure;
      case H: return priced[OPTION.HYBRID]?.coldExposure ?? 0;
      // no request waits for an environment to start: a burst past the floor is throttled (rule table), not cold
      default: return 0;
    }
  };

  // 4. choose: economics, bands, override
  const target = chooseTarget(table, {
    p, o, cost: costOf, feasible, coldExposure, breakEven: () => breakEven, managedBreakEven: () => managedBreakEven,
  }, outcomes);

  // 5. sizing: exactly what was priced
  const lambdaPlan = { peakConcurrency: warmPeak, utilizationTarget: o.utilizationTarget };
  const hybridPlan = target === H ? priced[OPTION.HYBRID] as HybridPlan : undefined;
  const hybrid = hybridPlan ? hybridSizing(p, hybridPlan) : undefined;
  const lambda = target === L
    ? {
      ...lambdaSizing(p, {
        ...lambdaPlan,
        provisioned: (priced[OPTION.LAMBDA_PROVISIONED] as ProvisionedPlan).provisioned,
        memoryMiB: p.memoryMiB,
        modelSizeGiB: p.modelSizeGiB,
      }),
      // what the price assumed spills over provisioned concurrency (the spillover alarm's reference)
      plannedSpilloverShare: Math.round(coldExposure(L) * 1000) / 1000,
    }
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
    ? kubernetesSizing(p, node!, hybridPlan ? hybridPlan.floorReplicas : k8sMin, rPeak, nodeCandidates(p, t, node!),
      hybridPlan?.overflowToLambda ? undefined : k8sFloor.basis())
    : undefined;
  const managedInstances = target === M
    ? managedInstancesSizing(p, managed!.input, managed!.plan, o.utilizationTarget)
    : undefined;

  // 6. the cost curve: each priced option at other utilizations, same peak, through the same cost functions
  const priceAtUtilization = (option: string, u: number) => billAt(option, loadAt(p, u))!.monthlyUsd;
  const curve = costCurve(costs.map(c => c.option), priceAtUtilization);
  // the chosen option against each feasible alternative: what every printed break-even says
  const alternatives = TARGETS.filter(x => x !== target && feasible(x)).map(x => RENDERED_OPTION[x]);
  const breakEvens = chosenBreakEvens(RENDERED_OPTION[target], alternatives, priceAtUtilization);
  return new PlacementDecision({
    target,
    policyName: o.policyName,
    chosenOption: RENDERED_OPTION[target],
    rules: outcomes.map(writeOutcome),
    costs,
    breakEvenUtilization: breakEven,
    breakEvens,
    sustainedUtilization: p.sustainedUtilization,
    priceTable: t.reference,
    profile: p,
    assumedProfileFields: [...assumedProfileFields],
    peakConcurrency: load.peakConcurrency,
    lambda,
    kubernetes,
    hybrid,
    managedInstances,
    costCurve: curve,
  });
}

/** Whether the constraints allow an option, and which rules exclude it (keys in the reported order). */
function feasibility(excludedBy: string[]): { feasible: boolean; excludedBy?: string[] } {
  return excludedBy.length === 0 ? { feasible: true } : { feasible: false, excludedBy: [...excludedBy] };
}

