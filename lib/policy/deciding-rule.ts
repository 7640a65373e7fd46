import { PlacementDecision, RuleKind, RuleOutcome, RuleVerdict } from './decision';

/**
 * The rule that decided a placement, as a reader names it: an override; else the first hard
 * constraint that excluded another target; else the first rule that fired in favour of the chosen
 * target; else the first that fired. The report, the synth summary, the CLI and the placement
 * lock all name it this way.
 * @internal
 */
export function decidingRule(d: PlacementDecision): RuleOutcome | undefined {
  // the verdict rows name the article's verdict of the choice; they decide nothing
  const fired = d.rules.filter(r => r.verdict === RuleVerdict.FIRED && r.kind !== RuleKind.VERDICT);
  return fired.find(r => r.kind === RuleKind.OVERRIDE)
    ?? fired.find(r => r.kind === RuleKind.CONSTRAINT && (r.excludes ?? []).some(t => t !== d.target))
    ?? fired.find(r => r.favours === d.target)
    ?? fired[0];
}
