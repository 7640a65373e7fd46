/**
 * Plays the cluster's part on the path of an autoscaler's metric, from the model server to the
 * HorizontalPodAutoscaler, over a workload's rendered manifests and the prerequisites the library
 * declared. Test code: it models what the cluster does, and must fail on broken output.
 *
 * 1. The server exports its metrics where the image really does (`SERVERS`, from each server's docs).
 * 2. Prometheus discovers the pods: a PodMonitor whose labels the Prometheus selects, whose selector
 *    matches the pod template's labels and whose endpoint names a container port (Prometheus
 *    Operator), or the `prometheus.io/*` pod annotations (plain Prometheus).
 * 3. The scrape reaches the pod: every NetworkPolicy selecting the pod admits the scraper pod on the
 *    scraped port (no policy selecting it: allowed).
 * 4. The scraped port and path are where the server exports: its series exist in Prometheus, with
 *    the `namespace` and `pod` labels Prometheus adds.
 * 5. The HPA's metric is served: `Resource` by metrics-server (a declared prerequisite); `Pods` by a
 *    declared prometheus-adapter rule whose series the server exports and whose `name.as` is the
 *    HPA's metric name (the adapter does not rename on its own: kubernetes-sigs/prometheus-adapter
 *    docs/config.md); `External` by a declared external metrics adapter.
 */
import { Manifest } from '../../helpers/kubernetes';

/** What each model server exports, as its own documentation says. */
interface ServerTruth {
  /** Port of `/metrics` given the model-server container. */
  readonly metricsPort: (container: any) => number;
  readonly path: string;
  /** Series names the server exports. */
  readonly series: readonly string[];
}

const namedPort = (container: any, name: string): number => container.ports.find((p: any) => p.name === name)?.containerPort;
const argValue = (container: any, flag: string): string | undefined =>
  (container.args ?? []).find((a: string) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);

/** The servers' metrics endpoints and series. */
export const SERVERS: Record<string, ServerTruth> = {
  // vLLM's API server mounts /metrics on its own port (vllm/entrypoints/openai/api_server.py); gauges in vllm/v1/metrics/loggers.py
  vllm: { metricsPort: c => namedPort(c, 'http'), path: '/metrics', series: ['vllm:num_requests_running', 'vllm:num_requests_waiting'] },
  // TGI's router serves /metrics on its port (text-generation-inference docs/source/reference/metrics.md)
  tgi: { metricsPort: c => namedPort(c, 'http'), path: '/metrics', series: ['tgi_queue_size', 'tgi_batch_current_size'] },
  // Triton serves /metrics on --metrics-port, 8002 by default (triton-inference-server/server docs/user_guide/metrics.md)
  triton: {
    metricsPort: c => Number(argValue(c, '--metrics-port') ?? 8002),
    path: '/metrics',
    series: ['nv_inference_request_duration_us', 'nv_inference_pending_request_count'],
  },
  // the library's contract for a generic server: a gauge at /metrics on its port
  generic: { metricsPort: c => namedPort(c, 'http'), path: '/metrics', series: ['inference_requests_in_flight'] },
};

/** The cluster around the workload. */
export interface SimulatedCluster {
  /** The metrics stack: who discovers the pods. */
  readonly metrics: 'prometheus-operator' | 'prometheus-annotations' | 'none';
  /** Labels the Prometheus resource's `podMonitorSelector` requires (Prometheus Operator). */
  readonly podMonitorSelector?: Record<string, string>;
  /** The scraping Prometheus pod: its namespace, labels and IP. */
  readonly scraper: { readonly namespace: string; readonly labels: Record<string, string>; readonly ip: string };
}

/** A workload to check. */
export interface MetricsPathInput {
  /** The model server preset in the image (`ModelServer.name`). */
  readonly server: string;
  /** The workload's manifests (one chart). */
  readonly manifests: Manifest[];
  /** Every prerequisite the library declared for the workload's stack (the synth warning's text). */
  readonly prerequisites: string;
  readonly cluster: SimulatedCluster;
}

const subset = (want: Record<string, string> | undefined, have: Record<string, string> | undefined) =>
  Object.entries(want ?? {}).every(([k, v]) => (have ?? {})[k] === v);

function ipInCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  if (base.includes(':') || ip.includes(':')) {
    return Number(bits) === 0 && base.includes(':') === ip.includes(':');
  }
  const toInt = (a: string) => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
  const block = 2 ** (32 - Number(bits));
  return Math.floor(toInt(ip) / block) === Math.floor(toInt(base) / block);
}

/** Whether a NetworkPolicy peer admits a pod (namespace labels: `kubernetes.io/metadata.name`). */
function peerAdmits(peer: any, policyNamespace: string, pod: SimulatedCluster['scraper']): boolean {
  if (peer.ipBlock) {
    return ipInCidr(pod.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c: string) => ipInCidr(pod.ip, c));
  }
  const nsOk = peer.namespaceSelector
    ? subset(peer.namespaceSelector.matchLabels, { 'kubernetes.io/metadata.name': pod.namespace })
    : pod.namespace === policyNamespace;
  const podOk = peer.podSelector ? subset(peer.podSelector.matchLabels, pod.labels) : true;
  return nsOk && podOk;
}

/** Whether the NetworkPolicies of the namespace let `from` open TCP `port` on a pod with `labels`. */
export function ingressAllowed(manifests: Manifest[], namespace: string, labels: Record<string, string>, port: number,
  from: SimulatedCluster['scraper']): boolean {
  const policies = manifests.filter(m => m.kind === 'NetworkPolicy' && (m.metadata.namespace ?? 'default') === namespace
    && (m.spec.policyTypes ?? ['Ingress']).includes('Ingress') && subset(m.spec.podSelector?.matchLabels, labels));
  if (policies.length === 0) {
    return true;
  }
  return policies.some(p => (p.spec.ingress ?? []).some((rule: any) =>
    (rule.ports === undefined || rule.ports.some((rp: any) => rp.port === port && (rp.protocol ?? 'TCP') === 'TCP'))
    && (rule.from === undefined || rule.from.some((peer: any) => peerAdmits(peer, namespace, from)))));
}

/** Where Prometheus scrapes the pod, or why it does not. */
function discover(input: MetricsPathInput, pod: any, podLabels: Record<string, string>, namespace: string):
{ port: number; path: string } | string {
  const containers: any[] = pod.spec.containers;
  if (input.cluster.metrics === 'prometheus-operator') {
    const monitors = input.manifests.filter(m => m.apiVersion === 'monitoring.coreos.com/v1' && m.kind === 'PodMonitor'
      && (m.metadata.namespace ?? 'default') === namespace);
    for (const pm of monitors) {
      if (!subset(input.cluster.podMonitorSelector, pm.metadata.labels)) {
        continue; // the Prometheus does not select this PodMonitor
      }
      if (!subset(pm.spec.selector?.matchLabels, podLabels)) {
        continue;
      }
      for (const ep of pm.spec.podMetricsEndpoints ?? []) {
        const port = containers.flatMap(c => c.ports ?? []).find((p: any) => p.name === ep.port);
        if (port) {
          return { port: port.containerPort, path: ep.path ?? '/metrics' };
        }
      }
    }
    return 'no PodMonitor selected by the Prometheus selects the pods with a named container port';
  }
  if (input.cluster.metrics === 'prometheus-annotations') {
    const a = pod.metadata?.annotations ?? {};
    if (a['prometheus.io/scrape'] !== 'true') {
      return 'the pods have no prometheus.io/scrape: "true" annotation';
    }
    return { port: Number(a['prometheus.io/port']), path: a['prometheus.io/path'] ?? '/metrics' };
  }
  return 'the cluster has no metrics stack';
}

/** The declared prometheus-adapter rule that exposes `metricName`, parsed from the prerequisites. */
function adapterRuleFor(prerequisites: string, metricName: string):
{ series: string; matches: string; as: string; query: string } | undefined {
  const rules = [...prerequisites.matchAll(/\{ seriesQuery: '([^'{]+)\{[^']*', [^]*?name: \{ matches: '([^']+)', as: '([^']+)' \}, metricsQuery: '([^']+)' \}/g)];
  const rule = rules.map(r => ({ series: r[1], matches: r[2], as: r[3], query: r[4] })).find(r => r.as === metricName);
  return rule;
}

/**
 * The failures on the path from each pod's server to its HPA: `[]` when every autoscaler's metric
 * has a path that the output or the declared prerequisites provide.
 */
export function simulateMetricsPath(input: MetricsPathInput): string[] {
  const failures: string[] = [];
  const truth = SERVERS[input.server];
  for (const hpa of input.manifests.filter(m => m.kind === 'HorizontalPodAutoscaler')) {
    const namespace = hpa.metadata.namespace ?? 'default';
    const target = input.manifests.find(m => m.kind === hpa.spec.scaleTargetRef.kind && m.metadata.name === hpa.spec.scaleTargetRef.name);
    if (!target) {
      failures.push(`${hpa.metadata.name}: the HPA targets no object of the chart`);
      continue;
    }
    const pod = target.spec.template;
    const podLabels = pod.metadata?.labels ?? {};
    for (const metric of hpa.spec.metrics ?? []) {
      if (metric.type === 'Resource') {
        if (!/metrics-server/.test(input.prerequisites)) {
          failures.push(`${hpa.metadata.name}: Resource metric ${metric.resource.name} without metrics-server declared`);
        }
        if (!pod.spec.containers.every((c: any) => c.resources?.requests?.[metric.resource.name] !== undefined)) {
          failures.push(`${hpa.metadata.name}: utilization of ${metric.resource.name} without a request in every container`);
        }
        continue;
      }
      if (metric.type === 'External') {
        if (!new RegExp(`external metrics adapter.{0,60} the metric ${metric.external.metric.name} `).test(input.prerequisites)) {
          failures.push(`${hpa.metadata.name}: External metric ${metric.external.metric.name} without an external metrics adapter declared`);
        }
        continue;
      }
      // Pods: Prometheus must scrape the server, and an adapter rule must expose the name
      const name = metric.pods.metric.name;
      const where = discover(input, pod, podLabels, namespace);
      if (typeof where === 'string') {
        failures.push(`${hpa.metadata.name}: Pods metric ${name}, but ${where}`);
        continue;
      }
      if (!ingressAllowed(input.manifests, namespace, podLabels, where.port, input.cluster.scraper)) {
        failures.push(`${hpa.metadata.name}: the NetworkPolicy blocks the scraper (${input.cluster.scraper.namespace}) on TCP ${where.port}`);
        continue;
      }
      const server = pod.spec.containers.find((c: any) => c.name === 'model-server');
      const exported = truth === undefined ? undefined : { port: truth.metricsPort(server), path: truth.path };
      if (!exported || exported.port !== where.port || exported.path !== where.path) {
        failures.push(`${hpa.metadata.name}: Prometheus scrapes ${where.path} on ${where.port}, the ${input.server} server exports `
          + `${exported ? `${exported.path} on ${exported.port}` : 'nothing known'}`);
        continue;
      }
      const rule = adapterRuleFor(input.prerequisites, name);
      if (!rule) {
        // a metric the user named: the library cannot write its rule, only declare that an adapter serves it
        if (!new RegExp(`custom metrics adapter.{0,40} serves the pods metric ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `).test(input.prerequisites)) {
          failures.push(`${hpa.metadata.name}: no declared prometheus-adapter rule exposes ${name}`);
        }
        continue;
      }
      if (!truth.series.includes(rule.series) || !new RegExp(rule.matches).test(rule.series)) {
        failures.push(`${hpa.metadata.name}: the adapter rule discovers ${rule.series}, which the ${input.server} server does not export (or its name does not match ${rule.matches})`);
      }
      const queried = [...rule.query.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)\{<<\.LabelMatchers>>\}/g)].map(m => m[1]);
      const missing = queried.filter(s => !truth.series.includes(s));
      if (queried.length === 0 || missing.length > 0) {
        failures.push(`${hpa.metadata.name}: the adapter rule queries ${missing.join(', ') || 'no series'}, not exported by the ${input.server} server`);
      }
    }
  }
  return failures;
}
