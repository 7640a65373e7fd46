import { Duration, Size } from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { container, CPU_SIZING, GPU_SIZING, kindOf, place, podSpec, synth } from './fixtures';
import {
  CacheSidecar, CacheVolume, GpuLabelFormat, GpuNodeLabels, InferenceTesting, ModelServer, ScalingMetric, ZoneSpread,
} from '../../../lib';
import { addGpuLimit, gpuMemoryThresholdMiB } from '../../../lib/targets/kubernetes/gpu';
import { schemaErrors } from '../../helpers/kubernetes';

describe('addGpuLimit (the one GPU escape hatch)', () => {
  function deploymentJson(count: number, resource?: string): any {
    const chart = cdk8s.Testing.chart();
    const d = new kplus.Deployment(chart, 'D', { containers: [{ image: 'x:1', name: 'a' }, { image: 'y:1', name: 'b' }] });
    addGpuLimit(d, 1, count, resource);
    return cdk8s.Testing.synth(chart)[0];
  }

  test('escapes the "/" of nvidia.com/gpu as ~1 and lands on the container index given', () => {
    const d = deploymentJson(2);
    expect(d.spec.template.spec.containers[1].resources.limits['nvidia.com/gpu']).toBe(2);
    expect(d.spec.template.spec.containers[0].resources?.limits?.['nvidia.com/gpu']).toBeUndefined();
    // no key with a literal "~1" or a nested "nvidia.com" object
    expect(Object.keys(d.spec.template.spec.containers[1].resources.limits)).not.toContain('nvidia.com~1gpu');
    expect(d.spec.template.spec.containers[1].resources.limits['nvidia.com']).toBeUndefined();
  });

  test('renders a number, never null (cdk8s #2163) nor a string, and the result is schema-valid', () => {
    const d = deploymentJson(1);
    const value = d.spec.template.spec.containers[1].resources.limits['nvidia.com/gpu'];
    expect(value).not.toBeNull();
    expect(typeof value).toBe('number');
    expect(schemaErrors(d)).toEqual([]);
  });

  test('sets a MIG resource name with its "/" escaped', () => {
    const d = deploymentJson(1, 'nvidia.com/mig-1g.10gb');
    expect(d.spec.template.spec.containers[1].resources.limits['nvidia.com/mig-1g.10gb']).toBe(1);
  });

  test('throws on a GPU count below 1', () => {
    expect(() => deploymentJson(0)).toThrow("'gpuCount' must be an integer of at least 1 for a GPU limit, got 0");
  });
});

describe('GPU scheduling', () => {
  test('limits nvidia.com/gpu on the model server only, from the decision', () => {
    const m = synth(place({}, { ...GPU_SIZING, gpuCount: 2 }));
    expect(container(m, 'model-server').resources.limits['nvidia.com/gpu']).toBe(2);
    expect(JSON.stringify(podSpec(m).initContainers ?? [])).not.toContain('nvidia.com/gpu');
  });

  test('selects by instance type by default: the types one pod fits on, chosen first (known to autoscalers before launch)', () => {
    const candidates = [
      { instanceType: 'g5.xlarge', hourlyUsd: 1.006, gpuCount: 1, gpuName: 'a10g', gpuProduct: 'NVIDIA-A10G', gpuMemoryGiB: 24 },
      { instanceType: 'g6.xlarge', hourlyUsd: 0.8048, gpuCount: 1, gpuName: 'l4', gpuProduct: 'NVIDIA-L4', gpuMemoryGiB: 24 },
    ];
    const m = synth(place({}, { ...GPU_SIZING, nodeCandidates: candidates }));
    const terms = podSpec(m).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    expect(terms).toEqual([{ matchExpressions: [{ key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['g5.xlarge', 'g6.xlarge'] }] }]);
    // without candidates in the decision: the chosen type
    const single = podSpec(synth(place())).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    expect(single[0].matchExpressions).toEqual([{ key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['g5.xlarge'] }]);
  });

  test('GPU Feature Discovery labels when asked: product In and memory Gt (MiB), listed as a prerequisite', () => {
    const w = place({ gpuNodeLabels: GpuNodeLabels.gpuFeatureDiscovery() });
    const terms = podSpec(synth(w)).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    expect(terms).toEqual([{
      matchExpressions: [
        { key: 'nvidia.com/gpu.product', operator: 'In', values: ['NVIDIA-A10G'] },
        { key: 'nvidia.com/gpu.memory', operator: 'Gt', values: [String(gpuMemoryThresholdMiB(24))] },
      ],
    }]);
    // an A10G reports 23,028 MiB: the threshold must let it through
    expect(gpuMemoryThresholdMiB(24)).toBeLessThan(23_028);
    expect(gpuMemoryThresholdMiB(24)).toBeGreaterThan(16 * 1024);
    expect(GpuNodeLabels.gpuFeatureDiscovery().knownBeforeLaunch).toBe(false);
  });

  test('EKS Auto Mode labels: lowercase GPU names and MiB, and custom Auto Mode keys are spelled the same way', () => {
    const candidates = [{ instanceType: 'g6.xlarge', hourlyUsd: 0.8048, gpuCount: 1, gpuName: 'l4', gpuProduct: 'NVIDIA-L4', gpuMemoryGiB: 24 }];
    const sizing = { ...GPU_SIZING, gpuName: 'l4', gpuProduct: 'NVIDIA-L4', instanceType: 'g6.xlarge', nodeCandidates: candidates };
    const auto = podSpec(synth(place({ gpuNodeLabels: GpuNodeLabels.eksAutoMode() }, sizing)))
      .affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions;
    expect(auto).toEqual([
      { key: 'eks.amazonaws.com/instance-gpu-name', operator: 'In', values: ['l4'] },
      { key: 'eks.amazonaws.com/instance-gpu-memory', operator: 'Gt', values: [String(gpuMemoryThresholdMiB(24))] },
    ]);
    const custom = podSpec(synth(place({ gpuNodeLabels: GpuNodeLabels.custom('eks.amazonaws.com/instance-gpu-name') }, sizing)))
      .affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions;
    expect(custom).toEqual([{ key: 'eks.amazonaws.com/instance-gpu-name', operator: 'In', values: ['l4'] }]);
    expect(() => GpuNodeLabels.custom('eks.amazonaws.com/instance-gpu-name', undefined, GpuLabelFormat.GFD_PRODUCT))
      .toThrow("'kubernetes.gpuNodeLabels.format' must be GpuLabelFormat.GPU_NAME for \"eks.amazonaws.com/instance-gpu-name\"");
  });

  test('uses Karpenter labels when asked: instance-gpu-name and instance-gpu-memory', () => {
    const m = synth(place({ gpuNodeLabels: GpuNodeLabels.karpenter() }));
    const exprs = podSpec(m).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions;
    expect(exprs).toEqual([
      { key: 'karpenter.k8s.aws/instance-gpu-name', operator: 'In', values: ['a10g'] },
      { key: 'karpenter.k8s.aws/instance-gpu-memory', operator: 'Gt', values: [String(gpuMemoryThresholdMiB(24))] },
    ]);
  });

  test('uses custom labels when asked', () => {
    const m = synth(place({ gpuNodeLabels: GpuNodeLabels.custom('example.com/gpu') }));
    const exprs = podSpec(m).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions;
    expect(exprs).toEqual([{ key: 'example.com/gpu', operator: 'In', values: ['NVIDIA-A10G'] }]);
  });

  test('tolerates nvidia.com/gpu:NoSchedule plus the user taints', () => {
    const m = synth(place({
      tolerations: [
        { key: 'dedicated', value: 'inference', effect: kplus.TaintEffect.NO_SCHEDULE },
        { key: 'example.com/spot' },
      ],
    }));
    expect(podSpec(m).tolerations).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'dedicated', operator: 'Equal', value: 'inference', effect: 'NoSchedule' },
      { key: 'example.com/spot', operator: 'Exists' },
    ]);
  });

  test('CPU pods get no GPU limit, affinity or GPU toleration', () => {
    const m = synth(place({}, CPU_SIZING));
    expect(JSON.stringify(m)).not.toContain('nvidia.com');
    expect(podSpec(m).affinity).toBeUndefined();
  });

  test('sets runtimeClassName and priorityClassName when given, not otherwise', () => {
    const m = synth(place({ runtimeClassName: 'nvidia', priorityClassName: 'inference-critical' }));
    expect(podSpec(m).runtimeClassName).toBe('nvidia');
    expect(podSpec(m).priorityClassName).toBe('inference-critical');
    const plain = synth(place());
    expect(podSpec(plain).runtimeClassName).toBeUndefined();
    expect(podSpec(plain).priorityClassName).toBeUndefined();
  });

  test('a MIG profile asks for nvidia.com/mig-<profile> instead of nvidia.com/gpu', () => {
    const m = synth(place({ migProfile: '3g.40gb' }));
    const limits = container(m, 'model-server').resources.limits;
    expect(limits['nvidia.com/mig-3g.40gb']).toBe(1);
    expect(limits['nvidia.com/gpu']).toBeUndefined();
    expect(podSpec(m).affinity).toBeUndefined();
    expect(podSpec(m).tolerations).toContainEqual({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' });
  });

  test('fails when the declared GPU nodes do not match the placement', () => {
    expect(() => place({ gpuNodeLabels: GpuNodeLabels.gpuFeatureDiscovery({ availableProducts: ['NVIDIA-L4', 'NVIDIA-T4'] }) }))
      .toThrow("'kubernetes.gpuNodeLabels' declares no GPU nodes matching the placement (nvidia.com/gpu.product in [\"NVIDIA-A10G\"] for g5.xlarge), got available [\"NVIDIA-L4\",\"NVIDIA-T4\"]");
    expect(() => place({ gpuNodeLabels: GpuNodeLabels.karpenter({ availableGpuNames: ['l4'] }) }))
      .toThrow("'kubernetes.gpuNodeLabels' declares no GPU nodes matching the placement (karpenter.k8s.aws/instance-gpu-name in [\"a10g\"] for g5.xlarge), got available [\"l4\"]");
    expect(() => place({ gpuNodeLabels: GpuNodeLabels.gpuFeatureDiscovery({ availableProducts: ['NVIDIA-A10G'] }) })).not.toThrow();
  });

  test('fails on a GPU count of 0 with GPU memory', () => {
    expect(() => place({}, { ...CPU_SIZING, gpuMemoryGiB: 16 }))
      .toThrow("'decision.kubernetes.gpuMemoryGiB' must be 0 for a CPU pod (gpuCount 0), got 16");
  });

  test('fails on a MIG slice smaller than the GPU memory needed, a malformed profile, or a CPU pod', () => {
    expect(() => place({ migProfile: '1g.10gb' }))
      .toThrow("'kubernetes.migProfile' must hold at least the 24 GiB of GPU memory the workload needs, got \"1g.10gb\" (10 GB)");
    expect(() => place({ migProfile: 'big' })).toThrow("'kubernetes.migProfile' must be a MIG profile such as \"1g.10gb\" or \"3g.40gb\", got \"big\"");
    expect(() => place({ migProfile: '1g.10gb' }, CPU_SIZING)).toThrow("'kubernetes.migProfile' needs a GPU placement (gpuCount at least 1), got \"1g.10gb\" for a CPU pod");
  });

  test('fails on invalid toleration keys, runtime and priority class names, and empty availability lists', () => {
    expect(() => place({ tolerations: [{ key: 'bad key' }] }))
      .toThrow("'kubernetes.tolerations[0].key' must be a Kubernetes label key");
    expect(() => place({ tolerations: [{ key: 'ok', value: 'not ok!' }] }))
      .toThrow("'kubernetes.tolerations[0].value' must be a Kubernetes label value (letters, digits, '-', '_', '.'), got \"not ok!\"");
    expect(() => place({ runtimeClassName: 'NVIDIA' })).toThrow("'kubernetes.runtimeClassName' must be a DNS-1123 subdomain");
    expect(() => place({ priorityClassName: 'high_priority' })).toThrow("'kubernetes.priorityClassName' must be a DNS-1123 subdomain");
    expect(() => GpuNodeLabels.karpenter({ availableGpuNames: [] })).toThrow("'kubernetes.gpuNodeLabels.availableGpuNames' must be a non-empty list, got []");
    expect(() => GpuNodeLabels.custom('a/b/c')).toThrow("'kubernetes.gpuNodeLabels.productLabel' must be a Kubernetes label key");
  });
});

describe('local cache sidecars', () => {
  test('modelUri adds a model-cache init step that fetches into a volume the server mounts read-only', () => {
    const m = synth(place({ modelUri: 's3://models/llm/2.0.1/' }));
    const init = container(m, 'model-cache');
    expect(podSpec(m).initContainers.map((c: any) => c.name)).toEqual(['model-cache']);
    expect(init.command.join(' ')).toContain('aws s3 sync');
    expect(init.env).toContainEqual({ name: 'MODEL_URI', value: 's3://models/llm/2.0.1/' });
    // the URI reaches the shell through the environment, never inlined into the script
    expect(init.command.join(' ')).not.toContain('s3://models');
    expect(init.volumeMounts).toContainEqual({ mountPath: '/models', name: 'model-cache' });
    const server = container(m, 'model-server');
    expect(server.volumeMounts).toContainEqual({ mountPath: '/models', name: 'model-cache', readOnly: true });
    // the weights live in a directory keyed by the URI: a persistent or shared cache never serves another version
    const dir = server.env.find((e: any) => e.name === 'MODEL_DIR').value;
    expect(dir).toMatch(/^\/models\/[0-9a-f]{16}$/);
    expect(init.env).toContainEqual({ name: 'MODEL_DIR', value: dir });
    const other = container(synth(place({ modelUri: 's3://models/llm/2.0.2/' })), 'model-server').env.find((e: any) => e.name === 'MODEL_DIR').value;
    expect(other).not.toBe(dir);
    // default volume: an emptyDir sized 1.25 x the 16 GiB model
    expect(podSpec(m).volumes).toContainEqual({ name: 'model-cache', emptyDir: { sizeLimit: `${20 * 1024}Mi` } });
  });

  test('fetches over HTTPS with curl and from an OCI registry with ORAS', () => {
    const https = container(synth(place({ modelUri: 'https://models.example.com/llm/model.safetensors' })), 'model-cache');
    expect(https.image).toMatch(/curl/);
    expect(https.command.join(' ')).toContain('curl --fail');
    const oci = container(synth(place({ modelUri: 'oci://registry.example.com/models/llm:2.0.1' })), 'model-cache');
    expect(oci.image).toMatch(/oras/);
    expect(oci.env).toContainEqual({ name: 'MODEL_URI', value: 'registry.example.com/models/llm:2.0.1' });
  });

  test('a generic ephemeral volume on a local-NVMe storage class replaces the emptyDir', () => {
    const m = synth(place({
      cacheSidecars: [CacheSidecar.modelCache({
        uri: 's3://models/llm/',
        volume: CacheVolume.ephemeral({ storageClassName: 'local-nvme', size: Size.gibibytes(100) }),
      })],
    }));
    const vol = podSpec(m).volumes.find((v: any) => v.name === 'model-cache');
    expect(vol.emptyDir).toBeUndefined();
    expect(vol.ephemeral.volumeClaimTemplate.spec).toEqual({
      accessModes: ['ReadWriteOnce'], storageClassName: 'local-nvme', resources: { requests: { storage: '102400Mi' } },
    });
  });

  test('a PVC cache volume mounts the claim', () => {
    const m = synth(place({ modelUri: 's3://models/llm/', cacheSidecars: [CacheSidecar.modelCache({ volume: CacheVolume.persistentVolumeClaim('llm-weights') })] }));
    expect(podSpec(m).volumes).toContainEqual({ name: 'model-cache', persistentVolumeClaim: { claimName: 'llm-weights', readOnly: false } });
  });

  test('never renders a hostPath volume', () => {
    for (const volume of [CacheVolume.emptyDir(), CacheVolume.ephemeral({ storageClassName: 'nvme', size: Size.gibibytes(50) }), CacheVolume.persistentVolumeClaim('w')]) {
      const m = synth(place({ cacheSidecars: [CacheSidecar.modelCache({ uri: 's3://models/llm/', volume }), CacheSidecar.redis()] }));
      expect(JSON.stringify(m)).not.toContain('hostPath');
    }
  });

  test('a Redis sidecar binds to 127.0.0.1, has its own limits, no port and no Service', () => {
    const m = synth(place({ cacheSidecars: [CacheSidecar.redis({ maxMemoryMiB: 2048, cpuMillis: 250 })] }));
    const kv = container(m, 'kv-cache');
    expect(kv.args.join(' ')).toContain('--bind 127.0.0.1');
    expect(kv.args.join(' ')).toContain('--maxmemory 2048mb');
    expect(kv.resources).toEqual({
      limits: { cpu: '250m', memory: `${Math.ceil(2048 * 1.25) + 64}Mi` },
      requests: { cpu: '250m', memory: `${Math.ceil(2048 * 1.25) + 64}Mi` },
    });
    expect(kv.ports).toBeUndefined();
    expect(m.filter(x => x.kind === 'Service')).toHaveLength(1);
    expect(kindOf(m, 'Service').spec.ports.map((p: any) => p.port)).toEqual([8080]);
    expect(container(m, 'model-server').env).toContainEqual({ name: 'KV_CACHE_URL', value: 'redis://127.0.0.1:6379' });
  });

  test('the Redis sidecar shares a memory-backed volume with the server for its unix socket', () => {
    const m = synth(place({ cacheSidecars: [CacheSidecar.redis()] }));
    const kv = container(m, 'kv-cache');
    const server = container(m, 'model-server');
    expect(kv.args.join(' ')).toContain('--unixsocket /var/run/kv-cache/redis.sock');
    expect(kv.volumeMounts).toEqual([{ mountPath: '/var/run/kv-cache', name: 'kv-cache' }]);
    expect(server.volumeMounts).toContainEqual({ mountPath: '/var/run/kv-cache', name: 'kv-cache' });
    expect(server.env).toContainEqual({ name: 'KV_CACHE_SOCKET', value: '/var/run/kv-cache/redis.sock' });
    expect(podSpec(m).volumes).toContainEqual({ name: 'kv-cache', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } });
  });

  test('without modelUri or sidecars there is no cache', () => {
    const m = synth(place());
    expect(podSpec(m).initContainers).toBeUndefined();
    expect(podSpec(m).containers.map((c: any) => c.name)).toEqual(['model-server']);
  });

  test('fails on a cache volume larger than the declared node-local limit', () => {
    expect(() => place({
      nodeLocalStorageLimit: Size.gibibytes(100),
      cacheSidecars: [CacheSidecar.modelCache({ uri: 's3://models/x/', volume: CacheVolume.emptyDir({ sizeLimit: Size.gibibytes(200) }) })],
    })).toThrow("'cacheSidecars.modelCache.volume' must fit the declared node-local limit 'kubernetes.nodeLocalStorageLimit' (100 GiB), got 200 GiB");
    expect(() => place({ nodeLocalStorageLimit: Size.gibibytes(10), modelUri: 's3://models/x/' }))
      .toThrow("'cacheSidecars.modelCache.volume' must fit the declared node-local limit 'kubernetes.nodeLocalStorageLimit' (10 GiB), got 20 GiB (1.25 x the model size)");
    // a PVC is not node-local
    expect(() => place({ nodeLocalStorageLimit: Size.gibibytes(10), cacheSidecars: [CacheSidecar.modelCache({ uri: 's3://models/x/', volume: CacheVolume.persistentVolumeClaim('w') })] }))
      .not.toThrow();
  });

  test('fails on a cache volume smaller than the model', () => {
    expect(() => place({ cacheSidecars: [CacheSidecar.modelCache({ uri: 's3://models/x/', volume: CacheVolume.emptyDir({ sizeLimit: Size.gibibytes(8) }) })] }))
      .toThrow("'cacheSidecars.modelCache.volume' must hold the model (16 GiB), got 8 GiB");
  });

  test('fails on bad URIs, a model cache without a URI, two model caches, and clashing ports', () => {
    expect(() => place({ modelUri: 'ftp://x/y' })).toThrow("'kubernetes.modelUri' must be an s3://, https:// or oci:// URI without spaces, quotes or '$', got \"ftp://x/y\"");
    expect(() => place({ modelUri: 's3://bucket/$(reboot)' })).toThrow("'kubernetes.modelUri' must be an s3://, https:// or oci:// URI");
    expect(() => place({ cacheSidecars: [CacheSidecar.modelCache()] }))
      .toThrow("'cacheSidecars.modelCache.uri' is required when the target has no 'modelUri', got undefined");
    expect(() => place({ modelUri: 's3://models/x/', cacheSidecars: [CacheSidecar.modelCache(), CacheSidecar.modelCache()] }))
      .toThrow("'kubernetes.cacheSidecars' may hold at most one model cache, got 2");
    expect(() => place({ cacheSidecars: [CacheSidecar.redis(), CacheSidecar.redis({ port: 6380 })] }))
      .toThrow("'kubernetes.cacheSidecars' may hold at most one key-value cache, got 2");
    expect(() => place({ containerPort: 6379, cacheSidecars: [CacheSidecar.redis()] }))
      .toThrow("'cacheSidecars.redis.port' must differ from 'kubernetes.containerPort' (6379), got 6379");
    expect(() => CacheSidecar.redis({ port: 80 })).toThrow("'cacheSidecars.redis.port' must be between 1,024 and 65,535, got 80");
    expect(() => CacheSidecar.modelCache({ mountPath: '/tmp' })).toThrow("'cacheSidecars.modelCache.mountPath' must not be a system path, got \"/tmp\"");
    expect(() => CacheVolume.ephemeral({ storageClassName: 'Local_NVMe', size: Size.gibibytes(1) })).toThrow("'cacheVolume.storageClassName' must be a DNS-1123 subdomain");
    expect(() => CacheVolume.emptyDir({ sizeLimit: Size.kibibytes(10) })).toThrow("'cacheVolume.sizeLimit' must be at least 1 MiB, got 0.009765625 MiB");
  });
});

describe('pod essentials', () => {
  test('mounts a memory-backed /dev/shm sized a quarter of the pod memory (1–16 GiB)', () => {
    const m = synth(place());
    expect(podSpec(m).volumes).toContainEqual({ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: `${14_336 / 4}Mi` } });
    expect(container(m, 'model-server').volumeMounts).toContainEqual({ mountPath: '/dev/shm', name: 'dshm' });
    const custom = synth(place({ sharedMemorySize: Size.gibibytes(2) }));
    expect(podSpec(custom).volumes).toContainEqual({ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '2048Mi' } });
  });

  test('sizes the startup probe for the model load: 2 min + 1 min/GiB, or 15 s/GiB from a local cache', () => {
    const direct = container(synth(place()), 'model-server').startupProbe;
    expect(direct.periodSeconds).toBe(10);
    expect(direct.failureThreshold).toBe(Math.ceil((120 + 16 * 60) / 10));
    const cached = container(synth(place({ modelUri: 's3://models/llm/' })), 'model-server').startupProbe;
    expect(cached.failureThreshold).toBe(Math.ceil((120 + 16 * 15) / 10));
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
    expect(server.resources.requests).toEqual({ 'cpu': '2500m', 'memory': '14336Mi', 'ephemeral-storage': `${(20 + 1 + 4) * 1024}Mi` });
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

  const DNS_EGRESS = {
    to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
    ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
  };

  test('a NetworkPolicy admits only the service port, from any source, and lets the pods reach only the cluster DNS', () => {
    const m = synth(place({ containerPort: 8000, cacheSidecars: [CacheSidecar.redis()] }));
    const np = kindOf(m, 'NetworkPolicy');
    expect(np.spec).toEqual({
      podSelector: { matchLabels: kindOf(m, 'Deployment').spec.selector.matchLabels },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ ports: [{ protocol: 'TCP', port: 8000 }] }],
      egress: [DNS_EGRESS],
    });
  });

  test('a model cache may reach HTTPS anywhere but the instance metadata service; declared peers and destinations are added', () => {
    const m = synth(place({
      modelUri: 's3://models/llm/',
      allowedIngressPeers: [{ cidr: '10.20.0.0/16' }, { namespaceLabels: { 'kubernetes.io/metadata.name': 'gateway' } }],
      allowedEgress: [{ cidr: '10.30.0.0/16', port: 5432 }],
    }));
    const np = kindOf(m, 'NetworkPolicy').spec;
    expect(np.ingress).toEqual([{
      from: [{ ipBlock: { cidr: '10.20.0.0/16' } }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway' } } }],
      ports: [{ protocol: 'TCP', port: 8080 }],
    }]);
    expect(np.egress).toEqual([
      DNS_EGRESS,
      { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }], ports: [{ protocol: 'TCP', port: 443 }] },
      { to: [{ ipBlock: { cidr: '10.30.0.0/16' } }], ports: [{ protocol: 'TCP', port: 5432 }] },
    ]);
  });
});

describe('escape hatches and names', () => {
  test('exposes chart, deployment, service, serviceAccount and autoscaler, and customisations reach the YAML', () => {
    const w = place();
    w.deployment!.podMetadata.addAnnotation('example.com/team', 'ml');
    w.serviceAccount!.metadata.addLabel('team', 'ml');
    const m = synth(w);
    expect(kindOf(m, 'Deployment').spec.template.metadata.annotations).toEqual({ 'example.com/team': 'ml' });
    expect(kindOf(m, 'ServiceAccount').metadata.labels.team).toBe('ml');
    expect(w.service).toBeInstanceOf(kplus.Service);
    expect(w.autoscaler).toBeInstanceOf(kplus.HorizontalPodAutoscaler);
  });

  test('names every object after the workload, in the given namespace (a contract the hybrid target relies on)', () => {
    const m = synth(place({ namespace: 'ml' }));
    expect(m.map(x => `${x.kind}/${x.metadata.namespace}/${x.metadata.name}`)).toEqual([
      'ServiceAccount/ml/llm-chat', 'Deployment/ml/llm-chat', 'Service/ml/llm-chat',
      'HorizontalPodAutoscaler/ml/llm-chat', 'PodDisruptionBudget/ml/llm-chat', 'NetworkPolicy/ml/llm-chat',
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
