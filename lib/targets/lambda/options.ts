import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { LambdaCode } from './code';
import { LambdaEntryPoint } from './entry-point';
import { checkEnvironment, checkLatencyBudget } from './validate';
import { InferenceWorkloadValidationError } from '../../errors';
import { LAMBDA_LIMITS } from '../../policy/limits';
import { checkNumber, checkOneOf, checkOptionsObject, checkSubnetSelection, describeValue } from '../../private/validate';

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
   * Concurrency reserved for the function, its cap: an integer from 1 to 100,000 (above every Region
   * quota Lambda documents) and at least the provisioned concurrency maximum. The account's own
   * quota is checked only at deploy (a synth warning when the stack's caps exceed it). Lambda target
   * only: refused for a hybrid placement (its router is capped by `hybrid.controlPlaneReservedConcurrency`)
   * and for Lambda Managed Instances (capped by `managedInstances.maxExecutionEnvironments`).
   * @default - twice the decision's peak concurrency, at least the provisioned concurrency maximum
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
   * Customer managed KMS key that encrypts the function's environment variables at rest: those of
   * every function the library builds for the workload (the Lambda or Managed Instances function,
   * the hybrid's control plane and overflow). Each execution role is granted `kms:Decrypt` on it.
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
  checkSubnetSelection('lambda.vpcSubnets', o.vpcSubnets);
  if (o.vpc === undefined && (o.vpcSubnets !== undefined || o.securityGroups !== undefined)) {
    throw new InferenceWorkloadValidationError(`Cannot configure '${o.vpcSubnets !== undefined ? 'lambda.vpcSubnets' : 'lambda.securityGroups'}' without 'lambda.vpc'`);
  }
  checkOptionTypes(o);
  if (o.vpc !== undefined) {
    checkPrivateSubnets(o.vpc, o.vpcSubnets);
  }
  const latencyBudgetMs = o.latencyBudget !== undefined ? checkLatencyBudget(o.latencyBudget) : undefined;
  if (o.utilizationTarget !== undefined) {
    checkNumber('lambda.utilizationTarget', o.utilizationTarget, { min: LAMBDA_LIMITS.minUtilizationTarget, max: LAMBDA_LIMITS.maxUtilizationTarget });
  }
  if (o.reservedConcurrentExecutions !== undefined) {
    checkNumber('lambda.reservedConcurrentExecutions', o.reservedConcurrentExecutions,
      { min: LAMBDA_LIMITS.minReservedConcurrency, max: LAMBDA_LIMITS.maxReservedConcurrency, integer: true });
  }
  return { ...o, latencyBudgetMs };
}

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

/** The values of `logs.RetentionDays`, read on first use. */
let RETENTIONS: Set<unknown> | undefined;

/** Options that are objects or enum values: a wrong type would fail inside aws-cdk-lib or at deploy. */
function checkOptionTypes(o: LambdaTargetOptions): void {
  if (o.code !== undefined && !(o.code instanceof LambdaCode)) {
    throw new InferenceWorkloadValidationError(`'lambda.code' must be a LambdaCode (LambdaCode.fromImage(...), fromDockerfile(...)), got ${describeValue(o.code)}`);
  }
  if (o.securityGroups !== undefined && !Array.isArray(o.securityGroups)) {
    throw new InferenceWorkloadValidationError(`'lambda.securityGroups' must be a list of ec2.ISecurityGroup, got ${describeValue(o.securityGroups)}`);
  }
  if (o.additionalVersions !== undefined && !Array.isArray(o.additionalVersions)) {
    throw new InferenceWorkloadValidationError(`'lambda.additionalVersions' must be a list of lambda.VersionWeight, got ${describeValue(o.additionalVersions)}`);
  }
  if (o.entryPoint !== undefined && !(o.entryPoint instanceof LambdaEntryPoint)) {
    throw new InferenceWorkloadValidationError(
      `'lambda.entryPoint' must be a LambdaEntryPoint (LambdaEntryPoint.functionUrl(), httpApi(), none()), got ${describeValue(o.entryPoint)}`);
  }
  if (o.logRetention !== undefined && !(RETENTIONS ??= new Set(Object.values(logs.RetentionDays).filter(v => typeof v === 'number'))).has(o.logRetention)) {
    throw new InferenceWorkloadValidationError(`'lambda.logRetention' must be a logs.RetentionDays value (e.g. logs.RetentionDays.ONE_MONTH), got ${describeValue(o.logRetention)}`);
  }
  if (o.tracing !== undefined) {
    checkOneOf('lambda.tracing', o.tracing, Object.values(lambda.Tracing));
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
