import { Duration, Size, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { liveAliasAlarms } from './alarms';
import { LambdaCode } from './code';
import { LambdaEntryPoint } from './entry-point';
import { LIVE_ALIAS_METRICS } from './metrics';
import { checkEnvironment, checkLambdaSizing, checkLatencyBudget, CheckedLambdaSizing } from './validate';
import { InferenceWorkloadValidationError } from '../../errors';
import { ModelImage } from '../../image';
import { CpuArchitecture, LambdaSizing, PlacementDecision, PlacementTarget } from '../../policy';
import { checkNumber, checkOptionsObject, describeValue } from '../../private/validate';
import { WorkloadIdentity } from '../render-context';

/**
 * Options for the Lambda target. They only apply when the workload is placed on Lambda
 * (or on the control plane of a hybrid). Sizing (memory, timeout, storage, architecture,
 * provisioned concurrency) comes from the placement decision, never from here.
 */
export interface LambdaTargetOptions {
  /**
   * The function's code.
   * @default - `LambdaCode.fromImage(image)`: the workload's `ModelImage`, pulled from ECR
   */
  readonly code?: LambdaCode;

  /**
   * Environment variables of the function (at most 4 KB in total; Lambda's reserved keys are refused).
   * @default - only `INFERENCE_WORKLOAD_NAME`
   */
  readonly environment?: Record<string, string>;

  /**
   * How clients reach the `live` alias.
   * @default - `LambdaEntryPoint.functionUrl()`: a function URL with `AWS_IAM` auth
   */
  readonly entryPoint?: LambdaEntryPoint;

  /**
   * Target for `LambdaProvisionedConcurrencyUtilization` (0.1–0.9), overriding the decision's.
   * @default - the decision's `utilizationTarget` (0.7 with the default policy)
   */
  readonly utilizationTarget?: number;

  /**
   * Concurrency reserved for the function. Must be at least the provisioned concurrency maximum.
   * @default - no reservation: the function draws on the account's unreserved pool
   */
  readonly reservedConcurrentExecutions?: number;

  /**
   * Other versions the `live` alias routes a share of traffic to (a weighted alias). Lambda cannot
   * keep provisioned concurrency on a weighted alias, so this is refused whenever the decision
   * provisions concurrency.
   * @default - the alias routes all traffic to the current version
   */
  readonly additionalVersions?: lambda.VersionWeight[];

  /**
   * p99 latency budget that the p99 `Duration` alarm checks.
   * @default - the decision's latency budget (the profile's `latencyBudgetP99Ms`); without one, 80% of the function timeout
   */
  readonly latencyBudget?: Duration;

  /**
   * Retention of the function's log group (and of the HTTP API's access logs).
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * X-Ray tracing mode.
   * @default lambda.Tracing.ACTIVE
   */
  readonly tracing?: lambda.Tracing;

  /**
   * Customer managed KMS key that encrypts the function's environment variables at rest.
   * The execution role is granted `kms:Decrypt` on it.
   * @default - an AWS managed key
   */
  readonly environmentEncryption?: kms.IKey;

  /**
   * Customer managed KMS key that encrypts the function's log group (and the HTTP API's access
   * logs). The key's policy must allow the CloudWatch Logs service principal of the region
   * (`logs.<region>.amazonaws.com`) to use it; for a key defined in the same app the library grants it.
   * @default - CloudWatch Logs' own encryption
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * VPC to place the function in, e.g. to reach a cache that lives in the VPC.
   * @default - not in a VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Subnets of the VPC to place the function's network interfaces in. Requires `vpc`.
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the function's network interfaces. Requires `vpc`.
   * @default - a security group created for the function
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/** The CloudWatch alarms of a Lambda placement. Add actions with `alarm.addAlarmAction()`. */
export interface LambdaAlarms {
  /**
   * Invocations spilled over provisioned concurrency and cold-started (the cold tail).
   * @default - no alarm when the decision provisions no concurrency
   */
  readonly spilloverInvocations?: cloudwatch.Alarm;
  /** Throttled invocations of the `live` alias. */
  readonly throttles: cloudwatch.Alarm;
  /** Error rate of the `live` alias above 1%. */
  readonly errors: cloudwatch.Alarm;
  /** p99 `Duration` of the `live` alias above the latency budget. */
  readonly durationP99: cloudwatch.Alarm;
}

/** What the Lambda renderer produced: escape hatches to everything it built. */
export interface LambdaRendering {
  /** The function. */
  readonly function: lambda.Function;
  /** The `live` alias of `currentVersion`; it carries the provisioned concurrency. */
  readonly alias: lambda.Alias;
  /**
   * The scalable target of the alias' provisioned concurrency (the workload's only scaler).
   * @default - none when the decision provisions no concurrency
   */
  readonly scalableTarget?: lambda.IScalableFunctionAttribute;
  /** The execution role (inline, least-privilege policy; no managed policies). */
  readonly role: iam.Role;
  /** The function's log group. */
  readonly logGroup: logs.LogGroup;
  /** The function URL on the `live` alias. @default - none (another entry point was chosen) */
  readonly functionUrl?: lambda.FunctionUrl;
  /** The HTTP API in front of the `live` alias. @default - none (another entry point was chosen) */
  readonly httpApi?: apigwv2.HttpApi;
  /** The alarms. */
  readonly alarms: LambdaAlarms;
}

/** Inputs of the Lambda renderer. @internal */
export interface LambdaRenderInput {
  /** Name of the workload, for descriptions and the environment. */
  readonly workloadName: string;
  /** The workload's image: the default code. */
  readonly image: ModelImage;
  /** The sizing, read from a decision (`decision.lambda`, or a hybrid's control-plane sizing). */
  readonly sizing: LambdaSizing;
  /** The options, checked by `checkLambdaOptions`. */
  readonly options: CheckedLambdaOptions;
  /** The function description. @default - names the workload */
  readonly description?: string;
}

/** Reads a decision's Lambda sizing, or says the policy forgot it. @internal */
export function lambdaSizingOf(decision: PlacementDecision): LambdaSizing {
  if (!decision.lambda) {
    throw new InferenceWorkloadValidationError(`'decision' has no Lambda sizing for target ${decision.target}; the policy ${decision.policyName} must size Lambda placements`);
  }
  return decision.lambda;
}

/**
 * Renders Lambda sizing into aws-cdk-lib constructs directly under `scope`. Every input is
 * validated before anything is built. Construct ids are a contract: `LogGroup`, `ExecutionRole`,
 * `Function`, `LiveAlias` (with `LiveAlias/AliasScaling`), `FunctionUrl` or `HttpApi`, `*Alarm`.
 * Reusable by other targets: render it under a child construct to get a second function.
 * @internal
 */
export function renderLambda(scope: Construct, input: LambdaRenderInput): LambdaRendering {
  const o = input.options ?? {};
  const weighted = (o.additionalVersions ?? []).length > 0;
  const sizing = checkLambdaSizing(input.sizing, {
    utilizationTarget: o.utilizationTarget,
    reservedConcurrentExecutions: o.reservedConcurrentExecutions,
    weightedAlias: weighted,
  });
  // the library's variables count against the 4 KB limit too: the whole environment is checked
  const environment = checkEnvironment({ INFERENCE_WORKLOAD_NAME: input.workloadName, ...o.environment });
  const latencyBudgetMs = o.latencyBudgetMs ?? input.sizing.latencyBudgetMs;
  const retention = o.logRetention ?? logs.RetentionDays.ONE_MONTH;
  const tracing = o.tracing ?? lambda.Tracing.ACTIVE;
  const architecture = sizing.architecture === CpuArchitecture.ARM64 ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64;
  const code = (o.code ?? LambdaCode.fromImage(input.image))._bind(scope, architecture);

  const logGroup = new logs.LogGroup(scope, 'LogGroup', { retention, encryptionKey: o.logEncryptionKey });
  grantLogsService(o.logEncryptionKey, scope);
  const { role, wildcardPolicy } = executionRole(scope, {
    logGroup, repository: code.repository, vpc: o.vpc !== undefined, key: o.environmentEncryption, tracing,
  });

  const fn = new lambda.Function(scope, 'Function', {
    code: code.code,
    handler: code.handler,
    runtime: code.runtime,
    role,
    logGroup,
    memorySize: sizing.memoryMiB,
    timeout: Duration.seconds(sizing.timeoutSeconds),
    ephemeralStorageSize: Size.mebibytes(sizing.ephemeralStorageMiB),
    architecture,
    description: input.description ?? `Inference workload ${input.workloadName}`,
    environment,
    environmentEncryption: o.environmentEncryption,
    reservedConcurrentExecutions: o.reservedConcurrentExecutions,
    vpc: o.vpc,
    vpcSubnets: o.vpcSubnets,
    securityGroups: o.securityGroups,
  });
  setTracingMode(fn, tracing);
  if (wildcardPolicy && o.vpc !== undefined) {
    // Lambda checks the network-interface permissions when it creates a function in a VPC
    fn.node.addDependency(wildcardPolicy);
  }

  // provisioned concurrency lives on an alias of currentVersion, never on a version
  // (aws-cdk #8883) and never on latestVersion (#19103)
  const alias = new lambda.Alias(scope, 'LiveAlias', {
    aliasName: 'live',
    version: fn.currentVersion,
    provisionedConcurrentExecutions: sizing.provisionedConcurrencyMin >= 1 ? sizing.provisionedConcurrencyMin : undefined,
    additionalVersions: o.additionalVersions,
  });
  const scalableTarget = provisionedConcurrencyScaler(alias, sizing);
  const entry = (o.entryPoint ?? LambdaEntryPoint.functionUrl())._render(scope, {
    workloadName: input.workloadName, alias, logRetention: retention, logEncryptionKey: o.logEncryptionKey,
  });
  const alarms = renderAlarms(scope, alias, sizing, input.workloadName, latencyBudgetMs);

  return { function: fn, alias, scalableTarget, role, logGroup, functionUrl: entry.functionUrl, httpApi: entry.httpApi, alarms };
}

/**
 * Checks the Lambda options that do not depend on a placement's sizing, so that a mistake fails at
 * construction even when the workload is placed on another target.
 * @internal
 */
/**
 * The Lambda options after `check`: validated once, at construction, whatever the placement.
 * @internal
 */
export interface CheckedLambdaOptions extends LambdaTargetOptions {
  /** The latency budget in milliseconds, when `latencyBudget` is given. */
  readonly latencyBudgetMs?: number;
}

/**
 * Checks every Lambda option that does not depend on a placement, so that a mistake fails at
 * construction even when the workload is placed on another target.
 * @internal
 */
export function checkLambdaOptions(options: LambdaTargetOptions | undefined): CheckedLambdaOptions {
  const o = checkOptionsObject('lambda', options, 'LambdaTargetOptions');
  if (o.environment !== undefined && (o.environment === null || typeof o.environment !== 'object' || Array.isArray(o.environment))) {
    throw new InferenceWorkloadValidationError(`'lambda.environment' must be an object of strings, got ${describeValue(o.environment)}`);
  }
  checkEnvironment({ ...o.environment });
  if (o.vpc === undefined && (o.vpcSubnets !== undefined || o.securityGroups !== undefined)) {
    throw new InferenceWorkloadValidationError(`Cannot configure '${o.vpcSubnets !== undefined ? 'lambda.vpcSubnets' : 'lambda.securityGroups'}' without 'lambda.vpc'`);
  }
  checkOptionTypes(o);
  if (o.vpc !== undefined) {
    checkPrivateSubnets(o.vpc, o.vpcSubnets);
  }
  const latencyBudgetMs = o.latencyBudget !== undefined ? checkLatencyBudget(o.latencyBudget) : undefined;
  if (o.utilizationTarget !== undefined) {
    checkNumber('lambda.utilizationTarget', o.utilizationTarget, { min: 0.1, max: 0.9 });
  }
  if (o.reservedConcurrentExecutions !== undefined) {
    checkNumber('lambda.reservedConcurrentExecutions', o.reservedConcurrentExecutions, { min: 1, integer: true });
  }
  return { ...o, latencyBudgetMs };
}

/**
 * The Lambda target: `check` validates its options once; `render` builds the function, its
 * `live` alias with provisioned concurrency, the entry point and the alarms from the decision.
 * @internal
 */
export const LAMBDA_TARGET = {
  check: checkLambdaOptions,
  render(
    scope: Construct, workload: WorkloadIdentity, decision: PlacementDecision, checked: { readonly lambda: CheckedLambdaOptions },
  ): { lambda: LambdaRendering } {
    // not a second decision: a guard against a policy that places on Lambda despite a constraint that excludes it
    const violated = decision.firedRules.filter(r => (r.excludes ?? []).includes(PlacementTarget.LAMBDA));
    if (violated.length > 0) {
      throw new InferenceWorkloadValidationError(
        `'policy' ${decision.policyName} placed the workload on Lambda despite hard constraint ${violated.map(r => `${r.ruleId} (${r.reason})`).join('; ')}`);
    }
    return {
      lambda: renderLambda(scope, {
        workloadName: workload.workloadName,
        image: workload.image,
        sizing: lambdaSizingOf(decision),
        options: checked.lambda,
        description: `Inference workload ${workload.workloadName} (placed on Lambda by ${decision.policyName})`,
      }),
    };
  },
};

/**
 * A function in a VPC runs in private subnets: Lambda gives its interfaces no public IP, so in a
 * public subnet it reaches nothing outside the VPC (aws-cdk-lib refuses it without `allowPublicSubnet`).
 */
function checkPrivateSubnets(vpc: ec2.IVpc, selection: ec2.SubnetSelection | undefined): void {
  let selected: ec2.SelectedSubnets;
  try {
    selected = vpc.selectSubnets(selection);
  } catch (e) {
    throw new InferenceWorkloadValidationError(
      `'lambda.vpcSubnets' must select private subnets of 'lambda.vpc', got none (${(e as Error).message.split('\n')[0]})`);
  }
  if (selected.hasPublic) {
    throw new InferenceWorkloadValidationError(
      `'lambda.vpcSubnets' must select private subnets of 'lambda.vpc' (a function in a public subnet reaches nothing outside the VPC), got public subnets ${describeValue(selected.subnetIds.filter(id => !id.includes('${')))}`);
  }
}

/** Options that are objects or enum values: a wrong type would fail inside aws-cdk-lib or at deploy. */
/** The values of `logs.RetentionDays`, read on first use. */
let RETENTIONS: Set<unknown> | undefined;

function checkOptionTypes(o: LambdaTargetOptions): void {
  if (o.code !== undefined && !(o.code instanceof LambdaCode)) {
    throw new InferenceWorkloadValidationError(`'lambda.code' must be a LambdaCode (LambdaCode.fromImage(...), fromDockerfile(...)), got ${describeValue(o.code)}`);
  }
  if (o.entryPoint !== undefined && !(o.entryPoint instanceof LambdaEntryPoint)) {
    throw new InferenceWorkloadValidationError(
      `'lambda.entryPoint' must be a LambdaEntryPoint (LambdaEntryPoint.functionUrl(), httpApi(), none()), got ${describeValue(o.entryPoint)}`);
  }
  if (o.logRetention !== undefined && !(RETENTIONS ??= new Set(Object.values(logs.RetentionDays).filter(v => typeof v === 'number'))).has(o.logRetention)) {
    throw new InferenceWorkloadValidationError(`'lambda.logRetention' must be a logs.RetentionDays value (e.g. logs.RetentionDays.ONE_MONTH), got ${describeValue(o.logRetention)}`);
  }
  const tracings = Object.values(lambda.Tracing) as string[];
  if (o.tracing !== undefined && !tracings.includes(o.tracing)) {
    throw new InferenceWorkloadValidationError(`'lambda.tracing' must be one of ${tracings.join(', ')}, got ${describeValue(o.tracing)}`);
  }
  if (o.vpc !== undefined && typeof (o.vpc as { selectSubnets?: unknown } | null)?.selectSubnets !== 'function') {
    throw new InferenceWorkloadValidationError(`'lambda.vpc' must be an ec2.IVpc (ec2.Vpc.fromLookup(...), fromVpcAttributes(...)), got ${describeValue(o.vpc)}`);
  }
  if (o.logEncryptionKey !== undefined && typeof (o.logEncryptionKey as { grantEncryptDecrypt?: unknown } | null)?.grantEncryptDecrypt !== 'function') {
    throw new InferenceWorkloadValidationError(`'lambda.logEncryptionKey' must be a kms.IKey, got ${describeValue(o.logEncryptionKey)}`);
  }
  if (o.environmentEncryption !== undefined && typeof (o.environmentEncryption as { grantDecrypt?: unknown } | null)?.grantDecrypt !== 'function') {
    throw new InferenceWorkloadValidationError(`'lambda.environmentEncryption' must be a kms.IKey, got ${describeValue(o.environmentEncryption)}`);
  }
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
 * the service allows it, its resource. Shared with the Lambda Managed Instances target.
 * @internal
 */
export function executionRole(scope: Construct, r: RoleInput): { role: iam.Role; wildcardPolicy?: iam.Policy } {
  const role = new iam.Role(scope, 'ExecutionRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
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
      actions: [
        'ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets',
        'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses',
      ],
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

/** The one scaler of the workload: target tracking plus the decision's warm windows. */
function provisionedConcurrencyScaler(alias: lambda.Alias, s: CheckedLambdaSizing): lambda.IScalableFunctionAttribute | undefined {
  if (s.provisionedConcurrencyMax === 0) {
    return undefined;
  }
  const target = alias.addAutoScaling({ minCapacity: s.provisionedConcurrencyMin, maxCapacity: s.provisionedConcurrencyMax });
  target.scaleOnUtilization({ utilizationTarget: s.utilizationTarget });
  for (const w of s.warmSchedules) {
    const timeZone = w.timeZone ? TimeZone.of(w.timeZone) : undefined;
    // a window never goes below the floor. Scheduling provisioned concurrency to 0 while the alias
    // declares its own (a floor of 1 or more) breaks later deploys: CloudFormation then updates a
    // config Application Auto Scaling has deleted (aws-cdk #29992). Only with a floor of 0
    // (`allowScaleToZero`) does the alias declare none, so 0 outside the windows is safe.
    const windowMin = Math.max(w.minCapacity, s.provisionedConcurrencyMin);
    target.scaleOnSchedule(`warm-${w.name}-start`, {
      schedule: appscaling.Schedule.expression(w.startCron),
      minCapacity: windowMin,
      maxCapacity: Math.max(s.provisionedConcurrencyMax, windowMin),
      timeZone,
    });
    // the window ends at the policy's floor (0 only with scale to zero, where target tracking
    // has nothing to scale until the next window starts, aws-cdk #30503)
    target.scaleOnSchedule(`warm-${w.name}-end`, {
      schedule: appscaling.Schedule.expression(w.endCron),
      minCapacity: s.provisionedConcurrencyMin,
      maxCapacity: s.provisionedConcurrencyMax,
      timeZone,
    });
  }
  return target;
}

function renderAlarms(scope: Construct, alias: lambda.Alias, s: CheckedLambdaSizing, name: string, latencyBudgetMs?: number): LambdaAlarms {
  const m = LIVE_ALIAS_METRICS;
  const spilloverInvocations = s.provisionedConcurrencyMax === 0 ? undefined : new cloudwatch.Alarm(scope, 'SpilloverAlarm', {
    alarmDescription: `${name}: invocations spilled over provisioned concurrency and cold-started (the cold tail) in 2 of the last 3 periods of 5 minutes`,
    metric: m.spilloverInvocations(alias),
    threshold: 0,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  const { throttles, errors, durationP99 } = liveAliasAlarms(scope, alias, { workloadName: name, timeoutSeconds: s.timeoutSeconds, latencyBudgetMs });
  return { spilloverInvocations, throttles, errors, durationP99 };
}

/**
 * Grants `grantee` the right to invoke the `live` alias through every way it is exposed:
 * `lambda:InvokeFunction`, plus `lambda:InvokeFunctionUrl` for a function URL and
 * `execute-api:Invoke` for an HTTP API.
 * @internal
 */
export function grantInvokeLambda(rendering: LambdaRendering, grantee: iam.IGrantable): iam.Grant {
  let grant = rendering.alias.grantInvoke(grantee);
  if (rendering.functionUrl) {
    grant = grant.combine(rendering.alias.grantInvokeUrl(grantee));
  }
  if (rendering.httpApi) {
    grant = grant.combine(iam.Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: [rendering.httpApi.arnForExecuteApi()],
    }));
  }
  return grant;
}
