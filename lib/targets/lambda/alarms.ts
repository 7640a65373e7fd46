import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { LIVE_ALIAS_METRICS } from './metrics';

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
}

/**
 * The alarms every Lambda-based target puts on its `live` alias: throttles, an error rate above
 * 1% and the p99 duration above the latency budget (each in 2 of the last 3 periods of 5 minutes,
 * throttles at once). Construct ids `ThrottlesAlarm`, `ErrorsAlarm`, `DurationP99Alarm`.
 * @internal
 */
export function liveAliasAlarms(scope: Construct, alias: lambda.Alias, input: LiveAliasAlarmInput):
{ throttles: cloudwatch.Alarm; errors: cloudwatch.Alarm; durationP99: cloudwatch.Alarm } {
  const m = LIVE_ALIAS_METRICS;
  const name = input.workloadName;
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
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  const budgetMs = input.latencyBudgetMs ?? Math.round(input.timeoutSeconds * 1000 * 0.8);
  const durationP99 = new cloudwatch.Alarm(scope, 'DurationP99Alarm', {
    alarmDescription: input.latencyBudgetMs !== undefined
      ? `${name}: p99 duration of the live alias is above the latency budget of ${budgetMs} ms`
      : `${name}: p99 duration of the live alias is above ${budgetMs} ms (80% of the ${input.timeoutSeconds} s timeout; no latency budget declared)`,
    metric: m.duration(alias),
    threshold: budgetMs,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  return { throttles, errors, durationP99 };
}
