import * as kplus from 'cdk8s-plus-28';
import { ModelServer } from './model-server';
import { checkLabelKey, checkLabelValue } from './validate';
import { KubernetesSizing } from '../../policy';
import { checkNumber, checkOptionalNumber, checkString } from '../../private/validate';

/** What a scaling metric is built from. @internal */
export interface ScalingContext {
  readonly sizing: KubernetesSizing;
  readonly server: ModelServer;
}

const METRIC_NAME = /^[A-Za-z_:][A-Za-z0-9_:.\/-]*$/;

/**
 * Which metrics API an autoscaler metric comes from: `resource` (metrics.k8s.io, metrics-server),
 * `requests-in-flight` (custom.metrics.k8s.io, the model server's preset rule), `pods`
 * (custom.metrics.k8s.io, a metric the user names) or `external` (external.metrics.k8s.io).
 * @internal
 */
export type ScalingMetricSource = 'resource' | 'requests-in-flight' | 'pods' | 'external';

/**
 * What the workload's one HorizontalPodAutoscaler scales on.
 */
export class ScalingMetric {
  /**
   * Average CPU utilization of the pods, percent of the CPU request (`Resource` metric `cpu`).
   * @param percent target utilization, 1–100 @default 70
   */
  public static cpuUtilization(percent: number = 70): ScalingMetric {
    checkNumber('scalingMetric.percent', percent, { min: 1, max: 100, integer: true });
    return new ScalingMetric('resource', `cpu utilization ${percent}%`, () => kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(percent)));
  }

  /**
   * Requests in flight per replica (being served or queued), averaged over the pods: a `Pods`
   * metric of the custom metrics API, served by prometheus-adapter from the model server's own
   * gauges (the rule per server is `ModelServer.metricsQuery`; see the README's Kubernetes section).
   * The default for GPU pods: a GPU-bound server barely uses its CPU, so CPU utilization never
   * reaches a target.
   * @param targetPerReplica requests in flight per replica to hold @default - the concurrency per replica the policy sized for
   */
  public static requestsInFlight(targetPerReplica?: number): ScalingMetric {
    checkOptionalNumber('scalingMetric.targetPerReplica', targetPerReplica, { min: 0, exclusiveMin: true, max: 100_000 });
    return new ScalingMetric('requests-in-flight', `requests in flight per replica${targetPerReplica === undefined ? '' : ` ${targetPerReplica}`}`,
      ctx => kplus.Metric.pods({
        name: ctx.server.metricName,
        target: kplus.MetricTarget.averageValue(targetPerReplica ?? ctx.sizing.concurrencyPerReplica),
      }));
  }

  /**
   * A per-pod custom metric (`Pods` metric from a custom metrics adapter), e.g. the model server's
   * `vllm:num_requests_waiting`, scaled to an average value per pod.
   */
  public static podsAverage(metricName: string, averageValue: number): ScalingMetric {
    checkString('scalingMetric.metricName', metricName, { maxLength: 253, pattern: METRIC_NAME, patternDescription: 'a metric name' });
    checkNumber('scalingMetric.averageValue', averageValue, { min: 0, exclusiveMin: true });
    return new ScalingMetric('pods', `pods metric ${metricName} averaging ${averageValue}`,
      () => kplus.Metric.pods({ name: metricName, target: kplus.MetricTarget.averageValue(averageValue) }), metricName);
  }

  /**
   * An external metric divided by the number of pods (`External` metric with `AverageValue`), e.g. a
   * queue's depth from KEDA or the CloudWatch adapter: `ScalingMetric.externalAverage('sqs_messages_visible', 20)`.
   * @param matchLabels labels that select the metric series @default - every series of the metric
   */
  public static externalAverage(metricName: string, averageValue: number, matchLabels?: Record<string, string>): ScalingMetric {
    checkString('scalingMetric.metricName', metricName, { maxLength: 253, pattern: METRIC_NAME, patternDescription: 'a metric name' });
    checkNumber('scalingMetric.averageValue', averageValue, { min: 0, exclusiveMin: true });
    for (const [k, v] of Object.entries(matchLabels ?? {})) {
      checkLabelKey('scalingMetric.matchLabels', k);
      checkLabelValue(`scalingMetric.matchLabels.${k}`, v);
    }
    const selector = matchLabels && Object.keys(matchLabels).length > 0
      ? kplus.LabelSelector.of({ labels: { ...matchLabels } })
      : undefined;
    return new ScalingMetric('external', `external metric ${metricName} averaging ${averageValue} per pod`,
      () => kplus.Metric.external({ name: metricName, target: kplus.MetricTarget.averageValue(averageValue), labelSelector: selector }), metricName);
  }

  private constructor(
    /** Which metrics API the metric comes from. @internal */
    public readonly _source: ScalingMetricSource,
    /** A short description, e.g. `cpu utilization 70%`. */
    public readonly description: string,
    private readonly build: (ctx: ScalingContext) => kplus.Metric,
    /** The metric's name in its API, for `pods` and `external`. @internal */
    public readonly _metricName?: string,
  ) {}

  /** @internal */
  public _toMetric(ctx: ScalingContext): kplus.Metric {
    return this.build(ctx);
  }
}

/** How pods are spread across availability zones (`topologySpreadConstraints` on `topology.kubernetes.io/zone`). */
export enum ZoneSpread {
  /** Spread evenly when capacity allows, but schedule anyway (`ScheduleAnyway`): GPU capacity is scarce. */
  BEST_EFFORT = 'ScheduleAnyway',
  /** Never put more than one extra pod in a zone (`DoNotSchedule`): pods stay Pending instead. */
  REQUIRED = 'DoNotSchedule',
  /** No zone spread constraint. */
  NONE = 'None',
}
