import { InferenceWorkloadValidationError } from '../errors';
import { ARTICLE_THRESHOLDS } from './limits';
import { cronMinutes } from './schedule';
import { defaultRampRequestsPerSecondPerMinute, defaultVcpus } from './sizing-defaults';
import { KnownKeys, knownKeysOf, unknownKeyProblems } from '../private/known-keys';
import { checkBoolean, checkNumber, checkOneOf, checkString, numberFits, describeValue, formatBound, formatValue } from '../private/validate';

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
   * vCPUs one model server (a CPU pod, or a Lambda Managed Instances execution environment) needs
   * to serve at the stated request durations. Kubernetes pods and Managed Instances environments are
   * priced and rendered with it.
   * @default - for GPU work 2 per GPU (the model server's own work while the GPU computes); for CPU
   * work what Lambda gives `memoryMiB` (1 vCPU per 1,769 MB, at most 6): the durations are taken to be
   * measured at that memory
   */
  readonly vcpus?: number;

  /**
   * Windows in which provisioned concurrency is kept warm at a floor (Lambda placements).
   * @default - no scheduled windows
   */
  readonly warmSchedules?: WarmSchedule[];

  /**
   * Whether provisioned concurrency is 0 outside the warm windows (Lambda placements): the windows
   * keep their `minCapacity` warm, every other hour runs on demand, and the cost model prices it
   * so. Requires `warmSchedules` (with cron expressions of numbers, names, '*', '?', ranges, lists
   * and steps, so that the hours can be priced) and a `coldStartToleranceMs` of at least 500.
   *
   * The `live` alias then declares no provisioned concurrency of its own; Application Auto
   * Scaling alone sets it, so a deploy while it is 0 does not fail (which it does when the alias
   * declares one and a schedule removed it, aws-cdk #29992). Without this, a window may not go
   * below 1 and is never rendered below the policy's floor.
   * @default false
   */
  readonly allowScaleToZero?: boolean;

  /**
   * How fast traffic can rise, requests per second per minute. A Kubernetes placement keeps enough
   * replicas warm (its HPA floor) to absorb this rise, from the average load, while new capacity
   * starts (node, image, weights, server), when that takes longer than `coldStartToleranceMs`.
   * @default - the rise from the average to the peak over 5 minutes for spiky traffic (sustained
   * utilization under 10%, the article's "spiky") and over 15 minutes otherwise; 0 for flat traffic
   */
  readonly rampRequestsPerSecondPerMinute?: number;

  /**
   * Whether the runtime serves each concurrent request of an execution environment in its own
   * process, each with its own copy of the model: the Lambda Managed Instances Python runtime does
   * ("Each concurrent request runs in a separate process with its own memory space and
   * initialization ... Total memory usage equals the per-process memory multiplied by the number of
   * concurrent processes", https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-python-runtime.html);
   * Node.js, Java and .NET share one process. A Lambda Managed Instances environment is then sized
   * `memoryMiB` x `concurrencyPerReplica`.
   * @default false
   */
  readonly processPerRequest?: boolean;

  /**
   * Whether the workload must run on single-tenant hosts (your own requirement, for example an
   * auditor's reading of PCI DSS or SOC 2 for this workload). The policy then excludes the targets
   * whose hosts are shared (Lambda, the hybrid's Lambda entry point, Lambda Managed Instances) and
   * names the verdict `Verdict.AVOID`. AWS Lambda itself is in scope of AWS's PCI DSS and SOC
   * reports (https://aws.amazon.com/compliance/services-in-scope/): this states a requirement, not
   * a gap of those services. The Kubernetes target does not set node tenancy; see README.md, "Verdicts".
   * @default false
   */
  readonly requiresSingleTenantHosts?: boolean;

  /**
   * Target GPU utilization, 0.1-0.9, of a GPU function's capacity provider on Lambda Managed
   * Instances: the decision prices and renders its environments at this target.
   * @default - from `latencyBudgetP99Ms`: (1 - requestDurationP99Ms / latencyBudgetP99Ms) / 2, between 0.1 and 0.5
   * (headroom for traffic doubling before the provider scales); 0.4, AWS's default, without a budget
   */
  readonly gpuUtilizationTarget?: number;
}

/** Bounds of a numeric profile field. */
interface NumberBounds {
  readonly min: number;
  /** The largest value accepted, to catch unit mistakes (e.g. bytes given as MiB). */
  readonly max: number;
  readonly exclusiveMin?: boolean;
  readonly integer?: boolean;
}

/** How one `WorkloadProfile` field is checked. */
type FieldSpec =
  | { readonly kind: 'number'; readonly bounds: NumberBounds; readonly required?: true; readonly noDefault?: true }
  | { readonly kind: 'string' | 'enum' | 'boolean' | 'list'; readonly noDefault?: true };

const DURATION_MS: NumberBounds = { min: 0, exclusiveMin: true, max: 86_400_000 }; // one day
const RPS: NumberBounds = { min: 0, max: 1_000_000 };

/**
 * Every `WorkloadProfile` field, once: its kind and, for numbers, the accepted range. The CLI reads
 * the names, `resolveProfile()` the ranges. `satisfies` makes a missing or an extra field a compile
 * error; `noDefault` marks the fields that stay optional after resolution.
 * @internal
 */
export const PROFILE_FIELDS = {
  memoryMiB: { kind: 'number', required: true, bounds: { min: 128, max: 2_097_152, integer: true } }, // 2 TiB
  gpuCount: { kind: 'number', bounds: { min: 0, max: 16, integer: true } },
  gpuMemoryGiB: { kind: 'number', bounds: { min: 1, max: 192 } },
  gpuFamily: { kind: 'string', noDefault: true },
  modelSizeGiB: { kind: 'number', bounds: { min: 0, max: 2_048 } },
  imageSizeGiB: { kind: 'number', bounds: { min: 0.001, max: 200 } },
  requestDurationP50Ms: { kind: 'number', required: true, bounds: DURATION_MS },
  requestDurationP99Ms: { kind: 'number', bounds: DURATION_MS },
  averageRequestsPerSecond: { kind: 'number', required: true, bounds: RPS },
  peakRequestsPerSecond: { kind: 'number', bounds: RPS },
  sustainedUtilization: { kind: 'number', bounds: { min: 0, max: 1 } },
  latencyBudgetP99Ms: { kind: 'number', noDefault: true, bounds: { min: 0, exclusiveMin: true, max: 3_600_000 } },
  coldStartToleranceMs: { kind: 'number', bounds: { min: 0, max: 3_600_000 } },
  jitterBudgetMicros: { kind: 'number', noDefault: true, bounds: { min: 0, exclusiveMin: true, max: 60_000_000 } },
  nodeLocalStateGiB: { kind: 'number', bounds: { min: 0, max: 65_536 } },
  requestPayloadKiB: { kind: 'number', bounds: { min: 0, max: 1_048_576 } }, // 1 GiB
  architecture: { kind: 'enum' },
  teamRunsKubernetes: { kind: 'boolean' },
  cpuFallbackCapable: { kind: 'boolean' },
  cpuFallbackSlowdown: { kind: 'number', bounds: { min: 1, max: 1000 } },
  concurrencyPerReplica: { kind: 'number', bounds: { min: 1, max: 10_000, integer: true } },
  vcpus: { kind: 'number', bounds: { min: 0.05, max: 192 } },
  warmSchedules: { kind: 'list' },
  allowScaleToZero: { kind: 'boolean' },
  rampRequestsPerSecondPerMinute: { kind: 'number', bounds: RPS },
  processPerRequest: { kind: 'boolean' },
  requiresSingleTenantHosts: { kind: 'boolean' },
  gpuUtilizationTarget: { kind: 'number', noDefault: true, bounds: { min: 0.1, max: 0.9 } },
} as const satisfies Record<keyof WorkloadProfile, FieldSpec>;

/**
 * The profile's keys (those of `PROFILE_FIELDS`) and a warm window's: any other key is refused.
 * @internal
 */
export const PROFILE_KEYS: KnownKeys = knownKeysOf<WorkloadProfile>('WorkloadProfile', {
  ...Object.fromEntries(Object.keys(PROFILE_FIELDS).map(k => [k, true])) as Record<keyof WorkloadProfile, true>,
  warmSchedules: knownKeysOf<WarmSchedule>('WarmSchedule', { name: true, startCron: true, endCron: true, minCapacity: true, timeZone: true }),
});

/** The profile's field names. @internal */
export type ProfileField = keyof typeof PROFILE_FIELDS;

/** Fields without a default: they stay optional after resolution. */
type NoDefault = { [K in ProfileField]: typeof PROFILE_FIELDS[K] extends { readonly noDefault: true } ? K : never }[ProfileField];

/**
 * A profile with every default applied and every field validated: the `WorkloadProfile` fields,
 * all present except those without a default. Produced by `resolveProfile()`; the rules and the
 * cost model read only this.
 */
export type ResolvedProfile = Readonly<Required<Omit<WorkloadProfile, NoDefault>> & Pick<WorkloadProfile, NoDefault>>;

/** The numeric fields. */
type NumberField = { [K in ProfileField]: typeof PROFILE_FIELDS[K] extends { readonly kind: 'number' } ? K : never }[ProfileField];

/**
 * Validates a profile and applies its defaults. Throws an error naming the field,
 * the allowed range and the value for NaN, ±Infinity, negatives, tokens and values out of range.
 *
 * Every problem is reported at once: the message is the first problem's (it starts with that
 * field's prop path), followed by `; also: ` and the others, on one line.
 */
export function resolveProfile(p: WorkloadProfile, prefix = 'profile.'): ResolvedProfile {
  if (p === null || typeof p !== 'object') {
    throw new InferenceWorkloadValidationError(`'${prefix.replace(/\.$/, '')}' must be an object, got ${String(p)}`);
  }
  const problems = new Problems();
  const resolved = checkProfile(p, prefix, problems);
  if (resolved === undefined || problems.messages.length > 0) {
    throw problems.error();
  }
  return resolved;
}

/**
 * The fields the user did not give and the resolved profile holds a default for (in the order of
 * `PROFILE_FIELDS`; lists and fields without a default left out): what the report calls assumed.
 * @internal
 */
export function assumedProfileFields(given: WorkloadProfile, resolved: ResolvedProfile): ProfileField[] {
  const out: ProfileField[] = [];
  for (const field of Object.keys(PROFILE_FIELDS) as ProfileField[]) {
    const spec = PROFILE_FIELDS[field] as { noDefault?: boolean; kind: string };
    if (given[field] === undefined && !spec.noDefault && spec.kind !== 'list' && resolved[field] !== undefined) {
      out.push(field);
    }
  }
  return out;
}

/**
 * Every problem of a profile, in the order `resolveProfile()` reports them (the CLI reports
 * missing fields its own way and the others after them).
 * @internal
 */
export function profileProblems(p: WorkloadProfile, prefix = 'profile.'): string[] {
  const problems = new Problems();
  checkProfile(p, prefix, problems);
  return problems.messages;
}

/** Joins problems into one message: the first one's, then `; also: ` and the others. @internal */
export function joinProblems(messages: readonly string[]): string {
  return messages.length <= 1 ? (messages[0] ?? '') : `${messages[0]}; also: ${messages.slice(1).join('; ')}`;
}

/** The problems found so far; a check that throws a validation error is recorded and yields undefined. */
class Problems {
  public readonly messages: string[] = [];

  /** Runs one check; its validation error becomes a problem and the result undefined. */
  public check<T>(f: () => T): T | undefined {
    try {
      return f();
    } catch (e) {
      if (e instanceof InferenceWorkloadValidationError) {
        this.messages.push(e.message);
        return undefined;
      }
      throw e;
    }
  }

  public add(message: string): void {
    this.messages.push(message);
  }

  public error(): InferenceWorkloadValidationError {
    return new InferenceWorkloadValidationError(joinProblems(this.messages));
  }
}

/**
 * Checks every field, records each problem and returns the resolved profile when there is none.
 * A field that is wrong is left out of the checks that relate it to another field (a p99 that is
 * not a number is not also reported as under the p50), and so is a default derived from it.
 */
const ARCHITECTURES: readonly CpuArchitecture[] = Object.values(CpuArchitecture);

function checkProfile(p: WorkloadProfile, prefix: string, problems: Problems): ResolvedProfile | undefined {
  const n = (name: ProfileField) => `${prefix}${name}`;
  unknownKeyProblems(p, PROFILE_KEYS, prefix, describeValue).forEach(m => problems.add(m));
  let bad: Set<ProfileField> | undefined; // fields found wrong, created at the first problem
  const check = <T>(name: ProfileField, f: () => T): T | undefined => {
    const before = problems.messages.length;
    const value = problems.check(f);
    if (problems.messages.length > before) {
      (bad ??= new Set()).add(name);
    }
    return value;
  };
  // the usual case, a number that fits, is accepted without building the field's path
  const num = (name: NumberField) => {
    const value = p[name];
    return value === undefined || numberFits(value, PROFILE_FIELDS[name].bounds)
      ? value : check(name, () => checkNumber(n(name), value as number, PROFILE_FIELDS[name].bounds));
  };
  const required = (name: NumberField) => {
    const value = p[name];
    return numberFits(value, PROFILE_FIELDS[name].bounds)
      ? value : check(name, () => checkNumber(n(name), value as unknown as number, PROFILE_FIELDS[name].bounds));
  };
  /** The field's value, its default when absent, or undefined when it is wrong (or its default cannot be known). */
  const withDefault = <T>(name: ProfileField, value: T | undefined, fallback: T | undefined): T | undefined =>
    bad?.has(name) ? undefined : (value ?? fallback);
  const bool = (name: 'teamRunsKubernetes' | 'cpuFallbackCapable' | 'allowScaleToZero' | 'processPerRequest' | 'requiresSingleTenantHosts') =>
    check(name, () => checkBoolean(n(name), p[name], false));

  const memoryMiB = required('memoryMiB');
  const gpuCount = withDefault('gpuCount', num('gpuCount'), 0);
  const gpuMemoryGiB = num('gpuMemoryGiB');
  if (gpuMemoryGiB !== undefined && gpuCount === 0) {
    problems.add(`Cannot configure '${n('gpuMemoryGiB')}' (${formatValue(gpuMemoryGiB)}) without '${n('gpuCount')}' of at least 1, got ${gpuCount}`);
  }
  if (p.gpuFamily !== undefined) {
    const family = check('gpuFamily', () => checkString(n('gpuFamily'), p.gpuFamily as string,
      { maxLength: 32, pattern: /^[A-Za-z0-9][A-Za-z0-9-]*$/, patternDescription: 'a GPU family name such as "A10G", "L4" or "H100"' }));
    if (family !== undefined && gpuCount === 0) {
      problems.add(`Cannot configure '${n('gpuFamily')}' (${JSON.stringify(p.gpuFamily)}) without '${n('gpuCount')}' of at least 1, got ${gpuCount}`);
    }
  }
  const modelSizeGiB = num('modelSizeGiB');
  const imageSizeGiB = num('imageSizeGiB');
  const p50 = required('requestDurationP50Ms');
  const p99 = withDefault('requestDurationP99Ms', num('requestDurationP99Ms'), p50);
  if (p99 !== undefined && p50 !== undefined && p99 < p50) {
    problems.add(`'${n('requestDurationP99Ms')}' (${formatValue(p99)}) must be at least '${n('requestDurationP50Ms')}' (${formatValue(p50)})`);
  }
  const avg = required('averageRequestsPerSecond');
  const peak = withDefault('peakRequestsPerSecond', num('peakRequestsPerSecond'), avg);
  if (peak !== undefined && avg !== undefined && peak < avg) {
    problems.add(`'${n('peakRequestsPerSecond')}' (${formatValue(peak)}) must be at least '${n('averageRequestsPerSecond')}' (${formatValue(avg)})`);
  } else if (peak === 0) {
    problems.add(`'${n('peakRequestsPerSecond')}' must be greater than 0 (a workload that never receives a request needs no placement), got 0`);
  }
  const sustainedUtilization = num('sustainedUtilization');
  const latencyBudgetP99Ms = num('latencyBudgetP99Ms');
  if (latencyBudgetP99Ms !== undefined && p99 !== undefined && latencyBudgetP99Ms < p99) {
    problems.add(`'${n('latencyBudgetP99Ms')}' (${formatValue(latencyBudgetP99Ms)}) must be at least '${n('requestDurationP99Ms')}' (${formatValue(p99)}): `
      + 'no placement can serve faster than the model runs');
  }
  const coldStartToleranceMs = withDefault('coldStartToleranceMs', num('coldStartToleranceMs'), 1000);
  const jitterBudgetMicros = num('jitterBudgetMicros');
  const nodeLocalStateGiB = num('nodeLocalStateGiB');
  const requestPayloadKiB = num('requestPayloadKiB');
  const architecture = p.architecture ?? CpuArchitecture.X86_64;
  check('architecture', () => checkOneOf(n('architecture'), architecture, ARCHITECTURES));
  const concurrencyPerReplica = num('concurrencyPerReplica');
  const allowScaleToZero = bool('allowScaleToZero');
  const warmSchedules = resolveWarmSchedules(n('warmSchedules'), p.warmSchedules, allowScaleToZero === true, problems);
  if (allowScaleToZero && warmSchedules !== undefined && warmSchedules.length === 0) {
    problems.add(`Cannot configure '${n('allowScaleToZero')}' without '${n('warmSchedules')}' `
      + '(provisioned concurrency is 0 outside the warm windows, so without a window nothing is ever kept warm), got no warm windows');
  }
  if (allowScaleToZero && coldStartToleranceMs !== undefined && coldStartToleranceMs < ARTICLE_THRESHOLDS.coldStartToleranceMs) {
    problems.add(`Cannot configure '${n('allowScaleToZero')}' with '${n('coldStartToleranceMs')}' under `
      + `${formatBound(ARTICLE_THRESHOLDS.coldStartToleranceMs)} ms (outside the warm windows every request may land on a cold environment), `
      + `got ${formatValue(coldStartToleranceMs)}`);
  }
  const teamRunsKubernetes = bool('teamRunsKubernetes');
  const cpuFallbackCapable = bool('cpuFallbackCapable');
  const processPerRequest = bool('processPerRequest');
  const cpuFallbackSlowdown = num('cpuFallbackSlowdown');
  const vcpus = num('vcpus');
  const ramp = num('rampRequestsPerSecondPerMinute');
  const requiresSingleTenantHosts = bool('requiresSingleTenantHosts');
  const gpuUtilizationTarget = num('gpuUtilizationTarget');
  if (gpuUtilizationTarget !== undefined && gpuCount === 0) {
    problems.add(`Cannot configure '${n('gpuUtilizationTarget')}' (${formatValue(gpuUtilizationTarget)}) without '${n('gpuCount')}' of at least 1, got 0`);
  }
  if (problems.messages.length > 0 || memoryMiB === undefined || gpuCount === undefined || p50 === undefined || p99 === undefined
    || avg === undefined || peak === undefined || coldStartToleranceMs === undefined || allowScaleToZero === undefined
    || warmSchedules === undefined || teamRunsKubernetes === undefined || cpuFallbackCapable === undefined || processPerRequest === undefined
    || requiresSingleTenantHosts === undefined) {
    return undefined;
  }
  const u = sustainedUtilization ?? round3(avg / peak);
  return {
    memoryMiB,
    gpuCount,
    gpuMemoryGiB: gpuCount > 0 ? (gpuMemoryGiB ?? 16) : 0,
    gpuFamily: p.gpuFamily,
    modelSizeGiB: modelSizeGiB ?? round3(memoryMiB / 2048),
    imageSizeGiB: imageSizeGiB ?? 1,
    requestDurationP50Ms: p50,
    requestDurationP99Ms: p99,
    averageRequestsPerSecond: avg,
    peakRequestsPerSecond: peak,
    sustainedUtilization: u,
    latencyBudgetP99Ms,
    coldStartToleranceMs,
    jitterBudgetMicros,
    nodeLocalStateGiB: nodeLocalStateGiB ?? 0,
    requestPayloadKiB: requestPayloadKiB ?? 64,
    architecture,
    teamRunsKubernetes,
    cpuFallbackCapable,
    cpuFallbackSlowdown: cpuFallbackSlowdown ?? (gpuCount > 0 ? 5 : 1),
    concurrencyPerReplica: concurrencyPerReplica ?? (gpuCount > 0 ? 4 : 1),
    vcpus: vcpus ?? defaultVcpus(memoryMiB, gpuCount),
    warmSchedules,
    allowScaleToZero,
    rampRequestsPerSecondPerMinute: ramp ?? defaultRampRequestsPerSecondPerMinute(peak, u, ARTICLE_THRESHOLDS.spikyUtilization),
    processPerRequest,
    requiresSingleTenantHosts,
    gpuUtilizationTarget,
  };
}

/** Largest number of warm windows per workload (each becomes two scheduled actions). */
const MAX_WARM_SCHEDULES = 20;
/** Largest provisioned concurrency floor a warm window may ask for. */
const MAX_WINDOW_CAPACITY = 10_000;
/** An Application Auto Scaling cron expression: `cron(minutes hours day-of-month month day-of-week year)`. */
const CRON = /^cron\((\S+ ){5}\S+\)$/;
const SCHEDULE_NAME = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

/** The warm windows, or undefined when one of them is wrong (each problem is recorded). */
function resolveWarmSchedules(
  prop: string, value: WarmSchedule[] | undefined, allowScaleToZero: boolean, problems: Problems,
): WarmSchedule[] | undefined {
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value)) {
    problems.add(`'${prop}' must be an array of warm schedules, got ${describeValue(value)}`);
    return undefined;
  }
  if (value.length > MAX_WARM_SCHEDULES) {
    problems.add(`'${prop}' must have at most ${MAX_WARM_SCHEDULES} entries, got ${value.length}`);
    return undefined;
  }
  const before = problems.messages.length;
  const seen = new Set<string>();
  const out: WarmSchedule[] = [];
  value.forEach((w, i) => {
    const at = `${prop}[${i}]`;
    if (w === null || typeof w !== 'object') {
      problems.add(`'${at}' must be an object, got ${describeValue(w)}`);
      return;
    }
    const name = problems.check(() => checkString(`${at}.name`, w.name,
      { maxLength: 64, pattern: SCHEDULE_NAME, patternDescription: 'letters, digits and \'-\', starting with a letter or digit' }));
    if (name !== undefined) {
      if (seen.has(name)) {
        problems.add(`'${at}.name' must be unique among the warm schedules, got ${JSON.stringify(name)} twice`);
      }
      seen.add(name);
    }
    const cron = { maxLength: 256, pattern: CRON, patternDescription: 'an Application Auto Scaling cron expression with six fields, e.g. "cron(0 8 ? * MON-FRI *)"' };
    const startCron = problems.check(() => checkString(`${at}.startCron`, w.startCron, cron));
    const endCron = problems.check(() => checkString(`${at}.endCron`, w.endCron, cron));
    if (allowScaleToZero) {
      // the hours at 0 are priced from the expressions, so they must be ones the policy can replay
      for (const [key, expr] of [['startCron', startCron], ['endCron', endCron]] as const) {
        if (expr !== undefined && cronMinutes(expr) === undefined) {
          problems.add(`'${at}.${key}' must use only numbers, names, '*', '?', ranges, lists and steps when `
            + `'${prop.replace(/warmSchedules$/, 'allowScaleToZero')}' is true (the policy prices the hours outside the windows at zero), got ${JSON.stringify(expr)}`);
        }
      }
    }
    if (startCron !== undefined && startCron === endCron) {
      problems.add(`'${at}.endCron' must differ from '${at}.startCron' (an empty window), got ${JSON.stringify(endCron)}`);
    }
    const minCapacity = problems.check(() => checkNumber(`${at}.minCapacity`, w.minCapacity, { min: 0, max: MAX_WINDOW_CAPACITY, integer: true }));
    if (minCapacity === 0 && !allowScaleToZero) {
      problems.add(`'${at}.minCapacity' must be at least 1 unless '${prop.replace(/warmSchedules$/, 'allowScaleToZero')}' is true `
        + '(provisioned concurrency at zero breaks later deploys, aws-cdk #29992), got 0');
    }
    const timeZone = w.timeZone === undefined ? undefined : problems.check(() => checkTimeZone(`${at}.timeZone`, w.timeZone as string));
    if (name !== undefined && startCron !== undefined && endCron !== undefined && minCapacity !== undefined) {
      out.push(timeZone === undefined ? { name, startCron, endCron, minCapacity } : { name, startCron, endCron, minCapacity, timeZone });
    }
  });
  return problems.messages.length > before ? undefined : out;
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

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
