import { breakEvenUtilization, costCurve, managedInstancesBreakEven } from './analytics';
import { chooseTarget, constraintOutcome, RENDERED_OPTION } from './choice';
import { chooseManagedInstance, chooseNode, CONTROL_PLANE_MEMORY_MIB, loadAt, ManagedInstancesInput, peakReplicas, priceAll, PricedOption } from './cost';
import { OptionCost, PlacementDecision, PlacementTarget, RuleKind, RuleOutcome, RuleVerdict } from './decision';
import { InferenceWorkloadValidationError } from '../errors';
import { LAMBDA_LIMITS, MANAGED_INSTANCES_LIMITS, OPTION } from './limits';
import { ResolvedProfile } from './profile';
import { EngineOptions, ConstraintContext, ConstraintRule, PolicyRule } from './rule-types';
import { RULES } from './rules';
import { averageReplicas, hybridSizing, kubernetesSizing, lambdaSizing, managedInstancesSizing } from './sizing';

const L = PlacementTarget.LAMBDA;
const K = PlacementTarget.KUBERNETES;
const H = PlacementTarget.HYBRID;
const M = PlacementTarget.LAMBDA_MANAGED_INSTANCES;
const TARGETS = [L, K, H, M];

function isConstraint(r: PolicyRule): r is ConstraintRule {
  return r.kind === RuleKind.CONSTRAINT;
}

/** The built-in table's constraint rows, in order. */
const RULE_CONSTRAINTS = RULES.filter(isConstraint);

/**
 * The decision pipeline: hard constraints, costs, break-even, the choice rules (economics, bands,
 * override), sizing. Pure and deterministic.
 * @internal
 */
export function decide(p: ResolvedProfile, o: EngineOptions): PlacementDecision {
  const table = o.rules ?? RULES;
  const t = o.priceTable;
  const load = loadAt(p, p.sustainedUtilization);
  const peakConcurrency = Math.max(1, Math.ceil(Math.round(p.peakRequestsPerSecond * p.requestDurationP99Ms) / 1000 - 1e-9));
  const node = chooseNode(p, t, peakReplicas(p, load));
  const ctx: ConstraintContext = { p, peakConcurrency, node };

  // 1. hard constraints
  const rules: RuleOutcome[] = [];
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
    rules.push(outcome);
  }
  // the tail may overflow to Lambda only if the model runs on CPU within Lambda's timeout there
  const overflow = p.cpuFallbackCapable && !lambdaBlockedForOverflow
    && p.requestDurationP99Ms * p.cpuFallbackSlowdown <= LAMBDA_LIMITS.maxTimeoutSeconds * 1000;
  const k8sMin = averageReplicas(p, load, o.utilizationTarget);

  // 2. costs
  const managedInstance = chooseManagedInstance(p, t, load, managedFloor, o.utilizationTarget);
  const managed: ManagedInstancesInput | undefined = managedInstance
    ? { instance: managedInstance, floorEnvironments: managedFloor, cpuTarget: o.utilizationTarget } : undefined;
  const priced = priceAll(p, t, load, node, pinned, overflow, k8sMin, managed);
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
  push(OPTION.LAMBDA_MANAGED_INSTANCES, M, priced.managedInstances);
  const feasible = (target: PlacementTarget) => costs.find(c => c.option === RENDERED_OPTION[target])?.feasible === true;
  if (!TARGETS.some(feasible)) {
    const why = TARGETS.map(target => `${target} by ${excludedBy[RENDERED_OPTION[target]].join(', ')}`).join('; ');
    const fired = rules.filter(r => r.verdict === RuleVerdict.FIRED).map(r => `${r.ruleId}: ${r.reason}`).join('; ');
    throw new InferenceWorkloadValidationError(`'profile' must fit at least one target, got none (${why}) — ${fired}`);
  }

  // 3. the break-even between the Lambda shape we deploy and Kubernetes
  const breakEven = feasible(L) && feasible(K) ? breakEvenUtilization(p, t, node!, pinned) : undefined;
  const managedBreakEven = feasible(M)
    ? managedInstancesBreakEven(p, t, managed!, feasible(L) ? pinned : undefined, feasible(L), feasible(K) ? node : undefined)
    : undefined;

  // 4. choose: economics, bands, override
  const target = chooseTarget(table, { p, o, costs, priced, breakEven, managedBreakEven }, rules);

  // 5. sizing: exactly what was priced
  const hybridPlan = priced.hybrid;
  const lambdaPlan = { peakConcurrency, utilizationTarget: o.utilizationTarget };
  const hybrid = target === H ? hybridSizing(p, hybridPlan!) : undefined;
  const lambda = target === L
    ? lambdaSizing(p, { ...lambdaPlan, provisioned: priced.provisioned.provisioned, memoryMiB: p.memoryMiB, modelSizeGiB: p.modelSizeGiB })
    : target === H
      // the control plane waits for the data plane and, for the tail, the overflow: its timeout is the router's budget
      ? lambdaSizing(p, {
        ...lambdaPlan,
        provisioned: hybridPlan!.controlPlaneProvisioned,
        memoryMiB: CONTROL_PLANE_MEMORY_MIB,
        modelSizeGiB: 0,
        timeoutSeconds: hybrid!.timeBudget!.controlPlaneTimeoutSeconds,
      })
      : undefined;
  const kubernetes = target === K || target === H
    ? kubernetesSizing(p, node!, target === H ? hybridPlan!.floorReplicas : k8sMin, peakReplicas(p, load))
    : undefined;
  const managedInstances = target === M ? managedInstancesSizing(p, managed!, priced.managedInstances!, o.utilizationTarget) : undefined;

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
    managedInstances,
    managedInstancesBreakEven: managedBreakEven,
  })._lazyCostCurve(() => costCurve(p, t, node, pinned, overflow, o.utilizationTarget, costs.map(c => c.option), managed));
}
