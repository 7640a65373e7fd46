import { Annotations, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { capacityLimitAlarm } from './alarms';
import { checkManagedInstancesCap, managedInstancesCap } from './cap';
import { capacityProviderSecurityGroup } from './security-group';
import { checkManagedInstancesSizing } from './validate';
import { checkVpcEndpointsOption, grantSystemLogs, ManagedInstancesEndpoints, ManagedInstancesVpcEndpoints, renderServiceAccess } from './wiring';
import { InferenceWorkloadValidationError } from '../../errors';
import { ManagedInstancesSizing, PlacementDecision } from '../../policy';
import { placedBy } from '../../policy/deciding-rule';
import { checkOptionsObject, checkSubnetSelection, describeValue } from '../../private/validate';
import { exposeLiveAlias, planFunction, renderFunction, renderLiveAlias } from '../lambda/function-core';
import { LambdaRendering } from '../lambda/lambda-target';
import { CheckedLambdaOptions } from '../lambda/options';
import { lambdaServicePrincipal } from '../lambda/trust';
import { WorkloadIdentity } from '../render-context';

/**
 * Options for the Lambda Managed Instances target: the network of the capacity provider's
 * instances. They only apply when the workload is placed there; the function itself takes the
 * workload's `lambda` options (code, environment, entry point, log retention, tracing). Sizing
 * (instance type, environment memory and vCPUs, concurrency, floor and peak environments) comes
 * from the placement decision, never from here.
 */
export interface ManagedInstancesTargetOptions {
  /**
   * The VPC the capacity provider launches its EC2 instances in. Required when the workload is
   * placed on Lambda Managed Instances.
   * @default - none: a placement on Lambda Managed Instances fails at construction, naming this option
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Subnets of `vpc` for the instances (1 to 16; spread over Availability Zones for resilience).
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the instances (1 to 5).
   * @default - a security group created for the capacity provider: no inbound rule, outbound TCP 443 only
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * The function's concurrency cap, lowered: the execution environments its `live` version may grow
   * to (`FunctionScalingConfig.MaxExecutionEnvironments`), each serving the decision's
   * per-environment concurrency. Between the decision's floor and its priced peak environments;
   * above it invocations are throttled (429) and the `ThrottlesAlarm` fires. Lambda documents no
   * reserved concurrency for functions on a capacity provider, so `lambda.reservedConcurrentExecutions`
   * is refused for this placement.
   * @default - the decision's `maxExecutionEnvironments` (peak concurrency / per-environment concurrency / CPU target)
   */
  readonly maxExecutionEnvironments?: number;

  /**
   * How the instances reach CloudWatch Logs, X-Ray, ECR and S3: through a NAT gateway, through
   * endpoints the VPC already has, or through endpoints created here (see `ManagedInstancesVpcEndpoints`).
   * @default - nothing is created and a synth warning declares the prerequisite; isolated subnets are refused
   */
  readonly vpcEndpoints?: ManagedInstancesVpcEndpoints;
}

/** What the Lambda Managed Instances renderer produced: the function on its capacity provider. */
export interface ManagedInstancesRendering extends LambdaRendering {
  /** The capacity provider (EC2 instances in the account that run the function's environments). */
  readonly capacityProvider: lambda.CapacityProvider;
  /** The role Lambda assumes to launch and manage the instances (inline, least-privilege policy). */
  readonly operatorRole: iam.Role;
  /** The security groups of the instances. */
  readonly securityGroups: ec2.ISecurityGroup[];
  /** The execution environments the `live` version may grow to: the function's cap. */
  readonly maxExecutionEnvironments: number;
  /** The VPC endpoints created for the instances. @default - none unless `vpcEndpoints` is `ManagedInstancesVpcEndpoints.create()` */
  readonly vpcEndpoints?: ManagedInstancesEndpoints;
  /** The capacity provider's instances leave no room under its vCPU ceiling for another instance. */
  readonly capacityLimitAlarm: cloudwatch.Alarm;
}

/** The options after `check`. @internal */
export interface CheckedManagedInstancesOptions extends ManagedInstancesTargetOptions {}

/** Reads a decision's Managed Instances sizing, or says the policy forgot it. @internal */
export function managedInstancesSizingOf(decision: PlacementDecision): ManagedInstancesSizing {
  if (!decision.managedInstances) {
    throw new InferenceWorkloadValidationError(
      `'decision' has no Lambda Managed Instances sizing for target ${decision.target}; the policy ${decision.policyName} must size such placements`);
  }
  return checkManagedInstancesSizing(decision.managedInstances);
}

/**
 * Checks every Managed Instances option, once, whatever the placement.
 * @internal
 */
export function checkManagedInstancesOptions(options: ManagedInstancesTargetOptions | undefined): CheckedManagedInstancesOptions {
  const o = checkOptionsObject('managedInstances', options, 'ManagedInstancesTargetOptions');
  if (o.vpc !== undefined && typeof (o.vpc as { selectSubnets?: unknown } | null)?.selectSubnets !== 'function') {
    throw new InferenceWorkloadValidationError(`'managedInstances.vpc' must be an ec2.IVpc (ec2.Vpc.fromLookup(...), fromVpcAttributes(...)), got ${describeValue(o.vpc)}`);
  }
  checkSubnetSelection('managedInstances.vpcSubnets', o.vpcSubnets);
  checkVpcEndpointsOption(o.vpcEndpoints);
  if (o.vpc === undefined && (o.vpcSubnets !== undefined || o.securityGroups !== undefined)) {
    throw new InferenceWorkloadValidationError(
      `Cannot configure '${o.vpcSubnets !== undefined ? 'managedInstances.vpcSubnets' : 'managedInstances.securityGroups'}' without 'managedInstances.vpc'`);
  }
  if (o.securityGroups !== undefined) {
    if (!Array.isArray(o.securityGroups) || o.securityGroups.length < 1 || o.securityGroups.length > 5) {
      throw new InferenceWorkloadValidationError(`'managedInstances.securityGroups' must be an array of 1 to 5 security groups, got ${describeValue(o.securityGroups)}`);
    }
    o.securityGroups.forEach((g, i) => {
      if (typeof (g as { securityGroupId?: unknown } | null)?.securityGroupId !== 'string') {
        throw new InferenceWorkloadValidationError(`'managedInstances.securityGroups[${i}]' must be an ec2.ISecurityGroup, got ${describeValue(g)}`);
      }
    });
  }
  checkManagedInstancesCap(o.maxExecutionEnvironments);
  return { ...o };
}

/**
 * Runtimes Lambda Managed Instances run (multi-concurrency capable): Java 21+, Python 3.13+,
 * Node.js 22+, .NET 8+ and the OS-only provided.al2023 (docs.aws.amazon.com/lambda/latest/dg/
 * lambda-managed-instances-runtimes.html, read 2026-09-20). Container images (the default code) are
 * not refused here.
 */
function checkRuntime(runtime: lambda.Runtime): void {
  if (runtime === lambda.Runtime.FROM_IMAGE) {
    return;
  }
  const name = runtime.name;
  const at = (re: RegExp, min: number) => {
    const m = re.exec(name);
    return m !== null && Number(m[1]) >= min;
  };
  if (at(/^nodejs(\d+)/, 22) || at(/^python3\.(\d+)$/, 13) || at(/^java(\d+)/, 21) || at(/^dotnet(\d+)/, 8) || name === 'provided.al2023') {
    return;
  }
  throw new InferenceWorkloadValidationError(
    '\'lambda.code\' must use a runtime Lambda Managed Instances run (Java 21+, Python 3.13+, Node.js 22+, .NET 8+, provided.al2023) '
    + `when the workload is placed on Lambda Managed Instances, got ${JSON.stringify(name)}`);
}

/**
 * Renders a Lambda Managed Instances decision: a capacity provider (the decision's instance types
 * and architecture, a vCPU ceiling, CPU target tracking at the decision's target, and GPU target
 * tracking for a GPU function) in the given VPC,
 * the function attached to it with the decision's per-environment concurrency and memory ratio
 * (and, for a GPU function, its accelerator memory),
 * a `live` alias on the version that holds the decision's floor and peak environments, the entry
 * point and alarms. Construct ids are a contract: `LogGroup`, `ExecutionRole`, `OperatorRole`,
 * `CapacityProviderSecurityGroup`, `CapacityProvider`, `Function`, `LiveAlias`, `FunctionUrl` or
 * `HttpApi`, `*Alarm`.
 * @internal
 */
export function renderManagedInstances(
  scope: Construct, workload: WorkloadIdentity, decision: PlacementDecision,
  lambdaOptions: CheckedLambdaOptions, o: CheckedManagedInstancesOptions,
): ManagedInstancesRendering {
  const sizing = managedInstancesSizingOf(decision);
  const { workloadName } = workload;
  if (!o.vpc) {
    throw new InferenceWorkloadValidationError(
      `'managedInstances.vpc' is required when the workload is placed on Lambda Managed Instances (by ${placedBy(decision)}), got undefined; pass the VPC the capacity provider's instances run in, `
      + 'or place the workload with PlacementPolicy.fixed(...)');
  }
  if (lambdaOptions.vpc || lambdaOptions.vpcSubnets || lambdaOptions.securityGroups) {
    throw new InferenceWorkloadValidationError(
      'Cannot configure \'lambda.vpc\', \'lambda.vpcSubnets\' or \'lambda.securityGroups\' for a placement on Lambda Managed Instances: '
      + 'the function runs on the capacity provider\'s instances, in \'managedInstances.vpc\'');
  }
  if ((lambdaOptions.additionalVersions ?? []).length > 0) {
    throw new InferenceWorkloadValidationError(
      'Cannot configure \'lambda.additionalVersions\' for a placement on Lambda Managed Instances: the decision sizes the environments of one version');
  }
  const maxExecutionEnvironments = managedInstancesCap(sizing, o.maxExecutionEnvironments, lambdaOptions);
  const plan = planFunction(scope, { workloadName, image: workload.image, options: lambdaOptions, architecture: sizing.architecture });
  checkRuntime(plan.code.runtime);
  if (plan.code.runtime.name.startsWith('python') && decision.profile !== undefined && decision.profile.processPerRequest !== true) {
    // https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-python-runtime.html
    Annotations.of(scope).addWarningV2('inference-workload:managed-instances-process-per-request',
      `${workloadName} runs ${plan.code.runtime.name} on Lambda Managed Instances: the Python runtime serves each of the ${sizing.perEnvironmentMaxConcurrency} `
      + 'concurrent requests of an environment in its own process with its own copy of the model, but the environment was sized for one copy; '
      + 'set \'profile.processPerRequest\' to size it for all of them');
  }
  const gpu = sizing.acceleratorMemoryGiB !== undefined;
  if (gpu && plan.code.runtime !== lambda.Runtime.FROM_IMAGE) {
    // https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-acceleratorconfig.html
    throw new InferenceWorkloadValidationError(
      '\'lambda.code\' must be a container image (the default, or LambdaCode.fromImage) when the workload is placed on GPU Lambda Managed Instances: '
      + `Lambda runs accelerator functions from the Image package type only, got ${JSON.stringify(plan.code.runtime.name)}`);
  }

  const subnets = o.vpc.selectSubnets(o.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnets;
  if (subnets.length < 1 || subnets.length > 16) {
    throw new InferenceWorkloadValidationError(`'managedInstances.vpcSubnets' must select 1 to 16 subnets of 'managedInstances.vpc', got ${subnets.length}`);
  }
  const securityGroups = o.securityGroups ?? [capacityProviderSecurityGroup(scope, o.vpc, workloadName)];
  const vpcEndpoints = renderServiceAccess(scope, {
    workloadName,
    vpc: o.vpc,
    subnets,
    securityGroups,
    option: o.vpcEndpoints,
    tracing: plan.tracing !== lambda.Tracing.DISABLED,
    image: plan.code.runtime === lambda.Runtime.FROM_IMAGE,
  });
  const operatorRole = operatorRoleFor(scope, subnets, securityGroups);

  const capacityProvider = new lambda.CapacityProvider(scope, 'CapacityProvider', {
    subnets,
    securityGroups,
    operatorRole,
    architectures: [plan.architecture],
    // the instance type the decision priced and the next cheapest that hold one environment (AWS
    // recommends several, so the provider can launch another type when one is short), and room for
    // the peak's instances
    instanceTypeFilter: lambda.InstanceTypeFilter.allow((sizing.instanceTypes ?? [sizing.instanceType]).map(t => new ec2.InstanceType(t))),
    maxVCpuCount: sizing.maxVCpuCount,
    // the CPU target the cost model priced the instances above the floor at; a GPU function scales on
    // GPU utilization too, at the target its environments were priced at
    // (https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-gpu-scaling.html)
    scalingOptions: lambda.ScalingOptions.manual([
      lambda.TargetTrackingScalingPolicy.cpuUtilization(Math.round(sizing.cpuUtilizationTarget * 100)),
      ...(sizing.gpuUtilizationTarget !== undefined
        ? [lambda.TargetTrackingScalingPolicy.gpuUtilization(Math.round(sizing.gpuUtilizationTarget * 100))] : []),
    ]),
  });

  grantSystemLogs(operatorRole, capacityProvider);

  const { function: fn, role, logGroup } = renderFunction(scope, plan, {
    memoryMiB: sizing.memoryMiB,
    timeoutSeconds: sizing.timeoutSeconds,
    description: `Inference workload ${workloadName} (placed on Lambda Managed Instances by ${decision.policyName})`,
    // the version behind `live` keeps the decision's floor warm and may grow to its cap (cap.ts)
    currentVersionOptions: {
      minExecutionEnvironments: sizing.minExecutionEnvironments,
      maxExecutionEnvironments,
    },
    // a GPU function: one accelerator device of at least this memory per execution environment
    ...(gpu ? { acceleratorConfig: { acceleratorMemorySize: lambda.AcceleratorMemorySize.of(sizing.acceleratorMemoryGiB!) } } : {}),
  });
  capacityProvider.addFunction(fn, {
    perExecutionEnvironmentMaxConcurrency: sizing.perEnvironmentMaxConcurrency,
    executionEnvironmentMemoryGiBPerVCpu: sizing.memoryGiBPerVcpu,
    // only the version behind `live` runs environments: the decision priced one set
    publishToLatestPublished: false,
  });
  const alias = renderLiveAlias(scope, fn);
  const { functionUrl, httpApi, alarms } = exposeLiveAlias(scope, plan, alias, {
    timeoutSeconds: sizing.timeoutSeconds,
    latencyBudgetMs: lambdaOptions.latencyBudgetMs ?? sizing.latencyBudgetMs,
    // the alias' Throttles metric counts the invokes Lambda rejects with 429 (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html),
    // which Lambda Managed Instances return at the cap or while scaling (lambda-managed-instances-troubleshooting.html)
    throttleNote: `traffic grew faster than the capacity provider scales, or past the function's cap of ${maxExecutionEnvironments} environments `
      + `x ${sizing.perEnvironmentMaxConcurrency} concurrent requests`,
  });
  return {
    function: fn,
    alias,
    role,
    logGroup,
    functionUrl,
    httpApi,
    alarms,
    capacityProvider,
    operatorRole,
    securityGroups,
    maxExecutionEnvironments,
    vpcEndpoints,
    capacityLimitAlarm: capacityLimitAlarm(scope, workloadName, capacityProvider, sizing),
  };
}

/**
 * The operator role, in place of the AWS managed policy AWSLambdaManagedEC2ResourceOperator: the
 * same statements (docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-operator-role.html,
 * read 2026-09-20), confined to this Region and to the capacity provider's own subnets and
 * security groups.
 */
function operatorRoleFor(scope: Construct, subnets: ec2.ISubnet[], securityGroups: ec2.ISecurityGroup[]): iam.Role {
  const stack = Stack.of(scope);
  const ec2Arn = (resource: string, name: string) => stack.formatArn({ service: 'ec2', resource, resourceName: name });
  // the statements of AWSLambdaManagedEC2ResourceOperator, each narrowed by resource or condition
  const role = new iam.Role(scope, 'OperatorRole', {
    assumedBy: lambdaServicePrincipal(),
    description: 'Lets Lambda launch and manage the instances of an inference workload\'s capacity provider (least privilege, no managed policies)',
  });
  // instances, their network interfaces and volumes do not exist yet: any id, but only in this Region and only
  // those whose ec2:ManagedResourceOperator is Lambda's scaler
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'LaunchManagedInstances',
    actions: ['ec2:RunInstances', 'ec2:CreateTags', 'ec2:AttachNetworkInterface'],
    resources: ['*'],
    conditions: {
      StringEquals: { 'ec2:ManagedResourceOperator': 'scaler.lambda.amazonaws.com', 'aws:RequestedRegion': stack.region },
    },
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'UseOwnSubnetsAndSecurityGroups',
    actions: ['ec2:RunInstances', 'ec2:CreateNetworkInterface'],
    resources: [...subnets.map(s => ec2Arn('subnet', s.subnetId)), ...securityGroups.map(g => ec2Arn('security-group', g.securityGroupId))],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'LaunchFromAmazonImages',
    actions: ['ec2:RunInstances'],
    resources: ['*'],
    conditions: { StringEquals: { 'ec2:Owner': 'amazon', 'aws:RequestedRegion': stack.region } },
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'DescribeCapacity',
    actions: [
      'ec2:DescribeAvailabilityZones', 'ec2:DescribeCapacityReservations', 'ec2:DescribeInstances', 'ec2:DescribeInstanceStatus',
      'ec2:DescribeInstanceTypeOfferings', 'ec2:DescribeInstanceTypes', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets',
    ],
    resources: ['*'],
  }));
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'The statements of AWSLambdaManagedEC2ResourceOperator, narrowed: EC2 Describe* actions support no resource-level permissions; '
      + 'Lambda launches the instances, network interfaces and volumes itself, so their ids do not exist yet (confined to this Region and to '
      + 'resources whose ec2:ManagedResourceOperator is Lambda\'s scaler); the instance image is chosen by Lambda (only images whose ec2:Owner is amazon). '
      + 'Subnets and security groups are the capacity provider\'s own. Every action is named; no wildcard actions.',
  });
  return role;
}

/**
 * The Lambda Managed Instances target: `check` validates its options once; `render` builds the
 * capacity provider and the function on it from the decision, with the workload's `lambda` options
 * for the function.
 * @internal
 */
export const MANAGED_INSTANCES_TARGET = {
  check: checkManagedInstancesOptions,
  render(
    scope: Construct, workload: WorkloadIdentity, decision: PlacementDecision,
    checked: { readonly lambda: CheckedLambdaOptions; readonly managedInstances: CheckedManagedInstancesOptions },
  ): { managedInstances: ManagedInstancesRendering } {
    return { managedInstances: renderManagedInstances(scope, workload, decision, checked.lambda, checked.managedInstances) };
  },
};
