import { Duration, Size } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { container, CPU_SIZING, FixedKubernetesPolicy, GPU_PROFILE, GPU_SIZING, IMAGE, kindOf, newStack, place, podSpec, synth } from './fixtures';
import { ClusterFlavor, InferenceWorkload, KubernetesTargetOptions, ModelServer, PlacementDecision, WorkloadProfile } from '../../../lib';
import { fetchPlan } from '../../../lib/targets/kubernetes/fetch-plan';
import { requiredRootVolumeGiB, startupBudget } from '../../../lib/targets/kubernetes/startup';

/** The fixed sizing, with the profile recorded in the decision as the default policy records it. */
class ProfiledPolicy extends FixedKubernetesPolicy {
  public decide(profile: WorkloadProfile): PlacementDecision {
    const d = super.decide(profile);
    return new PlacementDecision({ ...d, assumedProfileFields: [], profile });
  }
}

const deployment = (kubernetes: KubernetesTargetOptions, sizing = GPU_SIZING, profile = GPU_PROFILE) =>
  kindOf(synth(place(kubernetes, sizing, { profile, policy: new ProfiledPolicy(sizing) })), 'Deployment');

describe('start-up from the model', () => {
  test('an 80 GiB model from S3: its fetch and load fit the startup probe and the progress deadline at the stated disk throughput', () => {
    const sizing = { ...GPU_SIZING, modelSizeGiB: 80, gpuMemoryGiB: 192, gpuCount: 4 };
    const d = deployment({ modelServer: ModelServer.vllm(), modelUri: 's3://models/llm-80/', nodeRootVolumeSize: Size.gibibytes(200) }, sizing);
    const probe = container([d], 'model-server').startupProbe;
    const modelMiB = 80 * 1024;
    // at 125 MiB/s: about 11 minutes to write the weights, 11 more to read them back
    const fetchSeconds = modelMiB / 125;
    const loadSeconds = modelMiB / 125;
    expect(probe.periodSeconds * probe.failureThreshold).toBeGreaterThanOrEqual(120 + loadSeconds);
    expect(d.spec.progressDeadlineSeconds).toBeGreaterThan(fetchSeconds + loadSeconds + 120);
    expect(d.spec.progressDeadlineSeconds).toBeGreaterThan(600);
    // the startup probe runs after the init step: its budget does not include the fetch
    expect(d.spec.progressDeadlineSeconds).toBeGreaterThanOrEqual(probe.periodSeconds * probe.failureThreshold + fetchSeconds);
  });

  test('a faster disk shortens every figure; a small model keeps at least the controller\'s 600 s', () => {
    const slow = startupBudget({ modelSizeGiB: 70, fetchThroughputMiBps: 125, diskThroughputMiBps: 125 });
    const fast = startupBudget({ modelSizeGiB: 70, fetchThroughputMiBps: 1000, diskThroughputMiBps: 1000 });
    expect(fast.startupSeconds).toBeLessThan(slow.startupSeconds);
    expect(fast.progressDeadlineSeconds).toBeLessThan(slow.progressDeadlineSeconds);
    expect(slow.coldStartSeconds).toBeGreaterThan(70 * 1024 / 125 * 2);
    expect(startupBudget({ modelSizeGiB: 0, diskThroughputMiBps: 125 }).progressDeadlineSeconds).toBeGreaterThanOrEqual(600);
    // the user's startup timeout replaces the probe's budget, and the deadline follows it
    const given = startupBudget({ modelSizeGiB: 1, fetchThroughputMiBps: 125, diskThroughputMiBps: 125, startupTimeoutSeconds: 3600 });
    expect(given.startupSeconds).toBe(3600);
    expect(given.progressDeadlineSeconds).toBeGreaterThan(3600);
  });

  test('a model cache larger than the nodes\' root volume is refused at synth, naming the option and what to change', () => {
    const sizing = { ...GPU_SIZING, modelSizeGiB: 80 };
    const build = (kubernetes: KubernetesTargetOptions) => new InferenceWorkload(newStack(), 'LlmChat', {
      image: IMAGE, profile: GPU_PROFILE, policy: new FixedKubernetesPolicy(sizing), kubernetes: { modelUri: 'https://models.example.com/m.bin', ...kubernetes },
    });
    // 100 GiB of cache (1.25 x 80) + home and /tmp
    expect(() => build({})).toThrow(/^'kubernetes.nodeRootVolumeSize' must hold llm-chat's node-local disk \(.*\), got 20 GiB \(the karpenter default root volume\): give the nodes a larger root volume/);
    expect(() => build({ flavor: ClusterFlavor.eksAutoMode() })).toThrow(/got 80 GiB \(the eks-auto-mode default root volume\)/);
    expect(() => build({ nodeRootVolumeSize: Size.gibibytes(100) })).toThrow(/got 100 GiB: give the nodes/);
    expect(() => build({ nodeRootVolumeSize: Size.gibibytes(120) })).not.toThrow();
    // the cache on a volume of its own takes no node disk
    expect(() => new InferenceWorkload(newStack(), 'LlmChat', {
      image: IMAGE, profile: GPU_PROFILE, policy: new FixedKubernetesPolicy({ ...GPU_SIZING, modelSizeGiB: 1 }), kubernetes: {},
    })).not.toThrow();
  });

  test('the root volume a node pool needs holds the pod\'s disk above the kubelet reserve and the 10% eviction threshold', () => {
    expect(requiredRootVolumeGiB(100 * 1024)).toBe(Math.ceil((100 + 1) / 0.9));
    expect(requiredRootVolumeGiB(0)).toBe(2);
  });

  test('bad disk options are refused by name', () => {
    expect(() => place({ nodeDiskThroughputMiBps: 0 })).toThrow("'kubernetes.nodeDiskThroughputMiBps' must be");
    expect(() => place({ nodeRootVolumeSize: Size.mebibytes(10) })).toThrow("'kubernetes.nodeRootVolumeSize' must be");
  });
});

describe('rollouts and node consolidation', () => {
  test('GPU pods: a replacement is ready before an old pod goes, one at a time; CPU pods surge 25%, never below the count', () => {
    expect(deployment({}).spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(deployment({}, CPU_SIZING).spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } });
  });

  test('GPU pods whose cold start exceeds the profile\'s tolerance carry the node autoscaler\'s do-not-disrupt annotation, by flavor', () => {
    const annotations = (kubernetes: KubernetesTargetOptions, coldStartToleranceMs?: number) =>
      deployment({ modelUri: 'https://models.example.com/m.bin', ...kubernetes }, GPU_SIZING, { ...GPU_PROFILE, coldStartToleranceMs }).spec.template.metadata.annotations ?? {};
    expect(annotations({})).toMatchObject({ 'karpenter.sh/do-not-disrupt': 'true' });
    expect(annotations({ flavor: ClusterFlavor.eksAutoMode() })).toMatchObject({ 'karpenter.sh/do-not-disrupt': 'true' });
    expect(annotations({ flavor: ClusterFlavor.managedNodeGroups() })).toMatchObject({ 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' });
    // a tolerance longer than the cold start: consolidation may move the pod
    const fetch = fetchPlan({ uri: 'https://models.example.com/m.bin', modelSizeGiB: GPU_SIZING.modelSizeGiB!, diskThroughputMiBps: 125 });
    const cold = startupBudget({
      modelSizeGiB: GPU_SIZING.modelSizeGiB!, fetchThroughputMiBps: fetch.throughputMiBps, diskThroughputMiBps: 125,
    }).coldStartSeconds;
    expect(annotations({}, (cold + 1) * 1000)).not.toHaveProperty(['karpenter.sh/do-not-disrupt']);
    expect(annotations({}, (cold - 1) * 1000)).toHaveProperty(['karpenter.sh/do-not-disrupt'], 'true');
    // the policy's scale-out estimate, when the decision has one, is the cold start
    const estimated = (toleranceMs: number) =>
      deployment({}, { ...GPU_SIZING, estimatedScaleOutSeconds: 200 }, { ...GPU_PROFILE, coldStartToleranceMs: toleranceMs })
        .spec.template.metadata.annotations ?? {};
    expect(estimated(199_000)).toHaveProperty(['karpenter.sh/do-not-disrupt'], 'true');
    expect(estimated(201_000)).not.toHaveProperty(['karpenter.sh/do-not-disrupt']);
    // CPU pods are left to consolidation
    expect(deployment({}, CPU_SIZING).spec.template.metadata.annotations ?? {}).not.toHaveProperty(['karpenter.sh/do-not-disrupt']);
  });

  test('a workload with a replica floor of 1 is warned about at synth: a drain takes it to zero', () => {
    const stack = newStack();
    place({}, { ...GPU_SIZING, replicasMin: 1 }, {}, stack);
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('llm-chat may run a single replica \\(minReplicas 1\\): a node drain'));
    const two = newStack();
    place({}, GPU_SIZING, {}, two);
    Annotations.fromStack(two).hasNoWarning('*', Match.stringLikeRegexp('may run a single replica'));
  });

  test('the PodDisruptionBudget lets one pod go at a time and never blocks a drain on a crash-looping pod', () => {
    const pdb = kindOf(synth(place()), 'PodDisruptionBudget');
    expect(pdb.spec).toMatchObject({ maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
  });
});

describe('long requests and the VPC CNI network-policy agent', () => {
  test('workloads whose p99 request outlasts the agent\'s 300 s cleanup period carry the limitation; shorter ones do not', () => {
    const warnings = (requestDurationP99Ms: number) => {
      const stack = newStack();
      place({}, GPU_SIZING, { profile: { ...GPU_PROFILE, requestDurationP99Ms }, policy: new ProfiledPolicy(GPU_SIZING) }, stack);
      return JSON.stringify(Annotations.fromStack(stack).findWarning('*', Match.anyValue()));
    };
    expect(warnings(20 * 60_000)).toMatch(/requests last up to 1200 s \(requestDurationP99Ms\), longer than the 300 s period at which the VPC CNI network-policy agent cleans/);
    // the remedy that works: a packet from the client, not the server's keepalive
    expect(warnings(20 * 60_000)).toMatch(/have the clients enable TCP keepalive .* the server's own keepalive cannot/);
    expect(warnings(60_000)).not.toContain('network-policy agent');
  });
});

test('the pod keeps its priced shape: the startup probe reads the readiness path on the server port', () => {
  const server = container(synth(place({ modelServer: ModelServer.triton(), startupTimeout: Duration.minutes(20) })), 'model-server');
  expect(server.startupProbe).toMatchObject({ httpGet: { path: '/v2/health/ready', port: 8000 }, failureThreshold: 120 });
  expect(podSpec(synth(place({ modelServer: ModelServer.triton() }))).containers[0].ports).toEqual([
    { containerPort: 8000, name: 'http' }, { containerPort: 8002, name: 'metrics' },
  ]);
});
