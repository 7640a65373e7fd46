import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { LIVE_ALIAS_METRICS } from './metrics';

/** The CloudWatch alarms of a Lambda placement. Add actions with `alarm.addAlarmAction()`. */
export interface LambdaAlarms {
  /**
   * The share of invocations spilled over provisioned concurrency (the cold tail) is above twice
   * the share the decision planned (at least 1%).
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

/**
 * How the library's alarms fire: above the threshold in 2 of the last 3 periods, and not on missing
 * data (no traffic is not an incident).
 * @internal
 */
export const ABOVE_IN_2_OF_3 = {
  comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
  evaluationPeriods: 3,
  datapointsToAlarm: 2,
  treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
} as const;

/** What the alarms of a `live` alias need. @internal */
export interface LiveAliasAlarmInput {
  /** The workload's name, at the start of every alarm description. */
  readonly workloadName: string;
  /** The function's timeout: without a latency budget, the p99 alarm watches 80% of it. */
  readonly timeoutSeconds: number;
  /** The p99 latency budget, ms. @default - 80% of the timeout */
  readonly latencyBudgetMs?: number;
  /** Why throttles happen on this target, appended to the throttle alarm's description. @default - none */
  readonly throttleNote?: string;
  /** Whether the alias holds provisioned concurrency, whose spillover is alarmed. @default false */
  readonly provisionedConcurrency?: boolean;
  /** Share of invocations (0-1) the decision planned to spill over provisioned concurrency. @default 0 */
  readonly plannedSpilloverShare?: number;
}

/**
 * Threshold of the spillover alarm, percent of invocations: twice the planned share, at least 1%
 * (spilling on purpose is priced; spilling twice as much means the floor or the scaler no longer
 * fits the traffic), at most 99% (above half planned, only a spill of almost everything alarms).
 * @internal
 */
export function spilloverThresholdPercent(plannedShare: number): number {
  return Math.min(99, Math.max(1, Math.round(plannedShare * 200)));
}

/**
 * The alarms every Lambda-based target puts on its `live` alias: spillover over provisioned
 * concurrency (when the alias holds some), throttles, an error rate above 1% and the p99 duration
 * above the latency budget (each in 2 of the last 3 periods of 5 minutes, throttles at once).
 * Construct ids `SpilloverAlarm`, `ThrottlesAlarm`, `ErrorsAlarm`, `DurationP99Alarm`.
 * @internal
 */
export function liveAliasAlarms(scope: Construct, alias: lambda.Alias, input: LiveAliasAlarmInput): LambdaAlarms {
  const m = LIVE_ALIAS_METRICS;
  const name = input.workloadName;
  const planned = input.plannedSpilloverShare ?? 0;
  const spillThreshold = spilloverThresholdPercent(planned);
  const spilloverInvocations = input.provisionedConcurrency ? new cloudwatch.Alarm(scope, 'SpilloverAlarm', {
    alarmDescription: `${name}: more than ${spillThreshold}% of invocations spilled over provisioned concurrency and cold-started (the cold tail; `
      + `the decision planned ${Math.round(planned * 1000) / 10}%) in 2 of the last 3 periods of 5 minutes`,
    metric: new cloudwatch.MathExpression({
      label: 'Spillover rate (%)',
      expression: 'IF(invocations > 0, 100 * spillover / invocations, 0)',
      usingMetrics: { spillover: m.spilloverInvocations(alias), invocations: m.invocations(alias) },
      period: Duration.minutes(5),
    }),
    threshold: spillThreshold,
    ...ABOVE_IN_2_OF_3,
  }) : undefined;
  const throttles = new cloudwatch.Alarm(scope, 'ThrottlesAlarm', {
    alarmDescription: `${name}: invocations of the live alias were throttled${input.throttleNote ? ` (${input.throttleNote})` : ''}`,
    metric: m.throttles(alias),
    threshold: 0,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  const errors = new cloudwatch.Alarm(scope, 'ErrorsAlarm', {
    alarmDescription: `${name}: more than 1% of invocations of the live alias failed in 2 of the last 3 periods of 5 minutes`,
    metric: new cloudwatch.MathExpression({
      label: 'Error rate (%)',
      expression: 'IF(invocations > 0, 100 * errors / invocations, 0)',
      usingMetrics: { errors: m.errors(alias), invocations: m.invocations(alias) },
      period: Duration.minutes(5),
    }),
    threshold: 1,
    ...ABOVE_IN_2_OF_3,
  });
  const budgetMs = input.latencyBudgetMs ?? Math.round(input.timeoutSeconds * 1000 * 0.8);
  const durationP99 = new cloudwatch.Alarm(scope, 'DurationP99Alarm', {
    alarmDescription: input.latencyBudgetMs !== undefined
      ? `${name}: p99 duration of the live alias is above the latency budget of ${budgetMs} ms`
      : `${name}: p99 duration of the live alias is above ${budgetMs} ms (80% of the ${input.timeoutSeconds} s timeout; no latency budget declared)`,
    metric: m.duration(alias),
    threshold: budgetMs,
    ...ABOVE_IN_2_OF_3,
  });
  return { spilloverInvocations, throttles, errors, durationP99 };
}
