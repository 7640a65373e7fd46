import { PlacementPolicy, PlacementTarget, WorkloadProfile } from '../../lib/policy';

const RECOMMENDER: WorkloadProfile = {
  memoryMiB: 8192,
  requestDurationP50Ms: 25,
  requestDurationP99Ms: 80,
  averageRequestsPerSecond: 30,
  peakRequestsPerSecond: 90,
  teamRunsKubernetes: true,
};

describe('node-local state counts toward the pod that holds it', () => {
  test('a bigger node-local cache needs more node memory, so the Kubernetes option costs more', () => {
    const policy = PlacementPolicy.default();
    const small = policy.decide({ ...RECOMMENDER, nodeLocalStateGiB: 1 });
    const large = policy.decide({ ...RECOMMENDER, nodeLocalStateGiB: 40 });
    expect(small.target).toBe(PlacementTarget.KUBERNETES);
    expect(large.target).toBe(PlacementTarget.KUBERNETES);
    const cost = (d: typeof small) => d.costs.find(c => c.option === 'kubernetes')!.monthlyUsd;
    expect(cost(large)).toBeGreaterThan(cost(small));
  });

  test('fails when no node holds the model server and its state together, saying so', () => {
    expect(() => PlacementPolicy.default().decide({ ...RECOMMENDER, memoryMiB: 200_000, nodeLocalStateGiB: 4096 }))
      .toThrow(/no instance type in the price table fits one pod \(0 GPU\(s\) x 0 GiB, 200,000 MiB \+ 4,096 GiB node-local state/);
  });
});
