import { managedEnvironmentMemoryMiB, managedInstancesBurstFloor, peakConcurrency } from './cost';
import { formatPercent, formatUsd, PlacementTarget, RuleKind, RuleVerdict } from './decision';
import { ARTICLE_THRESHOLDS, LAMBDA_LIMITS, MANAGED_INSTANCES_LIMITS, OPTION } from './limits';
import { EngineMode, PolicyRule, reasonText } from './rule-types';
import { SERVERLESS_GPU_CHOICES, SERVERLESS_GPU_CONSTRAINTS } from './rules-serverless-gpu';
import { ISOLATION_RULE, VERDICT_ROWS, WAIT_BAND } from './verdict-rules';
import { InferenceWorkloadValidationError } from '../errors';
import { groupIntegerPart } from '../private/numbers';

/*
 * Every rule of the placement policy, in evaluation order. Constraints remove targets (or options)
 * that cannot run the workload; economics rules and bands then choose among the feasible targets;
 * the override applies `PlacementPolicy.fixed`. Adding a rule is one row here plus its boundary
 * tests: the pipeline only reads the rows' fields and results.
 */

const L = PlacementTarget.LAMBDA;
const K = PlacementTarget.KUBERNETES;
const H = PlacementTarget.HYBRID;
const M = PlacementTarget.LAMBDA_MANAGED_INSTANCES;
const MI = MANAGED_INSTANCES_LIMITS;


/** Formats a number with thousands separators and at most three decimals (locale-independent, fast). */
function n(x: number): string {
  return groupIntegerPart(String(Math.round(x * 1000) / 1000));
}

const BOTH_MODES = [EngineMode.RULES, EngineMode.COST] as const;
const SPIKY = ARTICLE_THRESHOLDS.spikyUtilization;
const BAND_LO = ARTICLE_THRESHOLDS.hybridBandMin;
const BAND_HI = ARTICLE_THRESHOLDS.hybridBandMax;
const NO_BANDS = 'the cost-optimized policy does not apply the utilization bands';

/** Every rule, in evaluation order (constraints first). Ids are a contract. */
export const RULES: readonly PolicyRule[] = [
  {
    id: 'constraint.gpu',
    kind: RuleKind.CONSTRAINT,
    excludes: [L],
    blocksLambdaOverflow: false, // the overflow function runs the model on CPU
    condition: 'gpuCount > 0',
    threshold: '0 GPUs',
    source: 'AWS Lambda has no GPU; article: "GPU/TPU model serving" jumps to dedicated',
    evaluate: ({ p }) => p.gpuCount > 0
      ? { fired: true, reason: () => `needs ${p.gpuCount} GPU(s) with ${n(p.gpuMemoryGiB)} GiB each; Lambda has no GPU` }
      : { fired: false, reason: 'CPU only (0 GPUs)' },
  },
  {
    id: 'constraint.memory',
    kind: RuleKind.CONSTRAINT,
    excludes: [L],
    blocksLambdaOverflow: true,
    condition: 'memoryMiB > 10,240',
    threshold: '10,240 MiB',
    source: 'AWS Lambda quota (function memory 128-10,240 MB); article: "Lambda\'s 10GB memory cap"',
    evaluate: ({ p }) => p.memoryMiB > LAMBDA_LIMITS.maxMemoryMiB
      ? { fired: true, reason: () => `needs ${n(p.memoryMiB)} MiB; Lambda allows at most ${n(LAMBDA_LIMITS.maxMemoryMiB)} MiB` }
      : { fired: false, reason: () => `${n(p.memoryMiB)} MiB fits Lambda's ${n(LAMBDA_LIMITS.maxMemoryMiB)} MiB` },
  },
  {
    id: 'constraint.duration',
    kind: RuleKind.CONSTRAINT,
    excludes: [L, H, M],
    blocksLambdaOverflow: true,
    condition: 'requestDurationP99Ms > 900,000',
    threshold: '900 s',
    source: 'AWS Lambda quota (timeout 900 s, Managed Instances included); the hybrid entry function waits for the answer, so it is bound too',
    evaluate: ({ p }) => p.requestDurationP99Ms > LAMBDA_LIMITS.maxTimeoutSeconds * 1000
      ? { fired: true, reason: () => `p99 request takes ${n(p.requestDurationP99Ms / 1000)} s; Lambda (and a hybrid's Lambda entry point) stops at ${LAMBDA_LIMITS.maxTimeoutSeconds} s` }
      : { fired: false, reason: () => `p99 ${n(p.requestDurationP99Ms)} ms is within Lambda's ${LAMBDA_LIMITS.maxTimeoutSeconds} s` },
  },
  {
    id: 'constraint.image-size',
    kind: RuleKind.CONSTRAINT,
    excludes: [L, M],
    blocksLambdaOverflow: true,
    condition: 'imageSizeGiB > 10',
    threshold: '10 GiB',
    source: 'AWS Lambda quota (container image 10 GB uncompressed, Managed Instances included)',
    evaluate: ({ p }) => p.imageSizeGiB > LAMBDA_LIMITS.maxImageSizeGiB
      ? { fired: true, reason: () => `image is ${n(p.imageSizeGiB)} GiB; Lambda container images are limited to ${LAMBDA_LIMITS.maxImageSizeGiB} GiB` }
      : { fired: false, reason: () => `image ${n(p.imageSizeGiB)} GiB fits Lambda's ${LAMBDA_LIMITS.maxImageSizeGiB} GiB` },
  },
  {
    id: 'constraint.payload',
    kind: RuleKind.CONSTRAINT,
    excludes: [L, H, M],
    blocksLambdaOverflow: true,
    condition: 'requestPayloadKiB > 6,144',
    threshold: '6 MiB (6,144 KiB)',
    source: 'AWS Lambda quota (synchronous invocation payload 6 MB, Managed Instances included: same Invoke API); the hybrid entry point is a synchronous Lambda',
    evaluate: ({ p }) => p.requestPayloadKiB > LAMBDA_LIMITS.maxSyncPayloadKiB
      ? { fired: true, reason: () => `request payload is ${n(p.requestPayloadKiB)} KiB; synchronous Lambda invocations accept at most ${n(LAMBDA_LIMITS.maxSyncPayloadKiB)} KiB` }
      : { fired: false, reason: () => `payload ${n(p.requestPayloadKiB)} KiB is within Lambda's ${n(LAMBDA_LIMITS.maxSyncPayloadKiB)} KiB` },
  },
  {
    id: 'constraint.jitter',
    kind: RuleKind.CONSTRAINT,
    excludes: [L, H, M],
    blocksLambdaOverflow: true,
    condition: 'jitterBudgetMicros < 50',
    threshold: '50 µs',
    source: 'article: "Low-latency financial trading (<50μs jitter)" jumps to dedicated; a serverless hop adds milliseconds',
    evaluate: ({ p }) => p.jitterBudgetMicros !== undefined && p.jitterBudgetMicros < ARTICLE_THRESHOLDS.jitterMicros
      ? { fired: true, reason: () => `jitter budget is ${n(p.jitterBudgetMicros!)} µs; anything under ${ARTICLE_THRESHOLDS.jitterMicros} µs needs dedicated, always-warm capacity with no serverless hop` }
      : { fired: false, reason: () => p.jitterBudgetMicros === undefined ? 'no jitter budget' : `jitter budget ${n(p.jitterBudgetMicros)} µs is at least ${ARTICLE_THRESHOLDS.jitterMicros} µs` },
  },
  {
    id: 'constraint.node-local-state',
    kind: RuleKind.CONSTRAINT,
    excludes: [L, M],
    blocksLambdaOverflow: true,
    condition: 'nodeLocalStateGiB > 0',
    threshold: '0 GiB',
    source: 'article: "Stateful applications with local caching requirements"; local cache 5 µs vs cross-AZ 500 µs; Lambda Managed Instances choose the instance of each environment too',
    evaluate: ({ p }) => p.nodeLocalStateGiB > 0
      ? { fired: true, reason: () => `keeps ${n(p.nodeLocalStateGiB)} GiB of node-local state next to the model; Lambda environments are placed on random hosts and share nothing` }
      : { fired: false, reason: 'stateless (0 GiB node-local state)' },
  },
  {
    id: 'constraint.cold-start',
    kind: RuleKind.CONSTRAINT,
    excludes: [L],
    blocksLambdaOverflow: true, // no request may land on a cold environment, so no Lambda tail either
    condition: 'coldStartToleranceMs < 500 (and the warm peak needs > 900 environments to exclude Lambda)',
    threshold: '500 ms; 900 provisioned environments',
    source: 'article: cold starts 200 ms-1 s, "Cold start tolerance is 500ms+" to stay serverless; AWS Lambda concurrency quota (1,000, 100 unreserved)',
    evaluate: ({ p, warmPeakEnvironments }) => {
      if (p.coldStartToleranceMs >= ARTICLE_THRESHOLDS.coldStartToleranceMs) {
        return { fired: false, reason: () => `cold-start tolerance ${n(p.coldStartToleranceMs)} ms is at least ${ARTICLE_THRESHOLDS.coldStartToleranceMs} ms` };
      }
      if (warmPeakEnvironments > LAMBDA_LIMITS.maxProvisionedConcurrency) {
        return {
          fired: true,
          pinProvisionedConcurrency: warmPeakEnvironments,
          reason: () => `cold-start tolerance ${n(p.coldStartToleranceMs)} ms is under Lambda's ${ARTICLE_THRESHOLDS.coldStartToleranceMs} ms and holding the peak warm needs ${n(warmPeakEnvironments)} environments, over the ${LAMBDA_LIMITS.maxProvisionedConcurrency} provisioned concurrency allows`,
        };
      }
      return {
        fired: true,
        excludes: [],
        excludesOptions: [OPTION.LAMBDA_ON_DEMAND],
        pinProvisionedConcurrency: warmPeakEnvironments,
        reason: () => `cold-start tolerance ${n(p.coldStartToleranceMs)} ms is under Lambda's ${ARTICLE_THRESHOLDS.coldStartToleranceMs} ms, so no traffic may spill past provisioned concurrency: Lambda must keep all ${n(warmPeakEnvironments)} peak environments warm`,
      };
    },
  },
  {
    id: 'constraint.instance-fit',
    kind: RuleKind.CONSTRAINT,
    excludes: [K, H],
    blocksLambdaOverflow: false,
    condition: 'no instance type in the price table fits one pod',
    threshold: 'price table catalog',
    source: 'the price table\'s GPU and CPU node catalog',
    evaluate: ({ p, node }) => node === undefined
      ? { fired: true, reason: () => `no instance type in the price table fits one pod (${p.gpuCount} GPU(s) x ${n(p.gpuMemoryGiB)} GiB${p.gpuFamily ? ` ${p.gpuFamily}` : ''}, ${n(p.memoryMiB)} MiB${p.nodeLocalStateGiB > 0 ? ` + ${n(p.nodeLocalStateGiB)} GiB node-local state` : ''}, ${p.architecture})` }
      : { fired: false, reason: () => `one pod fits a ${node.instanceType}` },
  },
  ...SERVERLESS_GPU_CONSTRAINTS,
  {
    id: 'constraint.managed-instances-memory',
    kind: RuleKind.CONSTRAINT,
    excludes: [M],
    blocksLambdaOverflow: false,
    condition: 'memory per execution environment > 10,240 (memoryMiB, x concurrencyPerReplica with processPerRequest; under 2,048 the function is sized up to 2,048)',
    threshold: '2,048 MiB floor; 10,240 MiB',
    source: 'Lambda Managed Instances best practices: "The minimum supported function size is 2GB and 1 vCPU" (read 2026-09-20); AWS Lambda quota (function memory 10,240 MB; '
      + 'a 32 GB Managed Instances maximum is reported only by third parties, not relied on)',
    evaluate: ({ p }) => {
      const env = managedEnvironmentMemoryMiB(p);
      if (env > MI.maxMemoryMiB) {
        const per = p.processPerRequest ? ` (${n(p.memoryMiB)} MiB x ${p.concurrencyPerReplica} processes, one per concurrent request)` : '';
        return { fired: true, reason: () => `needs ${n(env)} MiB per execution environment${per}; this library places Lambda Managed Instances functions of at most ${n(MI.maxMemoryMiB)} MiB` };
      }
      return {
        fired: false,
        reason: () => env < MI.minMemoryMiB
          ? `${n(env)} MiB is sized up to Lambda Managed Instances' ${n(MI.minMemoryMiB)} MiB minimum (priced so)`
          : `${n(env)} MiB${p.processPerRequest ? ` (${p.concurrencyPerReplica} processes)` : ''} fits Lambda Managed Instances' ${n(MI.minMemoryMiB)}-${n(MI.maxMemoryMiB)} MiB`,
      };
    },
  },
  {
    id: 'constraint.managed-instances-burst',
    kind: RuleKind.CONSTRAINT,
    excludes: [M],
    blocksLambdaOverflow: false,
    condition: 'the peak may arrive within 5 minutes: the warm floor keeps half the peak\'s environments (excluded when that is over 15,000)',
    threshold: 'traffic at most doubles in 5 minutes; 3 to 15,000 environments',
    source: 'Lambda Managed Instances scaling: "If your traffic more than doubles within 5 minutes, you may see throttles"; '
      + '"three [instances] by default for AZ resiliency and ... three execution environments" (docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-scaling.html, read 2026-09-20); '
      + 'aws-cdk-lib 2.262 validates 0-15,000 execution environments',
    evaluate: ({ p }) => {
      const floor = managedInstancesBurstFloor(p);
      const peak = peakConcurrency(p);
      if (floor > MI.maxEnvironments) {
        return {
          fired: true,
          floorExecutionEnvironments: floor, // priced so too, though infeasible
          reason: () => `holding half of a peak of ${n(peak)} concurrent requests warm needs ${n(floor)} execution environments, over the ${n(MI.maxEnvironments)} a version may have`,
        };
      }
      if (floor > MI.minEnvironments) {
        return {
          fired: true,
          excludes: [],
          floorExecutionEnvironments: floor,
          reason: () => `a peak of ${n(peak)} concurrent requests may arrive within ${MI.burstWindowMinutes} minutes and Lambda Managed Instances throttle when traffic more than doubles in ${MI.burstWindowMinutes} minutes: `
            + `the warm floor keeps ${n(floor)} execution environments (half the peak) all month, and is priced so`,
        };
      }
      return {
        fired: false,
        floorExecutionEnvironments: MI.minEnvironments,
        reason: () => p.gpuCount > 0
          ? `the GPU function's warm floor of ${n(floor)} execution environment(s) holds at least half of a peak of ${n(peak)} concurrent requests`
          : `the default floor of ${MI.minEnvironments} execution environments holds at least half of a peak of ${n(peak)} concurrent requests`,
      };
    },
  },
  ISOLATION_RULE,
  {
    id: 'economics.break-even',
    kind: RuleKind.ECONOMICS,
    modes: [EngineMode.RULES],
    condition: 'the Lambda shape we deploy (provisioned concurrency, on-demand spillover) costs at most Kubernetes at the workload\'s utilization',
    threshold: 'break-even sustained utilization',
    source: 'the cost model and the price table',
    evaluate: ({ p, breakEven, cost, feasible, usd }) => {
      if (!(feasible(L) && feasible(K))) {
        const current = feasible(L) ? L : feasible(K) ? K : undefined;
        return {
          verdict: RuleVerdict.SKIPPED,
          threshold: null,
          choose: current,
          reason: () => current === undefined
            ? 'neither Lambda nor Kubernetes is feasible'
            : `only ${current} is feasible of Lambda and Kubernetes (${cost(current)!.option} ${formatUsd(usd(current))}/mo)`,
        };
      }
      const lambdaWins = usd(L) <= usd(K);
      const current = lambdaWins ? L : K;
      return {
        verdict: RuleVerdict.FIRED,
        reason: () => {
          const be = breakEven();
          const side = be === undefined
            ? (lambdaWins ? 'serverless is cheaper at every utilization' : 'dedicated is cheaper at every utilization')
            : `${formatPercent(p.sustainedUtilization)} is ${lambdaWins ? 'at or below' : 'above'} the break-even ${formatPercent(be)}`;
          return `${side}: ${OPTION.LAMBDA_PROVISIONED} ${formatUsd(usd(L))}/mo vs ${OPTION.KUBERNETES} ${formatUsd(usd(K))}/mo`;
        },
        threshold: () => {
          const be = breakEven();
          return be === undefined ? 'none in 0-100%' : `${formatPercent(be)} sustained utilization`;
        },
        favours: current,
        choose: current,
      };
    },
  },
  {
    id: 'economics.cheapest',
    kind: RuleKind.ECONOMICS,
    modes: [EngineMode.COST],
    condition: 'the cheapest feasible option, each cost weighted by 1 + latencyWeight x cold-start exposure',
    threshold: 'latency weight',
    source: 'the cost model and the price table',
    evaluate: ({ p, o, coldExposure, cost }) => {
      const candidates = [L, K, H, M]
        .filter(target => target !== H || o.includeHybrid)
        .map(target => ({ target, c: cost(target) }))
        .filter(x => x.c?.feasible === true)
        .map(x => ({ target: x.target, usd: x.c!.monthlyUsd, score: x.c!.monthlyUsd * (1 + o.latencyWeight * coldExposure(x.target)) }));
      if (candidates.length === 0) {
        throw new InferenceWorkloadValidationError(`'policy' ${o.policyName} has no candidate target for this workload: only hybrid is feasible and includeHybrid is false`);
      }
      let best = candidates[0];
      for (const c of candidates.slice(1)) {
        if (c.score < best.score) {
          best = c;
        }
      }
      const scores = () => candidates.map(c => `${c.target} ${formatUsd(c.usd)}/mo${o.latencyWeight > 0 ? ` (score ${formatUsd(c.score)}, cold exposure ${formatPercent(coldExposure(c.target))})` : ''}`).join(', ');
      return {
        verdict: RuleVerdict.FIRED,
        favours: best.target,
        choose: best.target,
        threshold: () => `latency weight ${o.latencyWeight}`,
        reason: () => `cheapest feasible option${o.latencyWeight > 0 ? ' weighted by cold-start exposure' : ''} at ${formatPercent(p.sustainedUtilization)}: ${scores()}`,
      };
    },
  },
  {
    id: 'band.spiky',
    kind: RuleKind.BAND,
    modes: [EngineMode.RULES],
    skippedReason: NO_BANDS,
    condition: 'sustained utilization < 10% and Lambda within the band cost tolerance of the current choice',
    threshold: `< ${formatPercent(SPIKY)}`,
    source: 'article: "Traffic is spiky (<10% sustained utilization)": stay serverless',
    evaluate: ({ p, o, current, feasible, usd }) => {
      const u = p.sustainedUtilization;
      const tolerance = Math.round(o.bandCostTolerance * 100);
      if (!feasible(L) || current === undefined) {
        return { verdict: RuleVerdict.SKIPPED, reason: 'Lambda is not feasible' };
      }
      if (u >= SPIKY) {
        return { verdict: RuleVerdict.PASSED, reason: () => `sustained utilization ${formatPercent(u)} is not under ${formatPercent(SPIKY)}` };
      }
      if (current === L) {
        return { verdict: RuleVerdict.FIRED, favours: L, reason: () => `sustained utilization ${formatPercent(u)} is under ${formatPercent(SPIKY)} (spiky): stays on Lambda` };
      }
      if (usd(L) <= usd(current) * (1 + o.bandCostTolerance)) {
        return {
          verdict: RuleVerdict.FIRED,
          favours: L,
          choose: L,
          reason: () => `sustained utilization ${formatPercent(u)} is under ${formatPercent(SPIKY)} (spiky) and Lambda ${formatUsd(usd(L))}/mo is within ${tolerance}% of ${current} ${formatUsd(usd(current))}/mo: moves to Lambda`,
        };
      }
      return {
        verdict: RuleVerdict.PASSED,
        reason: () => `sustained utilization ${formatPercent(u)} is spiky, but Lambda ${formatUsd(usd(L))}/mo is more than ${tolerance}% above ${current} ${formatUsd(usd(current))}/mo`,
      };
    },
  },
  {
    id: 'band.hybrid',
    kind: RuleKind.BAND,
    modes: [EngineMode.RULES],
    skippedReason: NO_BANDS,
    condition: 'sustained utilization in 20-60%, the team does not run Kubernetes, and hybrid is cheaper than the current choice',
    threshold: `${formatPercent(BAND_LO)}-${formatPercent(BAND_HI)} without a Kubernetes team`,
    source: 'article: "20-60% utilization, don\'t have dedicated DevOps team. Consider hybrid."',
    evaluate: ({ p, current, cost, feasible, usd }) => {
      const u = p.sustainedUtilization;
      if (!feasible(H)) {
        return { verdict: RuleVerdict.SKIPPED, reason: () => cost(H) === undefined ? 'hybrid is not feasible (no node fits)' : `hybrid is excluded by ${cost(H)!.excludedBy!.join(', ')}` };
      }
      if (current === undefined) {
        // only a constraint that excludes Kubernetes but not hybrid leads here (none of the built-in ones does)
        return { verdict: RuleVerdict.FIRED, favours: H, choose: H, reason: () => `hybrid is the only feasible target (${formatUsd(usd(H))}/mo)` };
      }
      if (u < BAND_LO || u > BAND_HI) {
        return { verdict: RuleVerdict.PASSED, reason: () => `sustained utilization ${formatPercent(u)} is outside ${formatPercent(BAND_LO)}-${formatPercent(BAND_HI)}` };
      }
      if (p.teamRunsKubernetes) {
        return { verdict: RuleVerdict.PASSED, reason: () => `sustained utilization ${formatPercent(u)} is in the band, but the team runs Kubernetes` };
      }
      if (usd(H) < usd(current)) {
        return {
          verdict: RuleVerdict.FIRED,
          favours: H,
          choose: H,
          reason: () => `sustained utilization ${formatPercent(u)} is in the band, the team does not run Kubernetes, and hybrid ${formatUsd(usd(H))}/mo is cheaper than ${current} ${formatUsd(usd(current))}/mo`,
        };
      }
      return {
        verdict: RuleVerdict.PASSED,
        reason: () => `sustained utilization ${formatPercent(u)} is in the band without a Kubernetes team, but hybrid ${formatUsd(usd(H))}/mo is not cheaper than ${current} ${formatUsd(usd(current))}/mo`,
      };
    },
  },
  {
    id: 'band.managed-instances',
    kind: RuleKind.BAND,
    modes: [EngineMode.RULES],
    skippedReason: NO_BANDS,
    condition: 'sustained utilization at least 20% and Lambda Managed Instances cheaper than the current choice (without a Kubernetes team: against hybrid and Lambda; with one: against Kubernetes)',
    threshold: `>= ${formatPercent(BAND_LO)}`,
    source: 'article: "20-60% utilization, don\'t have dedicated DevOps team" (Wait) and its prediction of a "Reserved Lambda" at EC2 pricing; serverless economics break "above 20-30% utilization"; the cost model and the price table',
    evaluate: ({ p, current, cost, feasible, usd, managedBreakEven }) => {
      const u = p.sustainedUtilization;
      if (p.gpuCount > 0) {
        return { verdict: RuleVerdict.SKIPPED, reason: 'GPU model (band.serverless-gpu compares GPU Lambda Managed Instances)' };
      }
      if (!feasible(M)) {
        return {
          verdict: RuleVerdict.SKIPPED,
          reason: () => cost(M) === undefined
            ? 'no instance type in the price table holds one Lambda Managed Instances execution environment'
            : `Lambda Managed Instances are excluded by ${cost(M)!.excludedBy!.join(', ')}`,
        };
      }
      if (current === undefined) {
        return { verdict: RuleVerdict.FIRED, favours: M, choose: M, reason: () => `Lambda Managed Instances are the only feasible target (${formatUsd(usd(M))}/mo)` };
      }
      if (u < BAND_LO) {
        return { verdict: RuleVerdict.PASSED, reason: () => `sustained utilization ${formatPercent(u)} is under ${formatPercent(BAND_LO)}: serverless economics hold` };
      }
      const where = () => p.teamRunsKubernetes
        ? 'the team runs Kubernetes, so Managed Instances compete with it on cost'
        : u <= BAND_HI
          ? `it is in the ${formatPercent(BAND_LO)}-${formatPercent(BAND_HI)} band without a Kubernetes team, where Managed Instances compete with hybrid and Lambda on cost`
          : 'it is above the band without a Kubernetes team';
      const be = () => {
        const b = managedBreakEven();
        return b === undefined ? '' : `; break-even vs ${OPTION.LAMBDA_PROVISIONED} ${b.versusLambda === undefined ? 'none in 0-100%' : formatPercent(b.versusLambda)}, `
          + `vs ${OPTION.KUBERNETES} ${b.versusKubernetes === undefined ? 'none in 0-100%' : formatPercent(b.versusKubernetes)}`;
      };
      if (usd(M) < usd(current)) {
        return {
          verdict: RuleVerdict.FIRED,
          favours: M,
          choose: M,
          reason: () => `sustained utilization ${formatPercent(u)}: ${where()}; Lambda Managed Instances ${formatUsd(usd(M))}/mo are cheaper than ${current} ${formatUsd(usd(current))}/mo${be()}`,
        };
      }
      return {
        verdict: RuleVerdict.PASSED,
        reason: () => `sustained utilization ${formatPercent(u)}: ${where()}; Lambda Managed Instances ${formatUsd(usd(M))}/mo are not cheaper than ${current} ${formatUsd(usd(current))}/mo${be()}`,
      };
    },
  },
  ...SERVERLESS_GPU_CHOICES,
  WAIT_BAND,
  {
    id: 'override.fixed',
    kind: RuleKind.OVERRIDE,
    modes: BOTH_MODES,
    condition: 'the policy is PlacementPolicy.fixed(target); the target must pass every constraint',
    threshold: 'n/a',
    source: 'the user\'s policy',
    evaluate: ({ o, current, cost, outcomes }) => {
      const forced = o.forced;
      if (forced === undefined) {
        return undefined;
      }
      const violated = outcomes.filter(r => r.verdict === RuleVerdict.FIRED && (r.excludes ?? []).includes(forced));
      if (violated.length > 0) {
        throw new InferenceWorkloadValidationError(
          `'policy' PlacementPolicy.fixed(${forced}) violates hard constraint ${violated.map(r => `${r.ruleId} (${reasonText(r.reason)})`).join('; ')}`);
      }
      if (cost(forced) === undefined) {
        throw new InferenceWorkloadValidationError(`'policy' PlacementPolicy.fixed(${forced}) cannot be priced: no instance type in the price table fits one pod`);
      }
      return {
        verdict: RuleVerdict.FIRED,
        threshold: null,
        favours: forced,
        choose: forced,
        reason: () => `${o.forcedBy ? `kept on ${forced} by ${o.forcedBy}` : `fixed to ${forced}`} (${formatUsd(cost(forced)!.monthlyUsd)}/mo); `
          + `the rules alone would choose ${current} (${formatUsd(cost(current!)!.monthlyUsd)}/mo)`,
      };
    },
  },
  ...VERDICT_ROWS,
];
