import { corpusPolicies, corpusProfiles } from './equivalence-corpus';
import { prng } from '../../bench/policy-bench';
import {
  CpuArchitecture, IPlacementPolicy, PlacementDecision, PlacementPolicy, PlacementTarget, RuleKind, RuleVerdict, WorkloadProfile,
} from '../../lib/policy';

/*
 * A decision is a complete value, priced once: every option's monthly cost is the sum of the line
 * items it prints, and the cost curve is the options' own prices at other utilizations.
 */

/** Profile i of the corpus with the policy the corpus gives it; undefined when the profile fits no target. */
function decideOrSkip(policy: IPlacementPolicy, profile: WorkloadProfile): PlacementDecision | undefined {
  try {
    return policy.decide(profile);
  } catch (e) {
    // a profile that fits no target, or a fixed target its constraints exclude: the message says so
    expect((e as Error).message).toMatch(/^'profile' must fit at least one target|^'policy' PlacementPolicy\.fixed\(.*\) violates hard constraint/);
    return undefined;
  }
}

const cents = (x: number) => Math.round(x * 100);

describe('2,000 generated profiles', () => {
  const policies = corpusPolicies();
  const profiles = corpusProfiles(2_000, 5);
  const decided = profiles.map((profile, i) => {
    const policy = policies[i % policies.length];
    return { profile, policy, decision: decideOrSkip(policy, profile) };
  });

  test('most profiles are placed, on every target', () => {
    const placed = decided.filter(d => d.decision !== undefined);
    expect(placed.length).toBeGreaterThan(1_500);
    expect(new Set(placed.map(d => d.decision!.target))).toEqual(new Set(Object.values(PlacementTarget)));
  });

  test('every option costs the sum of its printed line items, to the cent', () => {
    let options = 0;
    for (const { decision } of decided) {
      for (const c of decision?.costs ?? []) {
        // plain checks (not one expect per item: there are some 30,000 items), each naming what failed
        if (c.lineItems.length === 0) {
          throw new Error(`${c.option} has no line items`);
        }
        for (const i of c.lineItems) {
          // each item is in cents, with the text of how it was computed
          if (!Number.isFinite(i.monthlyUsd) || Math.abs(cents(i.monthlyUsd) - i.monthlyUsd * 100) > 1e-6 * Math.max(1, i.monthlyUsd) || i.basis === '') {
            throw new Error(`${c.option}: line item ${JSON.stringify(i)} is not a finite amount in cents with a basis`);
          }
        }
        const sum = c.lineItems.reduce((s, i) => s + cents(i.monthlyUsd), 0);
        if (sum !== cents(c.monthlyUsd)) {
          throw new Error(`${c.option} costs ${c.monthlyUsd} but its line items add up to ${sum / 100}`);
        }
        options++;
      }
    }
    expect(options).toBeGreaterThan(7_000);
  });

  test('the chosen option is feasible, of the target, and the one the decision reports', () => {
    for (const { decision: d } of decided) {
      if (d === undefined) {
        continue;
      }
      const chosen = d.chosenCost!;
      expect(chosen.feasible).toBe(true);
      expect(chosen.target).toBe(d.target);
      expect(d.costs).toContain(chosen);
    }
  });

  test('each point of the cost curve is the option priced at that utilization', () => {
    // one utilization of the curve per profile (seeded): the same profile decided at that
    // utilization prices each option at what the curve shows
    const r = prng(20261207);
    let compared = 0;
    for (const { profile, policy, decision } of decided) {
      if (decision === undefined) {
        continue;
      }
      const u = (1 + Math.floor(r() * 20)) / 20; // 5%, 10%, ... 100%
      const at = decideOrSkip(policy, { ...profile, sustainedUtilization: u });
      if (at === undefined) {
        continue;
      }
      for (const c of at.costs) {
        const point = decision.costCurve!.find(x => x.option === c.option && x.utilization === u);
        if (point === undefined) {
          throw new Error(`the cost curve has no point for ${c.option} at ${u}`);
        }
        if (c.option === 'lambda-managed-instances' && instanceOf(c.lineItems[0].basis) !== instanceOf(decision.costs.find(x => x.option === c.option)!.lineItems[0].basis)) {
          continue; // the curve keeps the instance type chosen at the workload's utilization; another utilization may choose another
        }
        if (cents(point.monthlyUsd) !== cents(c.monthlyUsd)) {
          throw new Error(`${c.option} at ${u}: the curve shows ${point.monthlyUsd}, priced at that utilization it costs ${c.monthlyUsd}`);
        }
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(5_000);
  });
});

/** The instance type of a Managed Instances floor line item ("3 x m7g.large (...)"). */
function instanceOf(basis: string): string {
  return /^\d+ x (\S+) \(/.exec(basis)![1];
}

describe('a decision is a plain value', () => {
  const d = PlacementPolicy.default().decide(corpusProfiles(1, 3)[0]);

  test('JSON.stringify writes every part, and a copy from its JSON or a spread is the same decision', () => {
    expect(JSON.parse(JSON.stringify(d))).toEqual(d.toJson());
    expect(d.toJson().rules.length).toBeGreaterThan(0);
    expect(new PlacementDecision({ ...d.toJson(), policyName: 'wrapped' }).toJson()).toEqual({ ...d.toJson(), policyName: 'wrapped' });
    expect(new PlacementDecision({ ...d }).toJson()).toEqual(d.toJson());
  });

  test('it records the resolved profile and which fields the policy assumed', () => {
    const given: WorkloadProfile = { memoryMiB: 2048, requestDurationP50Ms: 80, averageRequestsPerSecond: 2, architecture: CpuArchitecture.ARM64 };
    const decision = PlacementPolicy.default().decide(given);
    expect(decision.profile).toMatchObject({ ...given, imageSizeGiB: 1, coldStartToleranceMs: 1000 });
    expect(decision.assumedProfileFields).toEqual(expect.arrayContaining(['imageSizeGiB', 'coldStartToleranceMs', 'peakRequestsPerSecond']));
    expect(decision.assumedProfileFields).not.toContain('memoryMiB');
    expect(decision.assumedProfileFields).not.toContain('architecture');
    // peak concurrency: peak rps (the average, by default) x p50
    expect(decision.peakConcurrency).toBeCloseTo(2 * 0.08, 9);
  });

  test('a decision built from props returns them as given', () => {
    const rules = [{ ruleId: 'x.y', kind: RuleKind.ECONOMICS, verdict: RuleVerdict.FIRED, reason: 'because' }];
    const costs = [{ option: 'kubernetes', target: PlacementTarget.KUBERNETES, monthlyUsd: 10, lineItems: [], feasible: true }];
    const built = new PlacementDecision({
      target: PlacementTarget.KUBERNETES,
      policyName: 'mine',
      rules,
      costs,
      breakEvenUtilization: 0.25,
      breakEvens: [{ versus: 'lambda-provisioned', utilization: 0.5 }],
      sustainedUtilization: 0.3,
      priceTable: PlacementPolicy.default().priceTable.reference,
    });
    expect(built.rules).toBe(rules);
    expect(built.costs).toBe(costs);
    expect(built.breakEvenUtilization).toBe(0.25);
    expect(built.breakEvens).toEqual([{ versus: 'lambda-provisioned', utilization: 0.5 }]);
    expect(built.costCurve).toBeUndefined();
    expect(built.profile).toBeUndefined();
    expect(built.assumedProfileFields).toEqual([]);
    expect(built.toJson().rules).toEqual(rules);
  });

  test('a custom policy\'s sizing gets the facts the renderers read filled in', () => {
    const decided = PlacementPolicy.fixed(PlacementTarget.HYBRID).decide(corpusProfiles(1, 3)[0]);
    const { modelSizeGiB, nodeLocalStateGiB, sharedMemoryMiB, terminationGracePeriodSeconds, ...kubernetes } = decided.kubernetes!;
    const { timeBudget, ...hybrid } = decided.hybrid!;
    const custom = new PlacementDecision({ ...decided.toJson(), kubernetes, hybrid });
    expect(custom.kubernetes!.modelSizeGiB).toBe(kubernetes.memoryMiB / 2048);
    expect(custom.kubernetes!.nodeLocalStateGiB).toBe(0);
    expect(custom.kubernetes!.terminationGracePeriodSeconds).toBe(30);
    const quarter = Math.floor(kubernetes.memoryMiB / 4);
    expect(custom.kubernetes!.sharedMemoryMiB).toBe(Math.min(16_384, Math.max(1024, quarter), Math.floor(kubernetes.memoryMiB / 2)));
    // the time budget: the control plane's timeout is the data-plane deadline
    expect(custom.hybrid!.timeBudget!.dataPlaneDeadlineMs).toBe(decided.lambda!.timeoutSeconds * 1000);
    expect(timeBudget).toBeDefined();
    expect([modelSizeGiB, nodeLocalStateGiB, sharedMemoryMiB, terminationGracePeriodSeconds].every(x => typeof x === 'number')).toBe(true);
  });
});
