import { App, Stack } from 'aws-cdk-lib';
import {
  InferenceTesting, InferenceWorkload, InferenceWorkloadProps, ModelImage, PlacementTarget, RuleVerdict,
  WorkloadProfile, WorkloadProfileOverrides, WorkloadTemplateOptions, WorkloadTemplates,
} from '../../lib';
import { importedVpc } from '../helpers/fixtures';

const IMAGE = ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1.0.0');

// compile-time check: the overrides cover every WorkloadProfile field, and no other
type Missing = Exclude<keyof WorkloadProfile, keyof WorkloadProfileOverrides>;
type Extra = Exclude<keyof WorkloadProfileOverrides, keyof WorkloadProfile>;
const overridesMatchProfile: [Missing | Extra] extends [never] ? true : Missing | Extra = true;

type Template = (options: WorkloadTemplateOptions) => InferenceWorkloadProps;

const CASES: Array<[string, Template, PlacementTarget, string | undefined, Partial<WorkloadProfile>]> = [
  ['llmChat', WorkloadTemplates.llmChat, PlacementTarget.KUBERNETES, 'constraint.gpu', { gpuCount: 1, gpuMemoryGiB: 24, memoryMiB: 30_720 }],
  ['embeddingsService', WorkloadTemplates.embeddingsService, PlacementTarget.KUBERNETES, 'economics.break-even', { memoryMiB: 3072, averageRequestsPerSecond: 40, peakRequestsPerSecond: 50 }],
  ['spikyClassifier', WorkloadTemplates.spikyClassifier, PlacementTarget.LAMBDA, 'band.spiky', { memoryMiB: 2048, averageRequestsPerSecond: 2, peakRequestsPerSecond: 40 }],
  ['batchScoring', WorkloadTemplates.batchScoring, PlacementTarget.KUBERNETES, 'constraint.duration', { requestDurationP99Ms: 1_200_000 }],
  ['statefulRecommender', WorkloadTemplates.statefulRecommender, PlacementTarget.KUBERNETES, 'constraint.node-local-state', { nodeLocalStateGiB: 6 }],
  ['steadyConcurrentService', WorkloadTemplates.steadyConcurrentService, PlacementTarget.LAMBDA_MANAGED_INSTANCES, 'band.managed-instances',
    { memoryMiB: 3072, averageRequestsPerSecond: 60, peakRequestsPerSecond: 150, concurrencyPerReplica: 2 }],
  ['serverlessGpuService', WorkloadTemplates.serverlessGpuService, PlacementTarget.LAMBDA_MANAGED_INSTANCES, 'band.serverless-gpu',
    { gpuCount: 1, gpuMemoryGiB: 24, averageRequestsPerSecond: 20, peakRequestsPerSecond: 40, concurrencyPerReplica: 8 }],
];

function place(template: Template, options: Partial<WorkloadTemplateOptions> = {}): InferenceWorkload {
  const stack = new Stack(new App(), 'Platform');
  // the VPC a Lambda Managed Instances placement needs (imported: no resources of its own)
  return new InferenceWorkload(stack, 'Workload', template({ image: IMAGE, managedInstances: { vpc: importedVpc(stack) }, ...options }));
}

describe.each(CASES)('WorkloadTemplates.%s', (name, template, target, firedRule, fields) => {
  test(`lands on ${target} with the default policy`, () => {
    const w = place(template);
    expect(overridesMatchProfile).toBe(true);
    expect(w.decision.target).toBe(target);
    expect(w.decision.policyName).toBe('default');
    if (firedRule) {
      expect(w.decision.rules.find(r => r.ruleId === firedRule)?.verdict).toBe(RuleVerdict.FIRED);
    }
  });

  test('carries the documented profile fields', () => {
    const props = template({ image: IMAGE });
    expect(props.profile).toMatchObject(fields);
    expect(props.image).toBe(IMAGE);
  });

  test('renders what its target needs', () => {
    const out = InferenceTesting.synth(place(template));
    if (target === PlacementTarget.LAMBDA_MANAGED_INSTANCES) {
      expect(Object.values(out.template.Resources).map((r: any) => r.Type)).toEqual(expect.arrayContaining(['AWS::Lambda::CapacityProvider', 'AWS::Lambda::Function']));
      expect(out.manifests).toEqual([]);
    } else if (target === PlacementTarget.LAMBDA) {
      expect(Object.values(out.template.Resources).map((r: any) => r.Type)).toContain('AWS::Lambda::Function');
      expect(out.manifests).toEqual([]);
    } else {
      expect(out.manifests.map(m => m.kind)).toContain('Deployment');
    }
  });

  test('matches the snapshot', () => {
    expect(InferenceTesting.snapshot(place(template))).toMatchSnapshot();
  });

  test(`${name}: overrides replace only the fields given`, () => {
    const props = template({ image: IMAGE, profile: { averageRequestsPerSecond: 0.5, memoryMiB: undefined }, workloadName: 'custom' });
    const base = template({ image: IMAGE }).profile;
    expect(props.profile).toEqual({ ...base, averageRequestsPerSecond: 0.5 });
    expect(props.workloadName).toBe('custom');
  });
});

describe('WorkloadTemplates', () => {
  test('pass policy and target options through', () => {
    const props = WorkloadTemplates.spikyClassifier({ image: IMAGE, kubernetes: { namespace: 'ml' }, lambda: { environment: { A: '1' } } });
    expect(props.kubernetes).toEqual({ namespace: 'ml' });
    expect(props.lambda).toEqual({ environment: { A: '1' } });
    expect('policy' in props).toBe(false);
  });

  test('the stateful recommender keeps its state in a Redis sidecar sized to nodeLocalStateGiB, unless told otherwise', () => {
    const w = place(WorkloadTemplates.statefulRecommender, { profile: { nodeLocalStateGiB: 2 } });
    const deployment = InferenceTesting.synth(w).manifests.find((m: any) => m.kind === 'Deployment');
    const cache = deployment.spec.template.spec.containers.find((c: any) => c.name === 'kv-cache');
    // the container holds exactly the 2 GiB the pod was priced with; Redis keeps 1.25 x + 64 MiB of headroom inside it
    expect(cache.resources.limits.memory).toBe('2048Mi');
    expect(cache.args.join(' ')).toContain('--maxmemory 1587mb');
    const own = WorkloadTemplates.statefulRecommender({ image: IMAGE, kubernetes: { cacheSidecars: [] } });
    expect(own.kubernetes!.cacheSidecars).toEqual([]);
    expect(WorkloadTemplates.statefulRecommender({ image: IMAGE, hybrid: { allowedCidr: '10.0.0.0/16' } }).hybrid).toEqual({ allowedCidr: '10.0.0.0/16' });
  });

  test('a spiky classifier with steady heavy traffic moves off Lambda', () => {
    const w = place(WorkloadTemplates.spikyClassifier, {
      profile: { averageRequestsPerSecond: 38, peakRequestsPerSecond: 40, teamRunsKubernetes: true },
    });
    expect(w.decision.target).not.toBe(PlacementTarget.LAMBDA);
  });

  test('throws without an image', () => {
    expect(() => WorkloadTemplates.llmChat({} as any))
      .toThrow("'image' of WorkloadTemplates.llmChat() must be a ModelImage (ModelImage.fromImageUri(...)), got undefined");
  });

  test('throws without options', () => {
    expect(() => WorkloadTemplates.batchScoring(undefined as any)).toThrow("'options' of WorkloadTemplates.batchScoring() must be an object with an 'image', got undefined");
  });

  test('fails at construction on an override the profile rejects', () => {
    expect(() => place(WorkloadTemplates.llmChat, { profile: { gpuCount: 0 } }))
      .toThrow("Cannot configure 'profile.gpuMemoryGiB' (24) without 'profile.gpuCount' of at least 1, got 0");
  });
});
