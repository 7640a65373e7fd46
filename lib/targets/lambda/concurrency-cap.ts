import { Annotations, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { InferenceWorkloadValidationError } from '../../errors';
import { LambdaSizing } from '../../policy';
import { LAMBDA_LIMITS } from '../../policy/limits';
import { checkNumber } from '../../private/validate';

/*
 * Concurrency caps: the reserved concurrency a Lambda placement gets by default, and a synth warning
 * when the functions of a stack reserve more than the account's concurrency quota leaves.
 */

/** Headroom of the default cap over the decision's peak concurrency. */
export const DEFAULT_CAP_HEADROOM = 2;

/**
 * Lambda's default concurrency quota per Region, and what it keeps unreserved: "Lambda reserves 100
 * units of concurrency for functions without reserved concurrency"
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html: "Concurrent executions
 * 1,000"; https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html).
 */
export const ACCOUNT_CONCURRENCY = { defaultQuota: 1_000, unreserved: 100 } as const;

/** Context key: the account's concurrent executions quota in the stack's Region, when raised above the default. */
export const CONCURRENCY_QUOTA_CONTEXT_KEY = 'inference-workload:accountConcurrencyQuota';

/** What a cap is derived from. @internal */
export interface CapInput {
  readonly peakConcurrency: number;
  readonly provisionedConcurrencyMax: number;
  /** The warm windows' floors: the cap may not be below any. */
  readonly windowFloors: readonly number[];
}

/**
 * The default cap of a function: twice the decision's peak concurrency (a flood beyond that is
 * throttled, not served at the account's expense), never under the provisioned concurrency it must
 * hold (Lambda refuses provisioned concurrency above reserved), within Lambda's bounds.
 * @internal
 */
export function defaultReservedConcurrency(c: CapInput): number {
  const wanted = Math.max(c.provisionedConcurrencyMax, ...c.windowFloors, Math.ceil(c.peakConcurrency * DEFAULT_CAP_HEADROOM));
  return Math.min(LAMBDA_LIMITS.maxReservedConcurrency, Math.max(LAMBDA_LIMITS.minReservedConcurrency, wanted));
}

/**
 * The default cap of a function sized by `sizing` (read at `path` in the decision): what
 * `defaultReservedConcurrency` gives for its peak concurrency plus `alsoHeld`, concurrency the
 * function holds beyond its own sizing's peak (a hybrid's control plane waits for the overflow too).
 * @internal
 */
export function defaultCapOf(sizing: LambdaSizing, path: string, alsoHeld = 0): number {
  return defaultReservedConcurrency({
    peakConcurrency: checkNumber(`${path}.peakConcurrency`, sizing.peakConcurrency, { min: 0 }) + alsoHeld,
    provisionedConcurrencyMax: sizing.provisionedConcurrencyMax,
    windowFloors: (sizing.warmSchedules ?? []).map(w => w.minCapacity),
  });
}

/**
 * Refuses `lambda.reservedConcurrentExecutions` for a placement whose functions are capped by another
 * option (`placement` as the message names it; `because`: why, naming that option). The option caps
 * the Lambda target's function only.
 * @internal
 */
export function refuseLambdaReservedConcurrency(reserved: number | undefined, placement: string, because: string): void {
  if (reserved !== undefined) {
    throw new InferenceWorkloadValidationError(`Cannot configure 'lambda.reservedConcurrentExecutions' for ${placement}, got ${reserved}: ${because}`);
  }
}

/** Concurrency reserved so far by the library's functions in each stack. */
const RESERVED = new WeakMap<Stack, number>();

/**
 * Adds a function's reserved concurrency to its stack's total (every function the library caps
 * with reserved concurrency: the Lambda target's, a hybrid's control plane and overflow), and warns
 * (id `inference-workload:concurrency-quota`) on the workload whose function takes the total past
 * the quota minus the 100 Lambda keeps unreserved: such a deploy fails with "decreases account's
 * UnreservedConcurrentExecution below its minimum value". `capPath` names the option that sets
 * this function's cap.
 * @internal
 */
export function registerReservedConcurrency(scope: Construct, workloadName: string, reserved: number, capPath: string): void {
  const stack = Stack.of(scope);
  const quota = accountConcurrencyQuota(scope);
  const before = RESERVED.get(stack) ?? 0;
  const total = before + reserved;
  RESERVED.set(stack, total);
  const allowed = quota - ACCOUNT_CONCURRENCY.unreserved;
  if (total > allowed && before <= allowed) {
    Annotations.of(scope).addWarningV2('inference-workload:concurrency-quota',
      `${workloadName}: the Lambda functions of stack ${stack.stackName} reserve ${total} concurrent executions, over the ${allowed} `
      + `an account quota of ${quota} leaves (Lambda keeps ${ACCOUNT_CONCURRENCY.unreserved} unreserved); the deploy fails unless the quota is raised. `
      + `State a raised quota with the context key '${CONCURRENCY_QUOTA_CONTEXT_KEY}', or lower '${capPath}' (${reserved} for this function)`);
  }
}

/** The account's concurrency quota: the context key, or Lambda's default of 1,000. */
function accountConcurrencyQuota(scope: Construct): number {
  const value: unknown = scope.node.tryGetContext(CONCURRENCY_QUOTA_CONTEXT_KEY);
  if (value === undefined) {
    return ACCOUNT_CONCURRENCY.defaultQuota;
  }
  if (typeof value !== 'number' || Token.isUnresolved(value) || !Number.isInteger(value) || value < ACCOUNT_CONCURRENCY.unreserved) {
    throw new InferenceWorkloadValidationError(`'${CONCURRENCY_QUOTA_CONTEXT_KEY}' must be an integer of at least ${ACCOUNT_CONCURRENCY.unreserved}, got ${JSON.stringify(value)}`);
  }
  return value;
}
