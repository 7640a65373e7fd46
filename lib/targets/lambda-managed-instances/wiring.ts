import { Annotations, Aws, CfnElement, Fn, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { InferenceWorkloadValidationError } from '../../errors';
import { describeValue } from '../../private/validate';

/*
 * What a capacity provider's instances must reach, and how. "When running Lambda Managed Instances
 * functions, you need to configure network connectivity to enable your functions to access resources
 * outside the VPC. This includes AWS services such as Amazon S3 and DynamoDB. The connectivity is also
 * needed for transmitting telemetry data to CloudWatch Logs and X-Ray." Three ways are documented: a
 * public subnet with an internet gateway, VPC endpoints ("Higher cost per endpoint, per Availability
 * Zone, and per GB processed"), or a private subnet with a NAT gateway
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-networking.html, read 2026-12-08).
 */

/** The interface endpoints a capacity provider's subnets need, by the `ec2.InterfaceVpcEndpointAwsService` they use. */
interface EndpointNeed {
  /** Construct id of the endpoint (a contract once rendered). */
  readonly id: string;
  /** The service's short name, as the warning names it. */
  readonly name: string;
  readonly service: ec2.InterfaceVpcEndpointAwsService;
  /** Why the instances reach it. */
  readonly why: string;
}

/** How the instances reach AWS services: which endpoints, with the reason for each. */
function endpointNeeds(tracing: boolean, image: boolean): EndpointNeed[] {
  return [
    // the function's logs and traces leave from the instances (lambda-managed-instances-networking.html)
    { id: 'LogsEndpoint', name: 'logs', service: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS, why: 'CloudWatch Logs (the function\'s logs)' },
    ...(tracing ? [{ id: 'XRayEndpoint', name: 'xray', service: ec2.InterfaceVpcEndpointAwsService.XRAY, why: 'X-Ray (its traces: tracing is on)' }] : []),
    // AWS documents no image-pull path for Managed Instances; the instances run the image as a
    // container, and a registry they cannot reach would leave no environment running, so a container
    // image gets the two ECR endpoints ECR requires for a pull
    // (https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html: "com.amazonaws.region.ecr.dkr"
    // for the Docker Registry APIs and "com.amazonaws.region.ecr.api" for the ECR API)
    ...(image ? [
      { id: 'EcrApiEndpoint', name: 'ecr.api', service: ec2.InterfaceVpcEndpointAwsService.ECR, why: 'ECR (its container image)' },
      { id: 'EcrDockerEndpoint', name: 'ecr.dkr', service: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER, why: 'ECR (its container image)' },
    ] : []),
  ];
}

/**
 * How the instances of a Lambda Managed Instances capacity provider reach AWS services: CloudWatch
 * Logs for the function's logs, X-Ray for its traces (when tracing is on), ECR and S3 for a container
 * image and S3 for the function's own calls. AWS documents three ways: a NAT gateway, VPC endpoints,
 * or a public subnet with an internet gateway
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-networking.html).
 */
export class ManagedInstancesVpcEndpoints {
  /**
   * The capacity provider's subnets reach the services' public endpoints through a NAT gateway (or an
   * internet gateway): no endpoint is created. Refused for isolated subnets.
   */
  public static viaNatGateway(): ManagedInstancesVpcEndpoints {
    return new ManagedInstancesVpcEndpoints('nat');
  }

  /**
   * The VPC already holds the endpoints, with private DNS: interface endpoints for `logs`, `xray`
   * (when tracing is on), `ecr.api` and `ecr.dkr` (container images), and the S3 gateway endpoint on the
   * subnets' route tables. No endpoint is created.
   */
  public static existing(): ManagedInstancesVpcEndpoints {
    return new ManagedInstancesVpcEndpoints('existing');
  }

  /**
   * Creates the endpoints in the capacity provider's subnets: interface endpoints with private DNS for
   * `logs`, `xray` (when tracing is on), `ecr.api` and `ecr.dkr` (container images), admitting the
   * provider's security groups on 443, and the S3 gateway endpoint on the subnets' route tables.
   * Interface endpoints are billed per endpoint, per Availability Zone and per GB. A VPC holds one
   * endpoint with private DNS per service: create them for one workload per VPC, and declare
   * `existing()` for the others.
   */
  public static create(): ManagedInstancesVpcEndpoints {
    return new ManagedInstancesVpcEndpoints('create');
  }

  private constructor(
    /** How: `nat`, `existing` or `create`. @internal */
    public readonly _mode: 'nat' | 'existing' | 'create',
  ) {}
}

/** Checks `managedInstances.vpcEndpoints`. @internal */
export function checkVpcEndpointsOption(value: unknown): void {
  if (value !== undefined && !(value instanceof ManagedInstancesVpcEndpoints)) {
    throw new InferenceWorkloadValidationError(
      '\'managedInstances.vpcEndpoints\' must be ManagedInstancesVpcEndpoints.create(), .existing() or .viaNatGateway(), '
      + `got ${describeValue(value)}`);
  }
}

/** What `renderServiceAccess` needs. @internal */
export interface ServiceAccessInput {
  readonly workloadName: string;
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.ISubnet[];
  readonly securityGroups: ec2.ISecurityGroup[];
  /** X-Ray tracing is on (any mode but DISABLED). */
  readonly tracing: boolean;
  /** The function is a container image. */
  readonly image: boolean;
  readonly option?: ManagedInstancesVpcEndpoints;
}

/** The VPC endpoints the library created for a capacity provider. */
export interface ManagedInstancesEndpoints {
  /** Interface endpoints: logs, then xray (tracing on), ecr.api and ecr.dkr (container image) when needed. */
  readonly interfaceEndpoints: ec2.InterfaceVpcEndpoint[];
  /** The S3 gateway endpoint on the subnets' route tables. */
  readonly s3Endpoint: ec2.GatewayVpcEndpoint;
  /** The security group of the interface endpoints: admits the capacity provider's security groups on 443. */
  readonly securityGroup: ec2.SecurityGroup;
}

/** The id of the warning that declares the capacity provider's network prerequisites. @internal */
export const SERVICE_ACCESS_WARNING = 'inference-workload:managed-instances-service-access';

/** Workloads that created endpoints, per stack and VPC: a VPC holds one private-DNS endpoint per service. */
const CREATED = new WeakMap<Stack, Map<string, string>>();

/**
 * Gives the capacity provider's subnets their way to AWS services: creates the endpoints
 * (`create()`), trusts the user's statement (`existing()`, `viaNatGateway()`), or, with no statement,
 * declares the prerequisite in a warning. Isolated subnets have no NAT: they need the endpoints, and a
 * placement there without `create()` or `existing()` is refused.
 * @internal
 */
export function renderServiceAccess(scope: Construct, input: ServiceAccessInput): ManagedInstancesEndpoints | undefined {
  const needs = endpointNeeds(input.tracing, input.image);
  const mode = input.option?._mode;
  const isolatedIds = new Set(input.vpc.isolatedSubnets.map(s => s.subnetId));
  const isolated = input.subnets.filter(s => isolatedIds.has(s.subnetId)).map(s => s.subnetId);
  const list = `interface endpoints for ${needs.map(n => n.name).join(', ')} and the S3 gateway endpoint`;
  const reach = [...new Set([...needs.map(n => n.why), 'S3 (image layers and the function\'s own calls)'])].join(', ');
  if (isolated.length > 0 && mode !== 'create' && mode !== 'existing') {
    throw new InferenceWorkloadValidationError(
      '\'managedInstances.vpcEndpoints\' must be ManagedInstancesVpcEndpoints.create() or .existing() when \'managedInstances.vpcSubnets\' selects isolated subnets '
      + `(${isolated.join(', ')}): they have no NAT, and the instances reach ${reach} only through ${list}, `
      + `got ${mode === 'nat' ? 'ManagedInstancesVpcEndpoints.viaNatGateway()' : 'undefined'}`);
  }
  if (mode === undefined) {
    Annotations.of(scope).addWarningV2(SERVICE_ACCESS_WARNING,
      `${input.workloadName} runs on Lambda Managed Instances in the subnets ${input.subnets.map(s => s.subnetId).join(', ')}: they must reach `
      + `${reach}, through a NAT gateway or ${list} (docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-networking.html); `
      + 'without a way out the function\'s logs and traces are lost. Say which with \'managedInstances.vpcEndpoints\': '
      + 'ManagedInstancesVpcEndpoints.viaNatGateway(), .existing() or .create()');
    return undefined;
  }
  if (mode !== 'create') {
    return undefined;
  }
  claimVpc(scope, input);
  const subnets: ec2.SubnetSelection = { subnets: input.subnets };
  const securityGroup = new ec2.SecurityGroup(scope, 'VpcEndpointSecurityGroup', {
    vpc: input.vpc,
    allowAllOutbound: false,
    description: `VPC endpoints of inference workload ${input.workloadName}: admit the instances of its capacity provider on 443`,
  });
  const interfaceEndpoints = needs.map(n => {
    const endpoint = new ec2.InterfaceVpcEndpoint(scope, n.id, {
      vpc: input.vpc,
      service: n.service,
      subnets,
      privateDnsEnabled: true,
      securityGroups: [securityGroup],
      open: false,
    });
    // the instances' security groups reach the endpoint on 443 (an egress rule on each when its egress is restricted)
    input.securityGroups.forEach(g => endpoint.connections.allowDefaultPortFrom(g, `from the ${input.workloadName} capacity provider`));
    return endpoint;
  });
  // ECR keeps image layers in S3, and the functions call S3 (lambda-managed-instances-networking.html;
  // AmazonECR/latest/userguide/vpc-endpoints.html): a gateway endpoint, which has no hourly charge
  // (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html)
  const s3Endpoint = new ec2.GatewayVpcEndpoint(scope, 'S3Endpoint', { vpc: input.vpc, service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [subnets] });
  return { interfaceEndpoints, s3Endpoint, securityGroup };
}

/** Refuses a second workload creating endpoints in the same VPC of a stack (their private DNS names would clash). */
function claimVpc(scope: Construct, input: ServiceAccessInput): void {
  const stack = Stack.of(scope);
  const key = Token.isUnresolved(input.vpc.vpcId) ? input.vpc.node.path : input.vpc.vpcId;
  const claims = CREATED.get(stack) ?? new Map<string, string>();
  CREATED.set(stack, claims);
  const owner = claims.get(key);
  if (owner !== undefined) {
    throw new InferenceWorkloadValidationError(
      `'managedInstances.vpcEndpoints' must be ManagedInstancesVpcEndpoints.existing() for ${input.workloadName}: ${owner} already creates the endpoints `
      + `in ${Token.isUnresolved(input.vpc.vpcId) ? input.vpc.node.path : input.vpc.vpcId}, and a VPC holds one endpoint with private DNS per service, `
      + 'got ManagedInstancesVpcEndpoints.create()');
  }
  claims.set(key, input.workloadName);
}

/**
 * Lets the operator role deliver the capacity provider's system logs, and nothing else in CloudWatch
 * Logs: the role "needs the following permissions to upload logs to CloudWatch Logs:
 * logs:CreateLogGroup, logs:CreateLogStream, logs:PutLogEvents", the logs go to "a log group named
 * /aws/lambda/capacity-provider/<capacity-provider-name>", and without the permissions "Lambda doesn't
 * deliver system logs and doesn't return an error"
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-monitoring-cwl.html, read 2026-12-08).
 * The group is the provider's own (its name is the provider's `Ref`); streams only inside it.
 * @internal
 */
export function grantSystemLogs(role: iam.Role, capacityProvider: lambda.CapacityProvider): void {
  const group = `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:${systemLogGroupName(capacityProvider)}`;
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'CreateSystemLogGroup',
    actions: ['logs:CreateLogGroup'],
    resources: [group],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'WriteSystemLogs',
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [`${group}:log-stream:*`],
  }));
  // cdk-nag names the wildcard by the ARN as it renders it (tokens as <Ref>): the provider's own streams
  const logicalId = Stack.of(capacityProvider).getLogicalId(capacityProvider.node.defaultChild as CfnElement);
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/lambda/capacity-provider/<${logicalId}>:log-stream:*]`,
    reason: 'The capacity provider names its system log streams itself: the wildcard covers the streams of its own log group only '
      + '(docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-monitoring-cwl.html).',
  });
}

/** The documented name of a capacity provider's system log group. @internal */
export function systemLogGroupName(capacityProvider: lambda.ICapacityProvider): string {
  return Fn.join('', ['/aws/lambda/capacity-provider/', capacityProvider.capacityProviderName]);
}
