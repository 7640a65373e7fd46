import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * Metrics of the `live` alias (dimensions `FunctionName` and `Resource` = `<function>:live`),
 * in the shape of aws-cdk's `metric*()` helpers: defaults first, then the caller's options.
 * @internal
 */
export const LIVE_ALIAS_METRICS = {
  /** Invocations that found no provisioned environment and cold-started: the cold tail. */
  spilloverInvocations: (alias: lambda.Alias, props?: cloudwatch.MetricOptions) =>
    alias.metric('ProvisionedConcurrencySpilloverInvocations', { statistic: 'Sum', period: Duration.minutes(5), ...props }),
  /** Throttled invocation requests. */
  throttles: (alias: lambda.Alias, props?: cloudwatch.MetricOptions) =>
    alias.metric('Throttles', { statistic: 'Sum', period: Duration.minutes(5), ...props }),
  /** Invocations that ended in a function error. */
  errors: (alias: lambda.Alias, props?: cloudwatch.MetricOptions) =>
    alias.metric('Errors', { statistic: 'Sum', period: Duration.minutes(5), ...props }),
  /** Invocations. */
  invocations: (alias: lambda.Alias, props?: cloudwatch.MetricOptions) =>
    alias.metric('Invocations', { statistic: 'Sum', period: Duration.minutes(5), ...props }),
  /** Time spent in the function per invocation, ms (p99 by default: the latency budget is a p99). */
  duration: (alias: lambda.Alias, props?: cloudwatch.MetricOptions) =>
    alias.metric('Duration', { statistic: 'p99', period: Duration.minutes(5), ...props }),
  /** Fraction of provisioned concurrency in use (what target tracking scales on). */
  provisionedConcurrencyUtilization: (alias: lambda.Alias, props?: cloudwatch.MetricOptions) =>
    alias.metric('ProvisionedConcurrencyUtilization', { statistic: 'Maximum', period: Duration.minutes(5), ...props }),
};
