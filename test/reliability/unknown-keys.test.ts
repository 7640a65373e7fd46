/**
 * Keys the library does not know are refused at construction, for the callers the TypeScript
 * compiler does not protect: plain JavaScript objects and JSON-loaded profiles. The error names
 * the key's path and suggests the closest valid name.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { InferenceWorkload, InferenceWorkloadValidationError, ModelImage, PlacementPolicy } from '../../lib';
import { closest } from '../../lib/private/known-keys';
import { CPU_PROFILE, GPU_PROFILE } from '../helpers/fixtures';

const IMAGE = ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1.0.0');

/** Builds a workload from untyped props, as a JavaScript caller would. */
function construct(props: Record<string, unknown>): () => InferenceWorkload {
  const stack = new Stack(new App(), 'S');
  return () => new InferenceWorkload(stack, 'W', { image: IMAGE, ...props } as any);
}

describe('unknown keys', () => {
  test('throws for a JSON-parsed profile with a misspelt key, naming it and suggesting the field', () => {
    const profile = JSON.parse('{"memoryMiB":1024,"gpuCont":1,"requestDurationP50Ms":50,"averageRequestsPerSecond":2}');
    expect(construct({ profile })).toThrow(InferenceWorkloadValidationError);
    expect(construct({ profile })).toThrow(/^'profile\.gpuCont' is not a WorkloadProfile field \(did you mean 'gpuCount'\?\), got 1/);
  });

  test('throws for every unknown key at once, one without a near name without a suggestion', () => {
    const profile = { ...CPU_PROFILE, memoryMib: 1, zzz: true };
    expect(construct({ profile })).toThrow(
      "'profile.memoryMib' is not a WorkloadProfile field (did you mean 'memoryMiB'?), got 1; also: 'profile.zzz' is not a WorkloadProfile field, got true");
  });

  test('throws for an unknown key inside a warm window of the profile', () => {
    const profile = {
      ...CPU_PROFILE,
      warmSchedules: [{ name: 'day', startCron: 'cron(0 8 * * ? *)', endCron: 'cron(0 18 * * ? *)', minCapcity: 5 }],
    };
    expect(construct({ profile })).toThrow(/^'profile\.warmSchedules\[0\]\.minCapcity' is not a WarmSchedule field \(did you mean 'minCapacity'\?\), got 5/);
  });

  test('throws for an unknown top-level prop, suggesting the prop', () => {
    expect(construct({ profile: CPU_PROFILE, kubernets: { namespace: 'ml' } }))
      .toThrow(/^'kubernets' is not an InferenceWorkloadProps field \(did you mean 'kubernetes'\?\), got \{"namespace":"ml"\}/);
  });

  test.each([
    ['lambda', { reservedConcurrentExecution: 5 }, "'lambda.reservedConcurrentExecution' is not a LambdaTargetOptions field (did you mean 'reservedConcurrentExecutions'?), got 5"],
    ['kubernetes', { namspace: 'ml' }, "'kubernetes.namspace' is not a KubernetesTargetOptions field (did you mean 'namespace'?), got \"ml\""],
    ['kubernetes', { env: [{ name: 'A', vaule: 'b' }] }, "'kubernetes.env[0].vaule' is not an EnvironmentVariable field (did you mean 'value'?), got \"b\""],
    ['kubernetes', { tolerations: [{ key: 'gpu', efect: 'NoSchedule' }] }, "'kubernetes.tolerations[0].efect' is not a NodeToleration field (did you mean 'effect'?), got \"NoSchedule\""],
    ['hybrid', { allowedCdir: '10.0.0.0/8' }, "'hybrid.allowedCdir' is not a HybridTargetOptions field (did you mean 'allowedCidr'?), got \"10.0.0.0/8\""],
    ['managedInstances', { securityGroup: [] }, "'managedInstances.securityGroup' is not a ManagedInstancesTargetOptions field (did you mean 'securityGroups'?), got []"],
  ])('throws for an unknown key in the %s options, whatever the placement', (prop, options, message) => {
    // GPU_PROFILE is placed on Kubernetes: the options of the other targets are checked all the same
    expect(construct({ profile: GPU_PROFILE, [prop]: options })).toThrow(message);
  });

  test('throws with a custom policy too: the construct checks the keys, not only the default policy', () => {
    const profile = JSON.parse(JSON.stringify({ ...GPU_PROFILE, gpuFamliy: 'L4' }));
    expect(construct({ profile, policy: PlacementPolicy.default() })).toThrow(/'profile\.gpuFamliy' is not a WorkloadProfile field \(did you mean 'gpuFamily'\?\)/);
    const decideAnything = { name: 'anything', decide: () => PlacementPolicy.default().decide(GPU_PROFILE) };
    expect(construct({ profile, policy: decideAnything })).toThrow(/'profile\.gpuFamliy' is not a WorkloadProfile field/);
  });

  test('accepts a JSON-parsed profile and options that hold only known keys', () => {
    const profile = JSON.parse(JSON.stringify({ ...GPU_PROFILE, warmSchedules: [] }));
    const w = construct({ profile, kubernetes: JSON.parse('{"namespace":"ml","env":[{"name":"A","value":"b"}]}') })();
    expect(w.decision.target).toBe('kubernetes');
  });

  test('leaves class instances in the options to their own checks (a key table lists plain objects only)', () => {
    const stack = new Stack(new App(), 'S');
    // a Duration has private fields a key table would not list
    expect(() => new InferenceWorkload(stack, 'W', { image: IMAGE, profile: CPU_PROFILE, lambda: { latencyBudget: Duration.seconds(2) } }))
      .not.toThrow();
  });
});

describe('closest', () => {
  test.each([
    ['gpuCont', 'gpuCount'],
    ['memorymib', 'memoryMiB'],
    ['zzz', undefined],
  ])('suggests for %s: %s', (word, expected) => {
    expect(closest(word, ['gpuCount', 'memoryMiB', 'vcpus'])).toBe(expected);
  });
});
