import { RENDERED_OPTION } from './choice';
import { PlacementDecision, PlacementTarget, RuleKind, RuleOutcome, RuleVerdict } from './decision';

/**
 * The rule that decided a placement, as a reader names it: an override; else, while more than one
 * target was feasible, the first economics or band rule that fired in favour of the chosen target
 * (the rule that chose among the feasible targets); else the first hard constraint that excluded
 * another target the choice could have taken (one priced below the chosen option, or one that
 * could not be priced); else the first rule that fired in favour of the chosen target; else the
 * first that fired.
 *
 * A constraint that excluded a cheaper target is a reason, not the decider, while another target
 * stayed feasible: a GPU model that Lambda cannot serve, placed as hybrid rather than on
 * Kubernetes, was placed by the band that chose the hybrid (band.hybrid, with the article's verdict
 * "wait"), not by constraint.gpu. It decides when it left the chosen target the only feasible one.
 * A constraint that only removed dearer targets does not decide (e.g. a GPU model placed on GPU
 * Lambda Managed Instances, where Lambda's exclusion changed nothing). The report, the synth
 * summary, the CLI and the placement lock all name it this way.
 * @internal
 */
export function decidingRule(d: PlacementDecision): RuleOutcome | undefined {
  const fired = firedPlacementRules(d);
  const chosenUsd = d.chosenCost?.monthlyUsd;
  const couldHaveTaken = (t: PlacementTarget) => {
    const prices = d.costs.filter(c => c.target === t);
    return chosenUsd === undefined || prices.length === 0 || prices.some(c => c.monthlyUsd < chosenUsd);
  };
  const anotherFeasible = d.costs.some(c => c.feasible && c.target !== d.target && c.option === RENDERED_OPTION[c.target]);
  // a constraint favours the target it leaves standing (choice.ts), so only the other kinds chose
  const chose = () => fired.find(r => r.kind !== RuleKind.CONSTRAINT && r.favours === d.target);
  return fired.find(r => r.kind === RuleKind.OVERRIDE)
    ?? (anotherFeasible ? chose() : undefined)
    ?? fired.find(r => r.kind === RuleKind.CONSTRAINT && (r.excludes ?? []).some(t => t !== d.target && couldHaveTaken(t)))
    ?? fired.find(r => r.favours === d.target)
    ?? fired[0];
}

/**
 * The rules that fired in placing the workload: every fired row but the verdict rows, which name
 * the article's verdict of the choice and decide nothing.
 * @internal
 */
export function firedPlacementRules(d: PlacementDecision): RuleOutcome[] {
  return d.rules.filter(r => r.verdict === RuleVerdict.FIRED && r.kind !== RuleKind.VERDICT);
}

/**
 * Who placed the workload, for an error that names it: the policy and the placement rules that
 * fired (`default: constraint.gpu, band.hybrid`), or `costs` when none did.
 * @internal
 */
export function placedBy(d: PlacementDecision): string {
  return `${d.policyName}: ${firedPlacementRules(d).map(r => r.ruleId).join(', ') || 'costs'}`;
}
