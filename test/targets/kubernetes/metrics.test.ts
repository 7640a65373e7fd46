import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { CPU_SIZING, GPU_SIZING, kindOf, newStack, place, podSpec, synth } from './fixtures';
import { ClusterFlavor, LoadBalancerIntegration, MetricsStack, ModelServer, ScalingMetric, InferenceWorkload, ModelImage, PlacementPolicy, PlacementTarget } from '../../../lib';
import { PRE_STOP_DELAY_SECONDS } from '../../../lib/policy/sizing';
import { checkKubernetesOptions } from '../../../lib/targets/kubernetes/check-options';
import { DEREGISTRATION_DELAY_SECONDS, DEREGISTRATION_MARGIN_SECONDS, drainTiming } from '../../../lib/targets/kubernetes/drain';
import { namespaceLabels } from '../../../lib/targets/kubernetes/namespace';
import { HYBRID_PROFILE, importedVpc } from '../../helpers/fixtures';

const flavor = (metrics: MetricsStack, extra: { loadBalancer?: LoadBalancerIntegration } = {}) => ClusterFlavor.karpenter({ metrics, ...extra });
const MONITORING = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } };

/** The stack's prerequisites warning, after synth. */
function prerequisites(w: InferenceWorkload): string {
  const stack = Stack.of(w);
  App.of(stack)!.synth();
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('need what synth cannot check')).map(x => x.entry.data).join('\n');
}

describe('a scrape object for the metrics stack', () => {
  test('Prometheus Operator: a PodMonitor with the labels its Prometheus selects, on the pods\' labels and the named metrics port', () => {
    const m = synth(place({ modelServer: ModelServer.vllm(), flavor: flavor(MetricsStack.prometheusOperator({ podMonitorLabels: { release: 'kps' } })) }));
    const pm = kindOf(m, 'PodMonitor');
    expect(pm.metadata.labels).toMatchObject({ release: 'kps' });
    expect(pm.spec.selector.matchLabels).toEqual(kindOf(m, 'Deployment').spec.selector.matchLabels);
    expect(pm.spec.podMetricsEndpoints).toEqual([{ port: 'http', path: '/metrics' }]);
    expect(podSpec(m).containers[0].ports).toEqual([{ containerPort: 8000, name: 'http' }]);
  });

  test('Triton: its metrics port 8002 is declared, named, scraped, and admitted from the scraper only', () => {
    const m = synth(place({ modelServer: ModelServer.triton() }));
    const server = podSpec(m).containers[0];
    expect(server.ports).toEqual([{ containerPort: 8000, name: 'http' }, { containerPort: 8002, name: 'metrics' }]);
    expect(server.args).toContain('--metrics-port=8002');
    expect(kindOf(m, 'PodMonitor').spec.podMetricsEndpoints).toEqual([{ port: 'metrics', path: '/metrics' }]);
    expect(kindOf(m, 'NetworkPolicy').spec.ingress).toEqual([
      { from: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: 8000 }] },
      { from: [MONITORING], ports: [{ protocol: 'TCP', port: 8002 }] },
    ]);
    expect(() => place({ modelServer: ModelServer.triton(), containerPort: 8002 }))
      .toThrow("'kubernetes.containerPort' must differ from the triton metrics port 8002, got 8002");
  });

  test('plain Prometheus: the prometheus.io annotations on the pods, no PodMonitor', () => {
    const m = synth(place({ modelServer: ModelServer.triton(), flavor: flavor(MetricsStack.prometheusAnnotations()) }));
    expect(kindOf(m, 'Deployment').spec.template.metadata.annotations).toEqual(expect.objectContaining({
      'prometheus.io/scrape': 'true', 'prometheus.io/port': '8002', 'prometheus.io/path': '/metrics',
    }));
    expect(m.filter(x => x.kind === 'PodMonitor')).toEqual([]);
  });

  test('the scraper is the option metricsScraper when given, checked by name', () => {
    const m = synth(place({ metricsScraper: { podLabels: { 'app.kubernetes.io/name': 'prometheus' } } }));
    expect(kindOf(m, 'NetworkPolicy').spec.ingress[1].from).toEqual([{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }]);
    expect(() => place({ metricsScraper: { cidr: '10.0.0.0/8', podLabels: { a: 'b' } } }))
      .toThrow("'kubernetes.metricsScraper' must set exactly one of cidr, namespaceLabels, podLabels, got cidr, podLabels");
  });

  test('a generic server scaled on CPU is not scraped (it may have no /metrics); no scraper rule', () => {
    const m = synth(place({}, CPU_SIZING));
    expect(m.filter(x => x.kind === 'PodMonitor')).toEqual([]);
    expect(kindOf(m, 'NetworkPolicy').spec.ingress).toEqual([{ from: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: 8080 }] }]);
  });
});

describe('what the autoscaler\'s metric needs', () => {
  test('a CPU Resource HPA declares metrics-server; requests in flight declare the exact prometheus-adapter rule', () => {
    expect(prerequisites(place({}, CPU_SIZING))).toMatch(/metrics-server serves the pods' CPU \(metrics.k8s.io\)/);
    const gpu = prerequisites(place({ modelServer: ModelServer.vllm() }, GPU_SIZING));
    expect(gpu).toContain('prometheus-adapter serves the pods metric vllm_requests_in_flight (custom.metrics.k8s.io) with the rule '
      + '{ seriesQuery: \'vllm:num_requests_running{namespace!="",pod!=""}\', resources: { overrides: { namespace: { resource: namespace }, pod: { resource: pod } } }, '
      + 'name: { matches: \'^vllm:num_requests_running$\', as: \'vllm_requests_in_flight\' }, metricsQuery: \'sum(vllm:num_requests_running{<<.LabelMatchers>>} '
      + '+ vllm:num_requests_waiting{<<.LabelMatchers>>}) by (<<.GroupBy>>)\' }');
    expect(gpu).not.toMatch(/metrics-server/);
  });

  test('without a metrics stack, only CPU: custom and external metrics are refused at construction, naming both options', () => {
    const none = flavor(MetricsStack.none());
    for (const metric of [ScalingMetric.requestsInFlight(), ScalingMetric.podsAverage('x', 1), ScalingMetric.externalAverage('q', 5)]) {
      expect(() => place({ flavor: none, scalingMetric: metric }, CPU_SIZING))
        .toThrow(/^'kubernetes.scalingMetric' must be ScalingMetric.cpuUtilization\(\) when 'kubernetes.flavor.metrics' is MetricsStack.none\(\)/);
    }
    expect(() => place({ flavor: none }, GPU_SIZING)).toThrow(/^'kubernetes.scalingMetric' is required for a GPU workload when 'kubernetes.flavor.metrics' is MetricsStack.none\(\)/);
    const m = synth(place({ flavor: none, scalingMetric: ScalingMetric.cpuUtilization(60) }, GPU_SIZING));
    expect(kindOf(m, 'HorizontalPodAutoscaler').spec.metrics[0].type).toBe('Resource');
    expect(m.filter(x => x.kind === 'PodMonitor')).toEqual([]);
    expect(kindOf(m, 'NetworkPolicy').spec.ingress).toHaveLength(1);
  });
});

describe('ingress only from named sources', () => {
  const warnings = (w: InferenceWorkload) => {
    App.of(Stack.of(w))!.synth();
    return Annotations.fromStack(Stack.of(w)).findWarning('*', Match.stringLikeRegexp('open-ingress'));
  };

  test('no rule without a from; the default admits the namespace\'s pods, and no warning', () => {
    const w = place({});
    expect(kindOf(synth(w), 'NetworkPolicy').spec.ingress.every((r: any) => Array.isArray(r.from) && r.from.length > 0)).toBe(true);
    expect(warnings(w)).toEqual([]);
  });

  test('a peer of every address is rendered as asked, and warned about at synth, naming the port', () => {
    const w = place({ allowedIngressPeers: [{ cidr: '0.0.0.0/0' }] });
    expect(kindOf(synth(w), 'NetworkPolicy').spec.ingress[0].from).toEqual([{ ipBlock: { cidr: '0.0.0.0/0' } }]);
    const found = warnings(w);
    expect(found).toHaveLength(1);
    expect(found[0].entry.data).toMatch(/^llm-chat: the NetworkPolicy admits 0\.0\.0\.0\/0 on TCP 8080: the model server answers any client/);
    // IPv6's every-address block too; a narrower block is not warned about
    expect(warnings(place({ allowedIngressPeers: [{ cidr: '::/0' }] }))).toHaveLength(1);
    expect(warnings(place({ allowedIngressPeers: [{ cidr: '10.0.0.0/8' }] }))).toEqual([]);
  });
});

describe('readiness gates and drains behind the hybrid\'s load balancer', () => {
  function hybrid(kubernetes = {}) {
    const stack = newStack();
    return new InferenceWorkload(stack, 'Semantic', {
      image: ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1'),
      profile: HYBRID_PROFILE,
      policy: PlacementPolicy.fixed(PlacementTarget.HYBRID),
      hybrid: { vpc: importedVpc(stack), overflowWebAdapter: {} },
      kubernetes,
    });
  }

  test('in a namespace the library does not create, the exact label to set is a prerequisite; a created namespace carries it', () => {
    expect(hybrid().hybrid!.dataPlane.prerequisites.join('\n'))
      .toContain('the namespace default carries the label elbv2.k8s.aws/pod-readiness-gate-inject=enabled before the pods are created '
        + '(kubectl label namespace default elbv2.k8s.aws/pod-readiness-gate-inject=enabled)');
    const created = hybrid({ namespace: 'ml', createNamespace: true });
    expect(created.hybrid!.dataPlane.prerequisites.join('\n')).not.toMatch(/pod-readiness-gate-inject/);
    // the namespace the library renders for the stack carries the label
    expect(namespaceLabels(checkKubernetesOptions({ namespace: 'ml', createNamespace: true }))['elbv2.k8s.aws/pod-readiness-gate-inject']).toBe('enabled');
    // a workload no load balancer targets is not asked for the label
    expect(prerequisites(place({}))).toContain('namespace default exists');
    expect(prerequisites(place({}))).not.toMatch(/pod-readiness-gate-inject/);
  });

  test('the target group\'s delay and the pods\' drain are one number: preStop = delay + margin, grace = preStop + the decided request budget', () => {
    const w = hybrid();
    const pod = kindOf(synth(w), 'Deployment').spec.template.spec;
    const decided = w.decision.kubernetes!.terminationGracePeriodSeconds!;
    expect(pod.containers[0].lifecycle.preStop.sleep.seconds).toBe(DEREGISTRATION_DELAY_SECONDS + DEREGISTRATION_MARGIN_SECONDS);
    expect(pod.terminationGracePeriodSeconds).toBe(DEREGISTRATION_DELAY_SECONDS + DEREGISTRATION_MARGIN_SECONDS + decided - PRE_STOP_DELAY_SECONDS);
    // not behind a load balancer: the decision's short preStop (endpoints drop the pod within seconds) and grace
    expect(drainTiming(45)).toEqual({ preStopSeconds: PRE_STOP_DELAY_SECONDS, terminationGracePeriodSeconds: 45 });
    expect(drainTiming(45, 300)).toEqual({ preStopSeconds: 310, terminationGracePeriodSeconds: 345 });
  });
});
