import { InferenceWorkloadValidationError } from '../errors';
import { checkNumber, checkOptionalNumber, checkString, describeValue } from '../private/validate';

/**
 * CPU architectures a workload's image is built for.
 */
export enum CpuArchitecture {
  /** x86_64 only. */
  X86_64 = 'x86_64',
  /** arm64 (Graviton) only. */
  ARM64 = 'arm64',
  /** Multi-arch image: the placement may pick the cheaper of the two. */
  ANY = 'any',
}

/**
 * A recurring window in which provisioned concurrency is kept at a floor, e.g. a
 * business-hours warm-up. Expressed as Application Auto Scaling schedules.
 */
export interface WarmSchedule {
  /** A name for the window, used in the scheduled action name (letters, digits, '-'). */
  readonly name: string;
  /** When the window starts: an Application Auto Scaling cron expression, e.g. `cron(0 8 ? * MON-FRI *)`. */
  readonly startCron: string;
  /** When the window ends (the floor returns to the policy's minimum). */
  readonly endCron: string;
  /** Provisioned concurrency floor during the window. */
  readonly minCapacity: number;
  /**
   * Time zone of the cron expressions (IANA name).
   * @default 'UTC'
   */
  readonly timeZone?: string;
}

/**
 * What an inference workload needs, in the units the policy reasons with.
 *
 * Every field is a plain number or string: the placement is decided at synth time,
 * so tokens are refused.
 */
export interface WorkloadProfile {
  /**
   * Memory one model server needs, in MiB (weights loaded + runtime + request buffers).
   */
  readonly memoryMiB: number;

  /**
   * Number of GPUs one model server needs. 0 means CPU only.
   * @default 0
   */
  readonly gpuCount?: number;

  /**
   * Minimum memory of each GPU, in GiB. Only meaningful with `gpuCount` > 0.
   * @default - any GPU memory (16 GiB is assumed for pricing)
   */
  readonly gpuMemoryGiB?: number;

  /**
   * GPU product family the model server is built for, e.g. `A10G`, `L4`, `L40S`, `A100`, `H100`, `T4`.
   * @default - any family with enough GPU memory
   */
  readonly gpuFamily?: string;

  /**
   * Size of the model weights, in GiB. Drives the model-cache volume and the startup probe.
   * @default - memoryMiB / 2048 (half the memory)
   */
  readonly modelSizeGiB?: number;

  /**
   * Size of the container image, in GiB (uncompressed). Lambda container images are limited to 10 GiB.
   * @default 1
   */
  readonly imageSizeGiB?: number;

  /**
   * Median (p50) time to serve one request, in milliseconds.
   */
  readonly requestDurationP50Ms: number;

  /**
   * p99 time to serve one request, in milliseconds.
   * @default - requestDurationP50Ms
   */
  readonly requestDurationP99Ms?: number;

  /**
   * Average requests per second over a month.
   */
  readonly averageRequestsPerSecond: number;

  /**
   * Peak requests per second the workload must absorb.
   * @default - averageRequestsPerSecond
   */
  readonly peakRequestsPerSecond?: number;

  /**
   * Sustained utilization, 0–1: average load divided by the capacity provisioned for the peak.
   * The cost model prices an average load of `sustainedUtilization x peakRequestsPerSecond`, so
   * when given it takes precedence over `averageRequestsPerSecond` for costs and bands.
   * @default - averageRequestsPerSecond / peakRequestsPerSecond (rounded to three decimals)
   */
  readonly sustainedUtilization?: number;

  /**
   * End-to-end p99 latency budget, in milliseconds.
   * @default - no latency budget
   */
  readonly latencyBudgetP99Ms?: number;

  /**
   * Extra latency, in milliseconds, a request may see when it lands on a cold instance.
   * @default 1000
   */
  readonly coldStartToleranceMs?: number;

  /**
   * Latency jitter budget, in microseconds.
   * @default - no jitter budget
   */
  readonly jitterBudgetMicros?: number;

  /**
   * Node-local state (cache, feature shard, KV store), in GiB, that must sit on the same node as the
   * model server. 0 means the workload is stateless.
   * @default 0
   */
  readonly nodeLocalStateGiB?: number;

  /**
   * Size of one request payload, in KiB. Lambda accepts at most 6 MiB (6,144 KiB) synchronously.
   * @default 64
   */
  readonly requestPayloadKiB?: number;

  /**
   * Architectures the image is built for.
   * @default CpuArchitecture.X86_64
   */
  readonly architecture?: CpuArchitecture;

  /**
   * Whether the team runs Kubernetes itself (has people on call for a cluster).
   * @default false
   */
  readonly teamRunsKubernetes?: boolean;

  /**
   * Whether the model can also serve from CPU (slower but correct), so that a hybrid
   * placement may send the burst tail to a Lambda overflow function.
   * @default false
   */
  readonly cpuFallbackCapable?: boolean;

  /**
   * How many times slower one request is when the model serves from CPU (the hybrid's Lambda
   * overflow) than on its usual hardware. Prices the overflow and sizes its timeout.
   * @default - 1 for CPU models; 5 for GPU models (an assumption: a small GPU model is typically
   * several times slower on CPU — measure yours and set it)
   */
  readonly cpuFallbackSlowdown?: number;

  /**
   * Requests one model server (one replica, or one Lambda execution environment for Lambda)
   * can serve at the same time.
   * @default - 1 for CPU work; 4 for GPU work (continuous batching)
   */
  readonly concurrencyPerReplica?: number;

  /**
   * Windows in which provisioned concurrency is kept warm at a floor (Lambda placements).
   * @default - no scheduled windows
   */
  readonly warmSchedules?: WarmSchedule[];

  /**
   * Whether scheduled windows may scale provisioned concurrency to zero outside the window.
   * Scaling to zero breaks later deploys (aws-cdk #29992), so it must be asked for explicitly.
   * @default false
   */
  readonly allowScaleToZero?: boolean;
}

/** The largest values we accept, to catch unit mistakes (e.g. bytes given as MiB). */
const LIMITS = {
  memoryMiB: 2_097_152, // 2 TiB
  gpuCount: 16,
  gpuMemoryGiB: 192,
  modelSizeGiB: 2_048,
  imageSizeGiB: 200,
  durationMs: 86_400_000, // one day
  requestsPerSecond: 1_000_000,
  latencyMs: 3_600_000,
  jitterMicros: 60_000_000,
  nodeLocalStateGiB: 65_536,
  payloadKiB: 1_048_576, // 1 GiB
  concurrency: 10_000,
} as const;

/**
 * A profile with every default applied and every field validated.
 * Produced by `resolveProfile()`; the rules and cost model read only this.
 */
export interface ResolvedProfile {
  /** Memory one model server needs, in MiB. */
  readonly memoryMiB: number;
  /** GPUs per model server. */
  readonly gpuCount: number;
  /** Minimum memory per GPU, in GiB (0 for CPU work). */
  readonly gpuMemoryGiB: number;
  /** GPU family, if pinned. */
  readonly gpuFamily?: string;
  /** Model weights, in GiB. */
  readonly modelSizeGiB: number;
  /** Container image, in GiB. */
  readonly imageSizeGiB: number;
  /** p50 request duration, ms. */
  readonly requestDurationP50Ms: number;
  /** p99 request duration, ms. */
  readonly requestDurationP99Ms: number;
  /** Average requests per second. */
  readonly averageRequestsPerSecond: number;
  /** Peak requests per second. */
  readonly peakRequestsPerSecond: number;
  /** Sustained utilization, 0–1. */
  readonly sustainedUtilization: number;
  /** p99 latency budget, ms, if any. */
  readonly latencyBudgetP99Ms?: number;
  /** Cold-start tolerance, ms. */
  readonly coldStartToleranceMs: number;
  /** Jitter budget, µs, if any. */
  readonly jitterBudgetMicros?: number;
  /** Node-local state, GiB. */
  readonly nodeLocalStateGiB: number;
  /** Request payload, KiB. */
  readonly requestPayloadKiB: number;
  /** Architectures the image supports. */
  readonly architecture: CpuArchitecture;
  /** Whether the team runs Kubernetes. */
  readonly teamRunsKubernetes: boolean;
  /** Whether the model can serve on CPU. */
  readonly cpuFallbackCapable: boolean;
  /** How many times slower a request is on CPU than on the model's usual hardware. */
  readonly cpuFallbackSlowdown: number;
  /** Concurrent requests per replica. */
  readonly concurrencyPerReplica: number;
  /** Validated warm windows (empty when none). */
  readonly warmSchedules: WarmSchedule[];
  /** Whether warm windows may scale provisioned concurrency to zero. */
  readonly allowScaleToZero: boolean;
}

/**
 * Validates a profile and applies its defaults. Throws an error naming the field,
 * the allowed range and the value for NaN, ±Infinity, negatives, tokens and values out of range.
 */
export function resolveProfile(p: WorkloadProfile, prefix = 'profile.'): ResolvedProfile {
  if (p === null || typeof p !== 'object') {
    throw new InferenceWorkloadValidationError(`'${prefix.replace(/\.$/, '')}' must be an object, got ${String(p)}`);
  }
  const n = (name: string) => `${prefix}${name}`;
  const memoryMiB = checkNumber(n('memoryMiB'), p.memoryMiB, { min: 128, max: LIMITS.memoryMiB, integer: true });
  const gpuCount = checkNumber(n('gpuCount'), p.gpuCount ?? 0, { min: 0, max: LIMITS.gpuCount, integer: true });
  const gpuMemoryGiB = checkOptionalNumber(n('gpuMemoryGiB'), p.gpuMemoryGiB, { min: 1, max: LIMITS.gpuMemoryGiB });
  if (gpuMemoryGiB !== undefined && gpuCount === 0) {
    throw new InferenceWorkloadValidationError(
      `Cannot configure '${n('gpuMemoryGiB')}' (${gpuMemoryGiB}) without '${n('gpuCount')}' of at least 1, got ${gpuCount}`);
  }
  if (p.gpuFamily !== undefined) {
    checkString(n('gpuFamily'), p.gpuFamily, { maxLength: 32, pattern: /^[A-Za-z0-9][A-Za-z0-9-]*$/, patternDescription: 'a GPU family name such as "A10G", "L4" or "H100"' });
    if (gpuCount === 0) {
      throw new InferenceWorkloadValidationError(`Cannot configure '${n('gpuFamily')}' (${JSON.stringify(p.gpuFamily)}) without '${n('gpuCount')}' of at least 1, got ${gpuCount}`);
    }
  }
  const modelSizeGiB = checkOptionalNumber(n('modelSizeGiB'), p.modelSizeGiB, { min: 0, max: LIMITS.modelSizeGiB }) ?? round3(memoryMiB / 2048);
  const imageSizeGiB = checkOptionalNumber(n('imageSizeGiB'), p.imageSizeGiB, { min: 0.001, max: LIMITS.imageSizeGiB }) ?? 1;
  const p50 = checkNumber(n('requestDurationP50Ms'), p.requestDurationP50Ms, { min: 0, exclusiveMin: true, max: LIMITS.durationMs });
  const p99 = checkOptionalNumber(n('requestDurationP99Ms'), p.requestDurationP99Ms, { min: 0, exclusiveMin: true, max: LIMITS.durationMs }) ?? p50;
  if (p99 < p50) {
    throw new InferenceWorkloadValidationError(`'${n('requestDurationP99Ms')}' (${p99}) must be at least '${n('requestDurationP50Ms')}' (${p50})`);
  }
  const avg = checkNumber(n('averageRequestsPerSecond'), p.averageRequestsPerSecond, { min: 0, max: LIMITS.requestsPerSecond });
  const peak = checkOptionalNumber(n('peakRequestsPerSecond'), p.peakRequestsPerSecond, { min: 0, max: LIMITS.requestsPerSecond }) ?? avg;
  if (peak < avg) {
    throw new InferenceWorkloadValidationError(`'${n('peakRequestsPerSecond')}' (${peak}) must be at least '${n('averageRequestsPerSecond')}' (${avg})`);
  }
  if (peak === 0) {
    throw new InferenceWorkloadValidationError(`'${n('peakRequestsPerSecond')}' must be greater than 0 (a workload that never receives a request needs no placement), got 0`);
  }
  const given = checkOptionalNumber(n('sustainedUtilization'), p.sustainedUtilization, { min: 0, max: 1 });
  const sustainedUtilization = given ?? round3(avg / peak);
  const latencyBudgetP99Ms = checkOptionalNumber(n('latencyBudgetP99Ms'), p.latencyBudgetP99Ms, { min: 0, exclusiveMin: true, max: LIMITS.latencyMs });
  if (latencyBudgetP99Ms !== undefined && latencyBudgetP99Ms < p99) {
    throw new InferenceWorkloadValidationError(
      `'${n('latencyBudgetP99Ms')}' (${latencyBudgetP99Ms}) must be at least '${n('requestDurationP99Ms')}' (${p99}): no placement can serve faster than the model runs`);
  }
  const coldStartToleranceMs = checkOptionalNumber(n('coldStartToleranceMs'), p.coldStartToleranceMs, { min: 0, max: LIMITS.latencyMs }) ?? 1000;
  const jitterBudgetMicros = checkOptionalNumber(n('jitterBudgetMicros'), p.jitterBudgetMicros, { min: 0, exclusiveMin: true, max: LIMITS.jitterMicros });
  const nodeLocalStateGiB = checkOptionalNumber(n('nodeLocalStateGiB'), p.nodeLocalStateGiB, { min: 0, max: LIMITS.nodeLocalStateGiB }) ?? 0;
  const requestPayloadKiB = checkOptionalNumber(n('requestPayloadKiB'), p.requestPayloadKiB, { min: 0, max: LIMITS.payloadKiB }) ?? 64;
  const architecture = p.architecture ?? CpuArchitecture.X86_64;
  if (!Object.values(CpuArchitecture).includes(architecture)) {
    throw new InferenceWorkloadValidationError(`'${n('architecture')}' must be one of ${Object.values(CpuArchitecture).join(', ')}, got ${JSON.stringify(architecture)}`);
  }
  const concurrencyPerReplica = checkOptionalNumber(n('concurrencyPerReplica'), p.concurrencyPerReplica, { min: 1, max: LIMITS.concurrency, integer: true })
    ?? (gpuCount > 0 ? 4 : 1);
  const allowScaleToZero = checkBoolean(n('allowScaleToZero'), p.allowScaleToZero, false);
  const warmSchedules = resolveWarmSchedules(n('warmSchedules'), p.warmSchedules, allowScaleToZero);
  return {
    memoryMiB,
    gpuCount,
    gpuMemoryGiB: gpuCount > 0 ? (gpuMemoryGiB ?? 16) : 0,
    gpuFamily: p.gpuFamily,
    modelSizeGiB,
    imageSizeGiB,
    requestDurationP50Ms: p50,
    requestDurationP99Ms: p99,
    averageRequestsPerSecond: avg,
    peakRequestsPerSecond: peak,
    sustainedUtilization,
    latencyBudgetP99Ms,
    coldStartToleranceMs,
    jitterBudgetMicros,
    nodeLocalStateGiB,
    requestPayloadKiB,
    architecture,
    teamRunsKubernetes: checkBoolean(n('teamRunsKubernetes'), p.teamRunsKubernetes, false),
    cpuFallbackCapable: checkBoolean(n('cpuFallbackCapable'), p.cpuFallbackCapable, false),
    cpuFallbackSlowdown: checkOptionalNumber(n('cpuFallbackSlowdown'), p.cpuFallbackSlowdown, { min: 1, max: 1000 }) ?? (gpuCount > 0 ? 5 : 1),
    concurrencyPerReplica,
    warmSchedules,
    allowScaleToZero,
  };
}

/** Largest number of warm windows per workload (each becomes two scheduled actions). */
const MAX_WARM_SCHEDULES = 20;
/** An Application Auto Scaling cron expression: `cron(minutes hours day-of-month month day-of-week year)`. */
const CRON = /^cron\((\S+ ){5}\S+\)$/;
const SCHEDULE_NAME = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

function resolveWarmSchedules(prop: string, value: WarmSchedule[] | undefined, allowScaleToZero: boolean): WarmSchedule[] {
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value)) {
    throw new InferenceWorkloadValidationError(`'${prop}' must be an array of warm schedules, got ${describeValue(value)}`);
  }
  if (value.length > MAX_WARM_SCHEDULES) {
    throw new InferenceWorkloadValidationError(`'${prop}' must have at most ${MAX_WARM_SCHEDULES} entries, got ${value.length}`);
  }
  const seen = new Set<string>();
  return value.map((w, i) => {
    const at = `${prop}[${i}]`;
    if (w === null || typeof w !== 'object') {
      throw new InferenceWorkloadValidationError(`'${at}' must be an object, got ${describeValue(w)}`);
    }
    const name = checkString(`${at}.name`, w.name, { maxLength: 64, pattern: SCHEDULE_NAME, patternDescription: 'letters, digits and \'-\', starting with a letter or digit' });
    if (seen.has(name)) {
      throw new InferenceWorkloadValidationError(`'${at}.name' must be unique among the warm schedules, got ${JSON.stringify(name)} twice`);
    }
    seen.add(name);
    const cron = { maxLength: 256, pattern: CRON, patternDescription: 'an Application Auto Scaling cron expression with six fields, e.g. "cron(0 8 ? * MON-FRI *)"' };
    const startCron = checkString(`${at}.startCron`, w.startCron, cron);
    const endCron = checkString(`${at}.endCron`, w.endCron, cron);
    if (startCron === endCron) {
      throw new InferenceWorkloadValidationError(`'${at}.endCron' must differ from '${at}.startCron' (an empty window), got ${JSON.stringify(endCron)}`);
    }
    const minCapacity = checkNumber(`${at}.minCapacity`, w.minCapacity, { min: 0, max: LIMITS.concurrency, integer: true });
    if (minCapacity === 0 && !allowScaleToZero) {
      throw new InferenceWorkloadValidationError(`'${at}.minCapacity' must be at least 1 unless '${prop.replace(/warmSchedules$/, 'allowScaleToZero')}' is true `
        + '(provisioned concurrency at zero breaks later deploys, aws-cdk #29992), got 0');
    }
    const timeZone = w.timeZone === undefined ? undefined : checkTimeZone(`${at}.timeZone`, w.timeZone);
    return timeZone === undefined ? { name, startCron, endCron, minCapacity } : { name, startCron, endCron, minCapacity, timeZone };
  });
}

function checkTimeZone(prop: string, value: string): string {
  checkString(prop, value, { maxLength: 64, pattern: /^[A-Za-z][A-Za-z0-9_+\-/]*$/, patternDescription: 'an IANA time zone name such as "UTC" or "Europe/Berlin"' });
  try {
    // Intl knows the IANA database; this is pure (no I/O) and deterministic for a given Node version
    new Intl.DateTimeFormat('en-US', { timeZone: value });
  } catch {
    throw new InferenceWorkloadValidationError(`'${prop}' must be an IANA time zone name such as "UTC" or "Europe/Berlin", got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkBoolean(prop: string, value: boolean | undefined, fallback: boolean): boolean {
  if (value === undefined) {
    return fallback;
  }
  if (typeof value !== 'boolean') {
    throw new InferenceWorkloadValidationError(`'${prop}' must be true or false, got ${JSON.stringify(value)}`);
  }
  return value;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
