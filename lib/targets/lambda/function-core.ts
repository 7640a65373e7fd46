import { Duration, Size, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LambdaAlarms, liveAliasAlarms } from './alarms';
import { BoundLambdaCode, LambdaCode } from './code';
import { LambdaEntryPoint, RenderedEntryPoint } from './entry-point';
import { CheckedLambdaOptions } from './options';
import { lambdaServicePrincipal } from './trust';
import { checkEnvironment } from './validate';
import { ModelImage } from '../../image';
import { CpuArchitecture } from '../../policy';

/**
 * The function core that every Lambda-based target renders (Lambda, the hybrid's control plane
 * and overflow, Lambda Managed Instances): the environment, code, log group, execution role,
 * function, `live` alias, entry point and alarms, from the workload's `lambda` options. Each
 * target adds its own sizing and capacity around it, in three steps, so that the construct ids
 * and their order stay those of the target: `planFunction` (checks, binds the code), then
 * `renderFunction` (`LogGroup`, `ExecutionRole`, `Function`), then `renderLiveAlias` (`LiveAlias`)
 * and `exposeLiveAlias` (`FunctionUrl` or `HttpApi`, `*Alarm`).
 */

/** What the function core needs of a workload. @internal */
export interface FunctionCoreInput {
  /** Name of the workload: the environment, descriptions and alarms. */
  readonly workloadName: string;
  /** The workload's image: the default code. */
  readonly image: ModelImage;
  /** The workload's `lambda` options, checked by `checkLambdaOptions`. */
  readonly options: CheckedLambdaOptions;
  /** The decision's architecture, already checked to be x86_64 or arm64. */
  readonly architecture: CpuArchitecture;
}

/** The function's settings, resolved and checked before anything is built. @internal */
export interface FunctionPlan {
  readonly workloadName: string;
  readonly options: CheckedLambdaOptions;
  /** The whole environment: the library's variables and the options'. */
  readonly environment: Record<string, string>;
  readonly retention: logs.RetentionDays;
  readonly tracing: lambda.Tracing;
  readonly architecture: lambda.Architecture;
  readonly code: BoundLambdaCode;
}

/**
 * Checks the environment and binds the code (an image asset is built for the decision's
 * architecture). Binding may add an asset construct under `scope`.
 * @internal
 */
export function planFunction(scope: Construct, input: FunctionCoreInput): FunctionPlan {
  const o = input.options;
  // the library's variables count against the 4 KB limit too: the whole environment is checked
  const environment = checkEnvironment({ INFERENCE_WORKLOAD_NAME: input.workloadName, ...o.environment });
  const architecture = input.architecture === CpuArchitecture.ARM64 ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64;
  return {
    workloadName: input.workloadName,
    options: o,
    environment,
    retention: o.logRetention ?? logs.RetentionDays.ONE_MONTH,
    tracing: o.tracing ?? lambda.Tracing.ACTIVE,
    architecture,
    code: (o.code ?? LambdaCode.fromImage(input.image))._bind(scope, architecture),
  };
}

/** The sizing of one function, and the properties only one target sets. @internal */
export interface FunctionSizing {
  readonly memoryMiB: number;
  readonly timeoutSeconds: number;
  readonly description: string;
  /** Ephemeral storage (`/tmp`), MiB. @default - Lambda's default (512 MiB) */
  readonly ephemeralStorageMiB?: number;
  /** Options of `currentVersion` (Managed Instances: its execution environments). @default - none */
  readonly currentVersionOptions?: lambda.VersionOptions;
  /** The accelerator of a GPU function (Managed Instances). @default - none */
  readonly acceleratorConfig?: lambda.AcceleratorConfig;
  /**
   * The function's concurrency cap (reserved concurrency), resolved by the target: never read from
   * the options here, so that a target which caps otherwise (Managed Instances) cannot inherit one.
   * @default - none
   */
  readonly reservedConcurrentExecutions?: number;
}

/** The function and what it writes with. @internal */
export interface RenderedFunction {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
}

/**
 * Builds the log group, the least-privilege execution role and the function (`LogGroup`,
 * `ExecutionRole`, `Function`), with the tracing mode set on the resource itself.
 * @internal
 */
export function renderFunction(scope: Construct, plan: FunctionPlan, sizing: FunctionSizing): RenderedFunction {
  const o = plan.options;
  const logGroup = new logs.LogGroup(scope, 'LogGroup', { retention: plan.retention, encryptionKey: o.logEncryptionKey });
  grantLogsService(o.logEncryptionKey, scope);
  const { role, wildcardPolicy } = executionRole(scope, {
    logGroup, repository: plan.code.repository, vpc: o.vpc !== undefined, key: o.environmentEncryption, tracing: plan.tracing,
  });
  const fn = new lambda.Function(scope, 'Function', {
    code: plan.code.code,
    handler: plan.code.handler,
    runtime: plan.code.runtime,
    role,
    logGroup,
    memorySize: sizing.memoryMiB,
    timeout: Duration.seconds(sizing.timeoutSeconds),
    ephemeralStorageSize: sizing.ephemeralStorageMiB === undefined ? undefined : Size.mebibytes(sizing.ephemeralStorageMiB),
    architecture: plan.architecture,
    description: sizing.description,
    environment: plan.environment,
    environmentEncryption: o.environmentEncryption,
    reservedConcurrentExecutions: sizing.reservedConcurrentExecutions,
    vpc: o.vpc,
    vpcSubnets: o.vpcSubnets,
    securityGroups: o.securityGroups,
    currentVersionOptions: sizing.currentVersionOptions,
    acceleratorConfig: sizing.acceleratorConfig,
  });
  setTracingMode(fn, plan.tracing);
  if (wildcardPolicy && o.vpc !== undefined) {
    // Lambda checks the network-interface permissions when it creates a function in a VPC
    fn.node.addDependency(wildcardPolicy);
    denyNetworkInterfacesToFunctionCode(scope, role, fn);
  }
  return { function: fn, role, logGroup };
}

/** The network-interface actions Lambda needs for a VPC function (those of AWSLambdaVPCAccessExecutionRole). */
const VPC_NETWORK_INTERFACE_ACTIONS = [
  'ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses',
];

/**
 * Lambda manages a VPC function's network interfaces with the execution role, but the function's
 * own code holds the same credentials. Requests the code makes carry `lambda:SourceFunctionArn`
 * (requests Lambda makes to set up the function do not), so a Deny on that key leaves the code
 * without the permissions (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html,
 * "Using IAM condition keys"; https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html,
 * `lambda:SourceFunctionArn`). A policy of its own, attached after the function (the function's
 * ARN is only known then; the function never waits for it).
 */
function denyNetworkInterfacesToFunctionCode(scope: Construct, role: iam.Role, fn: lambda.Function): void {
  // beside the role, not under it: the function depends on the role's whole subtree
  new iam.Policy(scope, 'DenyNetworkInterfacesToFunctionCode', {
    roles: [role],
    statements: [new iam.PolicyStatement({
      sid: 'DenyNetworkInterfacesToFunctionCode',
      effect: iam.Effect.DENY,
      actions: VPC_NETWORK_INTERFACE_ACTIONS,
      resources: ['*'],
      conditions: { ArnEquals: { 'lambda:SourceFunctionArn': fn.functionArn } },
    })],
  });
}

/** How the `live` alias routes and what it keeps warm. @internal */
export interface LiveAliasOptions {
  /** Provisioned concurrency the alias declares. @default - none */
  readonly provisionedConcurrentExecutions?: number;
  /** Other versions the alias routes a share of traffic to. @default - none */
  readonly additionalVersions?: lambda.VersionWeight[];
}

/**
 * The `live` alias of `currentVersion` (construct id `LiveAlias`). Provisioned concurrency lives on
 * an alias of currentVersion, never on a version (aws-cdk #8883) and never on latestVersion (#19103).
 * @internal
 */
export function renderLiveAlias(scope: Construct, fn: lambda.Function, options: LiveAliasOptions = {}): lambda.Alias {
  return new lambda.Alias(scope, 'LiveAlias', {
    aliasName: 'live',
    version: fn.currentVersion,
    provisionedConcurrentExecutions: options.provisionedConcurrentExecutions,
    additionalVersions: options.additionalVersions,
  });
}

/** What the entry point and the alarms of the `live` alias need. @internal */
export interface ExposeInput {
  readonly timeoutSeconds: number;
  /** The p99 latency budget, ms. @default - 80% of the timeout */
  readonly latencyBudgetMs?: number;
  /** Whether the alias holds provisioned concurrency (its spillover is alarmed). @default false */
  readonly provisionedConcurrency?: boolean;
  /** Why throttles happen on this target. @default - none */
  readonly throttleNote?: string;
  /** Share of invocations (0-1) the decision planned to spill over provisioned concurrency. @default 0 */
  readonly plannedSpilloverShare?: number;
}

/** The entry point and alarms of the `live` alias. @internal */
export interface ExposedAlias extends RenderedEntryPoint {
  readonly alarms: LambdaAlarms;
}

/**
 * Renders the options' entry point (a function URL with `AWS_IAM` auth by default) and the alarms of
 * the `live` alias.
 * @internal
 */
export function exposeLiveAlias(scope: Construct, plan: FunctionPlan, alias: lambda.Alias, input: ExposeInput): ExposedAlias {
  const o = plan.options;
  const entry = (o.entryPoint ?? LambdaEntryPoint.functionUrl())._render(scope, {
    workloadName: plan.workloadName, alias, logRetention: plan.retention, logEncryptionKey: o.logEncryptionKey,
  });
  const alarms = liveAliasAlarms(scope, alias, {
    workloadName: plan.workloadName,
    timeoutSeconds: input.timeoutSeconds,
    latencyBudgetMs: input.latencyBudgetMs,
    throttleNote: input.throttleNote,
    provisionedConcurrency: input.provisionedConcurrency,
    plannedSpilloverShare: input.plannedSpilloverShare,
  });
  return { functionUrl: entry.functionUrl, httpApi: entry.httpApi, alarms };
}

/**
 * Sets the function's X-Ray tracing mode on the resource itself rather than through
 * `lambda.Function`'s `tracing` prop, which would add the X-Ray statement to the role's default
 * policy: the statement lives in the role's wildcard policy (`executionRole`).
 * @internal
 */
export function setTracingMode(fn: lambda.Function, tracing: lambda.Tracing): void {
  if (tracing === lambda.Tracing.ACTIVE || tracing === lambda.Tracing.PASS_THROUGH) {
    (fn.node.defaultChild as lambda.CfnFunction).tracingConfig = { mode: tracing };
  }
}

/**
 * CloudWatch Logs encrypts with the key as its regional service principal; a key of this app gets
 * the grant in its key policy (an imported key's policy is its owner's: documented on the prop).
 * @internal
 */
export function grantLogsService(key: kms.IKey | undefined, scope: Construct): void {
  if (key === undefined) {
    return;
  }
  key.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${Stack.of(scope).region}.amazonaws.com`));
}

/** What the execution role grants. @internal */
export interface RoleInput {
  readonly logGroup: logs.LogGroup;
  readonly repository?: { readonly repositoryArn: string };
  readonly vpc: boolean;
  readonly key?: kms.IKey;
  readonly tracing: lambda.Tracing;
}

/**
 * An explicit execution role in place of the default one (which attaches the
 * AWSLambdaBasicExecutionRole managed policy): every statement names its actions and, where
 * the service allows it, its resource.
 * @internal
 */
export function executionRole(scope: Construct, r: RoleInput): { role: iam.Role; wildcardPolicy?: iam.Policy } {
  const role = new iam.Role(scope, 'ExecutionRole', {
    assumedBy: lambdaServicePrincipal(),
    description: 'Execution role of an inference workload (least privilege, no managed policies)',
  });
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'WriteOwnLogs',
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [r.logGroup.logGroupArn],
  }));
  if (r.repository) {
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'PullModelImage',
      actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      resources: [r.repository.repositoryArn],
    }));
  }
  r.key?.grantDecrypt(role);
  // The statements that must name Resource '*' live in a policy of their own, and only that policy
  // acknowledges cdk-nag's AwsSolutions-IAM5[Resource::*]: a wildcard the user later grants the
  // role lands in its default policy and is reported.
  const wildcards: iam.PolicyStatement[] = [];
  const reasons: string[] = [];
  if (r.tracing === lambda.Tracing.ACTIVE || r.tracing === lambda.Tracing.PASS_THROUGH) {
    // what lambda.Function would add to the default policy itself (the renderer sets the tracing mode instead)
    wildcards.push(new iam.PolicyStatement({ sid: 'WriteTraces', actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] }));
    reasons.push('X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions');
  }
  if (r.vpc) {
    wildcards.push(new iam.PolicyStatement({
      sid: 'ManageVpcNetworkInterfaces',
      actions: VPC_NETWORK_INTERFACE_ACTIONS,
      resources: ['*'],
    }));
    reasons.push('Lambda needs to create and describe its VPC network interfaces before their ARNs exist (the actions of AWSLambdaVPCAccessExecutionRole)');
  }
  if (wildcards.length === 0) {
    return { role };
  }
  const wildcardPolicy = new iam.Policy(role, 'ServiceWildcards', { roles: [role], statements: wildcards });
  Validations.of(wildcardPolicy).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: `${reasons.join('; ')}. Every action is named; no wildcard actions. Only this policy's statements are acknowledged.`,
  });
  return { role, wildcardPolicy };
}
