import { corpusPolicies, corpusProfiles } from './equivalence-corpus';
import { PlacementDecision, PlacementPolicy, PlacementTarget, RuleKind, RuleVerdict } from '../../lib/policy';
import * as decisionModule from '../../lib/policy/decision';

/*
 * `decide()` computes the target and the sizing; what explains the decision (the rules' sentences,
 * the line items, the break-evens, the cost curve) is computed when first read. These tests pin
 * both halves: nothing textual is written by `decide()`, and the order in which the parts are read
 * never changes them.
 */

function decideAll(n: number) {
  const policies = corpusPolicies();
  const out: Array<() => PlacementDecision> = [];
  corpusProfiles(n, 11).forEach((p, i) => {
    const policy = policies[i % policies.length];
    out.push(() => policy.decide(p));
  });
  return out;
}

function tryDecide(f: () => PlacementDecision): PlacementDecision | undefined {
  try {
    return f();
  } catch {
    return undefined; // an infeasible profile: the error is pinned by the digest test
  }
}

describe('a decision explains itself on first read', () => {
  afterEach(() => jest.restoreAllMocks());

  test('decide() formats no money or percentage until the rules or costs are read', () => {
    const usd = jest.spyOn(decisionModule, 'formatUsd');
    const percent = jest.spyOn(decisionModule, 'formatPercent');
    const decisions = decideAll(300).map(tryDecide).filter((d): d is PlacementDecision => d !== undefined);
    expect(decisions.length).toBeGreaterThan(200);
    expect(new Set(decisions.map(d => d.target)).size).toBeGreaterThanOrEqual(3);
    expect(usd).not.toHaveBeenCalled();
    expect(percent).not.toHaveBeenCalled();
    for (const d of decisions) {
      void d.rules;
    }
    // every decision has at least one economics or band rule whose sentence carries money or a percentage
    expect(usd.mock.calls.length + percent.mock.calls.length).toBeGreaterThan(decisions.length);
  });

  test('the order in which the parts are read does not change them', () => {
    for (const f of decideAll(400)) {
      const a = tryDecide(f);
      const b = tryDecide(f);
      if (a === undefined || b === undefined) {
        expect(a).toBe(b);
        continue;
      }
      // b: the parts in reverse order, each twice (the second read is the kept value)
      const curve = b.costCurve;
      const managed = b.managedInstancesBreakEven;
      const breakEven = b.breakEvenUtilization;
      const costs = b.costs;
      const rules = b.rules;
      expect(b.costCurve).toBe(curve);
      expect(b.managedInstancesBreakEven).toBe(managed);
      expect(b.breakEvenUtilization).toBe(breakEven);
      expect(b.costs).toBe(costs);
      expect(b.rules).toBe(rules);
      expect(b.toJson()).toEqual(a.toJson());
      expect(b.explain()).toBe(a.explain());
    }
  });

  test('the prices the choice used are the prices the decision reports', () => {
    for (const f of decideAll(300)) {
      const d = tryDecide(f);
      if (d === undefined) {
        continue;
      }
      const chosen = d.chosenCost!;
      expect(chosen.feasible).toBe(true);
      expect(chosen.target).toBe(d.target);
      // line items add up to the total, to the cent
      const sum = Math.round(chosen.lineItems.reduce((s, i) => s + i.monthlyUsd, 0) * 100) / 100;
      expect(sum).toBeCloseTo(chosen.monthlyUsd, 2);
      expect(chosen.lineItems.every(i => i.basis.length > 0)).toBe(true);
    }
  });

  test('a spread copy is refused with a way to copy it, and JSON.stringify writes every part', () => {
    const d = PlacementPolicy.default().decide(corpusProfiles(1, 3)[0]);
    expect(() => new PlacementDecision({ ...d, policyName: 'wrapped' } as any))
      .toThrow(/^'rules' must be an array of the decision's rule outcomes, got undefined; to copy a decision, pass its parts/);
    const copy = new PlacementDecision({ ...d.toJson(), policyName: 'wrapped' });
    expect(copy.toJson()).toEqual({ ...d.toJson(), policyName: 'wrapped' });
    expect(JSON.parse(JSON.stringify(d))).toEqual(d.toJson());
    expect(JSON.parse(JSON.stringify(d)).rules.length).toBeGreaterThan(0);
  });

  test('a decision built from props returns them as given', () => {
    const rules = [{ ruleId: 'x.y', kind: RuleKind.ECONOMICS, verdict: RuleVerdict.FIRED, reason: 'because' }];
    const costs = [{ option: 'kubernetes', target: PlacementTarget.KUBERNETES, monthlyUsd: 10, lineItems: [], feasible: true }];
    const d = new PlacementDecision({
      target: PlacementTarget.KUBERNETES,
      policyName: 'mine',
      rules,
      costs,
      breakEvenUtilization: 0.25,
      managedInstancesBreakEven: { versusLambda: 0.5 },
      sustainedUtilization: 0.3,
      priceTable: PlacementPolicy.default().priceTable.reference,
    });
    expect(d.rules).toBe(rules);
    expect(d.costs).toBe(costs);
    expect(d.breakEvenUtilization).toBe(0.25);
    expect(d.managedInstancesBreakEven).toEqual({ versusLambda: 0.5 });
    expect(d.costCurve).toBeUndefined();
    expect(d.toJson().rules).toEqual(rules);
  });
});
