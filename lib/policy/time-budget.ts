/**
 * The hybrid router's time budget: how long each step of a request may take, so that a request
 * that overflows still finishes inside the control plane's own timeout.
 *
 *   control-plane timeout >= data-plane deadline + overflow invoke (cold start + its timeout) + margin
 *
 * The data-plane deadline covers every data-plane attempt (connect, the one retry of a refused
 * connection, the answer); only then does the router overflow, with what is left.
 */
import { InferenceWorkloadValidationError } from '../errors';
import { LAMBDA_LIMITS } from './limits';

/** Lambda's longest function timeout, ms (`LAMBDA_LIMITS.maxTimeoutSeconds`). */
export const LAMBDA_MAX_TIMEOUT_MS = LAMBDA_LIMITS.maxTimeoutSeconds * 1000;
/**
 * The longest cold start of an on-demand function: the Init phase is limited to 10 s; past it,
 * Lambda retries Init within the invocation, under the function's own timeout
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html#runtimes-lifecycle-ib).
 * The overflow has no provisioned concurrency, so its invoke may take this plus its timeout.
 */
export const LAMBDA_INIT_LIMIT_MS = 10_000;
/**
 * TCP connect to the internal NLB inside the VPC: a healthy connect takes about a millisecond;
 * 1 s is one SYN retransmission (Linux's initial RTO, RFC 6298 section 2) and no more.
 */
export const CONNECT_TIMEOUT_MS = 1_000;
/** Time the router keeps for itself: reading the request, writing the answer, the metrics line. */
export const ROUTER_MARGIN_MS = 1_000;
/**
 * The longest streamed answer through the hybrid's entry point: API Gateway ends a streamed
 * response after 15 minutes
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode.html), which
 * is also Lambda's longest function timeout.
 */
export const STREAM_MAX_DURATION_SECONDS = Math.min(15 * 60, LAMBDA_LIMITS.maxTimeoutSeconds);

/** Inputs of the budget, from the decision's sizing. @internal */
export interface TimeBudgetInput {
  /** By when the data plane must have answered, from the request's arrival (the decision's control-plane timeout: 3 x p99, at least 3 s). */
  readonly dataPlaneDeadlineMs: number;
  /** The overflow function's own timeout (3 x p99 x CPU slowdown); none without an overflow function. */
  readonly overflowFunctionTimeoutMs?: number;
  /** @default LAMBDA_INIT_LIMIT_MS */
  readonly overflowColdStartMs?: number;
  /** @default CONNECT_TIMEOUT_MS */
  readonly connectTimeoutMs?: number;
  /** @default ROUTER_MARGIN_MS */
  readonly marginMs?: number;
}

/** Every figure of the hybrid time budget, in milliseconds (the control-plane timeout in whole seconds). */
export interface HybridTimeBudget {
  /** TCP connect to the data plane's load balancer. */
  readonly connectTimeoutMs: number;
  /** From connect to the first byte, and the longest silence inside a streamed answer. */
  readonly responseTimeoutMs: number;
  /** By when the data plane must have answered, from the request's arrival; then the router overflows. */
  readonly dataPlaneDeadlineMs: number;
  /** What the router allows the overflow invoke (cold start included); 0 without overflow. */
  readonly overflowTimeoutMs: number;
  /** What the overflow invoke needs at worst (cold start + function timeout); 0 without overflow. */
  readonly overflowNeedMs: number;
  /** Time the router keeps for itself (reading the request, writing the answer, metrics). */
  readonly marginMs: number;
  /** The control plane's timeout for a buffered answer, whole seconds, at most 900. */
  readonly controlPlaneTimeoutSeconds: number;
  /**
   * How long one streamed answer may last, whole seconds: the streaming entry point's limit and the
   * control plane's timeout when it streams (a generation is cut only past it). The data-plane
   * deadline still bounds the wait for the first byte, and the response timeout each silence.
   */
  readonly streamMaxDurationSeconds: number;
}

/**
 * Derives the budget. The control-plane timeout is raised until an overflowing request fits;
 * when Lambda's 900 s cap does not leave the overflow all it needs, `overflowTimeoutMs` is what is
 * left (below `overflowNeedMs`: the caller must warn).
 * @internal
 */
export function hybridTimeBudget(input: TimeBudgetInput): HybridTimeBudget {
  const marginMs = input.marginMs ?? ROUTER_MARGIN_MS;
  const dataPlaneDeadlineMs = input.dataPlaneDeadlineMs;
  // connect may take at most a third of the deadline, so that an answer always has time left
  const connectTimeoutMs = Math.min(input.connectTimeoutMs ?? CONNECT_TIMEOUT_MS, Math.floor(dataPlaneDeadlineMs / 3));
  if (!(dataPlaneDeadlineMs > 0) || dataPlaneDeadlineMs + marginMs > LAMBDA_MAX_TIMEOUT_MS) {
    throw new InferenceWorkloadValidationError(
      `'decision.lambda.timeoutSeconds' must leave the hybrid router ${marginMs} ms within Lambda's ${LAMBDA_MAX_TIMEOUT_MS / 1000} s, got a data-plane deadline of ${dataPlaneDeadlineMs} ms`);
  }
  const overflowNeedMs = input.overflowFunctionTimeoutMs === undefined
    ? 0
    : (input.overflowColdStartMs ?? LAMBDA_INIT_LIMIT_MS) + input.overflowFunctionTimeoutMs;
  const overflowTimeoutMs = Math.min(overflowNeedMs, LAMBDA_MAX_TIMEOUT_MS - dataPlaneDeadlineMs - marginMs);
  const totalMs = dataPlaneDeadlineMs + overflowTimeoutMs + marginMs;
  return {
    connectTimeoutMs,
    responseTimeoutMs: dataPlaneDeadlineMs - connectTimeoutMs,
    dataPlaneDeadlineMs,
    overflowTimeoutMs,
    overflowNeedMs,
    marginMs,
    controlPlaneTimeoutSeconds: Math.ceil(totalMs / 1000),
    streamMaxDurationSeconds: STREAM_MAX_DURATION_SECONDS,
  };
}

/** The router's environment variables for a budget. @internal */
export function timeBudgetEnvironment(b: HybridTimeBudget): Record<string, string> {
  return {
    CONNECT_TIMEOUT_MS: String(b.connectTimeoutMs),
    RESPONSE_TIMEOUT_MS: String(b.responseTimeoutMs),
    DATA_PLANE_DEADLINE_MS: String(b.dataPlaneDeadlineMs),
    MARGIN_MS: String(b.marginMs),
    ...(b.overflowTimeoutMs > 0 ? { OVERFLOW_TIMEOUT_MS: String(b.overflowTimeoutMs) } : {}),
  };
}
