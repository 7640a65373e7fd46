import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ResolvedClusterFlavor } from './cluster';
import { ModelServer } from './model-server';
import { NetworkPeer } from './pod-options';
import { ScalingMetric } from './scaling';
import { InferenceWorkloadValidationError } from '../../errors';
import { PodMonitor } from '../../imports/monitoring.coreos.com';

/*
 * The path of a model server's metrics to the autoscaler: the port and path the server exports on,
 * the object that tells Prometheus to scrape it (a PodMonitor, or the `prometheus.io/*` pod
 * annotations), the NetworkPolicy rule that admits the scraper, and what the cluster must run for
 * the HorizontalPodAutoscaler's metric to exist (metrics-server, prometheus-adapter with its rule).
 */

/** Name of the container port the metrics are scraped on when it is not the service port. */
export const METRICS_PORT_NAME = 'metrics';

/**
 * The scraper's default location: pods of the namespace `monitoring`, where kube-prometheus
 * (prometheus-operator/kube-prometheus `manifests/setup/namespace.yaml`) and the kube-prometheus-stack
 * Helm chart's documented install (`helm install ... --namespace monitoring`) put Prometheus.
 * @internal
 */
export const DEFAULT_METRICS_SCRAPER: NetworkPeer = { namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' } };

/** Where a pod's metrics are scraped. @internal */
export interface MetricsEndpoint {
  /** Container port number. */
  readonly port: number;
  /** Container port name (the PodMonitor selects the port by name). */
  readonly portName: string;
  /** HTTP path. */
  readonly path: string;
}

/**
 * The metrics endpoint of the model server in the pod, when the cluster has a metrics stack and the
 * server exports metrics the workload uses: the presets always do; a generic server only when the
 * autoscaler scales on a per-pod custom metric (otherwise it may have no `/metrics` at all).
 * @internal
 */
export function metricsEndpoint(
  flavor: ResolvedClusterFlavor, server: ModelServer, servicePort: number, servicePortName: string, metric: ScalingMetric,
): MetricsEndpoint | undefined {
  if (flavor.metrics._kind === 'none') {
    return undefined;
  }
  if (server.name === 'generic' && metric._source !== 'requests-in-flight' && metric._source !== 'pods') {
    return undefined;
  }
  // the stock image table states where the metrics are: a metrics port equal to the HTTP port means
  // on the server's own port, which follows 'kubernetes.containerPort'; another is the server's own
  const needs = server._needs;
  const ownPort = needs.metricsPort !== needs.port;
  if (ownPort && needs.metricsPort === servicePort) {
    throw new InferenceWorkloadValidationError(
      `'kubernetes.containerPort' must differ from the ${server.name} metrics port ${needs.metricsPort}, got ${servicePort}`);
  }
  return ownPort
    ? { port: needs.metricsPort, portName: METRICS_PORT_NAME, path: needs.metricsPath }
    : { port: servicePort, portName: servicePortName, path: needs.metricsPath };
}

/**
 * Refuses at construction an autoscaler metric the cluster cannot serve: without a metrics stack
 * (`MetricsStack.none()`) only `Resource` metrics (metrics-server) exist.
 * @internal
 */
export function checkScalingMetricForCluster(flavor: ResolvedClusterFlavor, metric: ScalingMetric | undefined): void {
  if (metric !== undefined && flavor.metrics._kind === 'none' && metric._source !== 'resource') {
    throw new InferenceWorkloadValidationError(
      '\'kubernetes.scalingMetric\' must be ScalingMetric.cpuUtilization() when \'kubernetes.flavor.metrics\' is MetricsStack.none() '
      + `(no Prometheus and custom or external metrics adapter to serve it), got ${metric.description}`);
  }
}

/**
 * The autoscaler's metric: the option, else requests in flight for GPU pods and CPU utilization for
 * CPU pods. A GPU pod on a cluster without a metrics stack has no default: CPU utilization never
 * reaches a target on a GPU-bound server, so the user must choose it knowingly.
 * @internal
 */
export function scalingMetricOf(flavor: ResolvedClusterFlavor, metric: ScalingMetric | undefined, gpu: boolean): ScalingMetric {
  if (metric !== undefined) {
    return metric;
  }
  if (!gpu) {
    return ScalingMetric.cpuUtilization();
  }
  if (flavor.metrics._kind === 'none') {
    throw new InferenceWorkloadValidationError(
      "'kubernetes.scalingMetric' is required for a GPU workload when 'kubernetes.flavor.metrics' is MetricsStack.none(): "
      + 'requests in flight need Prometheus and prometheus-adapter; choose a metrics stack, or ScalingMetric.cpuUtilization() '
      + 'knowing that a GPU-bound server rarely reaches a CPU target, got undefined');
  }
  return ScalingMetric.requestsInFlight();
}

/**
 * Tells the cluster's Prometheus to scrape the pods: a `monitoring.coreos.com/v1` PodMonitor selecting
 * the pods' labels and the metrics port by name (Prometheus Operator), or the `prometheus.io/scrape`,
 * `/port` and `/path` pod annotations that the Prometheus Helm chart's `kubernetes-pods` job keeps
 * (prometheus-community/helm-charts `charts/prometheus/values.yaml`).
 * @internal
 */
export function renderScrape(
  chart: cdk8s.Chart, name: string, deployment: kplus.Deployment, flavor: ResolvedClusterFlavor, endpoint: MetricsEndpoint,
): PodMonitor | undefined {
  if (flavor.metrics._kind === 'prometheus-annotations') {
    deployment.podMetadata.addAnnotation('prometheus.io/scrape', 'true');
    deployment.podMetadata.addAnnotation('prometheus.io/port', String(endpoint.port));
    deployment.podMetadata.addAnnotation('prometheus.io/path', endpoint.path);
    return undefined;
  }
  const labels = flavor.metrics._podMonitorLabels;
  return new PodMonitor(chart, 'PodMonitor', {
    metadata: { name, ...(labels && Object.keys(labels).length > 0 ? { labels: { ...labels } } : {}) },
    spec: {
      selector: { matchLabels: { ...deployment.matchLabels } },
      podMetricsEndpoints: [{ port: endpoint.portName, path: endpoint.path }],
    },
  });
}

/**
 * What the cluster must run for the autoscaler's metric to exist, one sentence each.
 * @internal
 */
export function scalingPrerequisites(
  name: string, flavor: ResolvedClusterFlavor, server: ModelServer, metric: ScalingMetric, endpoint: MetricsEndpoint | undefined,
): string[] {
  switch (metric._source) {
    case 'resource':
      // https://docs.aws.amazon.com/eks/latest/userguide/metrics-server.html: "it isn't deployed by default in Amazon EKS clusters"
      return [`${name}: metrics-server serves the pods' CPU (metrics.k8s.io) to the HorizontalPodAutoscaler; EKS does not deploy it by default `
        + '(Auto Mode included): install the metrics-server community add-on or its Helm chart.'];
    case 'requests-in-flight':
      return [`${name}: prometheus-adapter serves the pods metric ${server.metricName} (custom.metrics.k8s.io) with the rule `
        + `${adapterRule(server)}, from ${scrapedBy(flavor, endpoint)}.`];
    case 'pods':
      return [`${name}: a custom metrics adapter (e.g. prometheus-adapter) serves the pods metric ${metric._metricName} (custom.metrics.k8s.io)`
        + `${endpoint ? `, from ${scrapedBy(flavor, endpoint)}` : ''}.`];
    case 'external':
      return [`${name}: an external metrics adapter (e.g. KEDA or prometheus-adapter) serves the metric ${metric._metricName} (external.metrics.k8s.io).`];
  }
}

/**
 * The prometheus-adapter rule (`rules:` of its configuration, kubernetes-sigs/prometheus-adapter
 * `docs/config.md`) that exposes the preset's requests in flight under `metricName`: the series is
 * discovered by one of the server's own metrics, associated with the pod and namespace labels
 * Prometheus adds when it scrapes pods, and renamed with `name.as` (the adapter does not rename on
 * its own: `vllm:num_requests_running` would otherwise keep its name and its `:`).
 * @internal
 */
export function adapterRule(server: ModelServer): string {
  const series = server._metrics.series;
  return `{ seriesQuery: '${series}{namespace!="",pod!=""}', `
    + 'resources: { overrides: { namespace: { resource: namespace }, pod: { resource: pod } } }, '
    + `name: { matches: '^${series}$', as: '${server.metricName}' }, metricsQuery: '${server.metricsQuery}' }`;
}

function scrapedBy(flavor: ResolvedClusterFlavor, endpoint: MetricsEndpoint | undefined): string {
  const where = endpoint ? `${endpoint.path} on port ${endpoint.port}` : '/metrics';
  return flavor.metrics._kind === 'prometheus-operator'
    ? `a Prometheus (Prometheus Operator) whose podMonitorSelector selects the workload's PodMonitor, scraping ${where}`
    : `a Prometheus that scrapes pods by their prometheus.io/scrape, /port and /path annotations (${where})`;
}
