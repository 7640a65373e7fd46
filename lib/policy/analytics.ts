import {
  hybridUsd, kubernetesCost, lambdaDeployedUsd, lambdaOnDemandUsd, Load, loadAt, ManagedInstancesInput, managedInstancesUsd, NodeChoice, round3,
  withoutDetail,
} from './cost';
import { CostCurvePoint, ManagedInstancesBreakEven } from './decision';
import { OPTION } from './limits';
import { PriceTable } from './pricing';
import { ResolvedProfile } from './profile';

/*
 * Analytics for the report: the break-even utilization and the cost curve. Both reprice the same
 * workload at other utilizations with the same peak; neither changes the decision's target.
 */

/**
 * Sustained utilization at which the Lambda shape we deploy (provisioned concurrency, on-demand spillover)
 * costs the same as Kubernetes, with the same peak. Bisection; Lambda's cost grows with utilization,
 * Kubernetes' is flat (capacity for the peak). Undefined when one side wins everywhere.
 */
export function breakEvenUtilization(p: ResolvedProfile, t: PriceTable, node: NodeChoice, pinned: number | undefined): number | undefined {
  return withoutDetail(() => {
    const k8s = kubernetesCost(p, t, loadAt(p, 1), node).monthlyUsd;
    const f = (u: number) => lambdaDeployedUsd(p, t, loadAt(p, u), pinned) - k8s;
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
  });
}

/** The utilization (0-1) where `f` changes sign, by bisection; undefined when it does not. */
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
 * Where Lambda Managed Instances cost the same as Lambda with provisioned concurrency (the shape
 * the Lambda target deploys) and as Kubernetes, with the same peak. Undefined parts: that target is
 * infeasible, or one side is cheaper at every utilization.
 */
export function managedInstancesBreakEven(
  p: ResolvedProfile, t: PriceTable, managed: ManagedInstancesInput, pinned: number | undefined, lambdaFeasible: boolean,
  node: NodeChoice | undefined,
): ManagedInstancesBreakEven {
  return withoutDetail(() => {
    const m = (u: number) => managedInstancesUsd(t, loadAt(p, u), managed);
    const versusLambda = lambdaFeasible ? crossing(u => m(u) - lambdaDeployedUsd(p, t, loadAt(p, u), pinned)) : undefined;
    let versusKubernetes: number | undefined;
    if (node !== undefined) {
      const k8s = kubernetesCost(p, t, loadAt(p, 1), node).monthlyUsd;
      versusKubernetes = crossing(u => m(u) - k8s);
    }
    return {
      ...(versusLambda !== undefined ? { versusLambda } : {}),
      ...(versusKubernetes !== undefined ? { versusKubernetes } : {}),
    };
  });
}

/**
 * Each priced option at 0%, 5%, ... 100% sustained utilization, same peak. Numbers only: the
 * same monthly costs as the options' cost functions at each utilization, without line items.
 */
export function costCurve(
  p: ResolvedProfile, t: PriceTable, node: NodeChoice | undefined, pinned: number | undefined,
  overflow: boolean, options: string[], managed?: ManagedInstancesInput,
): CostCurvePoint[] {
  return withoutDetail(() => {
    // Kubernetes holds the peak all month: the same at every utilization
    const kubernetes = node === undefined ? undefined : kubernetesCost(p, t, loadAt(p, 1), node).monthlyUsd;
    const usdOf = (option: string, load: Load): number => {
      switch (option) {
        case OPTION.LAMBDA_ON_DEMAND: return lambdaOnDemandUsd(p, t, load);
        case OPTION.LAMBDA_PROVISIONED: return lambdaDeployedUsd(p, t, load, pinned);
        case OPTION.KUBERNETES: return kubernetes!;
        case OPTION.HYBRID: return hybridUsd(p, t, load, node!, overflow);
        case OPTION.LAMBDA_MANAGED_INSTANCES: return managedInstancesUsd(t, load, managed!);
        default: throw new Error(`costCurve: unknown option ${option}`);
      }
    };
    const points: CostCurvePoint[] = [];
    for (let i = 0; i <= 20; i++) {
      const u = i / 20;
      const load = loadAt(p, u);
      for (const option of options) {
        points.push({ option, utilization: u, monthlyUsd: usdOf(option, load) });
      }
    }
    return points;
  });
}
