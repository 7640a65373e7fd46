/**
 * Conformance: a stopping pod drops no request, behind the hybrid's load balancer (the preStop and
 * grace outlast the target group's deregistration delay and the NLB's routing after it) and on its
 * own (the decision's grace covers the preStop and the p99 request), checked by a simulation
 * (test/conformance/sim/drain.ts) over the example app and generated workloads; and the simulation
 * fails on each planted defect.
 */
import { PlacementPolicy, PlacementTarget, WorkloadProfile } from '../../lib';
import { GPU_PROFILE, HYBRID_PROFILE } from '../helpers/fixtures';
import { DrainInput, preStopSecondsOf, simulateDrain } from './sim/drain';
import { RenderedWorkload, renderExampleApp, renderWorkload } from './sim/render';

/** The target group the workload's TargetGroupBinding fills, and its deregistration delay (seconds). */
function deregistrationDelayOf(w: RenderedWorkload): number | undefined {
  if (!w.manifests.some(m => m.kind === 'TargetGroupBinding')) {
    return undefined;
  }
  const groups = Object.values(w.template.Resources).filter((r: any) => r.Type === 'AWS::ElasticLoadBalancingV2::TargetGroup') as any[];
  expect(groups).toHaveLength(1);
  const attribute = groups[0].Properties.TargetGroupAttributes.find((a: any) => a.Key === 'deregistration_delay.timeout_seconds');
  return Number(attribute.Value);
}

function drainOf(w: RenderedWorkload, profile: WorkloadProfile): DrainInput {
  const deployment = w.manifests.find(m => m.kind === 'Deployment')!;
  return {
    preStopSeconds: preStopSecondsOf(deployment),
    terminationGracePeriodSeconds: deployment.spec.template.spec.terminationGracePeriodSeconds,
    deregistrationDelaySeconds: deregistrationDelayOf(w),
    requestSeconds: Math.ceil((profile.requestDurationP99Ms ?? profile.requestDurationP50Ms) / 1000),
  };
}

describe('drains that drop no request', () => {
  test('the example app: every Kubernetes half, the hybrid\'s behind its NLB', () => {
    const rendered = renderExampleApp();
    const drains = rendered.map(w => [w.workload.workloadName, drainOf(w, w.workload.decision.profile!)] as const);
    expect(drains.filter(([, d]) => d.deregistrationDelaySeconds !== undefined).length).toBeGreaterThan(0);
    expect(Object.fromEntries(drains.map(([name, d]) => [name, simulateDrain(d)])))
      .toEqual(Object.fromEntries(drains.map(([name]) => [name, []])));
  });

  const profiles: Array<[string, WorkloadProfile, PlacementTarget]> = [
    ['hybrid, short requests', HYBRID_PROFILE, PlacementTarget.HYBRID],
    ['hybrid, 60 s requests', { ...HYBRID_PROFILE, requestDurationP50Ms: 20_000, requestDurationP99Ms: 60_000, latencyBudgetP99Ms: 60_000 }, PlacementTarget.HYBRID],
    ['Kubernetes, short requests', GPU_PROFILE, PlacementTarget.KUBERNETES],
    ['Kubernetes, 120 s requests', { ...GPU_PROFILE, requestDurationP99Ms: 120_000 }, PlacementTarget.KUBERNETES],
  ];
  test.each(profiles)('generated: %s', (_name, profile, target) => {
    const w = renderWorkload({ profile, policy: PlacementPolicy.fixed(target) });
    const drain = drainOf(w, profile);
    expect(drain.deregistrationDelaySeconds !== undefined).toBe(target === PlacementTarget.HYBRID);
    expect(simulateDrain(drain)).toEqual([]);
  });
});

describe('the drain simulation fails on each planted defect', () => {
  const hybrid = drainOf(renderWorkload({ profile: HYBRID_PROFILE, policy: PlacementPolicy.fixed(PlacementTarget.HYBRID) }), HYBRID_PROFILE);

  test('the unplanted hybrid passes', () => {
    expect(simulateDrain(hybrid)).toEqual([]);
  });

  test('a preStop shorter than the deregistration delay (the 10 s of a pod not behind a load balancer)', () => {
    expect(simulateDrain({ ...hybrid, preStopSeconds: 10 })).toEqual([expect.stringMatching(/server stops accepting at t=10s \(preStop\)/)]);
  });

  test('a target group whose delay the pods do not follow (ELB\'s default 300 s)', () => {
    expect(simulateDrain({ ...hybrid, deregistrationDelaySeconds: 300 })).toEqual([expect.stringMatching(/until t=305s/)]);
  });

  test('a grace period that kills the pod before the requests accepted at the end of the preStop finish', () => {
    expect(simulateDrain({ ...hybrid, terminationGracePeriodSeconds: hybrid.preStopSeconds })).toEqual([expect.stringMatching(/kubelet kills the pod/)]);
  });
});
