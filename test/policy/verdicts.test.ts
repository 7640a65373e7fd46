/*
 * The seed article's four verdicts as rules: each boundary at and just past its threshold, the
 * "wait" guarantee over a generated corpus, and the verdict carried by the decision.
 */
import { corpusProfiles } from './equivalence-corpus';
import { GPU, rule, SPIKY_CPU } from './helpers';
import { PlacementPolicy, PlacementTarget, RuleKind, RuleVerdict, Verdict, WorkloadProfile } from '../../lib/policy';
import { RULES } from '../../lib/policy/rules';

const L = PlacementTarget.LAMBDA;
const K = PlacementTarget.KUBERNETES;
const H = PlacementTarget.HYBRID;
const M = PlacementTarget.LAMBDA_MANAGED_INSTANCES;
const policy = PlacementPolicy.default();

/** A CPU model whose sustained utilization is given outright (peak 100 rps). */
const cpuAt = (u: number, extra: Partial<WorkloadProfile> = {}): WorkloadProfile => ({
  memoryMiB: 16_384, // past Lambda's and Managed Instances' memory: Kubernetes or hybrid only
  requestDurationP50Ms: 80,
  averageRequestsPerSecond: 100 * u,
  peakRequestsPerSecond: 100,
  sustainedUtilization: u,
  ...extra,
});

describe('band.wait: 20-60% utilization without a Kubernetes team', () => {
  test.each([
    [0.2, RuleVerdict.FIRED, H],
    [0.199, RuleVerdict.PASSED, K],
    [0.6, RuleVerdict.FIRED, H],
    [0.601, RuleVerdict.PASSED, K],
  ])('at %s the rule is %s and the target %s', (u, verdict, target) => {
    const d = policy.decide(cpuAt(u));
    expect(rule(d, 'band.wait').verdict).toBe(verdict);
    expect(d.target).toBe(target);
    expect(d.verdict).toBe(target === H ? Verdict.WAIT : Verdict.JUMP);
  });

  test('a team that runs Kubernetes is not held back: plain Kubernetes, verdict jump', () => {
    const d = policy.decide(cpuAt(0.4, { teamRunsKubernetes: true }));
    expect(rule(d, 'band.wait').verdict).toBe(RuleVerdict.PASSED);
    expect(rule(d, 'band.wait').reason).toContain('the team runs Kubernetes');
    expect(d.target).toBe(K);
    expect(d.verdict).toBe(Verdict.JUMP);
  });

  test('moves off Kubernetes even when that costs more, and says what each option costs', () => {
    const d = policy.decide(cpuAt(0.4));
    const k = d.costs.find(c => c.option === 'kubernetes')!.monthlyUsd;
    expect(d.chosenCost!.monthlyUsd).toBeGreaterThan(k);
    expect(rule(d, 'band.wait').reason).toMatch(/not plain Kubernetes \(\$[\d,.]+\/mo, a cluster to run\), but the cheapest option that needs no cluster team, hybrid/);
  });

  test('a hard constraint that leaves only Kubernetes keeps it there, and the decision says the team will need one', () => {
    // a 20-minute p99 excludes Lambda, hybrid (its entry function) and Managed Instances
    const d = policy.decide(cpuAt(0.4, { requestDurationP99Ms: 1_200_000 }));
    expect(d.target).toBe(K);
    expect(rule(d, 'band.wait')).toMatchObject({ verdict: RuleVerdict.FIRED, favours: K });
    expect(rule(d, 'band.wait').reason).toMatch(/but constraint.duration, .* leave\(s\) no option without a cluster/);
    expect(rule(d, 'verdict.jump').reason).toContain('the team will need someone to run the cluster');
    expect(d.verdict).toBe(Verdict.JUMP);
  });

  test('the cost-optimized policy does not apply it (skipped, with the reason)', () => {
    const d = PlacementPolicy.costOptimized().decide(cpuAt(0.4));
    expect(rule(d, 'band.wait')).toMatchObject({ verdict: RuleVerdict.SKIPPED, reason: 'the cost-optimized policy does not apply the utilization bands' });
  });

  test('over a generated corpus, no default decision in the band without a team lands on plain Kubernetes unless every other target is excluded', () => {
    let inBand = 0;
    let forced = 0;
    for (const p of corpusProfiles(1500, 27)) {
      let d;
      try {
        d = policy.decide(p);
      } catch {
        continue; // a profile no target fits
      }
      const u = d.sustainedUtilization;
      if (u < 0.2 || u > 0.6 || p.teamRunsKubernetes) {
        continue;
      }
      inBand++;
      if (d.target === K) {
        forced++;
        // nothing without a cluster was feasible, and the decision says so
        expect(d.costs.filter(c => c.target !== K && c.feasible)).toEqual([]);
        expect(rule(d, 'band.wait').reason).toContain('the team will need someone to run the cluster');
      }
    }
    // the corpus reaches both branches
    expect(inBand).toBeGreaterThan(50);
    expect(forced).toBeGreaterThan(0);
    expect(forced).toBeLessThan(inBand);
  });
});

describe('constraint.isolation: a user-declared need for single-tenant hosts (avoid)', () => {
  test('excludes every target on shared serverless hosts and names the verdict avoid', () => {
    const d = policy.decide({ ...SPIKY_CPU, requiresSingleTenantHosts: true });
    expect(rule(d, 'constraint.isolation')).toMatchObject({ verdict: RuleVerdict.FIRED, excludes: [L, H, M] });
    expect(d.target).toBe(K);
    expect(d.verdict).toBe(Verdict.AVOID);
    expect(rule(d, 'verdict.avoid').verdict).toBe(RuleVerdict.FIRED);
    expect(rule(d, 'verdict.stay').verdict).toBe(RuleVerdict.SKIPPED);
  });

  test('false (the default) excludes nothing: the same spiky model stays on Lambda', () => {
    for (const p of [SPIKY_CPU, { ...SPIKY_CPU, requiresSingleTenantHosts: false }]) {
      const d = policy.decide(p);
      expect(rule(d, 'constraint.isolation').verdict).toBe(RuleVerdict.PASSED);
      expect(d.target).toBe(L);
      expect(d.verdict).toBe(Verdict.STAY);
    }
  });

  test('a fixed Lambda placement that violates it is refused by name', () => {
    expect(() => PlacementPolicy.fixed(L).decide({ ...SPIKY_CPU, requiresSingleTenantHosts: true }))
      .toThrow(/violates hard constraint constraint.isolation/);
  });

  test('a non-boolean is refused naming the field', () => {
    expect(() => policy.decide({ ...SPIKY_CPU, requiresSingleTenantHosts: 'yes' as unknown as boolean }))
      .toThrow("'profile.requiresSingleTenantHosts' must be true or false, got \"yes\"");
  });
});

describe('verdict.jump and verdict.stay', () => {
  test.each([
    [49.999, Verdict.JUMP, K],
    [50, Verdict.STAY, L],
  ])('a spiky CPU model with a jitter budget of %s µs: %s', (jitterBudgetMicros, verdict, target) => {
    const d = policy.decide({ ...SPIKY_CPU, jitterBudgetMicros });
    expect(d.target).toBe(target);
    expect(d.verdict).toBe(verdict);
  });

  test('a GPU model jumps and the verdict names the constraints that excluded serverless', () => {
    const d = policy.decide({ ...GPU, teamRunsKubernetes: true });
    expect(d.verdict).toBe(Verdict.JUMP);
    expect(rule(d, 'verdict.jump').reason).toMatch(/^jump to dedicated capacity \(kubernetes\): constraint.gpu, constraint.memory/);
  });

  test.each([
    // the article's four stay conditions, each at and just past its threshold
    [{ sustainedUtilization: 0.099 }, 'spiky (9.9%)'],
    [{ sustainedUtilization: 0.1 }, 'not spiky'],
    [{ requestDurationP99Ms: 999 }, 'short (p99 999 ms)'],
    [{ requestDurationP99Ms: 1000 }, 'not short'],
    [{ coldStartToleranceMs: 500 }, 'cold-start tolerant (500 ms)'],
  ])('stay names which of the article\'s conditions hold: %j', (extra, words) => {
    const d = PlacementPolicy.fixed(L).decide({ ...SPIKY_CPU, ...extra });
    expect(d.verdict).toBe(Verdict.STAY);
    expect(rule(d, 'verdict.stay').reason).toContain(words);
  });

  test('cold-start tolerance just under 500 ms is not tolerant', () => {
    const d = PlacementPolicy.fixed(L).decide({ ...SPIKY_CPU, coldStartToleranceMs: 499 });
    expect(rule(d, 'verdict.stay').reason).toMatch(/not [a-z, -]*cold-start tolerant/);
  });
});

describe('the verdict on the decision', () => {
  test('exactly one verdict row fires on every decision, and it is the decision\'s verdict', () => {
    for (const p of [SPIKY_CPU, cpuAt(0.4), cpuAt(0.8), { ...SPIKY_CPU, requiresSingleTenantHosts: true }]) {
      const d = policy.decide(p);
      const fired = d.rules.filter(r => r.kind === RuleKind.VERDICT && r.verdict === RuleVerdict.FIRED);
      expect(fired).toHaveLength(1);
      expect(fired[0].ruleId).toBe(`verdict.${d.verdict}`);
    }
  });

  test('is in the JSON, the summary line and the explanation', () => {
    const d = policy.decide(cpuAt(0.4));
    expect(d.toJson().verdict).toBe('wait');
    expect(d.summary()).toMatch(/^placed on hybrid by default \(wait\) /);
    expect(d.explain()).toContain('(policy: default, verdict: wait)');
  });

  test('a custom decision without verdict rows is named from its target', () => {
    const d = policy.decide(SPIKY_CPU);
    const rules = d.rules.filter(r => r.kind !== RuleKind.VERDICT);
    const { PlacementDecision } = jest.requireActual('../../lib/policy');
    expect(new PlacementDecision({ ...d.toJson(), rules, verdict: undefined }).verdict).toBe(Verdict.STAY);
    expect(new PlacementDecision({ ...d.toJson(), rules, verdict: undefined, target: K }).verdict).toBe(Verdict.JUMP);
  });

  test('each verdict row cites the article', () => {
    for (const r of RULES.filter(x => x.kind === RuleKind.VERDICT || x.id === 'band.wait' || x.id === 'constraint.isolation')) {
      expect(r.source).toMatch(/^article: "/);
    }
  });
});
