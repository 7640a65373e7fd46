import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { InferenceWorkload, InferenceWorkloadProps, LambdaCode, ModelImage, PlacementPolicy, PlacementTarget } from '../../../lib';
import { importedVpc, MANAGED_INSTANCES_PROFILE } from '../../helpers/fixtures';
import { STRICT_CONTEXT } from '../lambda/helpers';

const IMAGE = ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/image-tagger:1.2.0');
const TAGGER = MANAGED_INSTANCES_PROFILE;

/** A workload in a stack whose synth fails on CloudFormation schema errors. */
function place(props: Partial<InferenceWorkloadProps> = {}, withVpc = true): { stack: Stack; w: InferenceWorkload } {
  const stack = new Stack(new App({ context: STRICT_CONTEXT }), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  const w = new InferenceWorkload(stack, 'Tagger', {
    image: IMAGE, profile: TAGGER, ...(withVpc ? { managedInstances: { vpc: importedVpc(stack) } } : {}), ...props,
  });
  return { stack, w };
}

describe('Lambda Managed Instances target', () => {
  test('renders the capacity provider from the decision: subnets, security group, instance type, architecture, vCPU ceiling, CPU target', () => {
    const { stack, w } = place();
    expect(w.decision.target).toBe(PlacementTarget.LAMBDA_MANAGED_INSTANCES);
    const m = w.decision.managedInstances!;
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Lambda::CapacityProvider', 1);
    t.hasResourceProperties('AWS::Lambda::CapacityProvider', {
      VpcConfig: { SubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'], SecurityGroupIds: [Match.anyValue()] },
      InstanceRequirements: { AllowedInstanceTypes: m.instanceTypes, Architectures: ['x86_64'] },
      CapacityProviderScalingConfig: {
        MaxVCpuCount: m.maxVCpuCount,
        ScalingMode: 'Manual',
        ScalingPolicies: [{ PredefinedMetricType: 'LambdaCapacityProviderAverageCPUUtilization', TargetValue: 70 }],
      },
      PermissionsConfig: { CapacityProviderOperatorRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TaggerOperatorRole'), 'Arn'] } },
    });
    expect(m).toMatchObject({ instanceType: 'm7i.large', maxVCpuCount: 18, minExecutionEnvironments: 3, maxExecutionEnvironments: 9 });
  });

  test('attaches the function with the decision\'s per-environment concurrency, memory ratio and environments, behind a live alias', () => {
    const { stack, w } = place();
    const m = w.decision.managedInstances!;
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: m.memoryMiB,
      Timeout: m.timeoutSeconds,
      PublishToLatestPublished: false,
      CapacityProviderConfig: {
        LambdaManagedInstancesCapacityProviderConfig: {
          CapacityProviderArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TaggerCapacityProvider'), 'Arn'] },
          PerExecutionEnvironmentMaxConcurrency: 2,
          ExecutionEnvironmentMemoryGiBPerVCpu: 2,
        },
      },
    });
    t.hasResourceProperties('AWS::Lambda::Version', { FunctionScalingConfig: { MinExecutionEnvironments: 3, MaxExecutionEnvironments: 9 } });
    t.hasResourceProperties('AWS::Lambda::Alias', { Name: 'live' });
    t.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0); // no provisioned concurrency: the capacity provider scales
    expect(w.capacityProvider).toBe(w.managedInstances!.capacityProvider);
    expect(w.function).toBe(w.managedInstances!.function);
    expect(w.alias).toBeDefined();
  });

  test('alarms in the style of the Lambda target: throttles, errors, p99 duration; and the capacity provider\'s vCPU ceiling', () => {
    const { stack, w } = place();
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    expect(w.managedInstances!.capacityLimitAlarm).toBeDefined();
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Throttles', Threshold: 0 });
    expect(w.alarms!.spilloverInvocations).toBeUndefined();
    expect(w.alarms!.durationP99).toBeDefined();
  });

  test('the operator role carries the operator policy\'s statements, scoped to its own subnets and security group, with no managed policy', () => {
    const { stack } = place();
    const t = Template.fromStack(stack);
    const roles = t.findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('capacity provider') } });
    expect(Object.values(roles)).toHaveLength(1);
    expect((Object.values(roles)[0] as any).Properties.ManagedPolicyArns).toBeUndefined();
    const policies = Object.values(t.findResources('AWS::IAM::Policy')).map((p: any) => JSON.stringify(stack.resolve(p.Properties.PolicyDocument)));
    const operator = policies.find(p => p.includes('LaunchManagedInstances'))!;
    expect(operator).toContain('"ec2:ManagedResourceOperator":"scaler.lambda.amazonaws.com","aws:RequestedRegion":"us-east-1"');
    expect(operator).toContain(':subnet/subnet-0aaaaaaaaaaaaaaaa');
    expect(operator).toContain('"ec2:Owner":"amazon"');
    expect(operator).not.toContain('"Action":"ec2:*"');
  });

  test('synthesizes under CloudFormation schema validation and cdk-nag AwsSolutions with no unacknowledged error', () => {
    const { stack } = place();
    const app = stack.node.root as App;
    const violations = new AwsSolutionsChecks(app).validateScope(app).violations.filter(v => v.severity === 'error');
    expect(violations.map(v => `${v.ruleName} at ${v.violatingResources.map(r => r.constructPath).join(', ')}`)).toEqual([]);
    expect(() => app.synth()).not.toThrow();
  });

  test('throws naming managedInstances.vpc when placed there without one', () => {
    expect(() => place({}, false)).toThrow(/^'managedInstances\.vpc' is required when the workload is placed on Lambda Managed Instances \(by default: .*band\.managed-instances.*\), got undefined/);
    // the placement rules only: the verdict rows decide nothing
    expect(() => place({}, false)).not.toThrow(/verdict\./);
  });

  test.each([
    [{ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } }, "Cannot configure 'managedInstances.vpcSubnets' without 'managedInstances.vpc'"],
    [{ vpc: 'vpc-123' as any }, "'managedInstances.vpc' must be an ec2.IVpc (ec2.Vpc.fromLookup(...), fromVpcAttributes(...)), got \"vpc-123\""],
    ['yes' as any, "'managedInstances' must be an object of ManagedInstancesTargetOptions, got \"yes\""],
  ])('fails at construction on bad options, whatever the placement (%j)', (managedInstances, message) => {
    const stack = new Stack(new App(), 'Bad');
    expect(() => new InferenceWorkload(stack, 'W', {
      image: IMAGE, profile: { ...TAGGER, gpuCount: 1 }, policy: PlacementPolicy.default(), managedInstances,
    })).toThrow(message);
  });

  test('fails on a managed runtime Lambda Managed Instances do not run', () => {
    expect(() => place({ lambda: { code: LambdaCode.fromInline('exports.handler = async () => 1', 'index.handler', lambda.Runtime.NODEJS_20_X) } }))
      .toThrow("'lambda.code' must use a runtime Lambda Managed Instances run (Java 21+, Python 3.13+, Node.js 22+, .NET 8+, provided.al2023) when the workload is placed on Lambda Managed Instances, got \"nodejs20.x\"");
    expect(() => place({ lambda: { code: LambdaCode.fromInline('exports.handler = async () => 1', 'index.handler', lambda.Runtime.NODEJS_22_X) } })).not.toThrow();
  });

  test('fixed(lambda-managed-instances) refuses a GPU workload, naming the constraint', () => {
    expect(() => PlacementPolicy.fixed(PlacementTarget.LAMBDA_MANAGED_INSTANCES).decide({ ...TAGGER, gpuCount: 2 }))
      .toThrow(/violates hard constraint constraint\.managed-instances-gpu/);
  });
});
