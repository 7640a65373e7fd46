import { Duration, Token } from 'aws-cdk-lib';
import { InferenceWorkloadValidationError } from '../../errors';
import { CpuArchitecture, LambdaSizing, WarmSchedule } from '../../policy';
import { LAMBDA_LIMITS as L } from '../../policy/limits';
import { checkNumber, checkString, describeValue, formatBound, formatValue } from '../../private/validate';

/** Environment variables Lambda sets itself and refuses in a function's configuration. */
const RESERVED_ENVIRONMENT = new Set([
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
]);

/** Sizing and options after validation: what the renderer builds from. @internal */
export interface CheckedLambdaSizing extends Omit<LambdaSizing, 'peakConcurrency' | 'warmSchedules'> {
  readonly warmSchedules: WarmSchedule[];
}

/** Option values the sizing checks need. @internal */
export interface SizingOverrides {
  readonly utilizationTarget?: number;
  readonly reservedConcurrentExecutions?: number;
  /** The option that sets `reservedConcurrentExecutions`, for messages. @default 'lambda.reservedConcurrentExecutions' */
  readonly reservedConcurrencyPath?: string;
  readonly weightedAlias: boolean;
}

/**
 * Checks a number against one of Lambda's ranges: a finite, concrete number (NaN, infinities,
 * non-numbers and unresolved tokens are refused first, so that no range comparison sees them),
 * then the range, then (when asked) an integer.
 * @internal
 */
export function checkLambdaRange(prop: string, value: number, min: number, max: number, integer: boolean, target = 'the Lambda target'): number {
  checkNumber(prop, value);
  if (value < min || value > max) {
    throw new InferenceWorkloadValidationError(`'${prop}' must be between ${formatBound(min)} and ${formatBound(max)} for ${target}, got ${formatValue(value)}`);
  }
  if (integer && !Number.isInteger(value)) {
    throw new InferenceWorkloadValidationError(`'${prop}' must be an integer for ${target}, got ${formatValue(value)}`);
  }
  return value;
}

/** Checks a decision's architecture: the policy resolves 'any' to x86_64 or arm64. @internal */
export function checkArchitecture(prop: string, architecture: CpuArchitecture, target = 'the Lambda target'): CpuArchitecture {
  if (architecture !== CpuArchitecture.X86_64 && architecture !== CpuArchitecture.ARM64) {
    throw new InferenceWorkloadValidationError(
      `'${prop}' must be ${CpuArchitecture.X86_64} or ${CpuArchitecture.ARM64} for ${target} (the policy resolves 'any'), got ${describeValue(architecture)}`);
  }
  return architecture;
}

/** Checks a function timeout against Lambda's range, in whole seconds. @internal */
export function checkTimeoutSeconds(prop: string, value: number, target?: string): number {
  return checkLambdaRange(prop, value, L.minTimeoutSeconds, L.maxTimeoutSeconds, true, target);
}

/** Checks function memory against Lambda's range, in whole MiB. @internal */
export function checkMemoryMiB(prop: string, value: number): number {
  return checkLambdaRange(prop, value, L.minMemoryMiB, L.maxMemoryMiB, true);
}

/** Checks an optional latency budget of a decision (the p99 alarm's threshold), ms. @internal */
export function checkLatencyBudgetMs(prop: string, value: number | undefined): number | undefined {
  return value === undefined ? undefined : checkNumber(prop, value, { min: 0, exclusiveMin: true });
}

/**
 * Checks a decision's Lambda sizing and the options that interact with it. Throws before
 * anything is built. Every message names the decision's field (`decision.lambda.memoryMiB`) and
 * its value: a custom policy's NaN, infinity, string or token is refused, never rendered.
 * @internal
 */
export function checkLambdaSizing(sizing: LambdaSizing, o: SizingOverrides, path = 'decision.lambda'): CheckedLambdaSizing {
  const at = (field: string) => `${path}.${field}`;
  const memoryMiB = checkMemoryMiB(at('memoryMiB'), sizing.memoryMiB);
  const timeoutSeconds = checkTimeoutSeconds(at('timeoutSeconds'), sizing.timeoutSeconds);
  const ephemeralStorageMiB = checkLambdaRange(at('ephemeralStorageMiB'), sizing.ephemeralStorageMiB, L.minEphemeralStorageMiB, L.maxEphemeralStorageMiB, true);
  const architecture = checkArchitecture(at('architecture'), sizing.architecture);
  const min = checkNumber(at('provisionedConcurrencyMin'), sizing.provisionedConcurrencyMin, { min: 0, integer: true });
  const max = checkNumber(at('provisionedConcurrencyMax'), sizing.provisionedConcurrencyMax, { min: 0, integer: true });
  if (min > max) {
    throw new InferenceWorkloadValidationError(`'${at('provisionedConcurrencyMin')}' must be at most '${at('provisionedConcurrencyMax')}' (${max}), got ${min}`);
  }
  // the option overrides the decision's target (and was checked with the options)
  const utilizationTarget = checkLambdaRange(o.utilizationTarget !== undefined ? 'lambda.utilizationTarget' : at('utilizationTarget'),
    o.utilizationTarget ?? sizing.utilizationTarget, L.minUtilizationTarget, L.maxUtilizationTarget, false);
  const latencyBudgetMs = checkLatencyBudgetMs(at('latencyBudgetMs'), sizing.latencyBudgetMs);
  if (o.reservedConcurrentExecutions !== undefined) {
    const reserved = checkNumber(o.reservedConcurrencyPath ?? 'lambda.reservedConcurrentExecutions', o.reservedConcurrentExecutions,
      { min: L.minReservedConcurrency, max: L.maxReservedConcurrency, integer: true });
    if (reserved < max) {
      throw new InferenceWorkloadValidationError(
        `'${o.reservedConcurrencyPath ?? 'reservedConcurrentExecutions'}' must be at least the provisioned concurrency maximum (${max}), got ${reserved}`);
    }
  }
  if (o.weightedAlias && max > 0) {
    throw new InferenceWorkloadValidationError(
      `Cannot configure 'additionalVersions' (a weighted alias) with provisioned concurrency on the 'live' alias (provisionedConcurrencyMax ${max}): `
      + 'Lambda cannot keep provisioned concurrency on an alias that routes to two versions');
  }
  // the policy validates the profile's warm windows; a custom policy's are checked here, where
  // their floor becomes a scheduled capacity (the renderer keeps each window at or above the
  // decision's floor, see provisionedConcurrencyScaler)
  const warmSchedules = sizing.warmSchedules ?? [];
  warmSchedules.forEach((w, i) => checkNumber(at(`warmSchedules[${i}].minCapacity`), w.minCapacity, { min: 0, integer: true }));
  return {
    memoryMiB,
    timeoutSeconds,
    ephemeralStorageMiB,
    architecture,
    provisionedConcurrencyMin: min,
    provisionedConcurrencyMax: max,
    utilizationTarget,
    warmSchedules,
    latencyBudgetMs,
  };
}

/** Checks the function's environment against Lambda's rules. @internal */
export function checkEnvironment(environment: Record<string, string>): Record<string, string> {
  let bytes = 0;
  for (const [key, value] of Object.entries(environment)) {
    checkString('lambda.environment key', key, { maxLength: 128, pattern: /^[a-zA-Z][a-zA-Z0-9_]*$/, patternDescription: 'a letter followed by letters, digits and \'_\'' });
    if (RESERVED_ENVIRONMENT.has(key)) {
      throw new InferenceWorkloadValidationError(`'lambda.environment' must not set ${key}: Lambda reserves it, got ${JSON.stringify(value)}`);
    }
    if (typeof value !== 'string') {
      throw new InferenceWorkloadValidationError(`'lambda.environment.${key}' must be a string, got ${String(value)}`);
    }
    bytes += Buffer.byteLength(key) + (Token.isUnresolved(value) ? 0 : Buffer.byteLength(value));
  }
  if (bytes > L.maxEnvironmentBytes) {
    throw new InferenceWorkloadValidationError(`'lambda.environment' must be at most ${L.maxEnvironmentBytes} bytes in total, got ${bytes} bytes`);
  }
  return environment;
}

/** Checks a latency budget given as a Duration; returns milliseconds. @internal */
export function checkLatencyBudget(budget: Duration): number {
  const P = 'lambda.latencyBudget';
  if (budget === null || typeof budget !== 'object' || typeof (budget as { toMilliseconds?: unknown }).toMilliseconds !== 'function') {
    throw new InferenceWorkloadValidationError(`'${P}' must be a Duration (Duration.millis(800)), got ${describeValue(budget)}`);
  }
  if (budget.isUnresolved()) {
    throw new InferenceWorkloadValidationError(`'${P}' must be a concrete duration at synth time, got an unresolved token`);
  }
  // toMilliseconds() would throw from inside aws-cdk-lib on a fraction of a millisecond
  const ms = budget.toMilliseconds({ integral: false });
  if (!Number.isFinite(ms)) {
    throw new InferenceWorkloadValidationError(`'${P}' must be a finite duration, got ${ms} ms`);
  }
  if (!(ms > 0)) {
    throw new InferenceWorkloadValidationError(`'${P}' must be greater than 0 ms, got ${ms} ms`);
  }
  if (ms < 1) {
    throw new InferenceWorkloadValidationError(`'${P}' must be at least 1 ms (the Duration alarm's resolution), got ${ms} ms`);
  }
  return ms;
}
