import { Duration, Size } from 'aws-cdk-lib';
import * as kplus from 'cdk8s-plus-28';
import { container, CPU_SIZING, GPU_SIZING, kindOf, place, podSpec, synth } from './fixtures';
import { CacheSidecar, InferenceTesting, ModelServer, ScalingMetric, ZoneSpread } from '../../../lib';

describe('pod essentials', () => {
  test('mounts a memory-backed /dev/shm sized a quarter of the pod memory (1–16 GiB)', () => {
    const m = synth(place());
    expect(podSpec(m).volumes).toContainEqual({ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: `${14_336 / 4}Mi` } });
    expect(container(m, 'model-server').volumeMounts).toContainEqual({ mountPath: '/dev/shm', name: 'dshm' });
    const custom = synth(place({ sharedMemorySize: Size.gibibytes(2) }));
    expect(podSpec(custom).volumes).toContainEqual({ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '2048Mi' } });
  });

  test('sizes the startup probe for the model load: 2 min + 1 min/GiB, or reading the cache at the disk throughput (x 1.5)', () => {
    const direct = container(synth(place()), 'model-server').startupProbe;
    expect(direct.periodSeconds).toBe(10);
    expect(direct.failureThreshold).toBe(Math.ceil((120 + 16 * 60) / 10));
    // 16 GiB read back at a gp3 volume's 125 MiB/s baseline, with a 1.5 margin
    const cached = container(synth(place({ modelUri: 's3://models/llm/' })), 'model-server').startupProbe;
    expect(cached.failureThreshold).toBe(Math.ceil((120 + Math.ceil(16 * 1024 / 125 * 1.5)) / 10));
    const faster = container(synth(place({ modelUri: 's3://models/llm/', nodeDiskThroughputMiBps: 1000 })), 'model-server').startupProbe;
    expect(faster.failureThreshold).toBe(Math.ceil((120 + Math.ceil(16 * 1024 / 1000 * 1.5)) / 10));
    const custom = container(synth(place({ startupTimeout: Duration.minutes(30) })), 'model-server').startupProbe;
    expect(custom.failureThreshold).toBe(180);
  });

  test('readiness and liveness probes use the configured paths on the server port', () => {
    const server = container(synth(place({ readinessProbePath: '/v2/health/ready', livenessProbePath: '/v2/health/live', containerPort: 8000 })), 'model-server');
    expect(server.readinessProbe.httpGet).toMatchObject({ path: '/v2/health/ready', port: 8000 });
    expect(server.startupProbe.httpGet).toMatchObject({ path: '/v2/health/ready', port: 8000 });
    expect(server.livenessProbe.httpGet).toMatchObject({ path: '/v2/health/live', port: 8000 });
  });

  test('requests equal limits in every container (Guaranteed QoS), from the decision', () => {
    const m = synth(place({ modelUri: 's3://models/llm/', cacheSidecars: [CacheSidecar.redis()] }));
    const server = container(m, 'model-server');
    // the Redis sidecar's 500m comes out of the 3000m the pod was priced with
    // the 20 GiB model cache (1.25 x 16 GiB), then the generic server's 256 MiB home and 256 MiB /tmp
    expect(server.resources.requests).toEqual({ 'cpu': '2500m', 'memory': '14336Mi', 'ephemeral-storage': `${20 * 1024 + 256 + 256}Mi` });
    for (const c of [...podSpec(m).containers, ...podSpec(m).initContainers]) {
      expect(c.resources.requests.cpu).toBe(c.resources.limits.cpu);
      expect(c.resources.requests.memory).toBe(c.resources.limits.memory);
    }
  });

  test('spreads across zones, best effort by default, required or off on request', () => {
    const spread = podSpec(synth(place())).topologySpreadConstraints;
    expect(spread).toEqual([expect.objectContaining({ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' })]);
    expect(spread[0].labelSelector.matchLabels).toEqual(kindOf(synth(place()), 'Deployment').spec.selector.matchLabels);
    expect(podSpec(synth(place({ zoneSpread: ZoneSpread.REQUIRED }))).topologySpreadConstraints[0].whenUnsatisfiable).toBe('DoNotSchedule');
    expect(podSpec(synth(place({ zoneSpread: ZoneSpread.NONE }))).topologySpreadConstraints).toBeUndefined();
  });

  test('runs under a ServiceAccount without an API token, annotated with the IRSA role when given', () => {
    const arn = 'arn:aws:iam::123456789012:role/llm-model-reader';
    const m = synth(place({ serviceAccountRoleArn: arn }));
    const sa = kindOf(m, 'ServiceAccount');
    expect(sa.metadata.name).toBe('llm-chat');
    expect(sa.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': arn });
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(podSpec(m).serviceAccountName).toBe('llm-chat');
    expect(podSpec(m).automountServiceAccountToken).toBe(false);
    expect(kindOf(synth(place()), 'ServiceAccount').metadata.annotations).toBeUndefined();
  });

  test('fails on invalid namespace, port, paths, sizes, durations, user and role ARN', () => {
    expect(() => place({ namespace: 'ML_Team' })).toThrow("'kubernetes.namespace' must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit), got \"ML_Team\"");
    expect(() => place({ containerPort: 70000 })).toThrow("'kubernetes.containerPort' must be between 1 and 65,535, got 70,000");
    expect(() => place({ readinessProbePath: 'health' })).toThrow("'kubernetes.readinessProbePath' must be an absolute HTTP path such as \"/health\", got \"health\"");
    expect(() => place({ sharedMemorySize: Size.gibibytes(14) })).toThrow("'kubernetes.sharedMemorySize' must be less than the model server's memory (14 GiB) it counts against, got 14 GiB");
    expect(() => place({ sharedMemorySize: Size.mebibytes(32) })).toThrow("'kubernetes.sharedMemorySize' must be at least 64 MiB, got 32 MiB");
    expect(() => place({ startupTimeout: Duration.seconds(5) })).toThrow("'kubernetes.startupTimeout' must be between 10 and 21,600, got 5");
    expect(() => place({ scaleDownStabilization: Duration.hours(2) })).toThrow("'kubernetes.scaleDownStabilization' must be between 0 and 3,600, got 7,200");
    expect(() => place({ runAsUser: 0 })).toThrow("'kubernetes.runAsUser' must be between 1 and 2,147,483,647, got 0");
    expect(() => place({ serviceAccountRoleArn: 'llm-reader' })).toThrow("'kubernetes.serviceAccountRoleArn' must be an IAM role ARN (arn:aws:iam::<account>:role/<name>), got \"llm-reader\"");
  });
});

describe('serving and scaling', () => {
  test('a ClusterIP Service on the server port selects the Deployment', () => {
    const m = synth(place({ containerPort: 9000 }));
    const svc = kindOf(m, 'Service');
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 9000, targetPort: 9000 }]);
    expect(svc.spec.selector).toEqual(kindOf(m, 'Deployment').spec.selector.matchLabels);
  });

  test('exactly one HPA owns the replicas: min/max from the decision, no replicas on the Deployment', () => {
    const m = synth(place());
    expect(m.filter(x => x.kind === 'HorizontalPodAutoscaler')).toHaveLength(1);
    const hpa = kindOf(m, 'HorizontalPodAutoscaler');
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 6, scaleTargetRef: { kind: 'Deployment', name: 'llm-chat' } });
    // GPU pods: requests in flight per replica, the concurrency the policy sized for (prometheus-adapter)
    expect(hpa.spec.metrics).toEqual([{ type: 'Pods', pods: { metric: { name: 'inference_requests_in_flight' }, target: { type: 'AverageValue', averageValue: 4 } } }]);
    expect(kindOf(m, 'Deployment').spec.replicas).toBeUndefined();
    const vllm = kindOf(synth(place({ modelServer: ModelServer.vllm() })), 'HorizontalPodAutoscaler');
    expect(vllm.spec.metrics[0].pods.metric.name).toBe('vllm_requests_in_flight');
    // CPU pods: CPU utilization, and CPU stays available for GPU pods as an explicit choice
    const cpu = kindOf(synth(place({}, CPU_SIZING)), 'HorizontalPodAutoscaler');
    expect(cpu.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
    const explicit = kindOf(synth(place({ scalingMetric: ScalingMetric.cpuUtilization(60) })), 'HorizontalPodAutoscaler');
    expect(explicit.spec.metrics[0].resource.target.averageUtilization).toBe(60);
  });

  test('scales on a per-pod custom metric or an external queue depth instead of CPU', () => {
    const pods = kindOf(synth(place({ scalingMetric: ScalingMetric.podsAverage('vllm:num_requests_waiting', 5) })), 'HorizontalPodAutoscaler');
    expect(pods.spec.metrics).toEqual([{ type: 'Pods', pods: { metric: { name: 'vllm:num_requests_waiting' }, target: { type: 'AverageValue', averageValue: 5 } } }]);
    const ext = kindOf(synth(place({ scalingMetric: ScalingMetric.externalAverage('sqs_messages_visible', 20, { queue: 'llm-requests' }) })), 'HorizontalPodAutoscaler');
    expect(ext.spec.metrics).toEqual([{
      type: 'External',
      external: { metric: { name: 'sqs_messages_visible', selector: { matchLabels: { queue: 'llm-requests' } } }, target: { type: 'AverageValue', averageValue: 20 } },
    }]);
  });

  test('waits at least 10 minutes (or the startup time) before scaling GPU pods in, one pod per 5 minutes', () => {
    const gpu = kindOf(synth(place()), 'HorizontalPodAutoscaler').spec.behavior.scaleDown;
    // startup budget 120 s + 16 GiB x 60 s = 1080 s > 600 s
    expect(gpu.stabilizationWindowSeconds).toBe(1080);
    expect(gpu.policies).toEqual([{ type: 'Pods', value: 1, periodSeconds: 300 }]);
    const cached = kindOf(synth(place({ modelUri: 's3://models/x/' })), 'HorizontalPodAutoscaler').spec.behavior.scaleDown;
    expect(cached.stabilizationWindowSeconds).toBe(600);
    const cpu = kindOf(synth(place({ startupTimeout: Duration.seconds(60) }, CPU_SIZING)), 'HorizontalPodAutoscaler').spec.behavior.scaleDown;
    expect(cpu.stabilizationWindowSeconds).toBe(300);
    const custom = kindOf(synth(place({ scaleDownStabilization: Duration.minutes(45) })), 'HorizontalPodAutoscaler').spec.behavior.scaleDown;
    expect(custom.stabilizationWindowSeconds).toBe(2700);
  });

  test('a PodDisruptionBudget that lets one pod go at a time, whatever the replicas, and never blocks drains forever', () => {
    for (const sizing of [GPU_SIZING, CPU_SIZING, { ...GPU_SIZING, replicasMin: 5, replicasMax: 8 }]) {
      const pdb = kindOf(synth(place({}, sizing)), 'PodDisruptionBudget').spec;
      expect(pdb).toMatchObject({ maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
      expect(pdb.minAvailable).toBeUndefined();
    }
  });

  test('fails on bad scaling metrics', () => {
    expect(() => ScalingMetric.cpuUtilization(0)).toThrow("'scalingMetric.percent' must be between 1 and 100, got 0");
    expect(() => ScalingMetric.externalAverage('queue depth', 5)).toThrow("'scalingMetric.metricName' must be a metric name, got \"queue depth\"");
    expect(() => ScalingMetric.podsAverage('q', -1)).toThrow("'scalingMetric.averageValue' must be greater than 0, got -1");
  });

  test('fails on an inconsistent replica range in the decision', () => {
    expect(() => place({}, { ...GPU_SIZING, replicasMin: 4, replicasMax: 2 })).toThrow("'decision.kubernetes.replicasMax' must be between 4 and 10,000, got 2");
    expect(() => place({}, { ...GPU_SIZING, replicasMin: 0 })).toThrow("'decision.kubernetes.replicasMin' must be at least 1, got 0");
  });
});

describe('security', () => {
  test('every container is restricted: non-root, no escalation, drop ALL, RuntimeDefault seccomp, read-only root', () => {
    const m = synth(place({ modelUri: 's3://models/llm/', cacheSidecars: [CacheSidecar.redis()] }));
    const spec = podSpec(m);
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    for (const c of [...spec.containers, ...spec.initContainers]) {
      expect(c.securityContext).toEqual({
        runAsUser: 1000,
        runAsGroup: 1000,
        runAsNonRoot: true,
        privileged: false,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
    }
  });
});

describe('escape hatches and names', () => {
  test('exposes chart, deployment, service, serviceAccount and autoscaler, and customisations reach the YAML', () => {
    const w = place();
    w.deployment!.podMetadata.addAnnotation('example.com/team', 'ml');
    w.serviceAccount!.metadata.addLabel('team', 'ml');
    const m = synth(w);
    expect(kindOf(m, 'Deployment').spec.template.metadata.annotations).toMatchObject({ 'example.com/team': 'ml' });
    expect(kindOf(m, 'ServiceAccount').metadata.labels.team).toBe('ml');
    expect(w.service).toBeInstanceOf(kplus.Service);
    expect(w.autoscaler).toBeInstanceOf(kplus.HorizontalPodAutoscaler);
  });

  test('names every object after the workload, in the given namespace (a contract the hybrid target relies on)', () => {
    const m = synth(place({ namespace: 'ml' }));
    expect(m.map(x => `${x.kind}/${x.metadata.namespace}/${x.metadata.name}`)).toEqual([
      // the NodePool is cluster-scoped: no namespace, named after the namespace and the workload
      'ServiceAccount/ml/llm-chat', 'Deployment/ml/llm-chat', 'NodePool/undefined/ml-llm-chat', 'Service/ml/llm-chat',
      'HorizontalPodAutoscaler/ml/llm-chat', 'PodDisruptionBudget/ml/llm-chat', 'NetworkPolicy/ml/llm-chat', 'PodMonitor/ml/llm-chat',
    ]);
  });

  test('matches the whole-manifest snapshot (safety net; hashes scrubbed)', () => {
    const w = place({
      namespace: 'ml',
      modelUri: 's3://models/llm/2.0.1/',
      cacheSidecars: [CacheSidecar.redis()],
      tolerations: [{ key: 'dedicated', value: 'inference', effect: kplus.TaintEffect.NO_SCHEDULE }],
      runtimeClassName: 'nvidia',
      priorityClassName: 'inference',
      serviceAccountRoleArn: 'arn:aws:iam::123456789012:role/llm-model-reader',
    });
    synth(w);
    expect(InferenceTesting.scrub(w.chart!.toJson())).toMatchSnapshot();
  });
});
