/**
 * Conformance: every autoscaler's metric has a path from the pod to the HPA that the output or the
 * declared prerequisites provide, for each metrics stack, checked by a simulation of the cluster
 * (test/conformance/sim/metrics.ts) over the example app and over generated workloads; and the
 * simulation fails on each planted defect.
 */
import {
  ClusterFlavor, MetricsStack, ModelServer, PlacementPolicy, PlacementTarget, ScalingMetric, WorkloadProfile,
} from '../../lib';
import { CPU_PROFILE, GPU_PROFILE, HYBRID_PROFILE } from '../helpers/fixtures';
import { Manifest } from '../helpers/kubernetes';
import { SimulatedCluster, simulateMetricsPath } from './sim/metrics';
import { RenderedWorkload, renderExampleApp, renderWorkload, serverOf } from './sim/render';

/** kube-prometheus-stack: Prometheus in `monitoring`, selecting PodMonitors by its release label. */
const RELEASE = { release: 'kube-prometheus-stack' };
const SCRAPER = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' }, ip: '10.20.40.7' };
const OPERATOR: SimulatedCluster = { metrics: 'prometheus-operator', podMonitorSelector: RELEASE, scraper: SCRAPER };
const ANNOTATIONS: SimulatedCluster = { metrics: 'prometheus-annotations', scraper: SCRAPER };

const SERVERS: Record<string, () => ModelServer> = {
  vllm: ModelServer.vllm,
  tgi: ModelServer.textGenerationInference,
  triton: ModelServer.triton,
  generic: () => ModelServer.generic(),
};

function render(server: string, stack: MetricsStack, profile: WorkloadProfile, target: PlacementTarget, scalingMetric?: ScalingMetric) {
  return renderWorkload({
    profile,
    policy: PlacementPolicy.fixed(target),
    kubernetes: { modelServer: SERVERS[server](), flavor: ClusterFlavor.karpenter({ metrics: stack }), scalingMetric },
  });
}

const check = (w: RenderedWorkload, cluster: SimulatedCluster, manifests: Manifest[] = w.manifests, prerequisites = w.prerequisites) =>
  simulateMetricsPath({ server: serverOf(w.manifests), manifests, prerequisites, cluster });

/** A deep copy of the manifests with one object changed. */
function planted(manifests: Manifest[], change: (ms: Manifest[]) => Manifest[]): Manifest[] {
  return change(JSON.parse(JSON.stringify(manifests)));
}

describe('the metrics path from pod to HPA', () => {
  test('the example app: every Kubernetes half on the default cluster (Prometheus Operator selecting every PodMonitor)', () => {
    const rendered = renderExampleApp();
    expect(rendered.length).toBeGreaterThan(0);
    // the default MetricsStack.prometheusOperator() sets no podMonitorLabels: a Prometheus that selects every PodMonitor
    const cluster: SimulatedCluster = { ...OPERATOR, podMonitorSelector: undefined };
    expect(Object.fromEntries(rendered.map(w => [w.workload.workloadName, check(w, cluster)])))
      .toEqual(Object.fromEntries(rendered.map(w => [w.workload.workloadName, []])));
    // and the example holds both kinds of path: a scraped Pods metric and a CPU Resource metric
    const types = new Set(rendered.flatMap(w => w.manifests.filter(m => m.kind === 'HorizontalPodAutoscaler').map(h => h.spec.metrics[0].type)));
    expect([...types].sort()).toEqual(['Pods', 'Resource']);
  });

  const stacks: Array<[string, () => MetricsStack, SimulatedCluster]> = [
    ['Prometheus Operator', () => MetricsStack.prometheusOperator({ podMonitorLabels: RELEASE }), OPERATOR],
    ['prometheus.io annotations', () => MetricsStack.prometheusAnnotations(), ANNOTATIONS],
  ];
  const cases = stacks.flatMap(([stackName, stack, cluster]) => Object.keys(SERVERS).flatMap(server => [
    [`${server}, GPU on Kubernetes, ${stackName}`, server, stack, cluster, GPU_PROFILE, PlacementTarget.KUBERNETES],
    [`${server}, hybrid data plane, ${stackName}`, server, stack, cluster, HYBRID_PROFILE, PlacementTarget.HYBRID],
    [`${server}, CPU on Kubernetes, ${stackName}`, server, stack, cluster, CPU_PROFILE, PlacementTarget.KUBERNETES],
  ] as Array<[string, string, () => MetricsStack, SimulatedCluster, WorkloadProfile, PlacementTarget]>));
  test.each(cases)('generated: %s', (_name, server, stack, cluster, profile, target) => {
    const w = render(server, stack(), profile, target);
    expect(serverOf(w.manifests)).toBe(server);
    expect(check(w, cluster)).toEqual([]);
  });

  test.each([
    ['EKS Auto Mode', () => ClusterFlavor.eksAutoMode({ metrics: MetricsStack.prometheusOperator({ podMonitorLabels: RELEASE }) })],
    ['Karpenter', () => ClusterFlavor.karpenter({ metrics: MetricsStack.prometheusOperator({ podMonitorLabels: RELEASE }) })],
    ['managed node groups', () => ClusterFlavor.managedNodeGroups({ metrics: MetricsStack.prometheusOperator({ podMonitorLabels: RELEASE }) })],
  ])('every cluster flavor: %s (Triton GPU and a CPU workload)', (_name, clusterFlavor) => {
    for (const [server, profile] of [['triton', GPU_PROFILE], ['generic', CPU_PROFILE]] as const) {
      const w = renderWorkload({
        profile, policy: PlacementPolicy.fixed(PlacementTarget.KUBERNETES), kubernetes: { modelServer: SERVERS[server](), flavor: clusterFlavor() },
      });
      expect(check(w, OPERATOR)).toEqual([]);
    }
  });

  test('a per-pod metric the user names (podsAverage) is scraped and declared; an external one is declared', () => {
    const pods = render('vllm', MetricsStack.prometheusOperator({ podMonitorLabels: RELEASE }), GPU_PROFILE, PlacementTarget.KUBERNETES,
      ScalingMetric.podsAverage('vllm_requests_in_flight', 4));
    expect(check(pods, OPERATOR)).toEqual([]);
    const external = render('generic', MetricsStack.prometheusOperator(), GPU_PROFILE, PlacementTarget.KUBERNETES,
      ScalingMetric.externalAverage('sqs_messages_visible', 20));
    expect(check(external, OPERATOR)).toEqual([]);
    expect(check(external, OPERATOR, external.manifests, '')).toEqual([expect.stringMatching(/without an external metrics adapter declared/)]);
  });
});

describe('the simulation fails on each planted defect', () => {
  const triton = render('triton', MetricsStack.prometheusOperator({ podMonitorLabels: RELEASE }), GPU_PROFILE, PlacementTarget.KUBERNETES);
  const vllm = render('vllm', MetricsStack.prometheusAnnotations(), GPU_PROFILE, PlacementTarget.KUBERNETES);
  const cpu = render('generic', MetricsStack.prometheusOperator(), CPU_PROFILE, PlacementTarget.KUBERNETES);

  test('the unplanted output passes', () => {
    expect(check(triton, OPERATOR)).toEqual([]);
    expect(check(vllm, ANNOTATIONS)).toEqual([]);
    expect(check(cpu, OPERATOR)).toEqual([]);
  });

  test('an HPA on a Pods metric with no scrape object', () => {
    const noMonitor = planted(triton.manifests, ms => ms.filter(m => m.kind !== 'PodMonitor'));
    expect(check(triton, OPERATOR, noMonitor)).toEqual([expect.stringMatching(/no PodMonitor selected by the Prometheus/)]);
    const noAnnotations = planted(vllm.manifests, ms => {
      delete ms.find(m => m.kind === 'Deployment')!.spec.template.metadata.annotations;
      return ms;
    });
    expect(check(vllm, ANNOTATIONS, noAnnotations)).toEqual([expect.stringMatching(/no prometheus.io\/scrape/)]);
  });

  test('a PodMonitor the Prometheus does not select (labels), or that selects other pods', () => {
    expect(check(triton, { ...OPERATOR, podMonitorSelector: { release: 'other' } })).toEqual([expect.stringMatching(/no PodMonitor/)]);
    const otherPods = planted(triton.manifests, ms => {
      ms.find(m => m.kind === 'PodMonitor')!.spec.selector.matchLabels = { app: 'other' };
      return ms;
    });
    expect(check(triton, OPERATOR, otherPods)).toEqual([expect.stringMatching(/no PodMonitor/)]);
  });

  test('a NetworkPolicy that blocks Triton\'s metrics port 8002 from the scraper', () => {
    const blocked = planted(triton.manifests, ms => {
      const np = ms.find(m => m.kind === 'NetworkPolicy')!;
      np.spec.ingress = np.spec.ingress.filter((r: any) => !r.ports.some((p: any) => p.port === 8002));
      return ms;
    });
    expect(check(triton, OPERATOR, blocked)).toEqual([expect.stringMatching(/blocks the scraper \(monitoring\) on TCP 8002/)]);
    // the same policy, but the Prometheus runs in another namespace than the one admitted
    expect(check(triton, { ...OPERATOR, scraper: { ...SCRAPER, namespace: 'observability' } }))
      .toEqual([expect.stringMatching(/blocks the scraper \(observability\) on TCP 8002/)]);
  });

  test('a scrape of the wrong port or path: Triton scraped on its HTTP port', () => {
    const wrongPort = planted(triton.manifests, ms => {
      ms.find(m => m.kind === 'PodMonitor')!.spec.podMetricsEndpoints[0].port = 'http';
      // ...with the scraper admitted on that port, so that only the port is wrong
      ms.find(m => m.kind === 'NetworkPolicy')!.spec.ingress.find((r: any) => r.ports[0].port === 8002).ports = [{ protocol: 'TCP', port: 8000 }];
      return ms;
    });
    expect(check(triton, OPERATOR, wrongPort)).toEqual([expect.stringMatching(/scrapes \/metrics on 8000, the triton server exports \/metrics on 8002/)]);
  });

  test('an HPA metric name no declared adapter rule exposes, and a rule on series the server does not export', () => {
    const renamed = planted(vllm.manifests, ms => {
      ms.find(m => m.kind === 'HorizontalPodAutoscaler')!.spec.metrics[0].pods.metric.name = 'vllm:num_requests_running';
      return ms;
    });
    expect(check(vllm, ANNOTATIONS, renamed)).toEqual([expect.stringMatching(/no declared prometheus-adapter rule exposes vllm:num_requests_running/)]);
    const wrongSeries = vllm.prerequisites.replace(/vllm:num_requests_waiting/g, 'vllm:num_requests_swapped');
    expect(check(vllm, ANNOTATIONS, vllm.manifests, wrongSeries)).toEqual([expect.stringMatching(/queries vllm:num_requests_swapped, not exported/)]);
  });

  test('a CPU Resource HPA without metrics-server declared', () => {
    expect(check(cpu, OPERATOR, cpu.manifests, cpu.prerequisites.replace(/metrics-server/g, 'something'))).toEqual([
      expect.stringMatching(/Resource metric cpu without metrics-server declared/),
    ]);
  });
});
