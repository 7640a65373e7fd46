import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { InferenceWorkload, InferenceWorkloadProps, LambdaCode, ModelImage, PlacementTarget, PriceTable } from '../../../lib';
import { importedVpc, MANAGED_INSTANCES_PROFILE, SERVERLESS_GPU_PROFILE } from '../../helpers/fixtures';
import { STRICT_CONTEXT } from '../lambda/helpers';

const IMAGE = ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/reranker-gpu:2.0.0');

const RERANKER = SERVERLESS_GPU_PROFILE;

/** A GPU workload in a stack whose synth fails on CloudFormation schema errors (the library's validation, strict). */
function place(props: Partial<InferenceWorkloadProps> = {}): { app: App; stack: Stack; w: InferenceWorkload } {
  const app = new App({ context: STRICT_CONTEXT });
  const stack = new Stack(app, 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  const w = new InferenceWorkload(stack, 'Reranker', { image: IMAGE, profile: RERANKER, managedInstances: { vpc: importedVpc(stack) }, ...props });
  return { app, stack, w };
}

describe('GPU Lambda Managed Instances', () => {
  test('the function carries the accelerator, as an x86_64 container image of at least 2,048 MiB, on a provider of GPU instance types scaling on GPU utilization', () => {
    const { app, stack, w } = place();
    expect(w.decision.target).toBe(PlacementTarget.LAMBDA_MANAGED_INSTANCES);
    const m = w.decision.managedInstances!;
    // aws-cdk-lib 2.278's own checks (capacity provider, image, x86_64, memory) and the library's
    // CloudFormation validation (strict context) run at synth
    expect(() => app.synth()).not.toThrow();
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      AcceleratorConfig: { AcceleratorMemorySize: 24 },
      PackageType: 'Image',
      Architectures: ['x86_64'],
      MemorySize: m.memoryMiB,
      CapacityProviderConfig: { LambdaManagedInstancesCapacityProviderConfig: { PerExecutionEnvironmentMaxConcurrency: 8 } },
    });
    expect(m.memoryMiB).toBeGreaterThanOrEqual(2048);
    const gpuTypes = PriceTable.awsUsEast1().props.gpuInstances.filter(g => g.gpuMemoryGiB >= 24 && (g.architecture ?? 'x86_64') === 'x86_64').map(g => g.instanceType);
    const provider = Object.values(t.findResources('AWS::Lambda::CapacityProvider'))[0] as any;
    const allowed: string[] = provider.Properties.InstanceRequirements.AllowedInstanceTypes;
    expect(allowed.length).toBeGreaterThan(1);
    expect(allowed).toEqual(m.instanceTypes);
    for (const type of allowed) {
      expect(gpuTypes).toContain(type);
    }
    expect(provider.Properties.InstanceRequirements.Architectures).toEqual(['x86_64']);
    expect(provider.Properties.CapacityProviderScalingConfig.ScalingPolicies).toEqual(expect.arrayContaining([
      { PredefinedMetricType: 'LambdaCapacityProviderAverageGPUUtilization', TargetValue: 40 },
    ]));
    t.hasResourceProperties('AWS::Lambda::Version', { FunctionScalingConfig: { MinExecutionEnvironments: m.minExecutionEnvironments, MaxExecutionEnvironments: m.maxExecutionEnvironments } });
  });

  test('a CPU Managed Instances function has no accelerator and scales on CPU only', () => {
    const { stack, w } = place({ profile: MANAGED_INSTANCES_PROFILE });
    expect(w.decision.target).toBe(PlacementTarget.LAMBDA_MANAGED_INSTANCES);
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', { AcceleratorConfig: Match.absent() });
    t.hasResourceProperties('AWS::Lambda::CapacityProvider', {
      CapacityProviderScalingConfig: { ScalingPolicies: [{ PredefinedMetricType: 'LambdaCapacityProviderAverageCPUUtilization', TargetValue: 70 }] },
    });
  });

  test('zip code is refused for a GPU function, naming the option', () => {
    expect(() => place({ lambda: { code: LambdaCode.fromInline('exports.handler = async () => 1', 'index.handler', lambda.Runtime.NODEJS_22_X) } }))
      .toThrow(/'lambda.code' must be a container image .* GPU Lambda Managed Instances: Lambda runs accelerator functions from the Image package type only, got "nodejs22.x"/);
  });
});
