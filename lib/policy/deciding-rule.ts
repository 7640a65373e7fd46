import { PlacementDecision, PlacementTarget, RuleKind, RuleOutcome, RuleVerdict } from './decision';

/**
 * The rule that decided a placement, as a reader names it: an override; else the first hard
 * constraint that excluded another target the choice could have taken (one priced below the chosen
 * option, or one that could not be priced); else the first rule that fired in favour of the chosen
 * target; else the first that fired. A constraint that only removed dearer targets did not decide:
 * the rule that chose among the rest did (e.g. a GPU model placed on GPU Lambda Managed Instances,
 * where Lambda's exclusion changed nothing). The report, the synth summary, the CLI and the
 * placement lock all name it this way.
 * @internal
 */
export function decidingRule(d: PlacementDecision): RuleOutcome | undefined {
  // the verdict rows name the article's verdict of the choice; they decide nothing
  const fired = d.rules.filter(r => r.verdict === RuleVerdict.FIRED && r.kind !== RuleKind.VERDICT);
  const chosenUsd = d.chosenCost?.monthlyUsd;
  const couldHaveTaken = (t: PlacementTarget) => {
    const prices = d.costs.filter(c => c.target === t);
    return chosenUsd === undefined || prices.length === 0 || prices.some(c => c.monthlyUsd < chosenUsd);
  };
  return fired.find(r => r.kind === RuleKind.OVERRIDE)
    ?? fired.find(r => r.kind === RuleKind.CONSTRAINT && (r.excludes ?? []).some(t => t !== d.target && couldHaveTaken(t)))
    ?? fired.find(r => r.favours === d.target)
    ?? fired[0];
}
