import { breakEvenUtilization, costCurve } from './analytics';
import { chooseTarget, constraintOutcome, RENDERED_OPTION } from './choice';
import { chooseNode, CONTROL_PLANE_MEMORY_MIB, loadAt, peakReplicas, priceAll, PricedOption } from './cost';
import { OptionCost, PlacementDecision, PlacementTarget, RuleKind, RuleOutcome, RuleVerdict } from './decision';
import { InferenceWorkloadValidationError } from '../errors';
import { LAMBDA_LIMITS, OPTION } from './limits';
import { ResolvedProfile } from './profile';
import { EngineOptions, ConstraintContext, ConstraintRule } from './rule-types';
import { RULES } from './rules';
import { averageReplicas, hybridSizing, kubernetesSizing, lambdaSizing } from './sizing';

const L = PlacementTarget.LAMBDA;
const K = PlacementTarget.KUBERNETES;
const H = PlacementTarget.HYBRID;

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
    [OPTION.LAMBDA_ON_DEMAND]: [], [OPTION.LAMBDA_PROVISIONED]: [], [OPTION.KUBERNETES]: [], [OPTION.HYBRID]: [],
  };
  let pinned: number | undefined;
  let lambdaBlockedForOverflow = false;
  for (const rule of table.filter((r): r is ConstraintRule => r.kind === RuleKind.CONSTRAINT)) {
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
      lambdaBlockedForOverflow = lambdaBlockedForOverflow || rule.blocksLambdaOverflow;
    }
    rules.push(outcome);
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
  const feasible = (target: PlacementTarget) => costs.find(c => c.option === RENDERED_OPTION[target])?.feasible === true;
  if (![L, K, H].some(feasible)) {
    const why = [L, K, H].map(target => `${target} by ${excludedBy[RENDERED_OPTION[target]].join(', ')}`).join('; ');
    const fired = rules.filter(r => r.verdict === RuleVerdict.FIRED).map(r => `${r.ruleId}: ${r.reason}`).join('; ');
    throw new InferenceWorkloadValidationError(`'profile' must fit at least one target, got none (${why}) — ${fired}`);
  }

  // 3. the break-even between the Lambda shape we deploy and Kubernetes
  const breakEven = feasible(L) && feasible(K) ? breakEvenUtilization(p, t, node!, pinned) : undefined;

  // 4. choose: economics, bands, override
  const target = chooseTarget(table, { p, o, costs, priced, breakEven }, rules);

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
