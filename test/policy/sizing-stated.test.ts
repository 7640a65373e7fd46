import { PlacementPolicy, PlacementTarget, WorkloadProfile } from '../../lib/policy';

/*
 * The sizing's own numbers, stated from the profile's fields: the grace period a stopping pod gets.
 */

/** A CPU model server with a long p99 that is not a whole number of seconds. */
const LONG_TAIL: WorkloadProfile = {
  memoryMiB: 2048,
  requestDurationP50Ms: 5_000,
  requestDurationP99Ms: 20_400,
  averageRequestsPerSecond: 1,
  peakRequestsPerSecond: 2,
};

describe('the grace period of a stopping pod', () => {
  test('is the preStop delay (10 s) + the p99 request rounded up to whole seconds + a 5 s drain margin', () => {
    // 20.4 s is rounded up, never down: a request still running at 20.4 s must finish before the kill
    const d = PlacementPolicy.fixed(PlacementTarget.KUBERNETES).decide(LONG_TAIL);
    expect(d.kubernetes!.terminationGracePeriodSeconds).toBe(10 + 21 + 5);
  });
});
