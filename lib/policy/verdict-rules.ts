import { PlacementTarget, RuleKind, RuleOutcome, RuleVerdict } from './decision-parts';
import { formatPercent, formatUsd } from './explain';
import { ARTICLE_THRESHOLDS } from './limits';
import { ChoiceContext, ChoiceRule, ConstraintRule, EngineMode } from './rule-types';
import { VERDICT_RULE_IDS } from './verdict';

/*
 * The seed article's four verdicts ("When to Stay, When to Jump", /work/shared/seed/): the rows that
 * make them decisions (the isolation constraint for "avoid", the wait band for "wait") and the rows
 * that name the verdict of the chosen target, evaluated last. rules.ts places each row in the table.
 */

const L = PlacementTarget.LAMBDA;
const K = PlacementTarget.KUBERNETES;
const H = PlacementTarget.HYBRID;
const M = PlacementTarget.LAMBDA_MANAGED_INSTANCES;
const A = ARTICLE_THRESHOLDS;
const BAND = `${formatPercent(A.hybridBandMin)}-${formatPercent(A.hybridBandMax)}`;
/** The options that need no team of one's own to run a cluster, in the order the wait band prefers them at equal cost. */
const NO_CLUSTER_TEAM: readonly PlacementTarget[] = [H, M, L];
const BOTH_MODES = [EngineMode.RULES, EngineMode.COST] as const;

/** Whether a utilization is in the article's middle band (both ends included). */
export function inWaitBand(u: number): boolean {
  return u >= A.hybridBandMin && u <= A.hybridBandMax;
}

/** "Avoid entirely": a user-declared need for single-tenant hosts removes every target on shared serverless hosts. */
export const ISOLATION_RULE: ConstraintRule = {
  id: 'constraint.isolation',
  kind: RuleKind.CONSTRAINT,
  excludes: [L, H, M],
  blocksLambdaOverflow: true,
  condition: 'requiresSingleTenantHosts is true',
  threshold: 'single-tenant hosts required',
  source: 'article: "Avoid entirely when you need PCI DSS Level 4 compliance and SOC2 Type II: bare metal offers better audit trails than shared infrastructure"; '
    + 'the requirement is the user\'s own: AWS Lambda is in scope of AWS\'s PCI DSS and SOC reports (https://aws.amazon.com/compliance/services-in-scope/); '
    + 'Lambda runs execution environments of many customers on shared workers, isolated by Firecracker microVMs '
    + '(https://docs.aws.amazon.com/whitepapers/latest/security-overview-aws-lambda/lambda-isolation-technologies.html; firecracker-microvm/firecracker docs/design.md: '
    + '"Firecracker can safely run workloads from different customers on the same machine"); its TenancyConfig isolates the application\'s tenants, not hosts; '
    + 'a Managed Instances capacity provider has no tenancy setting (aws-cdk-lib 2.262 CapacityProviderProps)',
  evaluate: ({ p }) => p.requiresSingleTenantHosts
    ? { fired: true, reason: 'the profile requires single-tenant hosts; Lambda, the hybrid\'s Lambda entry point and Lambda Managed Instances run on hosts Lambda chooses' }
    : { fired: false, reason: 'no single-tenant hosts required' },
};

/**
 * "Wait when you're in the middle, 20-60% utilization, don't have dedicated DevOps team": no plain
 * Kubernetes for a team without one, unless a hard constraint leaves nothing else.
 */
export const WAIT_BAND: ChoiceRule = {
  id: 'band.wait',
  kind: RuleKind.BAND,
  modes: [EngineMode.RULES],
  skippedReason: 'the cost-optimized policy does not apply the utilization bands',
  condition: `sustained utilization in ${BAND}, the team does not run Kubernetes, and the current choice is plain Kubernetes: `
    + 'the cheapest feasible option that needs no cluster team (hybrid, Lambda Managed Instances, Lambda), whatever it costs',
  threshold: `${BAND} without a Kubernetes team`,
  source: 'article: "Wait when: You\'re in the middle, 20-60% utilization, don\'t have dedicated DevOps team. Consider hybrid: serverless API + managed Kubernetes pools."',
  evaluate: ({ p, current, feasible, cost, usd }: ChoiceContext) => {
    const u = p.sustainedUtilization;
    if (!inWaitBand(u)) {
      return { verdict: RuleVerdict.PASSED, reason: () => `sustained utilization ${formatPercent(u)} is outside ${BAND}` };
    }
    if (p.teamRunsKubernetes) {
      return { verdict: RuleVerdict.PASSED, reason: () => `sustained utilization ${formatPercent(u)} is in ${BAND}, but the team runs Kubernetes` };
    }
    if (current !== K) {
      return {
        verdict: RuleVerdict.PASSED,
        reason: () => `sustained utilization ${formatPercent(u)} is in ${BAND} without a Kubernetes team, and ${current} needs no team of its own to run a cluster`,
      };
    }
    const candidates = NO_CLUSTER_TEAM.filter(feasible);
    if (candidates.length === 0) {
      const by = [...new Set(NO_CLUSTER_TEAM.flatMap(t => cost(t)?.excludedBy ?? []))];
      return {
        verdict: RuleVerdict.FIRED,
        favours: K,
        reason: () => `sustained utilization ${formatPercent(u)} is in ${BAND} without a Kubernetes team, but ${by.length > 0 ? by.join(', ') : 'the price table'} `
          + 'leave(s) no option without a cluster (hybrid, Lambda Managed Instances, Lambda): plain Kubernetes, and the team will need someone to run the cluster '
          + '(or a managed one, such as EKS Auto Mode)',
      };
    }
    let best = candidates[0];
    for (const t of candidates.slice(1)) {
      if (usd(t) < usd(best)) {
        best = t;
      }
    }
    return {
      verdict: RuleVerdict.FIRED,
      favours: best,
      choose: best,
      reason: () => `sustained utilization ${formatPercent(u)} is in ${BAND} and the team does not run Kubernetes: not plain Kubernetes (${formatUsd(usd(K))}/mo, `
        + `a cluster to run), but the cheapest option that needs no cluster team, ${best} ${formatUsd(usd(best))}/mo`
        + `${candidates.length > 1 ? ` (of ${candidates.map(t => `${t} ${formatUsd(usd(t))}/mo`).join(', ')})` : ''}`,
    };
  },
};

/** The outcome of a constraint that fired, if it did. */
function firedConstraint(outcomes: readonly { ruleId: string; verdict: RuleVerdict }[], id: string): boolean {
  return outcomes.some(o => o.ruleId === id && o.verdict === RuleVerdict.FIRED);
}

/** The verdict row that already named the verdict, if any. */
function named(outcomes: readonly Pick<RuleOutcome, 'ruleId' | 'verdict'>[]): string | undefined {
  return outcomes.find(o => o.verdict === RuleVerdict.FIRED && VERDICT_RULE_IDS[o.ruleId] !== undefined)?.ruleId;
}

/** The constraints that fired and excluded a serverless target (what makes a placement a jump). */
function jumpConstraints(outcomes: readonly Pick<RuleOutcome, 'kind' | 'verdict' | 'excludes' | 'ruleId'>[]): string[] {
  return outcomes
    .filter(o => o.kind === RuleKind.CONSTRAINT && o.verdict === RuleVerdict.FIRED && (o.excludes ?? []).some(t => t === L || t === M))
    .map(o => o.ruleId);
}

/** A verdict row: evaluated in table order after every choice; the first that fires names the decision's verdict. */
function verdictRow(
  id: string, condition: string, threshold: string, source: string,
  test: (ctx: ChoiceContext) => { fired: boolean; reason: () => string },
): ChoiceRule {
  return {
    id,
    kind: RuleKind.VERDICT,
    modes: BOTH_MODES,
    condition,
    threshold,
    source,
    evaluate: ctx => {
      const earlier = named(ctx.outcomes);
      if (earlier !== undefined) {
        return { verdict: RuleVerdict.SKIPPED, threshold: null, reason: `the verdict is named by ${earlier}` };
      }
      const r = test(ctx);
      return { verdict: r.fired ? RuleVerdict.FIRED : RuleVerdict.PASSED, reason: r.reason };
    },
  };
}

/** The rows that name the verdict, in precedence order: avoid, wait, jump, stay (one of the last two always fires). */
export const VERDICT_ROWS: readonly ChoiceRule[] = [
  verdictRow('verdict.avoid', 'constraint.isolation fired', 'single-tenant hosts required',
    'article: "Avoid entirely when you need PCI DSS Level 4 compliance and SOC2 Type II"',
    ({ outcomes }) => firedConstraint(outcomes, ISOLATION_RULE.id)
      ? { fired: true, reason: () => 'avoid shared serverless hosts: the profile requires single-tenant hosts, so only Kubernetes remains (its nodes\' tenancy is the cluster\'s: see README.md, "Verdicts")' }
      : { fired: false, reason: () => 'no single-tenant hosts required' }),
  verdictRow('verdict.wait', `sustained utilization in ${BAND}, no Kubernetes team, and a target that needs no cluster team`, `${BAND} without a Kubernetes team`,
    'article: "Wait when: You\'re in the middle, 20-60% utilization, don\'t have dedicated DevOps team. Consider hybrid: serverless API + managed Kubernetes pools."',
    ({ p, current }) => {
      const u = p.sustainedUtilization;
      if (!inWaitBand(u) || p.teamRunsKubernetes) {
        return { fired: false, reason: () => `sustained utilization ${formatPercent(u)}${inWaitBand(u) ? ' is in the band, but the team runs Kubernetes' : ` is outside ${BAND}`}` };
      }
      if (current === K) {
        return { fired: false, reason: () => `sustained utilization ${formatPercent(u)} is in ${BAND} without a Kubernetes team, but the placement is plain Kubernetes` };
      }
      const what = current === H ? 'hybrid: a serverless entry point in front of a managed pool (the article\'s "serverless API + managed Kubernetes pools")' : `${current} needs no cluster`;
      return { fired: true, reason: () => `wait: sustained utilization ${formatPercent(u)} is in ${BAND} and the team does not run Kubernetes; ${what}` };
    }),
  verdictRow('verdict.jump', 'the target is Kubernetes or hybrid (dedicated capacity)', 'dedicated capacity',
    'article: "Jump to bare metal when: GPU/TPU model serving; High-throughput data pipelines; Low-latency financial trading (<50μs jitter); Stateful applications with local caching requirements"',
    ({ p, current, outcomes }) => {
      if (current !== K && current !== H) {
        return { fired: false, reason: () => `${current} is serverless` };
      }
      const by = jumpConstraints(outcomes);
      const why = by.length > 0 ? `${by.join(', ')} exclude(s) serverless` : 'dedicated capacity is the policy\'s choice on cost';
      const team = current === K && inWaitBand(p.sustainedUtilization) && !p.teamRunsKubernetes
        ? `; in ${BAND} without a Kubernetes team, so the team will need someone to run the cluster (or a managed one, such as EKS Auto Mode)`
        : '';
      return { fired: true, reason: () => `jump to dedicated capacity (${current}): ${why}${team}` };
    }),
  verdictRow('verdict.stay', 'the target is Lambda or Lambda Managed Instances (serverless)', `< ${formatPercent(A.spikyUtilization)}; < 1 s; stateless; >= ${A.coldStartToleranceMs} ms`,
    'article: "Stay with serverless when: Traffic is spiky (<10% sustained utilization); Functions are stateless and trivial (<1s runtime); Cold start tolerance is 500ms+"',
    ({ p, current }) => {
      const conditions: Array<[boolean, string, string]> = [
        [p.sustainedUtilization < A.spikyUtilization, `spiky (${formatPercent(p.sustainedUtilization)})`, 'spiky'],
        [p.nodeLocalStateGiB === 0, 'stateless', 'stateless'],
        [p.requestDurationP99Ms < A.stayMaxDurationMs, `short (p99 ${p.requestDurationP99Ms} ms)`, 'short'],
        [p.coldStartToleranceMs >= A.coldStartToleranceMs, `cold-start tolerant (${p.coldStartToleranceMs} ms)`, 'cold-start tolerant'],
      ];
      const held = conditions.filter(c => c[0]).map(c => c[1]);
      const missing = conditions.filter(c => !c[0]).map(c => c[2]);
      return {
        fired: current === L || current === M,
        reason: () => `stay serverless (${current})${held.length > 0 ? `: ${held.join(', ')}` : ''}`
          + `${missing.length > 0 ? `; not ${missing.join(', ')}, but the cost model keeps it serverless` : ''}`,
      };
    }),
];
