import { TimeZone } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LambdaAlarms } from './alarms';
import { defaultCapOf, registerReservedConcurrency } from './concurrency-cap';
import { exposeLiveAlias, planFunction, renderFunction, renderLiveAlias } from './function-core';
import { checkLambdaOptions, CheckedLambdaOptions } from './options';
import { checkLambdaSizing, CheckedLambdaSizing } from './validate';
import { InferenceWorkloadValidationError } from '../../errors';
import { ModelImage } from '../../image';
import { LambdaSizing, PlacementDecision } from '../../policy';
import { WorkloadIdentity } from '../render-context';

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
  /** Where `sizing` comes from in the decision, for messages. @default 'decision.lambda' */
  readonly sizingPath?: string;
  /**
   * Whether the function gets a concurrency cap derived from the sizing when the options set no
   * `reservedConcurrentExecutions` (twice the peak concurrency, at least the provisioned maximum).
   * @default false
   */
  readonly capConcurrency?: boolean;
  /**
   * The option that sets the options' `reservedConcurrentExecutions`, named in messages.
   * @default 'lambda.reservedConcurrentExecutions'
   */
  readonly reservedConcurrencyPath?: string;
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
  const sizing = checkLambdaSizing(input.sizing, {
    utilizationTarget: o.utilizationTarget,
    reservedConcurrentExecutions: o.reservedConcurrentExecutions,
    reservedConcurrencyPath: input.reservedConcurrencyPath,
    weightedAlias: (o.additionalVersions ?? []).length > 0,
  }, input.sizingPath);
  const plan = planFunction(scope, { workloadName: input.workloadName, image: input.image, options: o, architecture: sizing.architecture });
  const reserved = o.reservedConcurrentExecutions ?? (input.capConcurrency ? defaultCapOf(input.sizing, input.sizingPath ?? 'decision.lambda') : undefined);
  if (reserved !== undefined) {
    registerReservedConcurrency(scope, input.workloadName, reserved, input.reservedConcurrencyPath ?? 'lambda.reservedConcurrentExecutions');
  }
  const { function: fn, role, logGroup } = renderFunction(scope, plan, {
    reservedConcurrentExecutions: reserved,
    memoryMiB: sizing.memoryMiB,
    timeoutSeconds: sizing.timeoutSeconds,
    ephemeralStorageMiB: sizing.ephemeralStorageMiB,
    description: input.description ?? `Inference workload ${input.workloadName}`,
  });
  const alias = renderLiveAlias(scope, fn, {
    provisionedConcurrentExecutions: sizing.provisionedConcurrencyMin >= 1 ? sizing.provisionedConcurrencyMin : undefined,
    additionalVersions: o.additionalVersions,
  });
  const scalableTarget = provisionedConcurrencyScaler(alias, sizing);
  const exposed = exposeLiveAlias(scope, plan, alias, {
    timeoutSeconds: sizing.timeoutSeconds,
    latencyBudgetMs: o.latencyBudgetMs ?? sizing.latencyBudgetMs,
    provisionedConcurrency: sizing.provisionedConcurrencyMax > 0,
    plannedSpilloverShare: input.sizing.plannedSpilloverShare,
    throttleNote: reserved === undefined ? undefined : `the function's concurrency cap, ${reserved} reserved concurrent executions, was reached, or the account's concurrency`,
  });
  return { function: fn, alias, scalableTarget, role, logGroup, functionUrl: exposed.functionUrl, httpApi: exposed.httpApi, alarms: exposed.alarms };
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
    return {
      lambda: renderLambda(scope, {
        workloadName: workload.workloadName,
        image: workload.image,
        sizing: lambdaSizingOf(decision),
        options: checked.lambda,
        description: `Inference workload ${workload.workloadName} (placed on Lambda by ${decision.policyName})`,
        capConcurrency: true,
      }),
    };
  },
};

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
