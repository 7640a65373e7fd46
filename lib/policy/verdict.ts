import { PlacementTarget, RuleOutcome, RuleVerdict, Verdict } from './decision-parts';

/** The rows of the rule table that name a verdict, and the verdict each names. @internal */
export const VERDICT_RULE_IDS: Readonly<Record<string, Verdict>> = {
  'verdict.avoid': Verdict.AVOID,
  'verdict.wait': Verdict.WAIT,
  'verdict.jump': Verdict.JUMP,
  'verdict.stay': Verdict.STAY,
};

/**
 * The article's verdict of a decision: the one named by the first verdict row that fired; for a
 * decision without one (a custom policy's), from its target: serverless targets stay, the others jump.
 * @internal
 */
export function verdictOf(rules: readonly RuleOutcome[], target: PlacementTarget): Verdict {
  for (const r of rules) {
    const v = VERDICT_RULE_IDS[r.ruleId];
    if (v !== undefined && r.verdict === RuleVerdict.FIRED) {
      return v;
    }
  }
  return target === PlacementTarget.LAMBDA || target === PlacementTarget.LAMBDA_MANAGED_INSTANCES ? Verdict.STAY : Verdict.JUMP;
}
