import { ManagedInstancesBreakEven } from './analytics';
import { PlacementTarget, RuleKind, RuleVerdict } from './decision';
import { OPTION } from './limits';
import { ResolvedProfile } from './profile';
import { EngineOptions, ChoiceContext, ChoiceRule, ConstraintResult, ConstraintRule, OptionPrice, PendingOutcome, PolicyRule } from './rule-types';

/** The option a target is rendered as. */
export const RENDERED_OPTION: Record<PlacementTarget, string> = {
  [PlacementTarget.LAMBDA]: OPTION.LAMBDA_PROVISIONED,
  [PlacementTarget.KUBERNETES]: OPTION.KUBERNETES,
  [PlacementTarget.HYBRID]: OPTION.HYBRID,
  [PlacementTarget.LAMBDA_MANAGED_INSTANCES]: OPTION.LAMBDA_MANAGED_INSTANCES,
};

const L = PlacementTarget.LAMBDA;
const K = PlacementTarget.KUBERNETES;

/*
 * Target choice: runs the economics rules, the bands and the override of the rule table over the
 * priced, feasibility-checked options. Which rules apply is read from the rows (`modes`), never
 * from their ids.
 */

/** The outcome of a constraint row, as recorded in the decision. */
export function constraintOutcome(rule: ConstraintRule, r: ConstraintResult): PendingOutcome {
  const excludes = r.fired ? (r.excludes ?? rule.excludes) : [];
  const excludesOptions = r.fired ? (r.excludesOptions ?? []) : [];
  // keys in the reported order, optional ones only when set (no spreads: this runs for every rule of every decision)
  const out: { -readonly [K in keyof PendingOutcome]: PendingOutcome[K] } = {
    ruleId: rule.id,
    kind: rule.kind,
    verdict: r.fired ? RuleVerdict.FIRED : RuleVerdict.PASSED,
    reason: r.reason,
    threshold: rule.threshold,
  };
  if (excludes.length > 0) {
    out.excludes = excludes;
    // a constraint favours whichever of Lambda and Kubernetes it leaves standing
    out.favours = excludes.includes(K) ? L : K;
  }
  if (excludesOptions.length > 0) {
    out.excludesOptions = excludesOptions;
  }
  return out;
}

/** What target choice starts from: the profile, the options' prices and the break-evens, all computed before the choice. */
export interface ChoiceInput {
  readonly p: ResolvedProfile;
  readonly o: EngineOptions;
  cost(target: PlacementTarget): OptionPrice | undefined;
  feasible(target: PlacementTarget): boolean;
  coldExposure(target: PlacementTarget): number;
  breakEven(): number | undefined;
  managedBreakEven(): ManagedInstancesBreakEven | undefined;
}

/** The choice rows of each rule table, in order, found once per table. */
const CHOICE_ROWS = new WeakMap<readonly PolicyRule[], ChoiceRule[]>();

/**
 * Evaluates the choice rules in table order, appending their outcomes to `outcomes`, and returns
 * the chosen target.
 */
export function chooseTarget(rules: readonly PolicyRule[], input: ChoiceInput, outcomes: PendingOutcome[]): PlacementTarget {
  const cost = input.cost;
  let current: PlacementTarget | undefined;
  let rows = CHOICE_ROWS.get(rules);
  if (rows === undefined) {
    rows = rules.filter((r): r is ChoiceRule => r.kind !== RuleKind.CONSTRAINT);
    CHOICE_ROWS.set(rules, rows);
  }
  const feasible = input.feasible;
  const usd = (target: PlacementTarget) => cost(target)!.monthlyUsd;
  for (const rule of rows) {
    if (!rule.modes.includes(input.o.mode)) {
      if (rule.skippedReason !== undefined) {
        outcomes.push({ ruleId: rule.id, kind: rule.kind, verdict: RuleVerdict.SKIPPED, reason: rule.skippedReason });
      }
      continue;
    }
    const ctx: ChoiceContext = {
      p: input.p,
      o: input.o,
      coldExposure: input.coldExposure,
      breakEven: input.breakEven,
      managedBreakEven: input.managedBreakEven,
      current,
      outcomes,
      cost,
      feasible,
      usd,
    };
    const r = rule.evaluate(ctx);
    if (r === undefined) {
      continue;
    }
    const threshold = r.threshold === undefined ? rule.threshold : r.threshold;
    const outcome: { -readonly [K in keyof PendingOutcome]: PendingOutcome[K] } = {
      ruleId: rule.id, kind: rule.kind, verdict: r.verdict, reason: r.reason,
    };
    if (threshold !== null) {
      outcome.threshold = threshold;
    }
    if (r.favours !== undefined) {
      outcome.favours = r.favours;
    }
    outcomes.push(outcome);
    if (r.choose !== undefined) {
      current = r.choose;
    }
  }
  return current!;
}
