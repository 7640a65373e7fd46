import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ManagedInstancesSizing } from '../../policy';
import { ABOVE_IN_2_OF_3 } from '../lambda/alarms';

/*
 * Capacity provider metrics: namespace AWS/Lambda, dimensions CapacityProviderName and InstanceType;
 * "vCPUAvailable - The amount of vCPU available on instances for allocation (in count)" and
 * "vCPUAllocated - The amount of vCPU allocated on instances for execution environments (in count)",
 * "published at 5-minute intervals"
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-monitoring.html, read 2026-12-08).
 * AWS publishes no metric of the vCPUs against the provider's `MaxVCpuCount`: their sum over the
 * provider's instance types is the vCPUs of its running instances, which `MaxVCpuCount` caps.
 */

/** Metrics a CloudWatch alarm on a metric math expression may use, at most (two per instance type). */
const MAX_ALARM_METRICS = 10;

/** Instance types the capacity alarm can sum: two metrics each, within an alarm's metrics. @internal */
export const MAX_ALARMED_INSTANCE_TYPES = MAX_ALARM_METRICS / 2;

/**
 * The alarm when a capacity provider cannot grow: the vCPUs of its running instances (allocated plus
 * available, summed over the instance types it may launch) leave no room under its `MaxVCpuCount` for
 * one more instance of the type the decision priced, in 2 of the last 3 periods of 5 minutes. Past
 * that point, traffic above the decision's peak is throttled rather than served. Construct id
 * `CapacityLimitAlarm`; the same for CPU and GPU providers.
 * A metric math alarm takes at most 10 metrics
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create-alarm-on-metric-math-expression.html).
 * @internal
 */
export function capacityLimitAlarm(
  scope: Construct, workloadName: string, capacityProvider: lambda.ICapacityProvider, sizing: ManagedInstancesSizing,
): cloudwatch.Alarm {
  const types = sizing.instanceTypes ?? [sizing.instanceType];
  const usingMetrics: Record<string, cloudwatch.IMetric> = {};
  types.forEach((instanceType, i) => {
    for (const [key, metricName] of [['allocated', 'vCPUAllocated'], ['available', 'vCPUAvailable']]) {
      usingMetrics[`${key}${i}`] = new cloudwatch.Metric({
        namespace: 'AWS/Lambda',
        metricName,
        dimensionsMap: { CapacityProviderName: capacityProvider.capacityProviderName, InstanceType: instanceType },
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.minutes(5),
      });
    }
  });
  const threshold = sizing.maxVCpuCount - sizing.instanceVcpu;
  return new cloudwatch.Alarm(scope, 'CapacityLimitAlarm', {
    alarmDescription: `${workloadName}: the capacity provider's instances hold more than ${threshold} of its ${sizing.maxVCpuCount} vCPUs (MaxVCpuCount), `
      + `no room for another ${sizing.instanceType} (${sizing.instanceVcpu} vCPUs), in 2 of the last 3 periods of 5 minutes: `
      + 'traffic above the decision\'s peak is throttled until the ceiling is raised',
    metric: new cloudwatch.MathExpression({
      label: 'vCPUs of the capacity provider\'s instances',
      // an instance type with no instance publishes nothing: SUM over the series skips it
      expression: 'SUM(METRICS())',
      usingMetrics,
      period: Duration.minutes(5),
    }),
    threshold,
    ...ABOVE_IN_2_OF_3,
  });
}
