import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { container, CPU_SIZING, GPU_SIZING, place, podSpec, synth } from './fixtures';
import { GpuLabelFormat, GpuNodeLabels } from '../../../lib';
import { addGpuLimit, gpuMemoryThresholdMiB } from '../../../lib/targets/kubernetes/gpu';
import { schemaErrors } from '../../helpers/kubernetes';

/** The GPU label expressions of a pod's node affinity (without the flavor's architecture and NodePool expressions). */
function gpuLabel(e: { key: string }): boolean {
  return !['kubernetes.io/arch', 'karpenter.sh/nodepool'].includes(e.key);
}

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
    // one term (its expressions are ANDed): the GPU labels, the image's architecture and the workload's NodePool (Karpenter, the default flavor)
    expect(terms).toEqual([{
      matchExpressions: [
        { key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['g5.xlarge', 'g6.xlarge'] },
        { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
        { key: 'karpenter.sh/nodepool', operator: 'In', values: ['default-llm-chat'] },
      ],
    }]);
    // without candidates in the decision: the chosen type
    const single = podSpec(synth(place())).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    expect(single[0].matchExpressions.filter(gpuLabel)).toEqual([{ key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['g5.xlarge'] }]);
  });

  test('GPU Feature Discovery labels when asked: product In and memory Gt (MiB), listed as a prerequisite', () => {
    const w = place({ gpuNodeLabels: GpuNodeLabels.gpuFeatureDiscovery() });
    const terms = podSpec(synth(w)).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    expect(terms.map((t: any) => ({ matchExpressions: t.matchExpressions.filter(gpuLabel) }))).toEqual([{
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
      .affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution
      .nodeSelectorTerms[0].matchExpressions.filter(gpuLabel);
    expect(auto).toEqual([
      { key: 'eks.amazonaws.com/instance-gpu-name', operator: 'In', values: ['l4'] },
      { key: 'eks.amazonaws.com/instance-gpu-memory', operator: 'Gt', values: [String(gpuMemoryThresholdMiB(24))] },
    ]);
    const custom = podSpec(synth(place({ gpuNodeLabels: GpuNodeLabels.custom('eks.amazonaws.com/instance-gpu-name') }, sizing)))
      .affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution
      .nodeSelectorTerms[0].matchExpressions.filter(gpuLabel);
    expect(custom).toEqual([{ key: 'eks.amazonaws.com/instance-gpu-name', operator: 'In', values: ['l4'] }]);
    expect(() => GpuNodeLabels.custom('eks.amazonaws.com/instance-gpu-name', undefined, GpuLabelFormat.GFD_PRODUCT))
      .toThrow("'kubernetes.gpuNodeLabels.format' must be GpuLabelFormat.GPU_NAME for \"eks.amazonaws.com/instance-gpu-name\"");
  });

  test('uses Karpenter labels when asked: instance-gpu-name and instance-gpu-memory', () => {
    const m = synth(place({ gpuNodeLabels: GpuNodeLabels.karpenter() }));
    const exprs = podSpec(m).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution
      .nodeSelectorTerms[0].matchExpressions.filter(gpuLabel);
    expect(exprs).toEqual([
      { key: 'karpenter.k8s.aws/instance-gpu-name', operator: 'In', values: ['a10g'] },
      { key: 'karpenter.k8s.aws/instance-gpu-memory', operator: 'Gt', values: [String(gpuMemoryThresholdMiB(24))] },
    ]);
  });

  test('uses custom labels when asked', () => {
    const m = synth(place({ gpuNodeLabels: GpuNodeLabels.custom('example.com/gpu') }));
    const exprs = podSpec(m).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution
      .nodeSelectorTerms[0].matchExpressions.filter(gpuLabel);
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
    // the image's architecture only
    expect(podSpec(m).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms)
      .toEqual([{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] }] }]);
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
    // no GPU labels nor NodePool (a MIG slice needs nodes partitioned beforehand): the image's architecture only
    expect(podSpec(m).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution
      .nodeSelectorTerms[0].matchExpressions.filter(gpuLabel)).toEqual([]);
    expect(m.map(x => x.kind)).not.toContain('NodePool');
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
