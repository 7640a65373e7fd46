import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Testing } from 'cdk8s';
import { CacheSidecar, InferencePlatform, InferenceWorkload, ModelImage, PlacementPolicy, PlacementTarget, WorkloadTemplates } from '../lib';

const IMAGE = ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1.0.0');

import { CPU_PROFILE, GPU_PROFILE } from './helpers/fixtures';

function newStack(): Stack {
  return new Stack(new App(), 'Test');
}

describe('InferenceWorkload on Lambda', () => {
  test('renders a function, a live alias with provisioned concurrency and utilization scaling', () => {
    const stack = newStack();
    const w = new InferenceWorkload(stack, 'Classifier', { image: IMAGE, profile: CPU_PROFILE });
    expect(w.decision.target).toBe(PlacementTarget.LAMBDA);
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      PackageType: 'Image',
      MemorySize: 2048,
    });
    t.hasResourceProperties('AWS::Lambda::Alias', {
      Name: 'live',
      ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: Match.anyValue() },
    });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ScalableDimension: 'lambda:function:ProvisionedConcurrency',
      ServiceNamespace: 'lambda',
    });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: { PredefinedMetricType: 'LambdaProvisionedConcurrencyUtilization' },
      }),
    });
    expect(w.chart).toBeUndefined();
  });
});

describe('InferenceWorkload on Kubernetes', () => {
  test('renders a GPU Deployment, Service, HPA and PDB', () => {
    const stack = newStack();
    // the cache sidecar is opt-in: ask for one
    const w = new InferenceWorkload(stack, 'LlmChat', { image: IMAGE, profile: GPU_PROFILE, kubernetes: { cacheSidecars: [CacheSidecar.redis()] } });
    expect(w.decision.target).toBe(PlacementTarget.KUBERNETES);
    expect(w.workloadName).toBe('llm-chat');
    const manifests = Testing.synth(w.chart!);
    const kinds = manifests.map(m => m.kind);
    expect(kinds).toEqual(expect.arrayContaining(['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']));
    const deployment = manifests.find(m => m.kind === 'Deployment');
    expect(deployment.spec.replicas).toBeUndefined();
    const server = deployment.spec.template.spec.containers.find((c: any) => c.name === 'model-server');
    expect(server.resources.limits['nvidia.com/gpu']).toBe(1);
    expect(deployment.spec.template.spec.tolerations).toContainEqual({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' });
    expect(deployment.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution).toBeDefined();
    expect(deployment.spec.template.spec.containers.length).toBeGreaterThan(1);
    expect(w.function).toBeUndefined();
  });
});

describe('validation', () => {
  test('fails on a memory that is NaN', () => {
    expect(() => new InferenceWorkload(newStack(), 'W', { image: IMAGE, profile: { ...CPU_PROFILE, memoryMiB: NaN } }))
      .toThrow("'profile.memoryMiB' must be a finite number, got NaN");
  });

  test('fails when peak is below average', () => {
    expect(() => new InferenceWorkload(newStack(), 'W', { image: IMAGE, profile: { ...CPU_PROFILE, peakRequestsPerSecond: 1 } }))
      .toThrow("'profile.peakRequestsPerSecond' (1) must be at least 'profile.averageRequestsPerSecond' (2)");
  });

  test('fails when a GPU workload is forced onto Lambda', () => {
    expect(() => new InferenceWorkload(newStack(), 'W', { image: IMAGE, profile: GPU_PROFILE, policy: PlacementPolicy.fixed(PlacementTarget.LAMBDA) }))
      .toThrow(/constraint\.gpu/);
  });

  test('fails on a workload name that is not a DNS-1123 label', () => {
    expect(() => new InferenceWorkload(newStack(), 'W', { image: IMAGE, profile: CPU_PROFILE, workloadName: 'Bad_Name' }))
      .toThrow("'workloadName' must be a DNS-1123 label");
  });
});

describe('validation errors name the workload', () => {
  /** The message of what `f` throws; fails when it throws nothing or something else. */
  function messageOf(f: () => unknown): string {
    try {
      f();
    } catch (e) {
      expect((e as Error).name).toBe('InferenceWorkloadValidationError');
      return (e as Error).message;
    }
    throw new Error('expected a validation error');
  }

  test('of workloads added to an InferencePlatform, in whichever stack they land', () => {
    const platform = new InferencePlatform(new App(), 'Platform', { workloadsPerStack: 1 });
    platform.addWorkload('Ok', { image: IMAGE, profile: CPU_PROFILE });
    expect(messageOf(() => platform.addWorkload('LlmChat', { image: IMAGE, profile: { ...CPU_PROFILE, memoryMiB: 12 } })))
      .toMatch(/^'profile\.memoryMiB' must be .*, got 12 \(in Platform\/Stack2\/LlmChat\)$/);
    expect(messageOf(() => platform.addWorkload('Named', { image: IMAGE, profile: CPU_PROFILE, workloadName: 'Bad_Name' })))
      .toMatch(/^'workloadName' must be a DNS-1123 label.* \(in Platform\/Stack2\/Named\)$/);
    expect(messageOf(() => platform.addWorkload('Gpu', { image: IMAGE, profile: GPU_PROFILE, policy: PlacementPolicy.fixed(PlacementTarget.LAMBDA) })))
      .toMatch(/constraint\.gpu.* \(in Platform\/Stack2\/Gpu\)$/);
  });

  test('of workloads built from WorkloadTemplates, directly or on a platform', () => {
    const stack = newStack();
    const chat = () => WorkloadTemplates.llmChat({ image: IMAGE, profile: { gpuMemoryGiB: 500 } });
    expect(messageOf(() => new InferenceWorkload(stack, 'Chat', chat())))
      .toMatch(/^'profile\.gpuMemoryGiB' must be between 1 and 192, got 500 \(in Test\/Chat\)$/);
    const platform = new InferencePlatform(new App(), 'Platform');
    expect(messageOf(() => platform.addWorkload('Chat', chat())))
      .toMatch(/^'profile\.gpuMemoryGiB' must be between 1 and 192, got 500 \(in Platform\/Stack1\/Chat\)$/);
  });

  test('once, after every problem of a profile with several', () => {
    const platform = new InferencePlatform(new App(), 'Platform');
    const message = messageOf(() => platform.addWorkload('Spiky', WorkloadTemplates.spikyClassifier({
      image: IMAGE, profile: { memoryMiB: 3_000_000, requestDurationP99Ms: 1, averageRequestsPerSecond: -1 },
    })));
    expect(message).toMatch(/^'profile\.memoryMiB' must be between 128 and 2,097,152, got 3,000,000; also: 'profile\.requestDurationP99Ms' \(1\) .*; 'profile\.averageRequestsPerSecond' .*, got -1 \(in Platform\/Stack1\/Spiky\)$/);
    expect(message.match(/\(in /g)).toHaveLength(1);
  });
});

describe('nothing half-built', () => {
  test('a workload that fails leaves the construct tree, so an app that catches the error synthesizes none of it', () => {
    const stack = newStack();
    expect(() => new InferenceWorkload(stack, 'Broken', {
      image: IMAGE,
      profile: CPU_PROFILE,
      lambda: { utilizationTarget: 0.95 },
    })).toThrow(/utilizationTarget/);
    expect(stack.node.tryFindChild('Broken')).toBeUndefined();
    // the name is free again, and the stack synthesizes only what succeeded
    const ok = new InferenceWorkload(stack, 'Broken', { image: IMAGE, profile: CPU_PROFILE });
    const functions = Template.fromStack(stack).findResources('AWS::Lambda::Function');
    expect(Object.keys(functions)).toHaveLength(1);
    expect(ok.workloadName).toBe('broken');
  });
});
