import {
  KubernetesSizing, LambdaSizing, PlacementDecision, PlacementTarget, RuleKind, RuleOutcome, RuleVerdict,
} from './decision';
import { CpuArchitecture, ResolvedProfile } from './profile';

/** Lambda's documented hard limits. */
export const LAMBDA_LIMITS = {
  maxMemoryMiB: 10_240,
  minMemoryMiB: 128,
  maxTimeoutSeconds: 900,
  maxEphemeralStorageMiB: 10_240,
  minEphemeralStorageMiB: 512,
} as const;

interface HardRule {
  readonly id: string;
  readonly excludes: PlacementTarget[];
  /** Returns the reason when the rule fires, or the reason it passed. */
  evaluate(p: ResolvedProfile): { fired: boolean; reason: string };
}

/** The seed article's hard constraints. Ids are a contract. */
export const HARD_RULES: HardRule[] = [
  {
    id: 'constraint.gpu',
    excludes: [PlacementTarget.LAMBDA],
    evaluate: p => p.gpuCount > 0
      ? { fired: true, reason: `needs ${p.gpuCount} GPU(s) with ${p.gpuMemoryGiB} GiB each; Lambda has no GPU` }
      : { fired: false, reason: 'CPU only' },
  },
  {
    id: 'constraint.memory',
    excludes: [PlacementTarget.LAMBDA],
    evaluate: p => p.memoryMiB > LAMBDA_LIMITS.maxMemoryMiB
      ? { fired: true, reason: `needs ${p.memoryMiB} MiB; Lambda allows at most ${LAMBDA_LIMITS.maxMemoryMiB} MiB` }
      : { fired: false, reason: `${p.memoryMiB} MiB fits Lambda's ${LAMBDA_LIMITS.maxMemoryMiB} MiB` },
  },
  {
    id: 'constraint.duration',
    excludes: [PlacementTarget.LAMBDA],
    evaluate: p => p.requestDurationP99Ms > LAMBDA_LIMITS.maxTimeoutSeconds * 1000
      ? { fired: true, reason: `p99 request takes ${p.requestDurationP99Ms / 1000} s; Lambda stops at ${LAMBDA_LIMITS.maxTimeoutSeconds} s` }
      : { fired: false, reason: `p99 ${p.requestDurationP99Ms} ms is within Lambda's ${LAMBDA_LIMITS.maxTimeoutSeconds} s` },
  },
];

/**
 * Evaluates the hard rules and returns a decision. Pure and deterministic.
 * @internal
 */
export function decideByHardRules(p: ResolvedProfile, policyName: string, forced?: PlacementTarget): PlacementDecision {
  const rules: RuleOutcome[] = [];
  const excluded = new Set<PlacementTarget>();
  for (const rule of HARD_RULES) {
    const r = rule.evaluate(p);
    if (r.fired) {
      rule.excludes.forEach(t => excluded.add(t));
    }
    rules.push({
      ruleId: rule.id,
      kind: RuleKind.CONSTRAINT,
      verdict: r.fired ? RuleVerdict.FIRED : RuleVerdict.PASSED,
      reason: r.reason,
      excludes: r.fired ? rule.excludes : undefined,
      favours: r.fired ? PlacementTarget.KUBERNETES : undefined,
    });
  }
  let target = excluded.has(PlacementTarget.LAMBDA) ? PlacementTarget.KUBERNETES : PlacementTarget.LAMBDA;
  if (forced !== undefined) {
    target = forced;
  }
  return new PlacementDecision({
    target,
    policyName,
    rules,
    costs: [],
    sustainedUtilization: p.sustainedUtilization,
    priceTable: { name: 'none', region: 'n/a', effectiveDate: 'n/a', source: 'not priced', currency: 'USD' },
    lambda: target === PlacementTarget.LAMBDA ? sizeLambda(p) : undefined,
    kubernetes: target === PlacementTarget.KUBERNETES ? sizeKubernetes(p) : undefined,
  });
}

function sizeLambda(p: ResolvedProfile): LambdaSizing {
  const avgConcurrency = p.averageRequestsPerSecond * p.requestDurationP50Ms / 1000;
  const peakConcurrency = Math.max(1, Math.ceil(p.peakRequestsPerSecond * p.requestDurationP99Ms / 1000));
  const min = Math.max(1, Math.ceil(avgConcurrency / 0.7));
  return {
    memoryMiB: Math.max(LAMBDA_LIMITS.minMemoryMiB, p.memoryMiB),
    timeoutSeconds: Math.min(LAMBDA_LIMITS.maxTimeoutSeconds, Math.max(3, Math.ceil(p.requestDurationP99Ms * 3 / 1000))),
    ephemeralStorageMiB: Math.min(LAMBDA_LIMITS.maxEphemeralStorageMiB,
      Math.max(LAMBDA_LIMITS.minEphemeralStorageMiB, Math.ceil(p.modelSizeGiB * 1024 * 1.2))),
    architecture: p.architecture === CpuArchitecture.ANY ? CpuArchitecture.ARM64 : p.architecture,
    provisionedConcurrencyMin: min,
    provisionedConcurrencyMax: Math.max(min, peakConcurrency),
    utilizationTarget: 0.7,
    peakConcurrency,
  };
}

function sizeKubernetes(p: ResolvedProfile): KubernetesSizing {
  const perReplicaRps = p.concurrencyPerReplica * 1000 / p.requestDurationP50Ms;
  const replicasMax = Math.max(1, Math.ceil(p.peakRequestsPerSecond / (perReplicaRps * 0.7)));
  const replicasMin = Math.min(replicasMax, Math.max(1, Math.ceil(p.averageRequestsPerSecond / (perReplicaRps * 0.7))));
  const gpu = p.gpuCount > 0;
  return {
    replicasMin,
    replicasMax,
    gpuCount: p.gpuCount,
    gpuMemoryGiB: p.gpuMemoryGiB,
    gpuProduct: gpu ? 'NVIDIA-A10G' : undefined,
    gpuName: gpu ? 'a10g' : undefined,
    instanceType: gpu ? 'g5.xlarge' : 'm7i.large',
    cpuMillis: gpu ? 3000 : 1000,
    memoryMiB: p.memoryMiB,
    concurrencyPerReplica: p.concurrencyPerReplica,
  };
}
