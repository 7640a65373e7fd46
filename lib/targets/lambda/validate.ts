import { Duration, Token } from 'aws-cdk-lib';
import { InferenceWorkloadValidationError } from '../../errors';
import { CpuArchitecture, LambdaSizing, WarmSchedule } from '../../policy';
import { LAMBDA_LIMITS } from '../../policy/limits';
import { checkNumber, checkString, describeValue, formatBound, formatValue } from '../../private/validate';

/** Lambda's documented limits, as the renderer enforces them. */
const LIMITS = {
  memoryMiB: [LAMBDA_LIMITS.minMemoryMiB, LAMBDA_LIMITS.maxMemoryMiB],
  timeoutSeconds: [LAMBDA_LIMITS.minTimeoutSeconds, LAMBDA_LIMITS.maxTimeoutSeconds],
  ephemeralStorageMiB: [LAMBDA_LIMITS.minEphemeralStorageMiB, LAMBDA_LIMITS.maxEphemeralStorageMiB],
  utilizationTarget: [0.1, 0.9],
  environmentBytes: 4096,
} as const;

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
  readonly weightedAlias: boolean;
}

function checkLambdaRange(prop: string, value: number, [min, max]: readonly [number, number], integer: boolean): number {
  checkNumber(prop, value);
  if (value < min || value > max) {
    throw new InferenceWorkloadValidationError(`'${prop}' must be between ${formatBound(min)} and ${formatBound(max)} for the Lambda target, got ${formatValue(value)}`);
  }
  if (integer && !Number.isInteger(value)) {
    throw new InferenceWorkloadValidationError(`'${prop}' must be an integer for the Lambda target, got ${value}`);
  }
  return value;
}

/**
 * Checks a decision's Lambda sizing and the options that interact with it. Throws before
 * anything is built.
 * @internal
 */
export function checkLambdaSizing(sizing: LambdaSizing, o: SizingOverrides): CheckedLambdaSizing {
  const memoryMiB = checkLambdaRange('memoryMiB', sizing.memoryMiB, LIMITS.memoryMiB, true);
  const timeoutSeconds = checkLambdaRange('timeoutSeconds', sizing.timeoutSeconds, LIMITS.timeoutSeconds, true);
  const ephemeralStorageMiB = checkLambdaRange('ephemeralStorageMiB', sizing.ephemeralStorageMiB, LIMITS.ephemeralStorageMiB, true);
  if (sizing.architecture !== CpuArchitecture.X86_64 && sizing.architecture !== CpuArchitecture.ARM64) {
    throw new InferenceWorkloadValidationError(
      `'architecture' must be ${CpuArchitecture.X86_64} or ${CpuArchitecture.ARM64} for the Lambda target (the policy resolves 'any'), got ${JSON.stringify(sizing.architecture)}`);
  }
  const min = checkNumber('provisionedConcurrencyMin', sizing.provisionedConcurrencyMin, { min: 0, integer: true });
  const max = checkNumber('provisionedConcurrencyMax', sizing.provisionedConcurrencyMax, { min: 0, integer: true });
  if (min > max) {
    throw new InferenceWorkloadValidationError(`'provisionedConcurrencyMin' (${min}) must be at most 'provisionedConcurrencyMax' (${max})`);
  }
  const utilizationTarget = checkLambdaRange('utilizationTarget', o.utilizationTarget ?? sizing.utilizationTarget, LIMITS.utilizationTarget, false);
  if (o.reservedConcurrentExecutions !== undefined) {
    const reserved = checkNumber('reservedConcurrentExecutions', o.reservedConcurrentExecutions, { min: 1, integer: true });
    if (reserved < max) {
      throw new InferenceWorkloadValidationError(
        `'reservedConcurrentExecutions' must be at least the provisioned concurrency maximum (${max}), got ${reserved}`);
    }
  }
  if (o.weightedAlias && max > 0) {
    throw new InferenceWorkloadValidationError(
      `Cannot configure 'additionalVersions' (a weighted alias) with provisioned concurrency on the 'live' alias (provisionedConcurrencyMax ${max}): `
      + 'Lambda cannot keep provisioned concurrency on an alias that routes to two versions');
  }
  // warm windows are validated once, by the policy (profile.warmSchedules); the renderer keeps each
  // window at or above the floor (see provisionedConcurrencyScaler)
  const warmSchedules = sizing.warmSchedules ?? [];
  return {
    memoryMiB,
    timeoutSeconds,
    ephemeralStorageMiB,
    architecture: sizing.architecture,
    provisionedConcurrencyMin: min,
    provisionedConcurrencyMax: max,
    utilizationTarget,
    warmSchedules,
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
  if (bytes > LIMITS.environmentBytes) {
    throw new InferenceWorkloadValidationError(`'lambda.environment' must be at most ${LIMITS.environmentBytes} bytes in total, got ${bytes} bytes`);
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
