import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildExampleApp } from '../../../examples/app';
import { InferenceWorkload, InferenceWorkloadProps, ManagedInstancesVpcEndpoints, ModelImage, PlacementTarget } from '../../../lib';
import { SERVICE_ACCESS_WARNING } from '../../../lib/targets/lambda-managed-instances/wiring';
import { importedVpc, MANAGED_INSTANCES_PROFILE, SERVERLESS_GPU_PROFILE } from '../../helpers/fixtures';
import { STRICT_CONTEXT } from '../lambda/helpers';

type Resources = Record<string, any>;

/** Construct paths in the template (`aws:cdk:path`), as the CLI writes them: each resource's owner. */
const PATHS = { 'aws:cdk:enable-path-metadata': true };

const TAGGER_IMAGE = ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/image-tagger:1.2.0');
const RERANKER_IMAGE = ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/reranker-gpu:2.0.0');

function stackOf(): { app: App; stack: Stack } {
  const app = new App({ context: { ...STRICT_CONTEXT, ...PATHS } });
  return { app, stack: new Stack(app, 'Test', { env: { account: '123456789012', region: 'us-east-1' } }) };
}

function place(managedInstances: Partial<NonNullable<InferenceWorkloadProps['managedInstances']>> = {}, props: Partial<InferenceWorkloadProps> = {}) {
  const { app, stack } = stackOf();
  const w = new InferenceWorkload(stack, 'Tagger', {
    image: TAGGER_IMAGE, profile: MANAGED_INSTANCES_PROFILE, managedInstances: { vpc: importedVpc(stack), ...managedInstances }, ...props,
  });
  return { app, stack, w };
}

/** A VPC whose two subnets are isolated (no NAT, no internet gateway). */
function isolatedVpc(stack: Stack): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(stack, 'IsolatedVpc', {
    vpcId: 'vpc-0fedcba9876543210',
    vpcCidrBlock: '10.30.0.0/16',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    isolatedSubnetIds: ['subnet-0cccccccccccccccc', 'subnet-0dddddddddddddddd'],
    isolatedSubnetRouteTableIds: ['rtb-0cccccccccccccccc', 'rtb-0dddddddddddddddd'],
  });
}

/** The construct path of the workload that owns a resource (`<stack>/<workload>/...`). */
function workloadPathOf(resource: any): string {
  return (resource.Metadata['aws:cdk:path'] as string).split('/').slice(0, 2).join('/');
}

function resourcesUnder(resources: Resources, prefix: string, type: string): Array<[string, any]> {
  return Object.entries(resources).filter(([, r]) => r.Type === type && r.Metadata && workloadPathOf(r) === prefix);
}

function endpointServiceOf(r: any): string {
  return JSON.stringify(r.Properties?.ServiceName ?? '');
}

/**
 * Every capacity provider has its way to AWS services: the interface endpoints (logs always) and the
 * S3 gateway endpoint under its workload, or the warning declaring the prerequisite on that workload.
 */
function checkServiceAccess(resources: Resources, warningPaths: string[]): void {
  const providers = Object.values(resources).filter(r => r.Type === 'AWS::Lambda::CapacityProvider');
  expect(providers.length).toBeGreaterThan(0);
  for (const cp of providers) {
    const owner = workloadPathOf(cp);
    const endpoints = resourcesUnder(resources, owner, 'AWS::EC2::VPCEndpoint').map(([, r]) => r);
    const declared = warningPaths.some(p => p === `/${owner}` || p.startsWith(`/${owner}/`));
    if (!declared) {
      const services = endpoints.map(endpointServiceOf).join(' ');
      for (const service of ['logs', 'ecr.api', 'ecr.dkr', 's3']) {
        if (!services.includes(`.${service}`)) {
          throw new Error(`${owner}: no warning and no ${service} endpoint`);
        }
      }
      const subnets = JSON.stringify(cp.Properties.VpcConfig.SubnetIds);
      for (const e of endpoints.filter(x => x.Properties.VpcEndpointType === 'Interface')) {
        if (JSON.stringify(e.Properties.SubnetIds) !== subnets || e.Properties.PrivateDnsEnabled !== true) {
          throw new Error(`${owner}: endpoint ${endpointServiceOf(e)} is not in the provider's subnets with private DNS`);
        }
      }
    }
  }
}

/** Every operator role may write the system logs of its own capacity provider's log group, and no other logs. */
function checkSystemLogsScoped(resources: Resources): void {
  const providers = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lambda::CapacityProvider');
  expect(providers.length).toBeGreaterThan(0);
  for (const [cpId, cp] of providers) {
    const roleId = cp.Properties.PermissionsConfig.CapacityProviderOperatorRoleArn['Fn::GetAtt'][0];
    const policies = Object.values(resources).filter(r => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === roleId));
    const statements: any[] = policies.flatMap(p => p.Properties.PolicyDocument.Statement);
    const logs = statements.filter(s => [s.Action].flat().some((a: string) => a.startsWith('logs:')));
    const actions = logs.flatMap(s => [s.Action].flat()).sort();
    if (JSON.stringify(actions) !== JSON.stringify(['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'])) {
      throw new Error(`${cpId}: operator role logs actions ${JSON.stringify(actions)}`);
    }
    for (const s of logs) {
      const resource = JSON.stringify(s.Resource);
      if (!resource.includes('/aws/lambda/capacity-provider/') || !resource.includes(JSON.stringify({ Ref: cpId }))) {
        throw new Error(`${cpId}: operator role logs statement not scoped to its provider's log group: ${resource}`);
      }
    }
  }
}

/** Every capacity provider has one alarm on the vCPUs of its own instances, over its own instance types, below its own ceiling. */
function checkCapacityAlarms(resources: Resources, instanceVcpuOf: (type: string) => number): void {
  const providers = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lambda::CapacityProvider');
  expect(providers.length).toBeGreaterThan(0);
  for (const [cpId, cp] of providers) {
    const alarms = Object.values(resources).filter(r => r.Type === 'AWS::CloudWatch::Alarm'
      && JSON.stringify(r.Properties.Metrics ?? []).includes('vCPUAllocated')
      && JSON.stringify(r.Properties.Metrics).includes(JSON.stringify({ Ref: cpId })));
    if (alarms.length !== 1) {
      throw new Error(`${cpId}: ${alarms.length} capacity alarms`);
    }
    const alarm = alarms[0];
    const metrics: any[] = alarm.Properties.Metrics.filter((m: any) => m.MetricStat);
    const types: string[] = cp.Properties.InstanceRequirements.AllowedInstanceTypes;
    for (const m of metrics) {
      const dims = Object.fromEntries(m.MetricStat.Metric.Dimensions.map((d: any) => [d.Name, d.Value]));
      if (JSON.stringify(dims.CapacityProviderName) !== JSON.stringify({ Ref: cpId })) {
        throw new Error(`${cpId}: the alarm reads another provider's metric ${JSON.stringify(dims.CapacityProviderName)}`);
      }
    }
    const covered = (name: string) => metrics.filter(m => m.MetricStat.Metric.MetricName === name)
      .map(m => m.MetricStat.Metric.Dimensions.find((d: any) => d.Name === 'InstanceType').Value).sort();
    if (JSON.stringify(covered('vCPUAllocated')) !== JSON.stringify([...types].sort()) || JSON.stringify(covered('vCPUAvailable')) !== JSON.stringify([...types].sort())) {
      throw new Error(`${cpId}: the alarm does not cover the provider's instance types ${types.join(', ')}`);
    }
    const max = cp.Properties.CapacityProviderScalingConfig.MaxVCpuCount;
    const expected = max - instanceVcpuOf(types[0]);
    if (alarm.Properties.Threshold !== expected || alarm.Properties.ComparisonOperator !== 'GreaterThanThreshold') {
      throw new Error(`${cpId}: threshold ${alarm.Properties.Threshold}, expected more than ${expected} of ${max} vCPUs`);
    }
  }
}

describe('the example app: every capacity provider (CPU and GPU)', () => {
  const app = buildExampleApp(new App({ context: PATHS }));
  const stack = app.node.children.find((c): c is Stack => c instanceof Stack)!;
  const resources: Resources = Template.fromStack(stack).toJSON().Resources;
  const workloads = stack.node.children.filter((c): c is InferenceWorkload => c instanceof InferenceWorkload)
    .filter(w => w.decision.target === PlacementTarget.LAMBDA_MANAGED_INSTANCES);
  const instanceVcpu = new Map(workloads.map(w => [w.decision.managedInstances!.instanceType, w.decision.managedInstances!.instanceVcpu]));
  const warningPaths = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(SERVICE_ACCESS_WARNING)).map(w => w.id);

  test('the example holds CPU and GPU capacity providers', () => {
    expect(workloads.some(w => w.decision.managedInstances!.acceleratorMemoryGiB !== undefined)).toBe(true);
    expect(workloads.some(w => w.decision.managedInstances!.acceleratorMemoryGiB === undefined)).toBe(true);
  });

  test('has the endpoints or the declared prerequisite', () => {
    checkServiceAccess(resources, warningPaths);
    // the example brings its own VPC and says nothing about it: each provider declares the prerequisite
    expect(warningPaths.length).toBe(workloads.length);
  });

  test('a planted regression fails: a provider without endpoints and without the warning', () => {
    expect(() => checkServiceAccess(resources, warningPaths.slice(1))).toThrow(/no warning and no logs endpoint/);
  });

  test('S20: the operator role may write its own provider\'s system logs, and no other', () => {
    checkSystemLogsScoped(resources);
  });

  test('a planted regression fails: the logs statement on every log group', () => {
    const planted = structuredClone(resources);
    const policy = Object.values(planted).find((r: any) => r.Type === 'AWS::IAM::Policy'
      && r.Properties.PolicyDocument.Statement.some((s: any) => s.Sid === 'WriteSystemLogs')) as any;
    policy.Properties.PolicyDocument.Statement.find((s: any) => s.Sid === 'WriteSystemLogs').Resource = '*';
    expect(() => checkSystemLogsScoped(planted)).toThrow(/not scoped/);
  });

  test('one capacity alarm per provider, on that provider, over its instance types, below its ceiling', () => {
    checkCapacityAlarms(resources, t => instanceVcpu.get(t)!);
  });

  test('a planted regression fails: an alarm reading another provider', () => {
    const planted = structuredClone(resources);
    const ids = Object.keys(planted).filter(k => planted[k].Type === 'AWS::Lambda::CapacityProvider');
    const alarm = Object.values(planted).find((r: any) => r.Type === 'AWS::CloudWatch::Alarm'
      && JSON.stringify(r.Properties.Metrics ?? []).includes(JSON.stringify({ Ref: ids[0] }))) as any;
    alarm.Properties.Metrics.filter((m: any) => m.MetricStat)[0].MetricStat.Metric.Dimensions
      .find((d: any) => d.Name === 'CapacityProviderName').Value = { Ref: ids[1] };
    expect(() => checkCapacityAlarms(planted, t => instanceVcpu.get(t)!)).toThrow(/another provider's metric|0 capacity alarms/);
  });
});

describe('managedInstances.vpcEndpoints', () => {
  test('create(): logs, xray, ecr.api, ecr.dkr interface endpoints with private DNS in the provider\'s subnets, the S3 gateway endpoint, no warning', () => {
    const { app, stack } = place({ vpcEndpoints: ManagedInstancesVpcEndpoints.create() });
    const t = Template.fromStack(stack);
    const resources: Resources = t.toJSON().Resources;
    checkServiceAccess(resources, []);
    // planted regressions: an endpoint without private DNS, and no logs endpoint
    const noDns = structuredClone(resources);
    (Object.values(noDns).find((r: any) => r.Type === 'AWS::EC2::VPCEndpoint' && r.Properties.VpcEndpointType === 'Interface') as any)
      .Properties.PrivateDnsEnabled = false;
    expect(() => checkServiceAccess(noDns, [])).toThrow(/not in the provider's subnets with private DNS/);
    const noLogs = Object.fromEntries(Object.entries(resources).filter(([, r]) => !endpointServiceOf(r).includes('.logs')));
    expect(() => checkServiceAccess(noLogs, [])).toThrow(/no warning and no logs endpoint/);
    const services = Object.values(resources).filter(r => r.Type === 'AWS::EC2::VPCEndpoint').map(endpointServiceOf).join(' ');
    expect(services).toContain('.xray');
    t.resourceCountIs('AWS::EC2::VPCEndpoint', 5);
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', RouteTableIds: ['rtb-0aaaaaaaaaaaaaaaa', 'rtb-0bbbbbbbbbbbbbbbb'] });
    // the endpoints admit the provider's security group on 443, and nothing else
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TaggerCapacityProviderSecurityGroup'), 'GroupId'] },
    });
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(SERVICE_ACCESS_WARNING))).toEqual([]);
    const violations = new AwsSolutionsChecks(app).validateScope(app).violations.filter(v => v.severity === 'error');
    expect(violations.map(v => v.ruleName)).toEqual([]);
    expect(() => app.synth()).not.toThrow();
  });

  test('create() without tracing: no X-Ray endpoint', () => {
    const { stack } = place({ vpcEndpoints: ManagedInstancesVpcEndpoints.create() }, { lambda: { tracing: lambda.Tracing.DISABLED } });
    const services = Object.values(Template.fromStack(stack).toJSON().Resources as Resources)
      .filter(r => r.Type === 'AWS::EC2::VPCEndpoint').map(endpointServiceOf).join(' ');
    expect(services).toContain('.logs');
    expect(services).not.toContain('.xray');
  });

  test('the default declares the prerequisite in a warning naming each service, and creates nothing', () => {
    const { stack } = place();
    Template.fromStack(stack).resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(SERVICE_ACCESS_WARNING));
    expect(warnings).toHaveLength(1);
    const text = JSON.stringify(warnings[0].entry.data);
    for (const word of ['NAT gateway', 'logs', 'xray', 'ecr.api', 'ecr.dkr', 'S3 gateway endpoint', 'managedInstances.vpcEndpoints']) {
      expect(text).toContain(word);
    }
  });

  test.each([
    ['viaNatGateway()', ManagedInstancesVpcEndpoints.viaNatGateway()],
    ['existing()', ManagedInstancesVpcEndpoints.existing()],
  ])('%s creates nothing and silences the warning', (_name, option) => {
    const { stack } = place({ vpcEndpoints: option });
    Template.fromStack(stack).resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(SERVICE_ACCESS_WARNING))).toEqual([]);
  });

  test.each([
    ['undefined', undefined],
    ['ManagedInstancesVpcEndpoints.viaNatGateway()', ManagedInstancesVpcEndpoints.viaNatGateway()],
  ])('throws naming managedInstances.vpcEndpoints for isolated subnets with %s', (name, option) => {
    const { stack } = stackOf();
    const vpc = isolatedVpc(stack);
    expect(() => new InferenceWorkload(stack, 'Tagger', {
      image: TAGGER_IMAGE,
      profile: MANAGED_INSTANCES_PROFILE,
      managedInstances: { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, vpcEndpoints: option },
    })).toThrow('\'managedInstances.vpcEndpoints\' must be ManagedInstancesVpcEndpoints.create() or .existing() when \'managedInstances.vpcSubnets\' selects isolated subnets (subnet-0cccccccccccccccc, subnet-0dddddddddddddddd)');
    expect(() => new InferenceWorkload(stack, 'Other', {
      image: TAGGER_IMAGE,
      profile: MANAGED_INSTANCES_PROFILE,
      managedInstances: { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, vpcEndpoints: option },
    })).toThrow(`got ${name}`);
  });

  test('isolated subnets with create(): endpoints on their route tables', () => {
    const { stack } = stackOf();
    new InferenceWorkload(stack, 'Tagger', {
      image: TAGGER_IMAGE,
      profile: MANAGED_INSTANCES_PROFILE,
      managedInstances: {
        vpc: isolatedVpc(stack),
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        vpcEndpoints: ManagedInstancesVpcEndpoints.create(),
      },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', RouteTableIds: ['rtb-0cccccccccccccccc', 'rtb-0dddddddddddddddd'] });
  });

  test('throws when a second workload creates endpoints in the same VPC (their private DNS names would clash)', () => {
    const { stack } = stackOf();
    const vpc = importedVpc(stack);
    new InferenceWorkload(stack, 'Tagger', { image: TAGGER_IMAGE, profile: MANAGED_INSTANCES_PROFILE, managedInstances: { vpc, vpcEndpoints: ManagedInstancesVpcEndpoints.create() } });
    expect(() => new InferenceWorkload(stack, 'Reranker', {
      image: RERANKER_IMAGE, profile: SERVERLESS_GPU_PROFILE, managedInstances: { vpc, vpcEndpoints: ManagedInstancesVpcEndpoints.create() },
    })).toThrow('\'managedInstances.vpcEndpoints\' must be ManagedInstancesVpcEndpoints.existing() for reranker: tagger already creates the endpoints in vpc-0123456789abcdef0');
    // existing() for the second is accepted
    expect(() => new InferenceWorkload(stack, 'Reranker2', {
      image: RERANKER_IMAGE, profile: SERVERLESS_GPU_PROFILE, managedInstances: { vpc, vpcEndpoints: ManagedInstancesVpcEndpoints.existing() },
    })).not.toThrow();
  });

  test('throws naming the option on a value that is not a ManagedInstancesVpcEndpoints', () => {
    expect(() => place({ vpcEndpoints: 'create' as unknown as ManagedInstancesVpcEndpoints }))
      .toThrow('\'managedInstances.vpcEndpoints\' must be ManagedInstancesVpcEndpoints.create(), .existing() or .viaNatGateway(), got "create"');
  });
});
