import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Testing } from 'cdk8s';
import { CacheSidecar, InferenceWorkload, ModelImage, PlacementPolicy, PlacementTarget } from '../lib';

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
