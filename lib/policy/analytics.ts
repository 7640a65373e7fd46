import { lambdaDeployedBill, loadAt, ManagedInstancesInput, managedInstancesBill, round3 } from './cost';
import { BreakEven, CostCurvePoint } from './decision';
import { PriceTable } from './pricing';
import { ResolvedProfile } from './profile';

/*
 * Analytics for the decision: the break-even utilizations and the cost curve. They reprice the same
 * workload at other utilizations with the same peak, through the options' own bills (the numbers the
 * line items are written from); neither changes the decision's target.
 */

/** The utilization (0-1) where `f` changes sign, by bisection (16 steps); undefined when it does not. */
function crossing(f: (u: number) => number): number | undefined {
  const at0 = f(0);
  const at1 = f(1);
  if ((at0 > 0) === (at1 > 0)) {
    return undefined;
  }
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 16; i++) {
    const mid = (lo + hi) / 2;
    if ((f(mid) > 0) === (at0 > 0)) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return round3((lo + hi) / 2);
}

/**
 * Sustained utilization at which the Lambda shape we deploy (provisioned concurrency, on-demand spillover)
 * costs the same as Kubernetes (`kubernetesUsd`: capacity for the peak, the same at every utilization).
 * Bisection; Lambda's cost grows with utilization. Undefined when one side wins everywhere.
 */
export function breakEvenUtilization(p: ResolvedProfile, t: PriceTable, kubernetesUsd: number, pinned: number | undefined): number | undefined {
  const f = (u: number) => lambdaDeployedBill(p, t, loadAt(p, u), pinned).monthlyUsd - kubernetesUsd;
  if (f(0) > 0 || f(1) <= 0) {
    return undefined; // dedicated is cheaper at every utilization, or serverless is
  }
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 16; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) <= 0) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return round3((lo + hi) / 2);
}

/**
 * Where Lambda Managed Instances break even with the other targets, as sustained utilization
 * (0-1) at the workload's peak: what the Managed Instances bands quote before the target is
 * chosen. (Once it is, the decision's `breakEvens` hold the chosen option's break-evens.)
 */
export interface ManagedInstancesBreakEven {
  /**
   * Above this utilization Managed Instances cost less than Lambda with provisioned concurrency.
   * @default - no break-even (one of the two is cheaper at every utilization, or Lambda is infeasible)
   */
  readonly versusLambda?: number;
  /**
   * Below this utilization Managed Instances cost less than Kubernetes.
   * @default - no break-even (one of the two is cheaper at every utilization, or Kubernetes is infeasible)
   */
  readonly versusKubernetes?: number;
  /**
   * Below this utilization Managed Instances cost less than the hybrid (a Lambda control plane in
   * front of a Kubernetes data plane).
   * @default - no break-even (one of the two is cheaper at every utilization, or the hybrid is infeasible)
   */
  readonly versusHybrid?: number;
}

/**
 * Where Lambda Managed Instances cost the same as Lambda with provisioned concurrency (the shape
 * the Lambda target deploys; `lambdaFeasible`), as Kubernetes (`kubernetesUsd`, when feasible) and,
 * for GPU models, as the hybrid (`hybridAt(u)`, its bill at each utilization), with the same peak. Undefined parts: that target is infeasible, or one side is cheaper at every utilization.
 */
export function managedInstancesBreakEven(
  p: ResolvedProfile, t: PriceTable, managed: ManagedInstancesInput, pinned: number | undefined, lambdaFeasible: boolean,
  kubernetesUsd: number | undefined, hybridAt?: (u: number) => number,
): ManagedInstancesBreakEven {
  const m = (u: number) => managedInstancesBill(t, loadAt(p, u), managed).monthlyUsd;
  const versusLambda = lambdaFeasible ? crossing(u => m(u) - lambdaDeployedBill(p, t, loadAt(p, u), pinned).monthlyUsd) : undefined;
  const versusKubernetes = kubernetesUsd === undefined ? undefined : crossing(u => m(u) - kubernetesUsd);
  const versusHybrid = hybridAt === undefined ? undefined : crossing(u => m(u) - hybridAt(u));
  return {
    ...(versusLambda !== undefined ? { versusLambda } : {}),
    ...(versusKubernetes !== undefined ? { versusKubernetes } : {}),
    ...(versusHybrid !== undefined ? { versusHybrid } : {}),
  };
}

/**
 * The chosen option's break-even against each alternative (`priceAt(option, u)`: the option's own
 * cost function at utilization u, same peak), in the order given.
 */
export function chosenBreakEvens(chosen: string, alternatives: readonly string[], priceAt: (option: string, u: number) => number): BreakEven[] {
  return alternatives.map(versus => {
    const utilization = crossing(u => priceAt(chosen, u) - priceAt(versus, u));
    return utilization === undefined ? { versus } : { versus, utilization };
  });
}

/** The utilizations of the cost curve: 0%, 5%, ... 100%. */
export const COST_CURVE_UTILIZATIONS: readonly number[] = Array.from({ length: 21 }, (_, i) => i / 20);

/**
 * Each option at each utilization of `COST_CURVE_UTILIZATIONS`, same peak: `priceAt(option, u)` is
 * the option's own cost function at that utilization (the figure the option would be decided at).
 */
export function costCurve(options: readonly string[], priceAt: (option: string, u: number) => number): CostCurvePoint[] {
  const points: CostCurvePoint[] = [];
  for (const u of COST_CURVE_UTILIZATIONS) {
    for (const option of options) {
      points.push({ option, utilization: u, monthlyUsd: priceAt(option, u) });
    }
  }
  return points;
}
