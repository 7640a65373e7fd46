/*
 * Pod requests are the model's needs, every node candidate fits the pod after the node's overhead, a
 * one-GPU model lands on a one-GPU instance, and the HPA floor covers the traffic's ramp while new
 * capacity starts.
 */
import { App } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { buildExampleApp } from '../../examples/app';
import { InferenceWorkload } from '../../lib';
import { PlacementDecision, PlacementPolicy, PlacementTarget, PriceTable, WorkloadProfile } from '../../lib/policy';
import { kubeReservedCpuMillis, kubeReservedMemoryMiB, maxPodsBound, nodeRoom } from '../../lib/policy/cost/node-overhead';
import { ResolvedProfile, resolveProfile } from '../../lib/policy/profile';
import { HPA_REACTION_SECONDS } from '../../lib/policy/sizing';

const table = PriceTable.awsUsEast1();
const overhead = table.props.clusterOverhead;
const kubernetes = PlacementPolicy.fixed(PlacementTarget.KUBERNETES);

describe('the node overhead model', () => {
  test.each([
    // nodeadm: 6% of the first core, 1% of the second, 0.5% of the third and fourth, 0.25% above
    [1, 60],
    [2, 70], // 60 + 10
    [4, 80], // 60 + 10 + 2 x 5
    [16, 110], // 80 + 12 x 2.5
    [192, 550], // 80 + 188 x 2.5
  ])('kube-reserved CPU of a %i-vCPU node is %im', (vcpu, millis) => {
    expect(kubeReservedCpuMillis(vcpu)).toBe(millis);
  });

  test('kube-reserved memory is 11 MiB per pod + 255 MiB, with the max pods bound by size', () => {
    expect(kubeReservedMemoryMiB(29)).toBe(574); // a g4dn.xlarge's ENI-limited 29 pods
    expect([maxPodsBound(4), maxPodsBound(16), maxPodsBound(192)]).toEqual([110, 234, 737]);
  });

  test('a g4dn.xlarge leaves 3,570m and 14,051 MiB for pods', () => {
    // 4,000m - 80m kube-reserved - 250m DaemonSets - 100m GPU DaemonSets;
    // 16,384 MiB - (11 x 110 + 255) - 100 eviction - 256 DaemonSets - 512 GPU DaemonSets
    expect(nodeRoom(4, 16, true, overhead)).toEqual({ cpuMillis: 3570, memoryMiB: 14_051 });
  });

  test('a table\'s allocatableFraction caps the room further; its DaemonSet figures replace the defaults', () => {
    expect(nodeRoom(4, 16, false, { ...overhead, allocatableFraction: 0.5 })).toEqual({ cpuMillis: 2000, memoryMiB: 8192 });
    expect(nodeRoom(4, 16, false, { ...overhead, daemonSetCpuMillis: 0, daemonSetMemoryMiB: 0 })).toEqual({ cpuMillis: 3920, memoryMiB: 14_819 });
  });
});

describe('pod requests and node candidates', () => {
  test('an 80 GiB one-GPU model is priced and placed on a one-GPU 80 GiB instance (p5.4xlarge), with one-GPU candidates only', () => {
    const model = {
      memoryMiB: 163_840, gpuCount: 1, gpuMemoryGiB: 80, requestDurationP50Ms: 2000, averageRequestsPerSecond: 1, peakRequestsPerSecond: 4,
    };
    const h100 = kubernetes.decide({ ...model, gpuFamily: 'H100' });
    expect(h100.kubernetes).toMatchObject({ instanceType: 'p5.4xlarge', gpuCount: 1, cpuMillis: 2000 });
    // the 8-GPU p5.48xlarge / p5en.48xlarge fit too, but are no candidates: one H100 node per pod
    expect(h100.kubernetes!.nodeCandidates!.map(c => [c.instanceType, c.gpuCount])).toEqual([['p5.4xlarge', 1]]);
    expect(h100.chosenCost!.lineItems[0].basis).toContain('x p5.4xlarge (1 pod(s) per node)');
    // any family: the cheapest one-GPU instance with at least 80 GiB of GPU memory and room for 160 GiB
    const any = kubernetes.decide(model).kubernetes!;
    expect(any.nodeCandidates!.every(c => c.gpuCount === 1 && c.gpuMemoryGiB! >= 80)).toBe(true);
    expect(any.nodeCandidates!.map(c => c.instanceType)).toEqual(expect.arrayContaining(['p5.4xlarge']));
  });

  test('a one-GPU model that fits a 4-vCPU node asks for what it needs, and the 4-vCPU node is its candidate', () => {
    const d = kubernetes.decide({ memoryMiB: 8192, gpuCount: 1, gpuFamily: 'T4', requestDurationP50Ms: 100, averageRequestsPerSecond: 5, peakRequestsPerSecond: 20 });
    expect(d.kubernetes).toMatchObject({ instanceType: 'g4dn.xlarge', cpuMillis: 2000, memoryMiB: 8192 });
  });

  test('a model that states more vCPUs than a node has after its overhead is not placed on it', () => {
    // 3,600m: more than a g4dn.xlarge's 3,570m room, so the next size with the same GPU
    const d = kubernetes.decide({ memoryMiB: 8192, gpuCount: 1, gpuFamily: 'T4', vcpus: 3.6, requestDurationP50Ms: 100, averageRequestsPerSecond: 5 });
    expect(d.kubernetes).toMatchObject({ instanceType: 'g4dn.2xlarge', cpuMillis: 3600 });
    expect(d.kubernetes!.nodeCandidates!.map(c => c.instanceType)).not.toContain('g4dn.xlarge');
  });

  const profiles: fc.Arbitrary<WorkloadProfile> = fc.record({
    memoryMiB: fc.integer({ min: 128, max: 400_000 }),
    gpuCount: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 8 })),
    vcpus: fc.oneof(fc.constant(undefined), fc.double({ min: 0.05, max: 64, noNaN: true })),
    nodeLocalStateGiB: fc.oneof(fc.constant(0), fc.constantFrom(0.5, 8, 64)),
    jitterBudgetMicros: fc.oneof(fc.constant(undefined), fc.constantFrom(10, 500)),
    requestDurationP50Ms: fc.integer({ min: 5, max: 5000 }),
    averageRequestsPerSecond: fc.double({ min: 0.01, max: 50, noNaN: true }),
  }).map(({ gpuCount, vcpus, jitterBudgetMicros, ...r }) => ({
    ...r,
    ...(gpuCount > 0 ? { gpuCount, gpuMemoryGiB: 24 } : {}),
    ...(vcpus === undefined ? {} : { vcpus }),
    ...(jitterBudgetMicros === undefined ? {} : { jitterBudgetMicros }),
    peakRequestsPerSecond: r.averageRequestsPerSecond * 4,
  }));

  /** The decision on Kubernetes, or undefined when no node fits the pod. */
  function placed(profile: WorkloadProfile): PlacementDecision | undefined {
    try {
      return kubernetes.decide(profile);
    } catch {
      return undefined; // nothing in the table fits (constraint.instance-fit): nothing to check
    }
  }

  test('every candidate has room for the pod after its overhead, and GPU candidates have the chosen GPU count (generated profiles)', () => {
    fc.assert(fc.property(profiles, profile => {
      const d = placed(profile);
      const k = d?.kubernetes;
      if (k === undefined) {
        return;
      }
      const podMemoryMiB = k.memoryMiB + Math.ceil((k.nodeLocalStateGiB ?? 0) * 1024);
      const chosenGpus = table.props.gpuInstances.find(g => g.instanceType === k.instanceType)?.gpuCount;
      for (const c of k.nodeCandidates!) {
        const row = k.gpuCount > 0
          ? table.props.gpuInstances.find(g => g.instanceType === c.instanceType)!
          : table.props.cpuInstances.find(n => n.instanceType === c.instanceType)!;
        const room = nodeRoom(row.vcpu, row.memoryGiB, k.gpuCount > 0, overhead);
        expect(room.cpuMillis).toBeGreaterThanOrEqual(k.cpuMillis);
        expect(room.memoryMiB).toBeGreaterThanOrEqual(podMemoryMiB);
        if (k.gpuCount > 0) {
          expect(c.gpuCount).toBe(chosenGpus);
        }
      }
      // the pod asks for the model's CPU, never a share of the node: at least 1,000m per GPU
      expect(k.cpuMillis).toBeGreaterThanOrEqual(1000 * k.gpuCount);
    }), { numRuns: 300, seed: 23 });
  });

  test('a one-GPU model goes to a multi-GPU instance only when no one-GPU instance fits (generated profiles)', () => {
    fc.assert(fc.property(profiles, profile => {
      const p = { ...profile, gpuCount: 1, gpuMemoryGiB: 24 };
      const k = placed(p)?.kubernetes;
      if (k === undefined) {
        return;
      }
      const oneGpuFits = table.props.gpuInstances.some(g => g.gpuCount === 1 && g.gpuMemoryGiB >= 24 && (g.architecture ?? 'x86_64') === 'x86_64'
        && nodeRoom(g.vcpu, g.memoryGiB, true, overhead).cpuMillis >= k.cpuMillis
        && nodeRoom(g.vcpu, g.memoryGiB, true, overhead).memoryMiB >= k.memoryMiB + Math.ceil((k.nodeLocalStateGiB ?? 0) * 1024));
      const chosen = table.props.gpuInstances.find(g => g.instanceType === k.instanceType)!;
      expect(chosen.gpuCount === 1).toBe(oneGpuFits);
    }), { numRuns: 200, seed: 27 });
  });
});

describe('HPA floors from the ramp', () => {
  /**
   * Plays the ramp against the floor second by second: the load rises from the average at the
   * profile's ramp (never above the peak) for as long as new capacity takes (the HPA's reaction and
   * the estimated scale-out); the floor's replicas at full concurrency must serve every second of it.
   * Returns the first second the load exceeds the floor, or undefined when it never does.
   */
  function firstUncoveredSecond(d: PlacementDecision): number | undefined {
    const p = d.profile as ResolvedProfile; // the decision carries the profile with its defaults applied
    const k = d.kubernetes!;
    const capacityRps = k.replicasMin * p.concurrencyPerReplica * 1000 / p.requestDurationP50Ms;
    const scaleOut = HPA_REACTION_SECONDS + k.estimatedScaleOutSeconds!;
    if (scaleOut * 1000 <= p.coldStartToleranceMs) {
      return undefined; // new capacity serves within the tolerance: the floor need not cover a ramp
    }
    const averageRps = p.sustainedUtilization * p.peakRequestsPerSecond;
    for (let t = 0; t <= scaleOut; t++) {
      const load = Math.min(p.peakRequestsPerSecond, averageRps + p.rampRequestsPerSecondPerMinute * t / 60);
      if (load > capacityRps * (1 + 1e-9)) {
        return t;
      }
    }
    return undefined;
  }

  function exampleKubernetes(): Array<[string, PlacementDecision]> {
    const app = buildExampleApp(new App());
    return app.node.findAll()
      .filter((c): c is InferenceWorkload => c instanceof InferenceWorkload)
      .filter(w => w.decision.kubernetes !== undefined)
      .map(w => [w.workloadName, w.decision]);
  }

  test('at least half of the example\'s Kubernetes workloads scale (minReplicas < maxReplicas), and each floor covers its ramp', () => {
    const placedOnKubernetes = exampleKubernetes();
    const scaling = placedOnKubernetes.filter(([, d]) => d.kubernetes!.replicasMin < d.kubernetes!.replicasMax);
    expect(scaling.length * 2).toBeGreaterThanOrEqual(placedOnKubernetes.length);
    for (const [name, d] of placedOnKubernetes) {
      if (d.hybrid?.overflowToLambda) {
        continue; // the hybrid's floor is its cost search's, the tail overflows to Lambda
      }
      expect([name, firstUncoveredSecond(d)]).toEqual([name, undefined]);
    }
  });

  test('each floor covers its ramp within its cold-start tolerance (generated profiles)', () => {
    const ramps: fc.Arbitrary<WorkloadProfile> = fc.record({
      memoryMiB: fc.integer({ min: 512, max: 60_000 }),
      gpuCount: fc.constantFrom(0, 0, 1, 2),
      requestDurationP50Ms: fc.integer({ min: 10, max: 3000 }),
      averageRequestsPerSecond: fc.double({ min: 0.01, max: 200, noNaN: true }),
      peakFactor: fc.double({ min: 1, max: 50, noNaN: true }),
      ramp: fc.oneof(fc.constant(undefined), fc.double({ min: 0, max: 500, noNaN: true })),
      coldStartToleranceMs: fc.constantFrom(0, 1000, 60_000, 600_000),
      concurrencyPerReplica: fc.constantFrom(1, 4, 16),
    }).map(({ peakFactor, ramp, gpuCount, ...r }) => ({
      ...r,
      ...(gpuCount > 0 ? { gpuCount } : {}),
      ...(ramp === undefined ? {} : { rampRequestsPerSecondPerMinute: ramp }),
      peakRequestsPerSecond: r.averageRequestsPerSecond * peakFactor,
    }));
    fc.assert(fc.property(ramps, profile => {
      let d: PlacementDecision;
      try {
        d = kubernetes.decide(profile);
      } catch {
        return; // more replicas than a Deployment is sized for, or no node: refused, nothing to scale
      }
      const k = d.kubernetes!;
      expect(k.replicasMin).toBeGreaterThanOrEqual(1);
      expect(k.replicasMin).toBeLessThanOrEqual(k.replicasMax);
      expect(firstUncoveredSecond(d)).toBeUndefined();
    }), { numRuns: 300, seed: 2727 });
  });

  test('the floor is what the ramp needs, not the peak: a slower ramp gives a lower floor', () => {
    const base = { memoryMiB: 4096, requestDurationP50Ms: 1000, averageRequestsPerSecond: 10, peakRequestsPerSecond: 100 };
    const floorAt = (ramp: number) => kubernetes.decide({ ...base, rampRequestsPerSecondPerMinute: ramp }).kubernetes!.replicasMin;
    // 30 s HPA + (60 s node + 10 s image + 30 s weights) = 130 s: 10 rps + 6 rps/min x 130 / 60 = 23 rps x 1 s -> 23
    expect(floorAt(6)).toBe(23);
    expect(floorAt(60)).toBe(100); // 10 + 130 rps: the peak
    // without a ramp, the average at the 0.7 target: 10 / 0.7 -> 15
    expect(floorAt(0)).toBe(15);
  });

  test('the ramp check fails on a floor one replica short (planted defect)', () => {
    const d = kubernetes.decide({
      memoryMiB: 4096, requestDurationP50Ms: 1000, averageRequestsPerSecond: 10, peakRequestsPerSecond: 100, rampRequestsPerSecondPerMinute: 6,
    });
    expect(firstUncoveredSecond(d)).toBeUndefined();
    const short = new PlacementDecision({ ...d, kubernetes: { ...d.kubernetes!, replicasMin: d.kubernetes!.replicasMin - 1 } });
    // 22 replicas serve 22 rps: 10 + 6 x t / 60 passes 22 after 120 s, inside the 130 s it takes to scale out
    expect(firstUncoveredSecond(short)).toBe(121);
  });

  test('the default ramp follows the traffic shape: spiky traffic reaches its peak in 5 minutes, steady traffic in 15', () => {
    expect(resolveProfile({ memoryMiB: 1024, requestDurationP50Ms: 100, averageRequestsPerSecond: 5, peakRequestsPerSecond: 100 })
      .rampRequestsPerSecondPerMinute).toBe(19); // 5% sustained: (100 - 5) / 5
    expect(resolveProfile({ memoryMiB: 1024, requestDurationP50Ms: 100, averageRequestsPerSecond: 40, peakRequestsPerSecond: 100 })
      .rampRequestsPerSecondPerMinute).toBe(4); // 40%: (100 - 40) / 15
    expect(resolveProfile({ memoryMiB: 1024, requestDurationP50Ms: 100, averageRequestsPerSecond: 40 }).rampRequestsPerSecondPerMinute).toBe(0);
  });

  test('the report shows the floor, the peak and the arithmetic', () => {
    const d = kubernetes.decide({
      memoryMiB: 4096, requestDurationP50Ms: 1000, averageRequestsPerSecond: 10, peakRequestsPerSecond: 100, rampRequestsPerSecondPerMinute: 6,
    });
    expect(d.kubernetes!.floorBasis).toBe('average 10 rps / (1 rps per replica x 0.7 target) = 15; ramp: average 10 rps + 6 rps/min x 130 s to scale out '
      + '(30 s HPA + 100 s node, image, weights) / 60 = 23 rps (at most the peak 100) / 1 rps per replica = 23; floor 23 of 100 at the peak');
  });
});
