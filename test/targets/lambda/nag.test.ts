import { App, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { IMAGE, STRICT_CONTEXT } from './helpers';
import { buildExampleApp } from '../../../examples/app';
import { InferenceWorkload, PlacementTarget } from '../../../lib';
import { LambdaEntryPoint } from '../../../lib/targets/lambda';

/** Every acknowledgment recorded under `scope`: rule id and reason. */
function acknowledgments(scope: IConstruct): Array<{ path: string; id: string; reason: unknown }> {
  return scope.node.findAll().flatMap(c => c.node.metadata
    .filter(m => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap(m => Object.entries(m.data as Record<string, unknown>).map(([id, reason]) => ({ path: c.node.path, id, reason }))));
}

function errors(app: App): string[] {
  return new AwsSolutionsChecks(app).validateScope(app).violations
    .filter(v => v.severity === 'error')
    .map(v => `${v.ruleName} at ${v.violatingResources.map(r => r.constructPath).join(', ')}`);
}

describe('cdk-nag AwsSolutions', () => {
  test('the example app places at least one workload on Lambda and has no unacknowledged error', () => {
    const app = buildExampleApp(new App({ context: STRICT_CONTEXT }));
    const workloads = app.node.findAll().filter((c): c is InferenceWorkload => c instanceof InferenceWorkload);
    expect(workloads.filter(w => w.decision.target === PlacementTarget.LAMBDA).length).toBeGreaterThan(0);
    expect(errors(app)).toEqual([]);
    // the same checks as a synth-time plugin, as a user applies them
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  test('a Lambda workload with every option (VPC, KMS, HTTP API) has no unacknowledged error', () => {
    const app = new App({ context: STRICT_CONTEXT });
    const stack = new Stack(app, 'Nag');
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    Validations.of(vpc).acknowledge({ id: 'AwsSolutions-VPC7', reason: 'Test VPC outside the library; flow logs are the platform team\'s concern.' });
    new InferenceWorkload(stack, 'Classifier', {
      image: IMAGE,
      profile: { memoryMiB: 2048, requestDurationP50Ms: 100, averageRequestsPerSecond: 1, peakRequestsPerSecond: 20 },
      lambda: {
        vpc,
        environmentEncryption: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
        entryPoint: LambdaEntryPoint.httpApi(),
      },
    });
    expect(errors(app)).toEqual([]);
  });

  test('the checks are live: an insecure resource in the same app is reported', () => {
    const app = buildExampleApp(new App({ context: STRICT_CONTEXT }));
    new sqs.Queue(Stack.of(app.node.findAll().find(c => c instanceof InferenceWorkload)!), 'Insecure', { enforceSSL: false });
    expect(errors(app).join('\n')).toMatch(/AwsSolutions-SQS/);
  });

  test('every acknowledgment in the example app carries a reason', () => {
    const app = buildExampleApp(new App({ context: STRICT_CONTEXT }));
    const acks = acknowledgments(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(typeof ack.reason).toBe('string');
      expect((ack.reason as string).trim().length).toBeGreaterThan(20);
    }
  });

  test('a Lambda workload acknowledges only the IAM5 wildcard resource of X-Ray, on the role policy that holds it', () => {
    const app = buildExampleApp(new App({ context: STRICT_CONTEXT }));
    const lambdaWorkloads = app.node.findAll()
      .filter((c): c is InferenceWorkload => c instanceof InferenceWorkload && c.decision.target === PlacementTarget.LAMBDA);
    for (const w of lambdaWorkloads) {
      const acks = acknowledgments(w);
      expect(acks.map(a => [a.path, a.id.replace(/^annotation::/i, '')])).toEqual([[`${w.node.path}/ExecutionRole/ServiceWildcards`, 'AwsSolutions-IAM5[Resource::*]']]);
      expect(acks[0].reason).toMatch(/X-Ray/);
    }
  });

  test('without its acknowledgment the X-Ray wildcard would be reported (the acknowledgment is load-bearing)', () => {
    const app = buildExampleApp(new App({ context: STRICT_CONTEXT }));
    for (const c of app.node.findAll()) {
      // constructs keeps metadata in a private array; drop the acknowledgments to see what they hide
      const node = c.node as unknown as { _metadata?: Array<{ type: string }> };
      node._metadata = node._metadata?.filter(m => m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
    }
    expect(acknowledgments(app)).toEqual([]);
    expect(errors(app).join('\n')).toMatch(/AwsSolutions-IAM5\[Resource::\*\] at .*ExecutionRole/);
  });

  test('a wildcard the user grants the execution role later is reported: the acknowledgment covers the library\'s statements only', () => {
    const app = buildExampleApp(new App({ context: STRICT_CONTEXT }));
    const w = app.node.findAll().find((c): c is InferenceWorkload => c instanceof InferenceWorkload && c.decision.target === PlacementTarget.LAMBDA)!;
    expect(errors(app)).toEqual([]);
    w.function!.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    expect(errors(app).join('\n')).toMatch(new RegExp(`AwsSolutions-IAM5\\[Resource::\\*\\] at ${w.node.path}/ExecutionRole/DefaultPolicy`));
  });

  test('without tracing or VPC there is no wildcard and nothing to acknowledge', () => {
    const app = new App({ context: STRICT_CONTEXT });
    const stack = new Stack(app, 'Plain');
    new InferenceWorkload(stack, 'Classifier', {
      image: IMAGE,
      profile: { memoryMiB: 2048, requestDurationP50Ms: 100, averageRequestsPerSecond: 1, peakRequestsPerSecond: 20 },
      lambda: { tracing: lambda.Tracing.DISABLED },
    });
    expect(acknowledgments(app)).toEqual([]);
    expect(errors(app)).toEqual([]);
  });
});
