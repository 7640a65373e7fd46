import * as fs from 'fs';
import { App, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { IMAGE, lambdaDecision, render, scrubHashes, SIZING, STRICT_CONTEXT, strictStack, tempDir } from './helpers';
import { CpuArchitecture, InferenceWorkload, ModelImage, PlacementDecision, PlacementPolicy, PlacementTarget, LambdaCode, LambdaEntryPoint, RuleKind, RuleVerdict } from '../../../lib';
import { renderLambda } from '../../../lib/targets/lambda/lambda-target';

import { CPU_PROFILE, GPU_PROFILE } from '../../helpers/fixtures';

function onlyResource(t: Template, type: string): any {
  const all = Object.values(t.findResources(type));
  expect(all).toHaveLength(1);
  return all[0];
}

function logicalIdOf(stack: Stack, c: Construct): string {
  return stack.getLogicalId(c.node.defaultChild as CfnResource);
}

function allStatements(t: Template): any[] {
  return Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('code', () => {
  test('defaults to the workload image from ECR by tag, arm64 when the decision says so', () => {
    const { stack } = render();
    const t = Template.fromStack(stack);
    const fn = onlyResource(t, 'AWS::Lambda::Function');
    expect(fn.Properties.PackageType).toBe('Image');
    expect(fn.Properties.Architectures).toEqual(['arm64']);
    expect(JSON.stringify(fn.Properties.Code.ImageUri)).toMatch(/123456789012\.dkr\.ecr\.us-east-1\..*\/classifier:1\.4\.2"/);
  });

  test('pulls by digest and builds for x86_64', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const { stack } = render({ architecture: CpuArchitecture.X86_64 }, {
      code: LambdaCode.fromImage(ModelImage.fromImageUri(`123456789012.dkr.ecr.us-east-1.amazonaws.com/classifier@${digest}`)),
    });
    const fn = onlyResource(Template.fromStack(stack), 'AWS::Lambda::Function');
    expect(fn.Properties.Architectures).toEqual(['x86_64']);
    expect(JSON.stringify(fn.Properties.Code.ImageUri)).toContain(`/classifier@${digest}"`);
  });

  test('stages a Dockerfile directory as an arm64 image asset at synth, without docker', () => {
    const dir = tempDir({ Dockerfile: 'FROM public.ecr.aws/lambda/python:3.13\n' });
    const { stack } = render({}, { code: LambdaCode.fromDockerfile(dir) });
    // any docker call at synth would fail loudly
    const docker = process.env.CDK_DOCKER;
    process.env.CDK_DOCKER = '/bin/false';
    let assembly;
    try {
      assembly = (stack.node.root as App).synth();
    } finally {
      if (docker === undefined) {
        delete process.env.CDK_DOCKER;
      } else {
        process.env.CDK_DOCKER = docker;
      }
    }
    const artifact = assembly!.getStackByName(stack.stackName);
    const manifest = assembly!.artifacts.find(a => a.id === `${stack.stackName}.assets`) as any;
    const file = JSON.parse(fs.readFileSync(manifest.file, 'utf8'));
    const images = Object.values(file.dockerImages) as any[];
    expect(images).toHaveLength(1);
    expect(images[0].source.platform).toBe('linux/arm64');
    expect(images[0].source.directory).toMatch(/^asset\./);
    expect(JSON.stringify(artifact.template)).toContain('container-assets');
  });

  test('deploys a zip asset with a managed runtime and handler', () => {
    const dir = tempDir({ 'app.py': 'def handler(event, context):\n    return {}\n' });
    const { stack } = render({}, { code: LambdaCode.fromZipAsset(dir, 'app.handler', lambda.Runtime.PYTHON_3_13) });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'app.handler',
      Runtime: 'python3.13',
      Code: { S3Bucket: Match.anyValue(), S3Key: Match.stringLikeRegexp('\\.zip$') },
    });
  });

  test('fails on a Dockerfile directory without a Dockerfile', () => {
    const dir = tempDir({ 'README.md': 'no Dockerfile here' });
    expect(() => LambdaCode.fromDockerfile(dir)).toThrow(`'directory' must contain "Dockerfile", got ${JSON.stringify(dir)}`);
  });

  test('fails on a zip directory that does not exist', () => {
    expect(() => LambdaCode.fromZipAsset('/no/such/dir', 'app.handler', lambda.Runtime.PYTHON_3_13))
      .toThrow('\'directory\' must be an existing directory, got "/no/such/dir"');
  });

  test('fails on a zip asset with the image runtime', () => {
    const dir = tempDir({ 'app.py': '' });
    expect(() => LambdaCode.fromZipAsset(dir, 'app.handler', lambda.Runtime.FROM_IMAGE)).toThrow(/'runtime' must be a managed Lambda runtime/);
  });
});

describe('sizing from the decision', () => {
  test('memory, ephemeral storage, timeout and environment', () => {
    const { stack } = render({ memoryMiB: 3008, ephemeralStorageMiB: 4096, timeoutSeconds: 30 }, { environment: { MODEL_NAME: 'classifier' } });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 3008,
      EphemeralStorage: { Size: 4096 },
      Timeout: 30,
      Environment: { Variables: { MODEL_NAME: 'classifier', INFERENCE_WORKLOAD_NAME: 'classifier' } },
    });
  });
});

describe('provisioned concurrency', () => {
  test('lives on alias live of currentVersion, never on a Version', () => {
    const { stack } = render();
    const t = Template.fromStack(stack);
    const versionId = Object.keys(t.findResources('AWS::Lambda::Version'))[0];
    expect(versionId).toMatch(/^WorkloadFunctionCurrentVersion/);
    t.hasResourceProperties('AWS::Lambda::Alias', {
      Name: 'live',
      FunctionVersion: { 'Fn::GetAtt': [versionId, 'Version'] },
      ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 },
    });
    t.resourceCountIs('AWS::Lambda::Version', 1);
    for (const version of Object.values(t.findResources('AWS::Lambda::Version')) as any[]) {
      expect(version.Properties.ProvisionedConcurrencyConfig).toBeUndefined();
    }
  });

  test('one scaler: min/max from the decision, target tracking on utilization at 0.7', () => {
    const { stack, rendering } = render();
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 1);
    t.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 1);
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 2,
      MaxCapacity: 16,
      ScalableDimension: 'lambda:function:ProvisionedConcurrency',
      ResourceId: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':live$')])] }),
    });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        TargetValue: 0.7,
        PredefinedMetricSpecification: { PredefinedMetricType: 'LambdaProvisionedConcurrencyUtilization' },
      }),
    });
    expect(rendering.scalableTarget).toBeDefined();
    expect(() => rendering.alias.addAutoScaling({ maxCapacity: 3 })).toThrow(/already enabled/);
  });

  test('the utilization target can be overridden', () => {
    const { stack } = render({}, { utilizationTarget: 0.5 });
    Template.fromStack(stack).hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 0.5 }),
    });
  });

  test('warm schedules raise the floor in the window and end at the policy minimum, never 0', () => {
    const { stack } = render({
      warmSchedules: [{ name: 'business-hours', startCron: 'cron(0 8 ? * MON-FRI *)', endCron: 'cron(0 18 ? * MON-FRI *)', minCapacity: 10, timeZone: 'Europe/Berlin' }],
    });
    Template.fromStack(stack).hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ScheduledActions: [
        { ScheduledActionName: 'warm-business-hours-start', Schedule: 'cron(0 8 ? * MON-FRI *)', Timezone: 'Europe/Berlin', ScalableTargetAction: { MinCapacity: 10, MaxCapacity: 16 } },
        { ScheduledActionName: 'warm-business-hours-end', Schedule: 'cron(0 18 ? * MON-FRI *)', Timezone: 'Europe/Berlin', ScalableTargetAction: { MinCapacity: 2, MaxCapacity: 16 } },
      ],
    });
  });

  test('a window above the maximum lifts the maximum for the window only', () => {
    const { stack } = render({ warmSchedules: [{ name: 'launch', startCron: 'cron(0 9 * * ? *)', endCron: 'cron(0 10 * * ? *)', minCapacity: 20 }] });
    Template.fromStack(stack).hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ScheduledActions: [
        Match.objectLike({ ScalableTargetAction: { MinCapacity: 20, MaxCapacity: 20 } }),
        Match.objectLike({ ScalableTargetAction: { MinCapacity: 2, MaxCapacity: 16 } }),
      ],
    });
  });

  test('scale to zero, when the policy allowed it, keeps the alias free of a fixed provisioned concurrency', () => {
    const { stack } = render({
      provisionedConcurrencyMin: 0,
      warmSchedules: [{ name: 'day', startCron: 'cron(0 8 * * ? *)', endCron: 'cron(0 20 * * ? *)', minCapacity: 0 }],
    });
    const t = Template.fromStack(stack);
    expect(onlyResource(t, 'AWS::Lambda::Alias').Properties.ProvisionedConcurrencyConfig).toBeUndefined();
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 0, MaxCapacity: 16 });
  });

  test('a window below the decision\'s floor is rendered at the floor, so nothing schedules 0 under a declared provisioned concurrency', () => {
    const { stack } = render({ warmSchedules: [{ name: 'night', startCron: 'cron(0 20 * * ? *)', endCron: 'cron(0 6 * * ? *)', minCapacity: 0 }] });
    Template.fromStack(stack).hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ScheduledActions: [
        Match.objectLike({ ScheduledActionName: 'warm-night-start', ScalableTargetAction: { MinCapacity: 2, MaxCapacity: 16 } }),
        Match.objectLike({ ScheduledActionName: 'warm-night-end', ScalableTargetAction: { MinCapacity: 2, MaxCapacity: 16 } }),
      ],
    });
  });

  test('scale to zero end to end: the policy\'s floor of 0 renders windows that start at their floor and end at 0', () => {
    const decision = PlacementPolicy.default().decide({
      memoryMiB: 2048,
      requestDurationP50Ms: 120,
      requestDurationP99Ms: 400,
      averageRequestsPerSecond: 2,
      peakRequestsPerSecond: 40,
      allowScaleToZero: true,
      warmSchedules: [{ name: 'business-hours', startCron: 'cron(0 8 ? * MON-FRI *)', endCron: 'cron(0 18 ? * MON-FRI *)', minCapacity: 5 }],
    });
    expect(decision.target).toBe(PlacementTarget.LAMBDA);
    const { stack } = render(decision.lambda!);
    const t = Template.fromStack(stack);
    expect(onlyResource(t, 'AWS::Lambda::Alias').Properties.ProvisionedConcurrencyConfig).toBeUndefined();
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 0,
      ScheduledActions: [
        Match.objectLike({ ScheduledActionName: 'warm-business-hours-start', ScalableTargetAction: Match.objectLike({ MinCapacity: 5 }) }),
        Match.objectLike({ ScheduledActionName: 'warm-business-hours-end', ScalableTargetAction: Match.objectLike({ MinCapacity: 0 }) }),
      ],
    });
  });

  test('no provisioned concurrency: no scaler, no spillover alarm, and a weighted alias is allowed', () => {
    const s0 = strictStack();
    const { stack, rendering } = render({ provisionedConcurrencyMin: 0, provisionedConcurrencyMax: 0 });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
    expect(onlyResource(t, 'AWS::Lambda::Alias').Properties.ProvisionedConcurrencyConfig).toBeUndefined();
    expect(rendering.scalableTarget).toBeUndefined();
    expect(rendering.alarms.spilloverInvocations).toBeUndefined();
    const other = lambda.Version.fromVersionArn(s0, 'Other', 'arn:aws:lambda:us-east-1:123456789012:function:classifier:1');
    expect(() => renderLambda(new Construct(s0, 'W'), {
      workloadName: 'w',
      image: IMAGE,
      sizing: { ...SIZING, provisionedConcurrencyMin: 0, provisionedConcurrencyMax: 0 },
      options: { additionalVersions: [{ version: other, weight: 0.1 }] },
    })).not.toThrow();
  });

  test('reserved concurrency only when asked', () => {
    expect(onlyResource(Template.fromStack(render().stack), 'AWS::Lambda::Function').Properties.ReservedConcurrentExecutions).toBeUndefined();
    Template.fromStack(render({}, { reservedConcurrentExecutions: 20 }).stack)
      .hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 20 });
  });
});

describe('entry point', () => {
  test('defaults to a function URL on the live alias with AWS_IAM auth and buffered responses', () => {
    const { stack, rendering } = render();
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'AWS_IAM',
      InvokeMode: 'BUFFERED',
      Qualifier: 'live',
      TargetFunctionArn: { 'Fn::GetAtt': [logicalIdOf(stack, rendering.function), 'Arn'] },
    });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('public'))).toHaveLength(0);
  });

  test('public access only when asked, with a warning annotation', () => {
    const { stack } = render({}, { entryPoint: LambdaEntryPoint.functionUrl({ publicAccess: true }) });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
    const warnings = Annotations.fromStack(stack).findWarning('/Test/Workload', Match.stringLikeRegexp('function URL is public'));
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0].entry.data)).toContain('inference-workload:public-entry-point');
  });

  test('response streaming', () => {
    const { stack } = render({}, { entryPoint: LambdaEntryPoint.functionUrl({ responseStreaming: true }) });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Url', { InvokeMode: 'RESPONSE_STREAM' });
  });

  test('an HTTP API with IAM auth and access logs, integrated with the live alias', () => {
    const { stack, rendering } = render({}, { entryPoint: LambdaEntryPoint.httpApi() });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Lambda::Url', 0);
    t.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    t.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default', AuthorizationType: 'AWS_IAM' });
    t.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { Ref: logicalIdOf(stack, rendering.alias) },
    });
    t.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
    expect(rendering.httpApi).toBeDefined();
    expect(rendering.functionUrl).toBeUndefined();
  });

  test('a public HTTP API warns', () => {
    const { stack } = render({}, { entryPoint: LambdaEntryPoint.httpApi({ publicAccess: true }) });
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGatewayV2::Route', { AuthorizationType: 'NONE' });
    expect(Annotations.fromStack(stack).findWarning('/Test/Workload', Match.stringLikeRegexp('HTTP API is public'))).toHaveLength(1);
  });

  test('none: the alias is invoked directly', () => {
    const t = Template.fromStack(render({}, { entryPoint: LambdaEntryPoint.none() }).stack);
    t.resourceCountIs('AWS::Lambda::Url', 0);
    t.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
  });

  test('throws on a public HTTP API with an authorizer', () => {
    expect(() => LambdaEntryPoint.httpApi({ publicAccess: true, authorizer: { bind: () => ({ authorizationType: 'AWS_IAM' }) } as any }))
      .toThrow('Cannot configure \'authorizer\' with \'publicAccess\'');
  });
});

describe('observability', () => {
  test('log group with retention, X-Ray active', () => {
    const { stack, rendering } = render();
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    t.hasResourceProperties('AWS::Lambda::Function', {
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogGroup: { Ref: logicalIdOf(stack, rendering.logGroup) } },
    });
  });

  test('log retention is an option', () => {
    Template.fromStack(render({}, { logRetention: logs.RetentionDays.THREE_MONTHS }).stack)
      .hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  test('alarms on spillover, throttles, error rate and p99 duration of the live alias', () => {
    const { stack, rendering } = render({}, { latencyBudget: Duration.millis(800) });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    const liveDimension = Match.arrayWith([{ Name: 'Resource', Value: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([':live'])] }) }]);
    // a rate: the sizing plans no spill here, so the floor of 1% of invocations applies
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(invocations > 0, 100 * spillover / invocations, 0)' }),
        Match.objectLike({
          Id: 'spillover',
          MetricStat: Match.objectLike({ Stat: 'Sum', Metric: Match.objectLike({ MetricName: 'ProvisionedConcurrencySpilloverInvocations', Namespace: 'AWS/Lambda', Dimensions: liveDimension }) }),
        }),
      ]),
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Throttles', Statistic: 'Sum', Threshold: 0, Dimensions: liveDimension });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Duration', ExtendedStatistic: 'p99', Threshold: 800, Dimensions: liveDimension,
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 1,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(invocations > 0, 100 * errors / invocations, 0)' }),
        Match.objectLike({ Id: 'errors', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'Errors' }) }) }),
      ]),
    });
    expect(rendering.alarms.spilloverInvocations).toBeDefined();
  });

  test('without a latency budget the p99 alarm watches 80% of the timeout', () => {
    Template.fromStack(render({ timeoutSeconds: 10 }).stack).hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Duration', Threshold: 8000 });
  });

  test('the workload passes the profile latency budget to the p99 alarm and exposes metric helpers', () => {
    const stack = new Stack(new App({ context: STRICT_CONTEXT }), 'Test');
    const w = new InferenceWorkload(stack, 'Classifier', { image: IMAGE, profile: { ...CPU_PROFILE, latencyBudgetP99Ms: 500 } });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Duration', Threshold: 500 });
    const spill = w.metricSpilloverInvocations();
    expect(spill.metricName).toBe('ProvisionedConcurrencySpilloverInvocations');
    expect(spill.statistic).toBe('Sum');
    expect(Object.keys(spill.dimensions!)).toEqual(['FunctionName', 'Resource']);
    expect(w.metricThrottles().metricName).toBe('Throttles');
    expect(w.metricErrors().metricName).toBe('Errors');
    expect(w.metricDuration().statistic).toBe('p99');
    expect(w.metricDuration({ statistic: 'Average' }).statistic).toBe('Average');
    expect(w.metricProvisionedConcurrencyUtilization().metricName).toBe('ProvisionedConcurrencyUtilization');
  });

  test('throws on metric helpers of a Kubernetes placement', () => {
    const w = new InferenceWorkload(new Stack(new App(), 'Test'), 'LlmChat', { image: IMAGE, profile: GPU_PROFILE });
    expect(() => w.metricThrottles()).toThrow('\'metricThrottles\' needs a Lambda placement, got kubernetes for llm-chat');
    expect(() => w.grantInvoke(new iam.AccountRootPrincipal())).toThrow('\'grantInvoke\' needs a Lambda placement');
  });
});

describe('security', () => {
  test('an explicit role: no managed policies, no wildcard actions, logs and ECR pull scoped', () => {
    const { stack, rendering } = render();
    const t = Template.fromStack(stack);
    const role = onlyResource(t, 'AWS::IAM::Role');
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    t.hasResourceProperties('AWS::Lambda::Function', { Role: { 'Fn::GetAtt': [logicalIdOf(stack, rendering.role), 'Arn'] } });
    const statements = allStatements(t);
    for (const s of statements) {
      for (const action of [s.Action].flat()) {
        expect(action).not.toMatch(/\*/);
      }
    }
    expect(statements).toContainEqual(expect.objectContaining({
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: { 'Fn::GetAtt': [logicalIdOf(stack, rendering.logGroup), 'Arn'] },
    }));
    expect(statements).toContainEqual(expect.objectContaining({
      Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      Resource: 'arn:aws:ecr:us-east-1:123456789012:repository/classifier',
    }));
    const wildcardResources = statements.filter(s => s.Resource === '*');
    expect(wildcardResources.map(s => s.Action)).toEqual([['xray:PutTraceSegments', 'xray:PutTelemetryRecords']]);
  });

  test('environment encryption with a customer key', () => {
    const stack = strictStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    renderLambda(new Construct(stack, 'Workload'), { workloadName: 'w', image: IMAGE, sizing: SIZING, options: { environmentEncryption: key } });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', { KmsKeyArn: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as CfnResource), 'Arn'] } });
    expect(allStatements(t)).toContainEqual(expect.objectContaining({ Action: 'kms:Decrypt' }));
  });

  test('VPC placement with explicit ENI permissions instead of the managed VPC policy', () => {
    const stack = strictStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    renderLambda(new Construct(stack, 'Workload'), {
      workloadName: 'w',
      image: IMAGE,
      sizing: SIZING,
      options: { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, securityGroups: [sg] },
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: { SubnetIds: Match.anyValue(), SecurityGroupIds: [{ 'Fn::GetAtt': [stack.getLogicalId(sg.node.defaultChild as CfnResource), 'GroupId'] }] },
    });
    expect(onlyResource(t, 'AWS::IAM::Role').Properties.ManagedPolicyArns).toBeUndefined();
    expect(allStatements(t)).toContainEqual(expect.objectContaining({ Sid: 'ManageVpcNetworkInterfaces', Action: expect.arrayContaining(['ec2:CreateNetworkInterface']) }));
  });

  test('grantInvoke grants the alias and its function URL', () => {
    const stack = new Stack(new App({ context: STRICT_CONTEXT }), 'Test');
    const w = new InferenceWorkload(stack, 'Classifier', { image: IMAGE, profile: CPU_PROFILE });
    const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    w.grantInvoke(caller);
    const aliasRef = { Ref: logicalIdOf(stack, w.alias!) };
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(caller.node.defaultChild as CfnResource) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'lambda:InvokeFunction', Resource: aliasRef }),
          Match.objectLike({ Action: 'lambda:InvokeFunctionUrl', Resource: aliasRef }),
        ]),
      },
    });
  });

  test('grantInvoke grants execute-api:Invoke for an HTTP API', () => {
    const stack = new Stack(new App({ context: STRICT_CONTEXT }), 'Test');
    const w = new InferenceWorkload(stack, 'Classifier', { image: IMAGE, profile: CPU_PROFILE, lambda: { entryPoint: LambdaEntryPoint.httpApi() } });
    const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    w.grantInvoke(caller);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'execute-api:Invoke' })]) },
    });
  });
});

describe('escape hatches', () => {
  test('the workload exposes function, alias, scalable target, URL, log group and alarms', () => {
    const stack = new Stack(new App({ context: STRICT_CONTEXT }), 'Test');
    const w = new InferenceWorkload(stack, 'Classifier', { image: IMAGE, profile: CPU_PROFILE });
    expect(w.function).toBeInstanceOf(lambda.Function);
    expect(w.alias).toBeInstanceOf(lambda.Alias);
    expect(w.alias!.aliasName).toBe('live');
    expect(w.scalableTarget).toBeDefined();
    expect(w.functionUrl).toBeInstanceOf(lambda.FunctionUrl);
    expect(w.httpApi).toBeUndefined();
    expect(w.logGroup).toBeInstanceOf(logs.LogGroup);
    expect(w.alarms!.throttles).toBeDefined();
    // customise through the escape hatch
    w.function!.addEnvironment('EXTRA', '1');
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ EXTRA: '1' }) } });
  });

  test('construct ids are stable', () => {
    const { scope } = render();
    const ids = scope.node.children.map(c => c.node.id);
    expect(ids).toEqual(expect.arrayContaining([
      'ImageRepository', 'LogGroup', 'ExecutionRole', 'Function', 'LiveAlias', 'FunctionUrl',
      'SpilloverAlarm', 'ThrottlesAlarm', 'ErrorsAlarm', 'DurationP99Alarm',
    ]));
    expect(scope.node.findChild('LiveAlias').node.tryFindChild('AliasScaling')).toBeDefined();
  });

  test('renders a second function under a child scope (reuse by other targets)', () => {
    const { stack, scope } = render();
    renderLambda(new Construct(scope, 'ControlPlane'), { workloadName: 'control', image: IMAGE, sizing: SIZING, options: {} });
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 2);
  });
});

describe('validation', () => {
  const cases: Array<[string, () => unknown, string]> = [
    ['memory above 10,240 MiB', () => render({ memoryMiB: 12_288 }), '\'decision.lambda.memoryMiB\' must be between 128 and 10,240 for the Lambda target, got 12,288'],
    ['memory below 128 MiB', () => render({ memoryMiB: 64 }), '\'decision.lambda.memoryMiB\' must be between 128 and 10,240 for the Lambda target, got 64'],
    ['timeout above 900 s', () => render({ timeoutSeconds: 901 }), '\'decision.lambda.timeoutSeconds\' must be between 1 and 900 for the Lambda target, got 901'],
    ['ephemeral storage above 10,240 MiB', () => render({ ephemeralStorageMiB: 20_000 }), '\'decision.lambda.ephemeralStorageMiB\' must be between 512 and 10,240 for the Lambda target, got 20,000'],
    ['utilization target above 0.9', () => render({}, { utilizationTarget: 0.95 }), '\'lambda.utilizationTarget\' must be between 0.1 and 0.9, got 0.95'],
    ['utilization target below 0.1', () => render({ utilizationTarget: 0.05 }), '\'decision.lambda.utilizationTarget\' must be between 0.1 and 0.9 for the Lambda target, got 0.05'],
    ['min above max', () => render({ provisionedConcurrencyMin: 5, provisionedConcurrencyMax: 3 }), '\'decision.lambda.provisionedConcurrencyMin\' must be at most \'decision.lambda.provisionedConcurrencyMax\' (3), got 5'],
    ['reserved below the provisioned maximum', () => render({}, { reservedConcurrentExecutions: 10 }), '\'reservedConcurrentExecutions\' must be at least the provisioned concurrency maximum (16), got 10'],
    ['architecture any', () => render({ architecture: CpuArchitecture.ANY }), '\'decision.lambda.architecture\' must be x86_64 or arm64 for the Lambda target (the policy resolves \'any\'), got "any"'],
    ['subnets without a VPC', () => render({}, { vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }), 'Cannot configure \'lambda.vpcSubnets\' without \'lambda.vpc\''],
    ['a reserved environment variable', () => render({}, { environment: { AWS_REGION: 'eu-west-1' } }), '\'lambda.environment\' must not set AWS_REGION: Lambda reserves it'],
    ['an environment above 4 KB', () => render({}, { environment: { BIG: 'x'.repeat(5000) } }), '\'lambda.environment\' must be at most 4096 bytes in total'],
    ['an image outside ECR', () => render({}, { code: LambdaCode.fromImage(ModelImage.fromImageUri('ghcr.io/acme/classifier:1.4.2')) }),
      '\'image\' must be an ECR image URI (<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>) for the Lambda target, got "ghcr.io/acme/classifier:1.4.2"'],
    ['a zero latency budget', () => render({}, { latencyBudget: Duration.millis(0) }), '\'lambda.latencyBudget\' must be greater than 0 ms, got 0 ms'],
  ];

  test.each(cases)('fails on %s', (_name, run, message) => {
    expect(run).toThrow(message);
  });

  test('fails on a weighted alias with provisioned concurrency', () => {
    const stack = strictStack();
    const other = lambda.Version.fromVersionArn(stack, 'Other', 'arn:aws:lambda:us-east-1:123456789012:function:classifier:1');
    expect(() => renderLambda(new Construct(stack, 'W'), { workloadName: 'w', image: IMAGE, sizing: SIZING, options: { additionalVersions: [{ version: other, weight: 0.1 }] } }))
      .toThrow('Cannot configure \'additionalVersions\' (a weighted alias) with provisioned concurrency on the \'live\' alias (provisionedConcurrencyMax 16)');
  });

  test('fails before anything is built', () => {
    const stack = strictStack();
    const scope = new Construct(stack, 'W');
    expect(() => renderLambda(scope, { workloadName: 'w', image: IMAGE, sizing: { ...SIZING, memoryMiB: 20_000 }, options: {} })).toThrow(/memoryMiB/);
    expect(scope.node.children).toHaveLength(0);
  });

  test('fails when a GPU workload is forced onto Lambda with PlacementPolicy.fixed', () => {
    expect(() => new InferenceWorkload(new Stack(new App(), 'Test'), 'W', { image: IMAGE, profile: GPU_PROFILE, policy: PlacementPolicy.fixed(PlacementTarget.LAMBDA) }))
      .toThrow(/'policy' PlacementPolicy.fixed\(lambda\) violates hard constraint constraint\.gpu/);
  });

  test('fails when a decision places on Lambda despite a fired constraint that excludes it', () => {
    const decision = lambdaDecision();
    // what a custom policy may build: the Lambda decision with a constraint that excludes Lambda
    const bad = new PlacementDecision({
      target: decision.target,
      policyName: decision.policyName,
      chosenOption: decision.chosenOption,
      rules: [{ ruleId: 'constraint.gpu', kind: RuleKind.CONSTRAINT, verdict: RuleVerdict.FIRED, reason: 'needs 1 GPU', excludes: [PlacementTarget.LAMBDA] }],
      costs: decision.costs,
      sustainedUtilization: decision.sustainedUtilization,
      priceTable: decision.priceTable,
      lambda: decision.lambda,
    });
    const policy = { name: 'broken', decide: () => bad };
    expect(() => new InferenceWorkload(new Stack(new App(), 'Test'), 'W', { image: IMAGE, profile: CPU_PROFILE, policy }))
      .toThrow('\'policy\' test placed the workload on Lambda despite hard constraint constraint.gpu (needs 1 GPU)');
  });
});

describe('CloudFormation schema validation', () => {
  test('is live in these tests: a bad property fails synth', () => {
    const { stack, rendering } = render();
    (rendering.function.node.defaultChild as lambda.CfnFunction).addPropertyOverride('MemorySize', 'lots');
    expect(() => Template.fromStack(stack)).toThrow(/MemorySize: 'lots' is not of type 'integer' \(CloudFormation Validate\)/);
  });

  test('accepts a workload with every option', () => {
    const stack = strictStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    new InferenceWorkload(stack, 'Everything', {
      image: IMAGE,
      profile: { ...CPU_PROFILE, latencyBudgetP99Ms: 400 },
      lambda: {
        entryPoint: LambdaEntryPoint.httpApi(),
        environmentEncryption: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
        vpc,
        reservedConcurrentExecutions: 100,
        utilizationTarget: 0.6,
        environment: { MODEL: 'x' },
      },
    });
    expect(() => Template.fromStack(stack)).not.toThrow();
  });
});

test('snapshot of a Lambda rendering (safety net; fixed sizing, so policy changes do not move it)', () => {
  const { stack } = render({
    warmSchedules: [{ name: 'business-hours', startCron: 'cron(0 8 ? * MON-FRI *)', endCron: 'cron(0 18 ? * MON-FRI *)', minCapacity: 6 }],
  }, { latencyBudget: Duration.millis(500) });
  expect(scrubHashes(Template.fromStack(stack).toJSON())).toMatchSnapshot();
});
