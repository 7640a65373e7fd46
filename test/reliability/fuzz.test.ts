/**
 * Property-based fuzz of the construct's whole props surface (fixed seed): profiles, every
 * target's options, policies, names and ids, each drawn from valid values, edge values and wrong
 * types. Every outcome is classified:
 * - accepted: the workload is built (and, for a sample, the app synthesizes without error);
 * - refused: an InferenceWorkloadValidationError at construction whose message starts with the
 *   prop path (`'lambda.vpc' ...`, `Cannot configure 'a' ...`), on one line, and nothing of the
 *   workload is left in the tree.
 * Anything else (a TypeError, an error from aws-cdk-lib or constructs, an error at synth, a
 * half-built tree) fails the test with the inputs that produced it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Size, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as fc from 'fast-check';
import {
  CacheSidecar, GpuNodeLabels, InferenceWorkload, InferenceWorkloadValidationError, LambdaEntryPoint, ModelCredentials, ModelImage, ModelServer,
  PlacementPolicy,
  PlacementTarget, ScalingMetric, ZoneSpread,
} from '../../lib';
import { CPU_PROFILE, GPU_PROFILE, HYBRID_PROFILE, importedVpc } from '../helpers/fixtures';

const IMAGE = ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1.0.0');
const RUNS = 2000;
/** One accepted case in this many is synthesized too (synthesis is the slow part). */
const SYNTH_EVERY = 15;

/** Values of the wrong kind or at the edges, mixed into every field. */
const odd = fc.constantFrom<unknown>(
  null, NaN, Infinity, -Infinity, -1, 0, 1e300, 'x', '', true, {}, [], [1], Token.asNumber({ resolve: () => 1 }),
  Token.asString({ resolve: () => 'x' }),
);
/** A field: mostly absent or valid-looking; sometimes odd. Values out of range come from the valid-looking arbitraries' edges. */
function maybe<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 20, arbitrary: fc.constant(undefined) }, { weight: 6, arbitrary: valid }, { weight: 1, arbitrary: odd });
}
const num = (min: number, max: number) => fc.double({ min, max, noNaN: true });

const profile = fc.record({
  base: fc.constantFrom(CPU_PROFILE, GPU_PROFILE, HYBRID_PROFILE),
  memoryMiB: maybe(fc.integer({ min: 100, max: 70_000 })),
  gpuCount: maybe(fc.integer({ min: 0, max: 9 })),
  gpuMemoryGiB: maybe(num(0, 100)),
  modelSizeGiB: maybe(num(0, 40)),
  imageSizeGiB: maybe(num(0, 12)),
  requestDurationP50Ms: maybe(num(1, 100_000)),
  requestDurationP99Ms: maybe(num(1, 1_000_000)),
  averageRequestsPerSecond: maybe(num(0, 500)),
  peakRequestsPerSecond: maybe(num(0, 2_000)),
  coldStartToleranceMs: maybe(num(0, 5_000)),
  jitterBudgetMicros: maybe(num(0, 1_000)),
  nodeLocalStateGiB: maybe(num(0, 64)),
  requestPayloadKiB: maybe(num(0, 10_000)),
  latencyBudgetP99Ms: maybe(num(0, 100_000)),
  architecture: maybe(fc.constantFrom('x86_64', 'arm64', 'any', 'sparc')),
  teamRunsKubernetes: maybe(fc.boolean()),
  cpuFallbackCapable: maybe(fc.boolean()),
  concurrencyPerReplica: maybe(fc.integer({ min: 0, max: 100 })),
}, { requiredKeys: ['base'] }).map(({ base, ...fields }) => {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(fields)) {
    if (v !== undefined) {
      out[k] = v;
    }
  }
  return out;
});

const managedInstancesOptions = maybe(fc.record(
  { vpc: maybe(fc.constant(undefined)), vpcSubnets: maybe(fc.constant(undefined)) }, { requiredKeys: [] }));

const lambdaOptions = maybe(fc.record({
  utilizationTarget: maybe(num(0, 1)),
  reservedConcurrentExecutions: maybe(fc.integer({ min: -1, max: 2_000 })),
  latencyBudget: maybe(fc.integer({ min: 0, max: 60_000 }).map(ms => Duration.millis(ms))),
  environment: maybe(fc.dictionary(fc.constantFrom('MODEL', 'AWS_REGION', '1BAD', 'THREADS', 'x'), fc.oneof(fc.string(), fc.constant(4 as any)), { maxKeys: 3 })),
  entryPoint: maybe(fc.constantFrom(LambdaEntryPoint.functionUrl(), LambdaEntryPoint.none())),
  vpcSubnets: maybe(fc.constant({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED })),
  // objects the fuzz cannot make valid at random: only their odd values are tried
  vpc: maybe(fc.constant(undefined)),
  environmentEncryption: maybe(fc.constant(undefined)),
  code: maybe(fc.constant(undefined)),
  logRetention: maybe(fc.constantFrom(30, 31)),
  tracing: maybe(fc.constantFrom('Active', 'Sometimes')),
  logEncryptionKey: maybe(fc.constant(undefined)),
}, { requiredKeys: [] }));

const kubernetesOptions = maybe(fc.record({
  namespace: maybe(fc.constantFrom('ml', 'default', 'Bad_Name', 'a'.repeat(70))),
  containerPort: maybe(fc.integer({ min: -5, max: 70_000 })),
  modelUri: maybe(fc.constantFrom('s3://models/llm/', 'https://example.com/m.tar', 'http://169.254.169.254/latest', 'ftp://x', '')),
  cacheSidecars: maybe(fc.constantFrom([CacheSidecar.modelCache()], [CacheSidecar.redis()], [CacheSidecar.modelCache(), CacheSidecar.modelCache()], ['x'])),
  gpuNodeLabels: maybe(fc.constantFrom(GpuNodeLabels.karpenter(), GpuNodeLabels.gpuFeatureDiscovery(), 'gfd')),
  tolerations: maybe(fc.constantFrom([{ key: 'nvidia.com/gpu' }], [{ key: 'bad key!' }], [null], 'x')),
  migProfile: maybe(fc.constantFrom('1g.10gb', '3g.40gb', 'huge')),
  sharedMemorySize: maybe(fc.integer({ min: 0, max: 100_000 }).map(m => Size.mebibytes(m))),
  startupTimeout: maybe(fc.integer({ min: 0, max: 30_000 }).map(s => Duration.seconds(s))),
  readinessProbePath: maybe(fc.constantFrom('/health', 'health', '/v2/health/ready')),
  zoneSpread: maybe(fc.constantFrom(ZoneSpread.BEST_EFFORT, ZoneSpread.REQUIRED, 'sometimes')),
  scalingMetric: maybe(fc.constantFrom(ScalingMetric.cpuUtilization(), 'cpu')),
  runAsUser: maybe(fc.integer({ min: -1, max: 70_000 })),
  serviceAccountRoleArn: maybe(fc.constantFrom('arn:aws:iam::123456789012:role/reader', 'role/reader')),
  cluster: maybe(fc.constant(undefined)),
  modelBucket: maybe(fc.constant(undefined)),
  modelServer: maybe(fc.constantFrom(ModelServer.vllm(), ModelServer.triton(), ModelServer.generic(), 'vllm')),
  env: maybe(fc.constantFrom([{ name: 'MODEL', value: 'x' }], [{ name: '1BAD', value: 'x' }], [{ name: 'HF_TOKEN', secretName: 'hf', key: 'token' }], [null], 'x')),
  args: maybe(fc.constantFrom(['--max-model-len', '4096'], [''], 'x')),
  imagePullSecrets: maybe(fc.constantFrom(['regcred'], ['Bad Name'], 'x')),
  createNamespace: maybe(fc.boolean()),
  allowedEgress: maybe(fc.constantFrom([{ cidr: '10.0.0.0/8', port: 5432 }], [{ cidr: 'ten' }], 'x')),
  allowedIngressPeers: maybe(fc.constantFrom([{ cidr: '10.20.0.0/16' }], [{ cidr: '10.0.0.0/33' }], 'x')),
  modelCredentials: maybe(fc.constantFrom(ModelCredentials.NODE_ROLE, ModelCredentials.POD_IDENTITY, 'root')),
}, { requiredKeys: [] }));

const hybridOptions = maybe(fc.record({
  withVpc: fc.boolean(),
  vpc: maybe(fc.constant(undefined)),
  allowedCidr: maybe(fc.constantFrom('10.20.0.0/16', '10.0.0.0/33', 'ten')),
  dataPlaneHostname: maybe(fc.constantFrom('chat.internal', 'Bad Host')),
  overflowCode: maybe(fc.constant(undefined)),
  overflowWebAdapter: maybe(fc.constantFrom({ port: 8080 }, { port: 0 }, { readinessCheckPath: 'health' })),
  overflowReservedConcurrency: maybe(fc.constantFrom(1, 50, 0, 1.5)),
  vpcSubnets: maybe(fc.constant(undefined)),
}, { requiredKeys: ['withVpc'] }));

const policy = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom<unknown>(undefined, PlacementPolicy.default(), PlacementPolicy.costOptimized()) },
  { weight: 3, arbitrary: fc.constantFrom<unknown>(...Object.values(PlacementTarget).map(t => PlacementPolicy.fixed(t))) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>({ name: 'plain', decide: () => ({ target: 'lambda' }) }, 'default', null) },
);

const names = fc.record({
  id: fc.oneof({ weight: 20, arbitrary: fc.constantFrom('Model', 'LlmChat', 'ranker-2') }, { weight: 1, arbitrary: fc.constantFrom('', 'constructor', '__proto__', 'a/b') }),
  workloadName: fc.oneof({ weight: 20, arbitrary: fc.constantFrom(undefined, 'chat') }, { weight: 1, arbitrary: fc.constantFrom('Chat', 'a'.repeat(60), 'toString', '-x') }),
});

interface Outcome {
  readonly kind: 'accepted' | 'refused' | 'unclassified';
  readonly detail?: string;
}

let outdirs: string[] = [];
afterAll(() => outdirs.forEach(d => fs.rmSync(d, { recursive: true, force: true })));

interface FuzzInput {
  readonly profile: unknown;
  readonly lambda: unknown;
  readonly kubernetes: unknown;
  readonly hybrid: unknown;
  readonly policy: unknown;
  readonly managedInstances: unknown;
  readonly names: { id: string; workloadName: unknown };
}

function run(input: FuzzInput, synth: boolean): Outcome {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-fuzz-'));
  outdirs.push(outdir);
  const app = new App({ outdir });
  const stack = new Stack(app, 'Fuzz');
  const hybrid = input.hybrid as { withVpc: boolean } | undefined;
  const hybridProps = hybrid === undefined || hybrid === null || typeof hybrid !== 'object' || Array.isArray(hybrid) ? hybrid : {
    ...hybrid,
    withVpc: undefined,
    vpc: !hybrid.withVpc ? (hybrid as any).vpc : importedVpc(stack),
  };
  const props: any = {
    image: IMAGE,
    profile: input.profile,
    lambda: input.lambda,
    kubernetes: input.kubernetes,
    hybrid: hybridProps,
    policy: input.policy,
    managedInstances: input.managedInstances,
  };
  if (input.names.workloadName !== undefined) {
    props.workloadName = input.names.workloadName;
  }
  try {
    new InferenceWorkload(stack, input.names.id, props);
  } catch (e) {
    if (!(e instanceof InferenceWorkloadValidationError)) {
      return { kind: 'unclassified', detail: `construction threw ${(e as Error)?.name}: ${String((e as Error)?.message).split('\n')[0]}` };
    }
    if (!/^('[^']+'|Cannot configure (both )?')/.test(e.message) || e.message.includes('\n')) {
      return { kind: 'unclassified', detail: `message does not start with the prop path: ${e.message.slice(0, 200)}` };
    }
    const left = stack.node.children.filter(c => c.node.id !== 'ClusterVpc');
    if (left.length > 0) {
      return { kind: 'unclassified', detail: `refused, but left ${left.map(c => c.node.id).join(', ')} in the tree: ${e.message.slice(0, 120)}` };
    }
    return { kind: 'refused', detail: e.message };
  }
  if (synth) {
    try {
      app.synth();
    } catch (e) {
      return { kind: 'unclassified', detail: `accepted, then synth threw ${(e as Error)?.name}: ${String((e as Error)?.message).split('\n')[0].slice(0, 300)}` };
    }
  }
  return { kind: 'accepted' };
}

test('every input is accepted and synthesizes, or is refused at construction naming the prop; nothing else', () => {
  const counts = { accepted: 0, refused: 0 };
  const unclassified: string[] = [];
  const reasons = new Map<string, number>();
  let accepted = 0;
  fc.assert(fc.property(profile, lambdaOptions, kubernetesOptions, hybridOptions, policy, names, managedInstancesOptions, (p, l, k, h, pol, n, m) => {
    const input = { profile: p, lambda: l, kubernetes: k, hybrid: h, policy: pol, names: n, managedInstances: m };
    const outcome = run(input, accepted % SYNTH_EVERY === 0);
    if (outcome.kind === 'unclassified') {
      unclassified.push(`${outcome.detail}\n    input: ${JSON.stringify({ profile: p, lambda: l, kubernetes: k, hybrid: h, policy: (pol as any)?.name ?? pol, names: n }).slice(0, 600)}`);
    } else {
      counts[outcome.kind]++;
      if (process.env.FUZZ_LOG && outcome.detail) {
        reasons.set(outcome.detail.slice(0, 60), (reasons.get(outcome.detail.slice(0, 60)) ?? 0) + 1);
      }
      if (outcome.kind === 'accepted') {
        accepted++;
      }
    }
  }), { seed: Number(process.env.FUZZ_SEED ?? 20261130), numRuns: Number(process.env.FUZZ_RUNS ?? RUNS) });
  if (process.env.FUZZ_LOG) {
    fs.writeFileSync(process.env.FUZZ_LOG, [...reasons].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${n} ${r}`).join('\n'));
  }
  expect(unclassified.slice(0, 8)).toEqual([]);
  // the generator reaches both outcomes in earnest
  expect(counts.accepted).toBeGreaterThan(RUNS / 20);
  expect(counts.refused).toBeGreaterThan(RUNS / 20);
});
