/**
 * The bad-input catalogue: every public prop and option of an
 * `InferenceWorkload`, given NaN, ±Infinity, negatives, zero, out-of-range values, values in the
 * wrong unit, empty and overlong strings, invalid Kubernetes names, tokens and conflicting options.
 *
 * Each row builds the bad input in a fresh `App({ outdir })` and asserts (see `expectRejected`):
 * one `InferenceWorkloadValidationError`, thrown by this library (not from inside aws-cdk-lib),
 * whose message names the prop and the offending value; and nothing written to the outdir.
 * Rows that only fail at synth (the 500-resource limit) assert that `app.synth()` throws one error
 * and writes nothing. The options of the targets a workload is NOT placed on are checked too.
 * `BAD_INPUT_LOG=<file> npx jest test/reliability/bad-input.test.ts` writes every row's message, for review.
 *
 * Suspicious but possible input (weights larger than every memory that could hold them) is a
 * warning with an id, `inference-workload:model-larger-than-memory`, tested at the end.
 *
 * Wrong-unit values that are caught (the rest cannot be told from a plausible value):
 * memoryMiB given in GiB (10) is below Lambda's 128 MiB floor; memoryMiB given in bytes is above
 * 2 TiB; gpuMemoryGiB given in MiB (24576) is above 192; modelSizeGiB given in MiB is above
 * 2048; imageSizeGiB in MiB above 200; sustainedUtilization as a percentage (70) above 1;
 * requestPayloadKiB in bytes above 1 GiB; a latency budget in seconds (2) below the p99;
 * utilizationTarget as a percentage above 0.9; CPU millicores given in cores (0.5) below 10;
 * Redis maxMemoryMiB given in bytes above 1 TiB; a GPU price table's memory in MiB above 1024 GiB.
 */
import { App, CfnParameter, CfnResource, Duration, Fn, Lazy, Size, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  BadInput, CPU_K8S_PROFILE, ECR_IMAGE, expectRejected, filesUnder, freshOutdir, GPU_PROFILE, HYBRID_PROFILE, importedVpc,
  LAMBDA_PROFILE, onHybrid, onKubernetes, onLambda, removeOutdirs, stackIn, thrownBy,
} from './bad-input-helpers';
import {
  CacheSidecar, CacheVolume, GpuNodeLabels, InferencePlatform, InferenceTesting, InferenceWorkload, IPlacementPolicy,
  KubernetesTargetOptions, LambdaCode, LambdaEntryPoint, LambdaTargetOptions, ModelImage, PlacementPolicy, PlacementTarget,
  PriceTable, ScalingMetric, WarmSchedule, WorkloadProfile, WorkloadTemplates,
} from '../../lib';
import { CliError, parseArgs, policyFromName } from '../../lib/cli/explain';

afterAll(removeOutdirs);

// ---------------------------------------------------------------------------------------------
// row builders
// ---------------------------------------------------------------------------------------------

const TOKEN_NUMBER = () => Token.asNumber(Lazy.number({ produce: () => 1 }));
const LAZY_NUMBER = () => Lazy.number({ produce: () => 1 });
const TOKEN_STRING = () => Token.asString(Fn.importValue('shared-value'));

/** One row: what is wrong, the prop and the value the message must name, and how to build it. */
function row(name: string, prop: string, value: string, build: (s: Stack) => unknown, extra: Partial<BadInput> = {}): BadInput {
  return { name, prop, value, build, ...extra };
}

/** `got <value>` as the messages write a number (thousands grouped, decimals as given) or a string. */
function got(value: unknown): string {
  return `got ${typeof value === 'string' ? JSON.stringify(value) : typeof value === 'number' && Number.isFinite(value)
    ? value.toLocaleString('en-US', { maximumFractionDigits: 20 }) : String(value)}`;
}

function profileRow(field: keyof WorkloadProfile, value: unknown, shown: string = got(value), base: WorkloadProfile = LAMBDA_PROFILE): BadInput {
  return {
    name: `profile.${field} = ${show(value)}`,
    prop: `profile.${field}`,
    value: shown,
    build: s => onLambda(s, { profile: { ...base, [field]: value } as WorkloadProfile }),
  };
}

function show(value: unknown): string {
  if (typeof value === 'string') {
    return value.length > 40 ? `"${value.slice(0, 12)}..." (${value.length} chars)` : JSON.stringify(value);
  }
  return String(value);
}

/** A row whose bad input is the profile built by `profile(stack)` (for tokens, which need a stack). */
function profileWith(name: string, prop: string, value: string, profile: (s: Stack) => WorkloadProfile): BadInput {
  return { name, prop, value, build: s => onLambda(s, { profile: profile(s) }) };
}

function warm(overrides: Partial<WarmSchedule> = {}): WarmSchedule {
  return { name: 'business-hours', startCron: 'cron(0 8 ? * MON-FRI *)', endCron: 'cron(0 18 ? * MON-FRI *)', minCapacity: 4, ...overrides };
}

function warmRow(name: string, prop: string, value: string, schedules: unknown, extra: Partial<WorkloadProfile> = {}): BadInput {
  return { name, prop, value, build: s => onLambda(s, { profile: { ...LAMBDA_PROFILE, ...extra, warmSchedules: schedules as WarmSchedule[] } }) };
}

function lambdaRow(name: string, prop: string, value: string, options: (s: Stack) => LambdaTargetOptions): BadInput {
  return { name, prop, value, build: s => onLambda(s, { lambda: options(s) }) };
}

function k8sRow(
  name: string, prop: string, value: string, options: (s: Stack) => KubernetesTargetOptions, profile: WorkloadProfile = GPU_PROFILE,
): BadInput {
  return { name, prop, value, build: s => onKubernetes(s, { profile, kubernetes: options(s) }) };
}

/** A row whose bad input is the argument of a factory, called while building. */
function factoryRow(name: string, prop: string, value: string, make: (s: Stack) => unknown): BadInput {
  return { name, prop, value, build: make };
}

const DEFAULT_TABLE = PriceTable.awsUsEast1().toJson();

/** The default price table with `edit` applied to a deep copy. */
function table(edit: (t: any) => void): any {
  const t = JSON.parse(JSON.stringify(DEFAULT_TABLE));
  edit(t);
  return t;
}

function priceRow(name: string, prop: string, value: string, edit: (t: any) => void): BadInput {
  return { name, prop, value, build: s => onLambda(s, { policy: PlacementPolicy.default({ priceTable: PriceTable.custom(table(edit)) }) }) };
}

const MODEL_BUCKET = (s: Stack) => s3.Bucket.fromBucketName(s, 'Weights', 'model-weights');
const CLUSTER = (s: Stack) => eks.Cluster.fromClusterAttributes(s, 'Cluster', { clusterName: 'inference' });
const ROLE_ARN = 'arn:aws:iam::123456789012:role/model-reader';
const LONG = (n: number, c: string = 'a') => c.repeat(n);

// ---------------------------------------------------------------------------------------------
// the catalogue
// ---------------------------------------------------------------------------------------------

const PROFILE_ROWS: BadInput[] = [
  row('profile missing', 'profile', 'got undefined', s => onLambda(s, { profile: undefined as any })),
  row('profile not an object', 'profile', 'got 42', s => onLambda(s, { profile: 42 as any })),
  profileRow('memoryMiB', NaN),
  profileRow('memoryMiB', Infinity),
  profileRow('memoryMiB', -Infinity),
  profileRow('memoryMiB', -1),
  profileRow('memoryMiB', 0),
  // a 7B model's 10 GiB given as 10 (MiB): below the 128 MiB any target accepts
  profileRow('memoryMiB', 10),
  profileRow('memoryMiB', 2048.5),
  // 16 GiB given in bytes
  profileRow('memoryMiB', 16 * 2 ** 30),
  profileRow('memoryMiB', undefined, "'profile.memoryMiB' must be a number, got undefined"),
  profileRow('memoryMiB', '2048', 'got "2048"'),
  profileRow('memoryMiB', TOKEN_NUMBER(), 'got an unresolved token'),
  profileRow('memoryMiB', LAZY_NUMBER(), 'got an unresolved token'),
  profileWith('profile.memoryMiB = CfnParameter', 'profile.memoryMiB', 'got an unresolved token',
    s => ({ ...LAMBDA_PROFILE, memoryMiB: new CfnParameter(s, 'Memory', { type: 'Number' }).valueAsNumber })),
  profileRow('gpuCount', NaN),
  profileRow('gpuCount', -1),
  profileRow('gpuCount', 1.5),
  profileRow('gpuCount', 17),
  profileRow('gpuCount', TOKEN_NUMBER(), 'got an unresolved token'),
  profileRow('gpuMemoryGiB', NaN, 'got NaN', GPU_PROFILE),
  profileRow('gpuMemoryGiB', 0, 'got 0', GPU_PROFILE),
  profileRow('gpuMemoryGiB', -24, 'got -24', GPU_PROFILE),
  // 24 GiB given in MiB
  profileRow('gpuMemoryGiB', 24_576, 'got 24,576', GPU_PROFILE),
  row('profile.gpuMemoryGiB without gpuCount', 'profile.gpuMemoryGiB', "without 'profile.gpuCount'",
    s => onLambda(s, { profile: { ...LAMBDA_PROFILE, gpuMemoryGiB: 24 } })),
  profileRow('gpuFamily', '', 'got ""', GPU_PROFILE),
  profileRow('gpuFamily', 'A10G GPU', 'got "A10G GPU"', GPU_PROFILE),
  profileRow('gpuFamily', LONG(33, 'A'), 'got 33 characters', GPU_PROFILE),
  profileRow('gpuFamily', TOKEN_STRING(), 'got an unresolved token', GPU_PROFILE),
  row('profile.gpuFamily without gpuCount', 'profile.gpuFamily', "(\"L4\") without 'profile.gpuCount'",
    s => onLambda(s, { profile: { ...LAMBDA_PROFILE, gpuFamily: 'L4' } })),
  row('profile.gpuFamily that no instance in the price table has', 'profile', 'Z99',
    s => onKubernetes(s, { profile: { ...GPU_PROFILE, gpuFamily: 'Z99' }, policy: undefined })),
  profileRow('modelSizeGiB', NaN),
  profileRow('modelSizeGiB', -1),
  // 14 GiB given in MiB
  profileRow('modelSizeGiB', 14_336),
  profileRow('imageSizeGiB', 0),
  profileRow('imageSizeGiB', -1),
  profileRow('imageSizeGiB', Infinity),
  // 10 GiB given in MiB
  profileRow('imageSizeGiB', 10_240),
  profileRow('requestDurationP50Ms', NaN),
  profileRow('requestDurationP50Ms', 0),
  profileRow('requestDurationP50Ms', -120),
  profileRow('requestDurationP50Ms', Infinity),
  profileRow('requestDurationP50Ms', 1e9),
  profileRow('requestDurationP50Ms', TOKEN_NUMBER(), 'got an unresolved token'),
  profileRow('requestDurationP99Ms', NaN),
  profileRow('requestDurationP99Ms', -1),
  profileRow('requestDurationP99Ms', 60, "(60) must be at least 'profile.requestDurationP50Ms' (120)"),
  profileRow('averageRequestsPerSecond', NaN),
  profileRow('averageRequestsPerSecond', -2),
  profileRow('averageRequestsPerSecond', Infinity),
  profileRow('averageRequestsPerSecond', 2e6),
  profileRow('peakRequestsPerSecond', NaN),
  profileRow('peakRequestsPerSecond', -40),
  profileRow('peakRequestsPerSecond', 1, "(1) must be at least 'profile.averageRequestsPerSecond' (2)"),
  row('profile.peakRequestsPerSecond 0 (no traffic at all)', 'profile.peakRequestsPerSecond', 'got 0',
    s => onLambda(s, { profile: { ...LAMBDA_PROFILE, averageRequestsPerSecond: 0, peakRequestsPerSecond: 0 } })),
  profileRow('sustainedUtilization', NaN),
  profileRow('sustainedUtilization', -0.1),
  // 70% given as a percentage
  profileRow('sustainedUtilization', 70),
  profileRow('latencyBudgetP99Ms', NaN),
  profileRow('latencyBudgetP99Ms', 0),
  profileRow('latencyBudgetP99Ms', -1),
  profileRow('latencyBudgetP99Ms', 300, "(300) must be at least 'profile.requestDurationP99Ms' (400)"),
  // 2 s given in seconds
  profileRow('latencyBudgetP99Ms', 2, "(2) must be at least 'profile.requestDurationP99Ms' (400)"),
  profileRow('latencyBudgetP99Ms', LAZY_NUMBER(), 'got an unresolved token'),
  profileRow('coldStartToleranceMs', NaN),
  profileRow('coldStartToleranceMs', -1),
  profileRow('coldStartToleranceMs', 1e10),
  profileRow('jitterBudgetMicros', NaN),
  profileRow('jitterBudgetMicros', 0),
  profileRow('jitterBudgetMicros', -5),
  profileRow('nodeLocalStateGiB', NaN),
  profileRow('nodeLocalStateGiB', -1),
  profileRow('nodeLocalStateGiB', 1e6),
  profileRow('requestPayloadKiB', NaN),
  profileRow('requestPayloadKiB', -64),
  // 6 MiB given in bytes
  profileRow('requestPayloadKiB', 6 * 1024 * 1024),
  profileRow('architecture', 'amd64'),
  profileRow('teamRunsKubernetes', 'yes'),
  profileRow('cpuFallbackCapable', 1),
  profileRow('allowScaleToZero', 'no'),
  profileRow('concurrencyPerReplica', NaN),
  profileRow('concurrencyPerReplica', 0),
  profileRow('concurrencyPerReplica', -1),
  profileRow('concurrencyPerReplica', 1.5),
  profileRow('concurrencyPerReplica', 20_000),
  profileRow('cpuFallbackSlowdown', NaN),
  profileRow('cpuFallbackSlowdown', Infinity),
  profileRow('cpuFallbackSlowdown', 0.5),
  profileRow('cpuFallbackSlowdown', 1001),
];

const WARM_SCHEDULE_ROWS: BadInput[] = [
  warmRow('warmSchedules not an array', 'profile.warmSchedules', 'got "weekdays"', 'weekdays'),
  warmRow('warmSchedules with 21 entries', 'profile.warmSchedules', 'got 21',
    Array.from({ length: 21 }, (_, i) => warm({ name: `w${i}` }))),
  warmRow('warmSchedules[0] null', 'profile.warmSchedules[0]', 'got null', [null]),
  warmRow('warmSchedules[0].name empty', 'profile.warmSchedules[0].name', 'got ""', [warm({ name: '' })]),
  warmRow('warmSchedules[0].name with spaces', 'profile.warmSchedules[0].name', 'got "business hours"', [warm({ name: 'business hours' })]),
  warmRow('warmSchedules[0].name overlong', 'profile.warmSchedules[0].name', 'got 65 characters', [warm({ name: LONG(65) })]),
  warmRow('warmSchedules[0].name a token', 'profile.warmSchedules[0].name', 'got an unresolved token', [warm({ name: TOKEN_STRING() })]),
  warmRow('warmSchedules names not unique', 'profile.warmSchedules[1].name', 'got "business-hours" twice', [warm(), warm()]),
  warmRow('warmSchedules[0].startCron with five fields', 'profile.warmSchedules[0].startCron', 'got "cron(0 8 * * *)"',
    [warm({ startCron: 'cron(0 8 * * *)' })]),
  warmRow('warmSchedules[0].startCron a rate', 'profile.warmSchedules[0].startCron', 'got "rate(1 hour)"', [warm({ startCron: 'rate(1 hour)' })]),
  warmRow('warmSchedules[0].endCron empty', 'profile.warmSchedules[0].endCron', 'got ""', [warm({ endCron: '' })]),
  warmRow('warmSchedules[0].endCron equal to startCron', 'profile.warmSchedules[0].endCron', 'got "cron(0 8 ? * MON-FRI *)"',
    [warm({ endCron: 'cron(0 8 ? * MON-FRI *)' })]),
  warmRow('warmSchedules[0].minCapacity NaN', 'profile.warmSchedules[0].minCapacity', 'got NaN', [warm({ minCapacity: NaN })]),
  warmRow('warmSchedules[0].minCapacity negative', 'profile.warmSchedules[0].minCapacity', 'got -1', [warm({ minCapacity: -1 })]),
  warmRow('warmSchedules[0].minCapacity fractional', 'profile.warmSchedules[0].minCapacity', 'got 2.5', [warm({ minCapacity: 2.5 })]),
  warmRow('warmSchedules[0].minCapacity a token', 'profile.warmSchedules[0].minCapacity', 'got an unresolved token', [warm({ minCapacity: TOKEN_NUMBER() })]),
  warmRow('warmSchedules[0].minCapacity 0 without allowScaleToZero', 'profile.warmSchedules[0].minCapacity', 'got 0', [warm({ minCapacity: 0 })]),
  warmRow('allowScaleToZero without warm windows', 'profile.allowScaleToZero', 'got no warm windows', [], { allowScaleToZero: true }),
  warmRow('allowScaleToZero with a cron the policy cannot price', 'profile.warmSchedules[0].startCron', 'got "cron(0 8 L * ? *)"',
    [warm({ startCron: 'cron(0 8 L * ? *)' })], { allowScaleToZero: true }),
  warmRow('warmSchedules[0].timeZone unknown', 'profile.warmSchedules[0].timeZone', 'got "Mars/Olympus_Mons"', [warm({ timeZone: 'Mars/Olympus_Mons' })]),
  warmRow('warmSchedules[0].timeZone empty', 'profile.warmSchedules[0].timeZone', 'got ""', [warm({ timeZone: '' })]),
];

const IMAGE_ROWS: BadInput[] = [
  row('image missing', 'image', 'got undefined', s => onLambda(s, { image: undefined as any })),
  row('image a string, not a ModelImage', 'image', 'got 123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1.0.0',
    s => onLambda(s, { image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1.0.0' as any })),
  factoryRow('ModelImage.fromImageUri("")', 'image', 'got ""', () => ModelImage.fromImageUri('')),
  factoryRow('ModelImage.fromImageUri without a tag', 'image', 'got "llm"', () => ModelImage.fromImageUri('llm')),
  factoryRow('ModelImage.fromImageUri with upper case', 'image', 'got "Registry.example.com/LLM:1"', () => ModelImage.fromImageUri('Registry.example.com/LLM:1')),
  factoryRow('ModelImage.fromImageUri overlong', 'image', 'got 604 characters', () => ModelImage.fromImageUri(`${LONG(600)}:1.0`)),
  factoryRow('ModelImage.fromImageUri a token', 'image', 'got an unresolved token', () => ModelImage.fromImageUri(TOKEN_STRING())),
  row('an image outside ECR on Lambda', 'image', 'got "ghcr.io/example/model:1.0.0"',
    s => onLambda(s, { image: ModelImage.fromImageUri('ghcr.io/example/model:1.0.0') })),
  factoryRow('ModelImage.fromEcrRepository tag empty', 'tagOrDigest', 'got ""',
    s => ModelImage.fromEcrRepository(ecr.Repository.fromRepositoryName(s, 'Repo', 'model'), '')),
  factoryRow('ModelImage.fromEcrRepository tag with spaces', 'tagOrDigest', 'got "v 1"',
    s => ModelImage.fromEcrRepository(ecr.Repository.fromRepositoryName(s, 'Repo', 'model'), 'v 1')),
  factoryRow('ModelImage.fromEcrRepository short digest', 'tagOrDigest', 'got "sha256:abc"',
    s => ModelImage.fromEcrRepository(ecr.Repository.fromRepositoryName(s, 'Repo', 'model'), 'sha256:abc')),
  row('an ECR repository whose URI is a token, on Kubernetes', 'image', 'whose URI is a token',
    s => onKubernetes(s, { image: ModelImage.fromEcrRepository(ecr.Repository.fromRepositoryName(s, 'Repo', 'model'), '1.0.0') })),
];

const POLICY_ROWS: BadInput[] = [
  row('policy not an IPlacementPolicy', 'policy', 'got {}', s => onLambda(s, { policy: {} as any })),
  row('policy whose decide() returns no decision', 'policy', 'got undefined',
    s => onLambda(s, { policy: { name: 'broken', decide: () => undefined } as unknown as IPlacementPolicy })),
  factoryRow('PlacementPolicy.default(null)', 'options', 'got null', () => PlacementPolicy.default(null as any)),
  factoryRow('bandCostTolerance NaN', 'options.bandCostTolerance', 'got NaN', () => PlacementPolicy.default({ bandCostTolerance: NaN })),
  factoryRow('bandCostTolerance negative', 'options.bandCostTolerance', 'got -0.1', () => PlacementPolicy.default({ bandCostTolerance: -0.1 })),
  // 20% given as a percentage
  factoryRow('bandCostTolerance as a percentage', 'options.bandCostTolerance', 'got 20', () => PlacementPolicy.default({ bandCostTolerance: 20 })),
  factoryRow('utilizationTarget 0', 'options.utilizationTarget', 'got 0', () => PlacementPolicy.default({ utilizationTarget: 0 })),
  factoryRow('utilizationTarget 0.95', 'options.utilizationTarget', 'got 0.95', () => PlacementPolicy.default({ utilizationTarget: 0.95 })),
  factoryRow('utilizationTarget as a percentage', 'options.utilizationTarget', 'got 70', () => PlacementPolicy.fixed(PlacementTarget.LAMBDA, { utilizationTarget: 70 })),
  factoryRow('utilizationTarget a token', 'options.utilizationTarget', 'got an unresolved token', () => PlacementPolicy.default({ utilizationTarget: TOKEN_NUMBER() })),
  factoryRow('priceTable not a PriceTable', 'options.priceTable', 'got {}', () => PlacementPolicy.default({ priceTable: {} as any })),
  factoryRow('latencyWeight negative', 'options.latencyWeight', 'got -1', () => PlacementPolicy.costOptimized({ latencyWeight: -1 })),
  factoryRow('latencyWeight above 1', 'options.latencyWeight', 'got 2', () => PlacementPolicy.costOptimized({ latencyWeight: 2 })),
  factoryRow('latencyWeight Infinity', 'options.latencyWeight', 'got Infinity', () => PlacementPolicy.costOptimized({ latencyWeight: Infinity })),
  factoryRow('includeHybrid not a boolean', 'options.includeHybrid', 'got "yes"', () => PlacementPolicy.costOptimized({ includeHybrid: 'yes' as any })),
  factoryRow('fixed() to an unknown target', 'target', 'got "gpu"', () => PlacementPolicy.fixed('gpu' as PlacementTarget)),
  row('fixed(LAMBDA) on a GPU workload', 'policy', 'PlacementPolicy.fixed(lambda) violates hard constraint constraint.gpu',
    s => onLambda(s, { profile: GPU_PROFILE, policy: PlacementPolicy.fixed(PlacementTarget.LAMBDA) })),
  row('fixed(LAMBDA) on a 20-minute request', 'policy', 'PlacementPolicy.fixed(lambda) violates hard constraint constraint.duration',
    s => onLambda(s, { profile: { ...LAMBDA_PROFILE, requestDurationP99Ms: 1_200_000 }, policy: PlacementPolicy.fixed(PlacementTarget.LAMBDA) })),
  row('fixed(LAMBDA) on 16 GiB of memory', 'policy', 'PlacementPolicy.fixed(lambda) violates hard constraint constraint.memory',
    s => onLambda(s, { profile: { ...LAMBDA_PROFILE, memoryMiB: 16_384 }, policy: PlacementPolicy.fixed(PlacementTarget.LAMBDA) })),
  row('fixed(LAMBDA) on node-local state', 'policy', 'PlacementPolicy.fixed(lambda) violates hard constraint constraint.node-local-state',
    s => onLambda(s, { profile: { ...LAMBDA_PROFILE, nodeLocalStateGiB: 6 }, policy: PlacementPolicy.fixed(PlacementTarget.LAMBDA) })),
  row('fixed(LAMBDA) on a 12 GiB image', 'policy', 'PlacementPolicy.fixed(lambda) violates hard constraint constraint.image-size (image is 12 GiB',
    s => onLambda(s, { profile: { ...LAMBDA_PROFILE, imageSizeGiB: 12 }, policy: PlacementPolicy.fixed(PlacementTarget.LAMBDA) })),
  row('fixed(LAMBDA) on an 8 MiB payload', 'policy', 'PlacementPolicy.fixed(lambda) violates hard constraint constraint.payload (request payload is 8,192 KiB',
    s => onLambda(s, { profile: { ...LAMBDA_PROFILE, requestPayloadKiB: 8192 }, policy: PlacementPolicy.fixed(PlacementTarget.LAMBDA) })),
  // policies from configuration (cdk.json context)
  factoryRow('fromConfig unknown kind', 'inference-workload:policy.kind', 'got "fastest"', () => PlacementPolicy.fromConfig('fastest')),
  factoryRow('fromConfig fixed to an unknown target', 'inference-workload:policy.target', 'got "gpu"', () => PlacementPolicy.fromConfig('fixed:gpu')),
  factoryRow('fromConfig with three parts', 'inference-workload:policy', 'got "fixed:lambda:now"', () => PlacementPolicy.fromConfig('fixed:lambda:now')),
  factoryRow('fromConfig a number', 'inference-workload:policy', 'got 42', () => PlacementPolicy.fromConfig(42)),
  factoryRow('fromConfig an option of another policy', 'inference-workload:policy.latencyWeight', 'got 0.5',
    () => PlacementPolicy.fromConfig({ kind: 'default', latencyWeight: 0.5 })),
  factoryRow('fromConfig latencyWeight out of range', 'inference-workload:policy.latencyWeight', 'got 3',
    () => PlacementPolicy.fromConfig({ kind: 'cost-optimized', latencyWeight: 3 })),
  factoryRow('fromConfig bandCostTolerance NaN', 'inference-workload:policy.bandCostTolerance', 'got NaN',
    () => PlacementPolicy.fromConfig({ bandCostTolerance: NaN })),
  factoryRow('fromConfig price table that does not parse', 'inference-workload:priceTable', 'got a string that does not parse',
    () => PlacementPolicy.fromConfig(undefined, '{"name": ')),
  row('cdk.json policy fixed to an unknown target', 'inference-workload:policy.target', 'got "gpu"',
    s => onLambda(s), { context: { 'inference-workload:policy': 'fixed:gpu' } }),
  row('cdk.json policy fixed(lambda) on a GPU workload', 'policy', 'PlacementPolicy.fixed(lambda) violates hard constraint constraint.gpu',
    s => onLambda(s, { profile: GPU_PROFILE }), { context: { 'inference-workload:policy': 'fixed:lambda' } }),
  row('cdk.json price table with a negative price', 'inference-workload:priceTable.lambdaX86.requestUsd', 'got -1',
    s => onLambda(s), { context: { 'inference-workload:priceTable': table(t => { t.lambdaX86.requestUsd = -1; }) } }),
];

const PRICE_TABLE_ROWS: BadInput[] = [
  factoryRow('PriceTable.fromJson of a string that does not parse', 'priceTable', 'got a string that does not parse', () => PriceTable.fromJson('{"name": ')),
  factoryRow('PriceTable.fromJson of a number', 'priceTable', 'got 42', () => PriceTable.fromJson(42)),
  factoryRow('PriceTable.fromJson with an unknown field', 'priceTable.lambdaX64', 'got {}', () => PriceTable.fromJson(table(t => { t.lambdaX64 = {}; }))),
  priceRow('name empty', 'priceTable.name', 'got ""', t => { t.name = ''; }),
  priceRow('name overlong', 'priceTable.name', 'got 101 characters', t => { t.name = LONG(101); }),
  priceRow('name a token', 'priceTable.name', 'got an unresolved token', t => { t.name = TOKEN_STRING(); }),
  priceRow('region not a region name', 'priceTable.region', 'got "US East"', t => { t.region = 'US East'; }),
  priceRow('effectiveDate month 13', 'priceTable.effectiveDate', 'got "2026-13-01"', t => { t.effectiveDate = '2026-13-01'; }),
  priceRow('effectiveDate not ISO 8601', 'priceTable.effectiveDate', 'got "17/06/2026"', t => { t.effectiveDate = '17/06/2026'; }),
  priceRow('source empty', 'priceTable.source', 'got ""', t => { t.source = ''; }),
  priceRow('currency lower case', 'priceTable.currency', 'got "usd"', t => { t.currency = 'usd'; }),
  priceRow('lambdaX86.requestUsd NaN', 'priceTable.lambdaX86.requestUsd', 'got NaN', t => { t.lambdaX86.requestUsd = NaN; }),
  priceRow('lambdaX86.gbSecondUsd negative', 'priceTable.lambdaX86.gbSecondUsd', 'got -0.0000166667', t => { t.lambdaX86.gbSecondUsd = -0.0000166667; }),
  priceRow('lambdaArm64.provisionedGbSecondUsd above $1 per unit', 'priceTable.lambdaArm64.provisionedGbSecondUsd', 'got 2',
    t => { t.lambdaArm64.provisionedGbSecondUsd = 2; }),
  priceRow('lambdaArm64 missing', 'priceTable.lambdaArm64', 'got undefined', t => { delete t.lambdaArm64; }),
  priceRow('gpuInstances empty', 'priceTable.gpuInstances', 'got 0', t => { t.gpuInstances = []; }),
  priceRow('gpuInstances not a list', 'priceTable.gpuInstances', 'must be an array', t => { t.gpuInstances = { 'g5.xlarge': 1 }; }),
  priceRow('gpuInstances instance type twice', 'priceTable.gpuInstances[1].instanceType', 'got "g4dn.xlarge" twice',
    t => { t.gpuInstances[1] = { ...t.gpuInstances[0] }; }),
  priceRow('gpuInstances[0].instanceType not an instance type', 'priceTable.gpuInstances[0].instanceType', 'got "G4dn XLarge"',
    t => { t.gpuInstances[0].instanceType = 'G4dn XLarge'; }),
  priceRow('gpuInstances[0].gpuCount 0', 'priceTable.gpuInstances[0].gpuCount', 'got 0', t => { t.gpuInstances[0].gpuCount = 0; }),
  // 16 GiB given in MiB
  priceRow('gpuInstances[0].gpuMemoryGiB in MiB', 'priceTable.gpuInstances[0].gpuMemoryGiB', 'got 16,384', t => { t.gpuInstances[0].gpuMemoryGiB = 16_384; }),
  priceRow('gpuInstances[0].vcpu fractional', 'priceTable.gpuInstances[0].vcpu', 'got 1.5', t => { t.gpuInstances[0].vcpu = 1.5; }),
  priceRow('gpuInstances[0].memoryGiB 0', 'priceTable.gpuInstances[0].memoryGiB', 'got 0', t => { t.gpuInstances[0].memoryGiB = 0; }),
  priceRow('gpuInstances[0].hourlyUsd 0', 'priceTable.gpuInstances[0].hourlyUsd', 'got 0', t => { t.gpuInstances[0].hourlyUsd = 0; }),
  priceRow('gpuInstances[0].hourlyUsd -Infinity', 'priceTable.gpuInstances[0].hourlyUsd', 'got -Infinity', t => { t.gpuInstances[0].hourlyUsd = -Infinity; }),
  priceRow('gpuInstances[0].hourlyUsd implausibly high', 'priceTable.gpuInstances[0].hourlyUsd', 'got 52,600', t => { t.gpuInstances[0].hourlyUsd = 52_600; }),
  priceRow('gpuInstances[0].gpuProduct not a label value', 'priceTable.gpuInstances[0].gpuProduct', 'got "Tesla T4"', t => { t.gpuInstances[0].gpuProduct = 'Tesla T4'; }),
  priceRow('gpuInstances[0].architecture unknown', 'priceTable.gpuInstances[0].architecture', 'got "amd64"', t => { t.gpuInstances[0].architecture = 'amd64'; }),
  priceRow('cpuInstances[0].architecture missing', 'priceTable.cpuInstances[0].architecture', 'got undefined', t => { delete t.cpuInstances[0].architecture; }),
  priceRow('cpuInstances[0].vcpu 0', 'priceTable.cpuInstances[0].vcpu', 'got 0', t => { t.cpuInstances[0].vcpu = 0; }),
  priceRow('clusterOverhead.workloadsPerCluster 0', 'priceTable.clusterOverhead.workloadsPerCluster', 'got 0', t => { t.clusterOverhead.workloadsPerCluster = 0; }),
  priceRow('clusterOverhead.opsMonthlyUsd negative', 'priceTable.clusterOverhead.opsMonthlyUsd', 'got -1', t => { t.clusterOverhead.opsMonthlyUsd = -1; }),
  // 90% given as a percentage
  priceRow('clusterOverhead.allocatableFraction as a percentage', 'priceTable.clusterOverhead.allocatableFraction', 'got 90',
    t => { t.clusterOverhead.allocatableFraction = 90; }),
  priceRow('clusterOverhead missing', 'priceTable.clusterOverhead', 'got undefined', t => { delete t.clusterOverhead; }),
];

const WORKLOAD_NAME_ROWS: BadInput[] = [
  row('workloadName empty', 'workloadName', 'got ""', s => onLambda(s, { workloadName: '' })),
  row('workloadName upper case', 'workloadName', 'got "LlmChat"', s => onLambda(s, { workloadName: 'LlmChat' })),
  row('workloadName with an underscore', 'workloadName', 'got "llm_chat"', s => onLambda(s, { workloadName: 'llm_chat' })),
  row('workloadName starting with a dash', 'workloadName', 'got "-llm"', s => onLambda(s, { workloadName: '-llm' })),
  row('workloadName ending with a dash', 'workloadName', 'got "llm-"', s => onLambda(s, { workloadName: 'llm-' })),
  row('workloadName with a dot', 'workloadName', 'got "llm.chat"', s => onLambda(s, { workloadName: 'llm.chat' })),
  row('workloadName overlong (51)', 'workloadName', 'got 51 characters', s => onLambda(s, { workloadName: LONG(51) })),
  row('workloadName a token', 'workloadName', 'got an unresolved token', s => onLambda(s, { workloadName: TOKEN_STRING() })),
  row('workloadName used twice in a stack', 'workloadName', 'got "model"',
    s => { onLambda(s); new InferenceWorkload(s, 'Other', { image: ECR_IMAGE, profile: LAMBDA_PROFILE, workloadName: 'model' }); }),
  row('a construct id no name can be derived from', 'workloadName', 'construct id "___"',
    s => new InferenceWorkload(s, '___', { image: ECR_IMAGE, profile: LAMBDA_PROFILE })),
];

const LAMBDA_ROWS: BadInput[] = [
  lambdaRow('lambda.code not a LambdaCode', 'lambda.code', 'got {}', () => ({ code: {} as any })),
  factoryRow('LambdaCode.fromImage of a string', 'image', 'got model:1', () => LambdaCode.fromImage('model:1' as any)),
  factoryRow('LambdaCode.fromDockerfile directory empty', 'directory', 'got ""', () => LambdaCode.fromDockerfile('')),
  factoryRow('LambdaCode.fromDockerfile directory without a Dockerfile', 'directory', 'got "/nonexistent/model"', () => LambdaCode.fromDockerfile('/nonexistent/model')),
  factoryRow('LambdaCode.fromDockerfile file empty', 'file', 'got ""', () => LambdaCode.fromDockerfile(__dirname, { file: '' })),
  factoryRow('LambdaCode.fromZipAsset directory missing', 'directory', 'got "/nonexistent/model"',
    () => LambdaCode.fromZipAsset('/nonexistent/model', 'index.handler', lambda.Runtime.PYTHON_3_12)),
  factoryRow('LambdaCode.fromZipAsset handler empty', 'handler', 'got ""', () => LambdaCode.fromZipAsset(__dirname, '', lambda.Runtime.PYTHON_3_12)),
  factoryRow('LambdaCode.fromZipAsset runtime FROM_IMAGE', 'runtime', 'got FROM_IMAGE', () => LambdaCode.fromZipAsset(__dirname, 'index.handler', lambda.Runtime.FROM_IMAGE)),
  factoryRow('LambdaCode.fromInline source empty', 'source', 'got ""', () => LambdaCode.fromInline('', 'index.handler', lambda.Runtime.NODEJS_20_X)),
  factoryRow('LambdaCode.fromInline source overlong', 'source', 'got 4097 characters', () => LambdaCode.fromInline(LONG(4097), 'index.handler', lambda.Runtime.NODEJS_20_X)),
  lambdaRow('lambda.environment key starting with a digit', 'lambda.environment key', 'got "1BAD"', () => ({ environment: { '1BAD': 'x' } })),
  lambdaRow('lambda.environment a reserved key', 'lambda.environment', 'must not set AWS_REGION', () => ({ environment: { AWS_REGION: 'eu-west-1' } })),
  lambdaRow('lambda.environment a value that is not a string', 'lambda.environment.THREADS', 'got 4', () => ({ environment: { THREADS: 4 as any } })),
  lambdaRow('lambda.environment over 4 KB', 'lambda.environment', 'got 5003 bytes', () => ({ environment: { BIG: LONG(5000) } })),
  lambdaRow('lambda.entryPoint not a LambdaEntryPoint', 'lambda.entryPoint', 'got "url"', () => ({ entryPoint: 'url' as any })),
  factoryRow('LambdaEntryPoint.functionUrl responseStreaming a string', 'entryPoint.responseStreaming', 'got "false"',
    () => LambdaEntryPoint.functionUrl({ responseStreaming: 'false' as any })),
  factoryRow('LambdaEntryPoint.functionUrl publicAccess a number', 'entryPoint.publicAccess', 'got 1', () => LambdaEntryPoint.functionUrl({ publicAccess: 1 as any })),
  factoryRow('LambdaEntryPoint.httpApi publicAccess a string', 'entryPoint.publicAccess', 'got "yes"', () => LambdaEntryPoint.httpApi({ publicAccess: 'yes' as any })),
  factoryRow('LambdaEntryPoint.httpApi public with an authorizer', 'authorizer', "with 'publicAccess'",
    () => LambdaEntryPoint.httpApi({ publicAccess: true, authorizer: new HttpIamAuthorizer() })),
  lambdaRow('lambda.utilizationTarget NaN', 'lambda.utilizationTarget', 'got NaN', () => ({ utilizationTarget: NaN })),
  lambdaRow('lambda.utilizationTarget 0', 'lambda.utilizationTarget', 'got 0', () => ({ utilizationTarget: 0 })),
  lambdaRow('lambda.utilizationTarget 0.95', 'lambda.utilizationTarget', 'got 0.95', () => ({ utilizationTarget: 0.95 })),
  // 70% given as a percentage
  lambdaRow('lambda.utilizationTarget as a percentage', 'lambda.utilizationTarget', 'got 70', () => ({ utilizationTarget: 70 })),
  lambdaRow('lambda.utilizationTarget a token', 'lambda.utilizationTarget', 'got an unresolved token', () => ({ utilizationTarget: TOKEN_NUMBER() })),
  lambdaRow('lambda.reservedConcurrentExecutions 0', 'lambda.reservedConcurrentExecutions', 'got 0', () => ({ reservedConcurrentExecutions: 0 })),
  lambdaRow('lambda.reservedConcurrentExecutions negative', 'lambda.reservedConcurrentExecutions', 'got -1', () => ({ reservedConcurrentExecutions: -1 })),
  lambdaRow('lambda.reservedConcurrentExecutions fractional', 'lambda.reservedConcurrentExecutions', 'got 20.5', () => ({ reservedConcurrentExecutions: 20.5 })),
  lambdaRow('lambda.reservedConcurrentExecutions NaN', 'lambda.reservedConcurrentExecutions', 'got NaN', () => ({ reservedConcurrentExecutions: NaN })),
  lambdaRow('lambda.reservedConcurrentExecutions below the provisioned maximum', 'reservedConcurrentExecutions',
    'must be at least the provisioned concurrency maximum (16), got 5', () => ({ reservedConcurrentExecutions: 5 })),
  lambdaRow('lambda.additionalVersions (weighted alias) with provisioned concurrency', 'additionalVersions', 'provisionedConcurrencyMax 16',
    s => ({ additionalVersions: [{ version: lambda.Version.fromVersionArn(s, 'Old', 'arn:aws:lambda:us-east-1:123456789012:function:model:3'), weight: 0.1 }] })),
  lambdaRow('lambda.latencyBudget 0', 'lambda.latencyBudget', 'got 0 ms', () => ({ latencyBudget: Duration.millis(0) })),
  lambdaRow('lambda.latencyBudget below a millisecond', 'lambda.latencyBudget', 'got 0.5 ms', () => ({ latencyBudget: Duration.millis(0.5) })),
  lambdaRow('lambda.latencyBudget a token', 'lambda.latencyBudget', 'got an unresolved token', () => ({ latencyBudget: Duration.millis(LAZY_NUMBER()) })),
  lambdaRow('lambda.logRetention not a RetentionDays', 'lambda.logRetention', 'got 42', () => ({ logRetention: 42 as logs.RetentionDays })),
  lambdaRow('lambda.tracing not a Tracing', 'lambda.tracing', 'got "Sometimes"', () => ({ tracing: 'Sometimes' as lambda.Tracing })),
  lambdaRow('lambda.environmentEncryption not a key', 'lambda.environmentEncryption', 'got "alias/model"', () => ({ environmentEncryption: 'alias/model' as any })),
  lambdaRow('lambda.vpc a VPC id, not an IVpc', 'lambda.vpc', 'got "vpc-0123456789abcdef0"', () => ({ vpc: 'vpc-0123456789abcdef0' as any })),
  lambdaRow('lambda.vpcSubnets without vpc', 'lambda.vpcSubnets', "without 'lambda.vpc'", () => ({ vpcSubnets: { subnetGroupName: 'private' } })),
  lambdaRow('lambda.securityGroups without vpc', 'lambda.securityGroups', "without 'lambda.vpc'", () => ({ securityGroups: [] as any[] })),
];

const KUBERNETES_ROWS: BadInput[] = [
  k8sRow('kubernetes.namespace empty', 'kubernetes.namespace', 'got ""', () => ({ namespace: '' })),
  k8sRow('kubernetes.namespace upper case', 'kubernetes.namespace', 'got "Prod"', () => ({ namespace: 'Prod' })),
  k8sRow('kubernetes.namespace overlong (64)', 'kubernetes.namespace', 'got 64 characters', () => ({ namespace: LONG(64) })),
  k8sRow('kubernetes.namespace a token', 'kubernetes.namespace', 'got an unresolved token', () => ({ namespace: TOKEN_STRING() })),
  k8sRow('kubernetes.containerPort 0', 'kubernetes.containerPort', 'got 0', () => ({ containerPort: 0 })),
  k8sRow('kubernetes.containerPort 65536', 'kubernetes.containerPort', 'got 65,536', () => ({ containerPort: 65536 })),
  k8sRow('kubernetes.containerPort fractional', 'kubernetes.containerPort', 'got 80.5', () => ({ containerPort: 80.5 })),
  k8sRow('kubernetes.containerPort NaN', 'kubernetes.containerPort', 'got NaN', () => ({ containerPort: NaN })),
  k8sRow('kubernetes.containerPort a token', 'kubernetes.containerPort', 'got an unresolved token', () => ({ containerPort: TOKEN_NUMBER() })),
  k8sRow('kubernetes.modelUri ftp', 'kubernetes.modelUri', 'got "ftp://models.example.com/llm"', () => ({ modelUri: 'ftp://models.example.com/llm' })),
  k8sRow('kubernetes.modelUri empty', 'kubernetes.modelUri', 'got ""', () => ({ modelUri: '' })),
  k8sRow('kubernetes.modelUri with a space', 'kubernetes.modelUri', 'got "s3://weights/my model/"', () => ({ modelUri: 's3://weights/my model/' })),
  k8sRow('kubernetes.modelUri a token', 'kubernetes.modelUri', 'got an unresolved token', () => ({ modelUri: TOKEN_STRING() })),
  k8sRow('kubernetes.cacheSidecars not a list', 'kubernetes.cacheSidecars', 'got "redis"', () => ({ cacheSidecars: 'redis' as any })),
  k8sRow('kubernetes.cacheSidecars with a plain object', 'kubernetes.cacheSidecars', 'got [{}]', () => ({ cacheSidecars: [{} as any] })),
  k8sRow('kubernetes.cacheSidecars with two model caches', 'kubernetes.cacheSidecars', 'got 2',
    () => ({ modelUri: 'https://weights.example.com/llm.bin', cacheSidecars: [CacheSidecar.modelCache(), CacheSidecar.modelCache()] })),
  k8sRow('kubernetes.cacheSidecars with two key-value caches', 'kubernetes.cacheSidecars', 'got 2',
    () => ({ cacheSidecars: [CacheSidecar.redis(), CacheSidecar.redis({ port: 6380 })] })),
  k8sRow('redis port equal to the server port', 'cacheSidecars.redis.port', "differ from 'kubernetes.containerPort' (8080), got 8080",
    () => ({ cacheSidecars: [CacheSidecar.redis({ port: 8080 })] })),
  k8sRow('a model cache without uri nor kubernetes.modelUri', 'cacheSidecars.modelCache.uri', 'got undefined',
    () => ({ cacheSidecars: [CacheSidecar.modelCache()] })),
  k8sRow('a model cache volume smaller than the model', 'cacheSidecars.modelCache.volume', 'must hold the model (16 GiB), got 1 GiB',
    () => ({ modelUri: 'https://weights.example.com/llm.bin', cacheSidecars: [CacheSidecar.modelCache({ volume: CacheVolume.emptyDir({ sizeLimit: Size.gibibytes(1) }) })] })),
  k8sRow('a model cache over kubernetes.nodeLocalStorageLimit', 'cacheSidecars.modelCache.volume', 'got 20 GiB (1.25 x the model size)',
    () => ({ modelUri: 'https://weights.example.com/llm.bin', nodeLocalStorageLimit: Size.gibibytes(10) })),
  factoryRow('CacheSidecar.modelCache uri ftp', 'cacheSidecars.modelCache.uri', 'got "ftp://x/y"', () => CacheSidecar.modelCache({ uri: 'ftp://x/y' })),
  factoryRow('CacheSidecar.modelCache mountPath relative', 'cacheSidecars.modelCache.mountPath', 'got "models"', () => CacheSidecar.modelCache({ mountPath: 'models' })),
  factoryRow('CacheSidecar.modelCache mountPath /tmp', 'cacheSidecars.modelCache.mountPath', 'got "/tmp"', () => CacheSidecar.modelCache({ mountPath: '/tmp' })),
  factoryRow('CacheSidecar.modelCache image without a tag', 'cacheSidecars.modelCache.image', 'got "amazon/aws-cli"', () => CacheSidecar.modelCache({ image: 'amazon/aws-cli' })),
  factoryRow('CacheSidecar.modelCache volume not a CacheVolume', 'cacheSidecars.modelCache.volume', 'got {"sizeLimit":"40Gi"}',
    () => CacheSidecar.modelCache({ volume: { sizeLimit: '40Gi' } as any })),
  factoryRow('CacheSidecar.modelCache cpuMillis 0', 'cacheSidecars.modelCache.cpuMillis', 'got 0', () => CacheSidecar.modelCache({ cpuMillis: 0 })),
  // half a core given in cores
  factoryRow('CacheSidecar.modelCache cpuMillis in cores', 'cacheSidecars.modelCache.cpuMillis', 'got 0.5', () => CacheSidecar.modelCache({ cpuMillis: 0.5 })),
  factoryRow('CacheSidecar.modelCache memoryMiB NaN', 'cacheSidecars.modelCache.memoryMiB', 'got NaN', () => CacheSidecar.modelCache({ memoryMiB: NaN })),
  // 1 GiB given as 1 (GiB)
  factoryRow('CacheSidecar.modelCache memoryMiB in GiB', 'cacheSidecars.modelCache.memoryMiB', 'got 1', () => CacheSidecar.modelCache({ memoryMiB: 1 })),
  factoryRow('CacheSidecar.redis port 80', 'cacheSidecars.redis.port', 'got 80', () => CacheSidecar.redis({ port: 80 })),
  factoryRow('CacheSidecar.redis port 70000', 'cacheSidecars.redis.port', 'got 70,000', () => CacheSidecar.redis({ port: 70_000 })),
  factoryRow('CacheSidecar.redis port a token', 'cacheSidecars.redis.port', 'got an unresolved token', () => CacheSidecar.redis({ port: TOKEN_NUMBER() })),
  factoryRow('CacheSidecar.redis image upper case', 'cacheSidecars.redis.image', 'got "Redis:7"', () => CacheSidecar.redis({ image: 'Redis:7' })),
  factoryRow('CacheSidecar.redis maxMemoryMiB 0', 'cacheSidecars.redis.maxMemoryMiB', 'got 0', () => CacheSidecar.redis({ maxMemoryMiB: 0 })),
  // 1 GiB given in bytes
  factoryRow('CacheSidecar.redis maxMemoryMiB in bytes', 'cacheSidecars.redis.maxMemoryMiB', 'got 1,073,741,824', () => CacheSidecar.redis({ maxMemoryMiB: 2 ** 30 })),
  factoryRow('CacheSidecar.redis cpuMillis -Infinity', 'cacheSidecars.redis.cpuMillis', 'got -Infinity', () => CacheSidecar.redis({ cpuMillis: -Infinity })),
  factoryRow('CacheVolume.emptyDir sizeLimit 0', 'cacheVolume.sizeLimit', 'got 0 MiB', () => CacheVolume.emptyDir({ sizeLimit: Size.mebibytes(0) })),
  factoryRow('CacheVolume.emptyDir sizeLimit a token', 'cacheVolume.sizeLimit', 'got an unresolved token', () => CacheVolume.emptyDir({ sizeLimit: Size.gibibytes(LAZY_NUMBER()) })),
  factoryRow('CacheVolume.ephemeral without options', 'cacheVolume', 'got undefined', () => CacheVolume.ephemeral(undefined as any)),
  factoryRow('CacheVolume.ephemeral storageClassName with an underscore', 'cacheVolume.storageClassName', 'got "local_nvme"',
    () => CacheVolume.ephemeral({ storageClassName: 'local_nvme', size: Size.gibibytes(40) })),
  factoryRow('CacheVolume.ephemeral size a number', 'cacheVolume.size', 'got 40', () => CacheVolume.ephemeral({ storageClassName: 'local-nvme', size: 40 as any })),
  factoryRow('CacheVolume.persistentVolumeClaim empty', 'cacheVolume.claimName', 'got ""', () => CacheVolume.persistentVolumeClaim('')),
  factoryRow('CacheVolume.persistentVolumeClaim upper case', 'cacheVolume.claimName', 'got "Model-Weights"', () => CacheVolume.persistentVolumeClaim('Model-Weights')),
  k8sRow('kubernetes.gpuNodeLabels not a GpuNodeLabels', 'kubernetes.gpuNodeLabels', 'got "karpenter"', () => ({ gpuNodeLabels: 'karpenter' as any })),
  factoryRow('GpuNodeLabels.gpuFeatureDiscovery availableProducts empty', 'kubernetes.gpuNodeLabels.availableProducts', 'got []',
    () => GpuNodeLabels.gpuFeatureDiscovery({ availableProducts: [] })),
  factoryRow('GpuNodeLabels.gpuFeatureDiscovery product with a space', 'kubernetes.gpuNodeLabels.availableProducts[0]', 'got "NVIDIA A10G"',
    () => GpuNodeLabels.gpuFeatureDiscovery({ availableProducts: ['NVIDIA A10G'] })),
  k8sRow('GpuNodeLabels.gpuFeatureDiscovery without the placement\'s product', 'kubernetes.gpuNodeLabels', 'got available ["NVIDIA-H100-80GB-HBM3"]',
    () => ({ gpuNodeLabels: GpuNodeLabels.gpuFeatureDiscovery({ availableProducts: ['NVIDIA-H100-80GB-HBM3'] }) })),
  factoryRow('GpuNodeLabels.karpenter GPU name overlong', 'kubernetes.gpuNodeLabels.availableGpuNames[0]', 'got 64 characters',
    () => GpuNodeLabels.karpenter({ availableGpuNames: [LONG(64)] })),
  factoryRow('GpuNodeLabels.custom product label empty', 'kubernetes.gpuNodeLabels.productLabel', 'got ""', () => GpuNodeLabels.custom('')),
  factoryRow('GpuNodeLabels.custom product label not a label key', 'kubernetes.gpuNodeLabels.productLabel', 'got "gpu product"', () => GpuNodeLabels.custom('gpu product')),
  factoryRow('GpuNodeLabels.custom memory label not a label key', 'kubernetes.gpuNodeLabels.memoryLabel', 'got "example.com/gpu memory"',
    () => GpuNodeLabels.custom('example.com/gpu', 'example.com/gpu memory')),
  k8sRow('kubernetes.tolerations not a list', 'kubernetes.tolerations', 'got "dedicated"', () => ({ tolerations: 'dedicated' as any })),
  k8sRow('kubernetes.tolerations[0] null', 'kubernetes.tolerations[0]', 'got null', () => ({ tolerations: [null as any] })),
  k8sRow('kubernetes.tolerations[0].key empty', 'kubernetes.tolerations[0].key', 'got ""', () => ({ tolerations: [{ key: '' }] })),
  k8sRow('kubernetes.tolerations[0].key with a space', 'kubernetes.tolerations[0].key', 'got "dedicated to"', () => ({ tolerations: [{ key: 'dedicated to' }] })),
  k8sRow('kubernetes.tolerations[0].value with a space', 'kubernetes.tolerations[0].value', 'got "gpu only"', () => ({ tolerations: [{ key: 'dedicated', value: 'gpu only' }] })),
  k8sRow('kubernetes.tolerations[0].effect unknown', 'kubernetes.tolerations[0].effect', 'got "Sometimes"',
    () => ({ tolerations: [{ key: 'dedicated', effect: 'Sometimes' as any }] })),
  k8sRow('kubernetes.runtimeClassName with an underscore', 'kubernetes.runtimeClassName', 'got "nvidia_runtime"', () => ({ runtimeClassName: 'nvidia_runtime' })),
  k8sRow('kubernetes.runtimeClassName empty', 'kubernetes.runtimeClassName', 'got ""', () => ({ runtimeClassName: '' })),
  k8sRow('kubernetes.migProfile not a MIG profile', 'kubernetes.migProfile', 'got "10gb"', () => ({ migProfile: '10gb' })),
  k8sRow('kubernetes.migProfile smaller than the GPU memory', 'kubernetes.migProfile', 'got "1g.10gb" (10 GB)', () => ({ migProfile: '1g.10gb' })),
  k8sRow('kubernetes.migProfile on a CPU pod', 'kubernetes.migProfile', 'got "1g.10gb" for a CPU pod', () => ({ migProfile: '1g.10gb' }), CPU_K8S_PROFILE),
  k8sRow('kubernetes.priorityClassName with a space', 'kubernetes.priorityClassName', 'got "high priority"', () => ({ priorityClassName: 'high priority' })),
  k8sRow('kubernetes.sharedMemorySize below 64 MiB', 'kubernetes.sharedMemorySize', 'got 32 MiB', () => ({ sharedMemorySize: Size.mebibytes(32) })),
  k8sRow('kubernetes.sharedMemorySize as large as the pod memory', 'kubernetes.sharedMemorySize', 'got 14 GiB', () => ({ sharedMemorySize: Size.gibibytes(14) })),
  k8sRow('kubernetes.sharedMemorySize a token', 'kubernetes.sharedMemorySize', 'got an unresolved token', () => ({ sharedMemorySize: Size.gibibytes(LAZY_NUMBER()) })),
  k8sRow('kubernetes.nodeLocalStorageLimit below 1 MiB', 'kubernetes.nodeLocalStorageLimit', 'got 0.5 MiB', () => ({ nodeLocalStorageLimit: Size.kibibytes(512) })),
  k8sRow('kubernetes.startupTimeout 5 s', 'kubernetes.startupTimeout', 'got 5 (seconds)', () => ({ startupTimeout: Duration.seconds(5) })),
  k8sRow('kubernetes.startupTimeout 7 h', 'kubernetes.startupTimeout', 'got 25,200 (seconds)', () => ({ startupTimeout: Duration.hours(7) })),
  k8sRow('kubernetes.startupTimeout a token', 'kubernetes.startupTimeout', 'got an unresolved token', () => ({ startupTimeout: Duration.seconds(LAZY_NUMBER()) })),
  k8sRow('kubernetes.startupTimeout not whole seconds', 'kubernetes.startupTimeout', 'got 90.5 seconds', () => ({ startupTimeout: Duration.millis(90_500) })),
  k8sRow('kubernetes.scaleDownStabilization not whole seconds', 'kubernetes.scaleDownStabilization', 'got 0.25 seconds', () => ({ scaleDownStabilization: Duration.millis(250) })),
  k8sRow('kubernetes.startupTimeout a number of seconds', 'kubernetes.startupTimeout', 'got 600', () => ({ startupTimeout: 600 as any })),
  k8sRow('kubernetes.readinessProbePath relative', 'kubernetes.readinessProbePath', 'got "health"', () => ({ readinessProbePath: 'health' })),
  k8sRow('kubernetes.readinessProbePath empty', 'kubernetes.readinessProbePath', 'got ""', () => ({ readinessProbePath: '' })),
  k8sRow('kubernetes.livenessProbePath with a space', 'kubernetes.livenessProbePath', 'got "/health check"', () => ({ livenessProbePath: '/health check' })),
  k8sRow('kubernetes.livenessProbePath overlong', 'kubernetes.livenessProbePath', 'got 1025 characters', () => ({ livenessProbePath: `/${LONG(1024)}` })),
  k8sRow('kubernetes.zoneSpread unknown', 'kubernetes.zoneSpread', 'got "Always"', () => ({ zoneSpread: 'Always' as any })),
  k8sRow('kubernetes.scalingMetric not a ScalingMetric', 'kubernetes.scalingMetric', 'got "cpu"', () => ({ scalingMetric: 'cpu' as any })),
  // 70% given as a fraction
  factoryRow('ScalingMetric.cpuUtilization as a fraction', 'scalingMetric.percent', 'got 0.7', () => ScalingMetric.cpuUtilization(0.7)),
  factoryRow('ScalingMetric.cpuUtilization 150', 'scalingMetric.percent', 'got 150', () => ScalingMetric.cpuUtilization(150)),
  factoryRow('ScalingMetric.cpuUtilization NaN', 'scalingMetric.percent', 'got NaN', () => ScalingMetric.cpuUtilization(NaN)),
  factoryRow('ScalingMetric.podsAverage metric name empty', 'scalingMetric.metricName', 'got ""', () => ScalingMetric.podsAverage('', 5)),
  factoryRow('ScalingMetric.podsAverage averageValue 0', 'scalingMetric.averageValue', 'got 0', () => ScalingMetric.podsAverage('vllm:num_requests_waiting', 0)),
  factoryRow('ScalingMetric.externalAverage averageValue Infinity', 'scalingMetric.averageValue', 'got Infinity', () => ScalingMetric.externalAverage('sqs_messages_visible', Infinity)),
  factoryRow('ScalingMetric.externalAverage label key with a space', 'scalingMetric.matchLabels', 'got "queue name"',
    () => ScalingMetric.externalAverage('sqs_messages_visible', 20, { 'queue name': 'inference' })),
  factoryRow('ScalingMetric.externalAverage label value with a space', 'scalingMetric.matchLabels.queue', 'got "my queue"',
    () => ScalingMetric.externalAverage('sqs_messages_visible', 20, { queue: 'my queue' })),
  k8sRow('kubernetes.scaleDownStabilization 2 h', 'kubernetes.scaleDownStabilization', 'got 7,200 (seconds)', () => ({ scaleDownStabilization: Duration.hours(2) })),
  k8sRow('kubernetes.scaleDownStabilization a token', 'kubernetes.scaleDownStabilization', 'got an unresolved token',
    () => ({ scaleDownStabilization: Duration.minutes(LAZY_NUMBER()) })),
  k8sRow('kubernetes.runAsUser 0 (root)', 'kubernetes.runAsUser', 'got 0', () => ({ runAsUser: 0 })),
  k8sRow('kubernetes.runAsUser negative', 'kubernetes.runAsUser', 'got -1', () => ({ runAsUser: -1 })),
  k8sRow('kubernetes.runAsUser fractional', 'kubernetes.runAsUser', 'got 1,000.5', () => ({ runAsUser: 1000.5 })),
  k8sRow('kubernetes.runAsUser above 2^31 - 1', 'kubernetes.runAsUser', 'got 2,147,483,648', () => ({ runAsUser: 2 ** 31 })),
  k8sRow('kubernetes.serviceAccountRoleArn a role name', 'kubernetes.serviceAccountRoleArn', 'got "model-reader"', () => ({ serviceAccountRoleArn: 'model-reader' })),
  k8sRow('kubernetes.serviceAccountRoleArn a token', 'kubernetes.serviceAccountRoleArn', 'got an unresolved token', () => ({ serviceAccountRoleArn: TOKEN_STRING() })),
  k8sRow('kubernetes.modelBucket without cluster', 'kubernetes.modelBucket', "without 'kubernetes.cluster'", s => ({ modelBucket: MODEL_BUCKET(s) })),
  k8sRow('kubernetes.modelBucket with serviceAccountRoleArn', 'kubernetes.modelBucket', `got "${ROLE_ARN}"`,
    s => ({ cluster: CLUSTER(s), modelBucket: MODEL_BUCKET(s), serviceAccountRoleArn: ROLE_ARN })),
  k8sRow('kubernetes.cluster not a cluster', 'kubernetes.cluster', 'got inference', () => ({ cluster: 'inference' as any })),
];

const HYBRID_ROWS: BadInput[] = [
  row('hybrid placement without hybrid.vpc', 'hybrid.vpc', 'got undefined', s => onHybrid(s, { hybrid: {} })),
  row('hybrid placement without hybrid options', 'hybrid.vpc', 'got undefined', s => onHybrid(s, { hybrid: undefined })),
  row('hybrid placement with lambda.vpc', 'lambda.vpc', 'for a hybrid placement', s => onHybrid(s, { lambda: { vpc: importedVpc(s, '10.30.0.0/16', 'FunctionVpc') } })),
  row('hybrid.dataPlaneHostname with an underscore', 'hybrid.dataPlaneHostname', 'got "data_plane.internal"',
    s => onHybrid(s, { hybrid: { vpc: importedVpc(s), dataPlaneHostname: 'data_plane.internal' } })),
  row('hybrid.dataPlaneHostname empty', 'hybrid.dataPlaneHostname', 'got ""',
    s => onHybrid(s, { hybrid: { vpc: importedVpc(s), dataPlaneHostname: '' } })),
  row('hybrid.dataPlaneHostname overlong', 'hybrid.dataPlaneHostname', 'got 254 characters',
    s => onHybrid(s, { hybrid: { vpc: importedVpc(s), dataPlaneHostname: LONG(254) } })),
  row('hybrid.allowedCidr without a prefix length', 'hybrid.allowedCidr', 'got "10.0.0.0"',
    s => onHybrid(s, { hybrid: { vpc: importedVpc(s), allowedCidr: '10.0.0.0' } })),
  row('hybrid.allowedCidr /33', 'hybrid.allowedCidr', 'got "10.0.0.0/33"',
    s => onHybrid(s, { hybrid: { vpc: importedVpc(s), allowedCidr: '10.0.0.0/33' } })),
  row('hybrid.allowedCidr octet above 255', 'hybrid.allowedCidr', 'got "300.1.0.0/16"',
    s => onHybrid(s, { hybrid: { vpc: importedVpc(s), allowedCidr: '300.1.0.0/16' } })),
  row('hybrid.allowedCidr a token', 'hybrid.allowedCidr', 'got an unresolved token',
    s => onHybrid(s, { hybrid: { vpc: importedVpc(s), allowedCidr: TOKEN_STRING() } })),
  row('hybrid.vpc whose CIDR is a token, without allowedCidr', 'hybrid.allowedCidr', 'got a VPC whose vpcCidrBlock is a token',
    s => onHybrid(s, { hybrid: { vpc: importedVpc(s, TOKEN_STRING()) } })),
  row('hybrid.vpc a VPC id, not an IVpc', 'hybrid.vpc', 'got "vpc-0123456789abcdef0"',
    s => onHybrid(s, { hybrid: { vpc: 'vpc-0123456789abcdef0' as any } })),
  row('hybrid.overflowCode not a LambdaCode', 'hybrid.overflowCode', 'got overflow',
    s => onHybrid(s, { hybrid: { vpc: importedVpc(s), overflowCode: 'overflow' as any } })),
];

/** Options of the targets the workload is not placed on are checked too: a mistake must not wait for the placement to change. */
const OTHER_TARGET_ROWS: BadInput[] = [
  row('kubernetes.namespace upper case, placed on Lambda', 'kubernetes.namespace', 'got "Prod"', s => onLambda(s, { kubernetes: { namespace: 'Prod' } })),
  row('kubernetes.migProfile not a MIG profile, placed on Lambda', 'kubernetes.migProfile', 'got "10gb"', s => onLambda(s, { kubernetes: { migProfile: '10gb' } })),
  row('kubernetes.runAsUser 0, placed on Lambda', 'kubernetes.runAsUser', 'got 0', s => onLambda(s, { kubernetes: { runAsUser: 0 } })),
  row('kubernetes.modelBucket without cluster, placed on Lambda', 'kubernetes.modelBucket', "without 'kubernetes.cluster'",
    s => onLambda(s, { kubernetes: { modelBucket: MODEL_BUCKET(s) } })),
  row('lambda.environment a reserved key, placed on Kubernetes', 'lambda.environment', 'must not set AWS_REGION',
    s => onKubernetes(s, { lambda: { environment: { AWS_REGION: 'eu-west-1' } } })),
  row('lambda.vpcSubnets without vpc, placed on Kubernetes', 'lambda.vpcSubnets', "without 'lambda.vpc'", s => onKubernetes(s, { lambda: { vpcSubnets: { subnetGroupName: 'private' } } })),
  row('lambda.utilizationTarget as a percentage, placed on Kubernetes', 'lambda.utilizationTarget', 'got 70', s => onKubernetes(s, { lambda: { utilizationTarget: 70 } })),
  row('lambda.reservedConcurrentExecutions 0, placed on Kubernetes', 'lambda.reservedConcurrentExecutions', 'got 0', s => onKubernetes(s, { lambda: { reservedConcurrentExecutions: 0 } })),
  row('lambda.tracing unknown, placed on Kubernetes', 'lambda.tracing', 'got "Sometimes"', s => onKubernetes(s, { lambda: { tracing: 'Sometimes' as lambda.Tracing } })),
  row('hybrid.allowedCidr /33, placed on Lambda', 'hybrid.allowedCidr', 'got "10.0.0.0/33"', s => onLambda(s, { hybrid: { allowedCidr: '10.0.0.0/33' } })),
  row('hybrid.vpcSubnets without hybrid.vpc, placed on Kubernetes', 'hybrid.vpcSubnets', "without 'hybrid.vpc'",
    s => onKubernetes(s, { hybrid: { vpcSubnets: { subnetGroupName: 'private' } } })),
  row('hybrid.dataPlaneHostname upper case, placed on Kubernetes', 'hybrid.dataPlaneHostname', 'got "Model.internal"',
    s => onKubernetes(s, { hybrid: { dataPlaneHostname: 'Model.internal' } })),
  row('hybrid.overflowCode not a LambdaCode, placed on Lambda', 'hybrid.overflowCode', 'got overflow', s => onLambda(s, { hybrid: { overflowCode: 'overflow' as any } })),
];

const PLATFORM_ROWS: BadInput[] = [
  factoryRow('InferencePlatform workloadsPerStack 0', 'workloadsPerStack', 'got 0', s => new InferencePlatform(s, 'Platform', { workloadsPerStack: 0 })),
  factoryRow('InferencePlatform workloadsPerStack negative', 'workloadsPerStack', 'got -5', s => new InferencePlatform(s, 'Platform', { workloadsPerStack: -5 })),
  factoryRow('InferencePlatform workloadsPerStack fractional', 'workloadsPerStack', 'got 2.5', s => new InferencePlatform(s, 'Platform', { workloadsPerStack: 2.5 })),
  factoryRow('InferencePlatform workloadsPerStack NaN', 'workloadsPerStack', 'got NaN', s => new InferencePlatform(s, 'Platform', { workloadsPerStack: NaN })),
  factoryRow('InferencePlatform workloadsPerStack Infinity', 'workloadsPerStack', 'got Infinity', s => new InferencePlatform(s, 'Platform', { workloadsPerStack: Infinity })),
  factoryRow('InferencePlatform workloadsPerStack 201', 'workloadsPerStack', 'got 201', s => new InferencePlatform(s, 'Platform', { workloadsPerStack: 201 })),
  factoryRow('InferencePlatform workloadsPerStack a token', 'workloadsPerStack', 'got an unresolved token',
    s => new InferencePlatform(s, 'Platform', { workloadsPerStack: TOKEN_NUMBER() })),
  factoryRow('InferencePlatform stackProps.stackName', 'stackProps.stackName', 'got "inference"',
    s => new InferencePlatform(s, 'Platform', { stackProps: { stackName: 'inference' } })),
  factoryRow('InferencePlatform.addWorkload id empty', 'id', 'got ""', s => new InferencePlatform(s, 'Platform').addWorkload('', { image: ECR_IMAGE, profile: LAMBDA_PROFILE })),
  factoryRow('InferencePlatform.addWorkload id starting with a digit', 'id', 'got "1st"',
    s => new InferencePlatform(s, 'Platform').addWorkload('1st', { image: ECR_IMAGE, profile: LAMBDA_PROFILE })),
  factoryRow('InferencePlatform.addWorkload id overlong', 'id', 'got 65 characters',
    s => new InferencePlatform(s, 'Platform').addWorkload(LONG(65), { image: ECR_IMAGE, profile: LAMBDA_PROFILE })),
  factoryRow('InferencePlatform.addWorkload with a bad profile', 'profile.memoryMiB', 'got NaN',
    s => new InferencePlatform(s, 'Platform').addWorkload('Model', { image: ECR_IMAGE, profile: { ...LAMBDA_PROFILE, memoryMiB: NaN } })),
];

const TEMPLATE_ROWS: BadInput[] = [
  factoryRow('WorkloadTemplates.llmChat(null)', 'options', 'got null', () => WorkloadTemplates.llmChat(null as any)),
  factoryRow('WorkloadTemplates.spikyClassifier without image', 'image', 'got undefined', () => WorkloadTemplates.spikyClassifier({} as any)),
  factoryRow('WorkloadTemplates.embeddingsService profile not an object', 'profile', 'got fast', () => WorkloadTemplates.embeddingsService({ image: ECR_IMAGE, profile: 'fast' as any })),
  row('WorkloadTemplates override memoryMiB NaN', 'profile.memoryMiB', 'got NaN',
    s => new InferenceWorkload(s, 'Model', WorkloadTemplates.spikyClassifier({ image: ECR_IMAGE, profile: { memoryMiB: NaN } }))),
  row('WorkloadTemplates override memoryMiB in GiB', 'profile.memoryMiB', 'got 30',
    s => new InferenceWorkload(s, 'Model', WorkloadTemplates.llmChat({ image: ECR_IMAGE, profile: { memoryMiB: 30 } }))),
  row('WorkloadTemplates override gpuMemoryGiB on a CPU template', 'profile.gpuMemoryGiB', "without 'profile.gpuCount'",
    s => new InferenceWorkload(s, 'Model', WorkloadTemplates.embeddingsService({ image: ECR_IMAGE, profile: { gpuMemoryGiB: 24 } }))),
  row('WorkloadTemplates override peak below the template\'s average', 'profile.peakRequestsPerSecond', "(1) must be at least 'profile.averageRequestsPerSecond' (3)",
    s => new InferenceWorkload(s, 'Model', WorkloadTemplates.llmChat({ image: ECR_IMAGE, profile: { peakRequestsPerSecond: 1 } }))),
  row('WorkloadTemplates override p99 below the template\'s p50', 'profile.requestDurationP99Ms', '(100)',
    s => new InferenceWorkload(s, 'Model', WorkloadTemplates.batchScoring({ image: ECR_IMAGE, profile: { requestDurationP99Ms: 100 } }))),
  row('WorkloadTemplates workloadName upper case', 'workloadName', 'got "Recommender"',
    s => new InferenceWorkload(s, 'Model', WorkloadTemplates.statefulRecommender({ image: ECR_IMAGE, workloadName: 'Recommender' }))),
  row('WorkloadTemplates kubernetes.namespace upper case', 'kubernetes.namespace', 'got "ML"',
    s => new InferenceWorkload(s, 'Model', WorkloadTemplates.llmChat({ image: ECR_IMAGE, kubernetes: { namespace: 'ML' } }))),
  row('WorkloadTemplates hybrid.allowedCidr without a prefix length', 'hybrid.allowedCidr', 'got "10.0.0.0"',
    s => new InferenceWorkload(s, 'Model', WorkloadTemplates.spikyClassifier({ image: ECR_IMAGE, hybrid: { allowedCidr: '10.0.0.0' } }))),
  row('WorkloadTemplates fixed(LAMBDA) on the GPU template', 'policy', 'PlacementPolicy.fixed(lambda) violates hard constraint constraint.gpu',
    s => new InferenceWorkload(s, 'Model', WorkloadTemplates.llmChat({ image: ECR_IMAGE, policy: PlacementPolicy.fixed(PlacementTarget.LAMBDA) }))),
];

const SYNTH_ROWS: BadInput[] = [
  row('a stack over CloudFormation\'s 500 resources', 'Stack', 'has 502 CloudFormation resources (1 inference workloads), over CloudFormation\'s limit of 500',
    s => {
      const w = onKubernetes(s, { profile: CPU_K8S_PROFILE });
      expect(w.manifestPath).toBeDefined();
      for (let i = 0; i < 502; i++) {
        new CfnResource(s, `Topic${i}`, { type: 'AWS::SNS::Topic' });
      }
    }, { atSynth: true }),
];

const CATALOGUE: Array<[string, BadInput[]]> = [
  ['profile', PROFILE_ROWS],
  ['profile.warmSchedules', WARM_SCHEDULE_ROWS],
  ['image', IMAGE_ROWS],
  ['policy', POLICY_ROWS],
  ['price table', PRICE_TABLE_ROWS],
  ['workloadName', WORKLOAD_NAME_ROWS],
  ['lambda', LAMBDA_ROWS],
  ['kubernetes', KUBERNETES_ROWS],
  ['hybrid', HYBRID_ROWS],
  ['options of the targets not chosen', OTHER_TARGET_ROWS],
  ['InferencePlatform', PLATFORM_ROWS],
  ['WorkloadTemplates', TEMPLATE_ROWS],
  ['at synth', SYNTH_ROWS],
];

describe.each(CATALOGUE)('bad input: %s', (_group, rows) => {
  test.each(rows)('throws for $name', input => {
    expectRejected(input);
  });
});

describe('the catalogue', () => {
  test('every row is unique', () => {
    const names = CATALOGUE.flatMap(([group, rows]) => rows.map(r => `${group}: ${r.name}`));
    expect(new Set(names).size).toBe(names.length);
  });

  test('the fixtures are valid: each builds on its target', () => {
    const app = new App({ outdir: freshOutdir() });
    const l = onLambda(stackIn(app));
    expect(l.decision.target).toBe(PlacementTarget.LAMBDA);
    expect(l.decision.lambda!.provisionedConcurrencyMax).toBe(16);
    expect(onKubernetes(new Stack(app, 'K8s')).decision.target).toBe(PlacementTarget.KUBERNETES);
    expect(onKubernetes(new Stack(app, 'K8sCpu'), { profile: CPU_K8S_PROFILE }).decision.target).toBe(PlacementTarget.KUBERNETES);
    expect(onHybrid(new Stack(app, 'Hybrid')).decision.target).toBe(PlacementTarget.HYBRID);
  });

  test('the outdir check sees what a valid workload writes at synth', () => {
    const outdir = freshOutdir();
    const app = new App({ outdir });
    onLambda(stackIn(app));
    app.synth();
    expect(filesUnder(outdir)).toEqual(expect.arrayContaining(['Stack.template.json', 'placement-report.json']));
  });

  test('the harness fails a row whose input is valid', () => {
    expect(() => expectRejected(row('valid', 'profile.memoryMiB', 'got 2048', s => onLambda(s))))
      .toThrow('expected an error, but nothing was thrown');
  });

  test('the harness fails a row whose message does not name the value', () => {
    expect(() => expectRejected(profileRow('memoryMiB', 10, 'got 11'))).toThrow();
  });
});

describe('suspicious input (a warning the user can acknowledge, not an error)', () => {
  const ID = 'inference-workload:model-larger-than-memory';
  function warningsOf(profile: WorkloadProfile): string[] {
    const app = new App({ outdir: freshOutdir() });
    const stack = stackIn(app);
    onLambda(stack, { profile, policy: PlacementPolicy.default() });
    // a Kubernetes placement leaves the template empty, which CDK's template validation reports on the console
    new CfnResource(stack, 'Anchor', { type: 'AWS::SNS::Topic' });
    return Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map(w => JSON.stringify(w.entry.data));
  }

  test('warns when a CPU model\'s weights are larger than its memory (a 14 GiB model in memoryMiB 2048)', () => {
    const warnings = warningsOf({ ...LAMBDA_PROFILE, modelSizeGiB: 14 });
    const mine = warnings.filter(w => w.includes(ID));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toContain("'profile.modelSizeGiB' should fit in the memory that loads the weights, got 14 GiB, more than 'profile.memoryMiB' (2048 MiB = 2 GiB)");
  });

  test('warns when a GPU model\'s weights are larger than the host memory and the GPU memory', () => {
    const mine = warningsOf({ ...HYBRID_PROFILE, teamRunsKubernetes: true, modelSizeGiB: 40 }).filter(w => w.includes(ID));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toContain("got 40 GiB, more than 'profile.memoryMiB' (8192 MiB = 8 GiB) and than the GPU memory ('profile.gpuCount' x 'profile.gpuMemoryGiB' = 16 GiB)");
  });

  test('does not warn when the weights fit in the GPU memory though not in the host memory, nor for a small model', () => {
    expect(warningsOf(GPU_PROFILE).filter(w => w.includes(ID))).toEqual([]);
    expect(warningsOf({ ...LAMBDA_PROFILE, modelSizeGiB: 1.5 }).filter(w => w.includes(ID))).toEqual([]);
  });
});

describe('bad input after construction', () => {
  test('throws when a Lambda method is called on a Kubernetes placement, naming the method and the target', () => {
    const app = new App({ outdir: freshOutdir() });
    const w = onKubernetes(stackIn(app));
    const e = thrownBy(() => w.grantInvoke(new iam.AccountRootPrincipal()));
    expect(e.name).toBe('InferenceWorkloadValidationError');
    expect(e.message).toBe("'grantInvoke' needs a Lambda placement, got kubernetes for model");
    expect(() => w.metricSpilloverInvocations()).toThrow("'metricSpilloverInvocations' needs a Lambda placement, got kubernetes for model");
  });

  test('throws when InferenceTesting.synth() is given a scope outside any stack', () => {
    const e = thrownBy(() => InferenceTesting.synth(new App({ outdir: freshOutdir() })));
    expect(e.name).toBe('InferenceWorkloadValidationError');
    expect(e.message).toMatch(/^'scope' must be a Stack, an InferenceWorkload or a construct inside a stack, got App at ''$/);
  });
});

describe('bad command-line options (inference-workload explain)', () => {
  test.each([
    ['--format xml', () => parseArgs(['explain', 'p.json', '--format', 'xml']), "'--format' must be one of table, json, md, got \"xml\""],
    ['--policy fixed:gpu', () => policyFromName('fixed:gpu'), "'--policy' must be one of default, cost-optimized, fixed:lambda, fixed:kubernetes, fixed:hybrid, fixed:lambda-managed-instances, got \"fixed:gpu\""],
    ['--policy cheapest', () => policyFromName('cheapest'), "'--policy' must be one of default, cost-optimized, fixed:lambda, fixed:kubernetes, fixed:hybrid, fixed:lambda-managed-instances, got \"cheapest\""],
  ])('throws for %s', (_name, run, message) => {
    const e = thrownBy(run);
    expect(e).toBeInstanceOf(CliError);
    expect(e.message).toBe(message);
  });
});
