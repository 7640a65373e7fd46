import { LambdaSizing } from '../../policy';
import { LAMBDA_LIMITS } from '../../policy/limits';
import { checkNumber } from '../../private/validate';
import { defaultCapOf, refuseLambdaReservedConcurrency } from '../lambda/concurrency-cap';
import { CheckedLambdaOptions } from '../lambda/options';

/** The option that caps the control plane. @internal */
export const CONTROL_PLANE_CAP_PATH = 'hybrid.controlPlaneReservedConcurrency';

/** Checks `hybrid.controlPlaneReservedConcurrency` at construction, whatever the placement. @internal */
export function checkControlPlaneCap(value: number | undefined): void {
  if (value !== undefined) {
    checkNumber(CONTROL_PLANE_CAP_PATH, value,
      { min: LAMBDA_LIMITS.minReservedConcurrency, max: LAMBDA_LIMITS.maxReservedConcurrency, integer: true });
  }
}

/**
 * The control plane's concurrency cap (its reserved concurrency). Every request of the workload
 * passes through the router and holds it while the data plane or the overflow answers (the answer
 * is streamed through it), so by default the cap covers the whole workload's peak: every request
 * at the data plane's p99 (the decision's `lambda.peakConcurrency`, peak req/s x p99) plus all the
 * overflow may hold at once (its cap), with the Lambda target's headroom (`defaultCapOf`). A flood
 * beyond it is throttled at the entry point (429) instead of taking the account's concurrency.
 *
 * `lambda.reservedConcurrentExecutions` caps the Lambda target's function, whose concurrency is the
 * model's; the router's is the whole workload's, so it is refused here rather than applied to the
 * router (a cap sized for the model would throttle the hybrid's traffic).
 * @internal
 */
export function controlPlaneCap(chosen: number | undefined, control: LambdaSizing, overflowReservedConcurrency: number | undefined): number {
  return chosen ?? defaultCapOf(control, 'decision.lambda', overflowReservedConcurrency ?? 0);
}

/** Refuses `lambda.reservedConcurrentExecutions` for a hybrid placement (see `controlPlaneCap`), before anything is built. @internal */
export function refuseLambdaCapOnHybrid(lambdaOptions: CheckedLambdaOptions): void {
  refuseLambdaReservedConcurrency(lambdaOptions.reservedConcurrentExecutions, 'a hybrid placement',
    `it caps the Lambda target's function; the control plane, which carries every request, is capped by '${CONTROL_PLANE_CAP_PATH}'`);
}
