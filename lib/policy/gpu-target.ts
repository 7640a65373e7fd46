import { MANAGED_INSTANCES_GPU_LIMITS as GPU, MANAGED_INSTANCES_LIMITS as MI } from './limits';
import { ResolvedProfile } from './profile';

/*
 * The GPU utilization target of a GPU function's capacity provider, from the profile's latency needs.
 *
 * AWS: "The default GPU utilization target is 40%, which is designed to leave headroom for traffic to
 * double" (https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-gpu-scaling.html), and
 * "If your traffic more than doubles within 5 minutes, you may see throttles"; "For workloads with
 * potential traffic bursts, set resource targets to a low level to maintain additional headroom"
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-best-practices.html).
 *
 * This library's model: while the provider scales, the traffic may double, so the GPUs run at
 * `burstGrowthFactor` x target. A queue at utilization rho stretches the response time by 1 / (1 - rho)
 * (a single-server queue with Poisson arrivals, M/M/1: the response time is exponential with mean
 * S / (1 - rho), so each of its percentiles scales by the same factor; L. Kleinrock, Queueing Systems
 * Vol. 1, 1975, section 3.2). The p99 stays within the budget B when the request's own p99 D, stretched,
 * does: D / (1 - 2 x target) <= B, so
 *
 *     target = (1 - D / B) / burstGrowthFactor
 *
 * rounded down to a whole percent, at least `MIN_GPU_TARGET`, and under `1 / burstGrowthFactor` (at which
 * a doubling fills the GPUs) for any budget. A budget of 5 x D gives 40%, AWS's default; a tighter budget
 * a lower target, a looser one up to 49%. Without a budget, AWS's default; `profile.gpuUtilizationTarget` overrides both.
 */

/**
 * The lowest GPU target this library derives (10%, the least `utilizationTarget` a policy takes): a
 * budget that leaves less room than that needs a warm floor sized for its peak, not a lower target.
 */
export const MIN_GPU_TARGET = 0.1;

/** A GPU target and the reason for it, as the decision's line item says it. */
export interface GpuTarget {
  /** Fraction of GPU utilization the capacity provider tracks (0.1-0.9; whole percents). */
  readonly target: number;
  /** Why: the override, the latency budget and the arithmetic, or AWS's default. */
  readonly basis: string;
}

/** The GPU utilization target for a GPU profile (see the formula above). */
export function gpuUtilizationTargetFor(p: ResolvedProfile): GpuTarget {
  if (p.gpuUtilizationTarget !== undefined) {
    return { target: p.gpuUtilizationTarget, basis: 'profile.gpuUtilizationTarget' };
  }
  if (p.latencyBudgetP99Ms === undefined) {
    return { target: GPU.defaultGpuUtilizationTarget, basis: 'AWS\'s default, no latency budget' };
  }
  const growth = MI.burstGrowthFactor;
  const raw = (1 - p.requestDurationP99Ms / p.latencyBudgetP99Ms) / growth;
  // whole percents, rounded down (the capacity provider's TargetValue is a percentage); below 1 / growth,
  // as the request's p99 is never 0
  const target = Math.max(MIN_GPU_TARGET, Math.floor(raw * 100 + 1e-9) / 100);
  const bound = raw < MIN_GPU_TARGET ? `, at least ${MIN_GPU_TARGET * 100}%` : '';
  return {
    target,
    basis: `(1 - ${p.requestDurationP99Ms} ms p99 / ${p.latencyBudgetP99Ms} ms budget) / ${growth} for traffic doubling${bound}`,
  };
}
