/*
 * Caps and the alarms that mean something: every Lambda placement has a concurrency cap derived
 * from its decision's peak, the spillover alarm fires relative to the spill the decision planned,
 * and a stack whose functions reserve more than the account quota leaves is warned about.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { STRICT_CONTEXT } from './helpers';
import { InferenceWorkload, ModelImage, PlacementPolicy, PlacementTarget, WorkloadProfile } from '../../../lib';
import { spilloverThresholdPercent } from '../../../lib/targets/lambda/alarms';
import { ACCOUNT_CONCURRENCY, CONCURRENCY_QUOTA_CONTEXT_KEY, defaultReservedConcurrency } from '../../../lib/targets/lambda/concurrency-cap';

const IMAGE = ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1');
/** The example's text classifier: 40 rps at peak x its 400 ms p99 = 16 environments held warm at the peak, spiky. */
const CLASSIFIER: WorkloadProfile = {
  memoryMiB: 2048,
  requestDurationP50Ms: 120,
  requestDurationP99Ms: 400,
  averageRequestsPerSecond: 2,
  peakRequestsPerSecond: 40,
  coldStartToleranceMs: 800,
};

function place(profile: WorkloadProfile, lambda: Record<string, unknown> = {}, context: Record<string, unknown> = {}) {
  const stack = new Stack(new App({ context: { ...STRICT_CONTEXT, ...context } }), 'Caps');
  const w = new InferenceWorkload(stack, 'Classifier', { image: IMAGE, profile, lambda, policy: PlacementPolicy.fixed(PlacementTarget.LAMBDA) });
  return { stack, w, t: Template.fromStack(stack) };
}

describe('the default concurrency cap', () => {
  test('is twice the decision\'s peak concurrency, rounded up', () => {
    const { w, t } = place(CLASSIFIER);
    expect(w.decision.lambda!.peakConcurrency).toBe(16);
    t.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 32 });
  });

  test('never under the provisioned maximum or a warm window\'s floor, within Lambda\'s bounds', () => {
    expect(defaultReservedConcurrency({ peakConcurrency: 4.8, provisionedConcurrencyMax: 16, windowFloors: [] })).toBe(16);
    expect(defaultReservedConcurrency({ peakConcurrency: 4.8, provisionedConcurrencyMax: 16, windowFloors: [40] })).toBe(40);
    expect(defaultReservedConcurrency({ peakConcurrency: 0, provisionedConcurrencyMax: 0, windowFloors: [] })).toBe(1);
    expect(defaultReservedConcurrency({ peakConcurrency: 1e9, provisionedConcurrencyMax: 0, windowFloors: [] })).toBe(100_000);
  });

  test('the option overrides it', () => {
    place(CLASSIFIER, { reservedConcurrentExecutions: 50 }).t.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 50 });
  });

  test('the throttle alarm says the cap throttles', () => {
    place(CLASSIFIER).t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Throttles',
      AlarmDescription: Match.stringLikeRegexp('concurrency cap, 32 reserved concurrent executions, was reached'),
    });
  });
});

describe('the spillover alarm, relative to the planned spill', () => {
  test.each([[0, 1], [0.004, 1], [0.1, 20], [0.3, 60], [0.5, 99], [1, 99]])('planned %s: fires above %s%% of invocations', (planned, percent) => {
    expect(spilloverThresholdPercent(planned)).toBe(percent);
  });

  test('the example classifier spills on purpose, and its alarm fires at twice that share', () => {
    const { w, t } = place(CLASSIFIER);
    const planned = w.decision.lambda!.plannedSpilloverShare!;
    expect(planned).toBeGreaterThan(0);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp(`the decision planned ${Math.round(planned * 1000) / 10}%`),
      Threshold: spilloverThresholdPercent(planned),
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'IF(invocations > 0, 100 * spillover / invocations, 0)' })]),
    });
  });
});

describe('the account concurrency quota', () => {
  const warnings = (stack: Stack) => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('concurrency-quota'));
  /** A stack with n classifiers, each reserving `each`. */
  const stackOf = (n: number, each: number, context: Record<string, unknown> = {}) => {
    const stack = new Stack(new App({ context: { ...STRICT_CONTEXT, ...context } }), 'Quota');
    for (let i = 0; i < n; i++) {
      new InferenceWorkload(stack, `C${i}`, {
        image: IMAGE, profile: CLASSIFIER, lambda: { reservedConcurrentExecutions: each }, policy: PlacementPolicy.fixed(PlacementTarget.LAMBDA),
      });
    }
    return stack;
  };

  test('at the default quota minus the unreserved 100 nothing is said; one past it, the workload that crosses is named', () => {
    expect(ACCOUNT_CONCURRENCY).toEqual({ defaultQuota: 1000, unreserved: 100 });
    expect(warnings(stackOf(2, 450))).toEqual([]);
    const crossed = warnings(stackOf(2, 451));
    expect(crossed).toHaveLength(1);
    expect(crossed[0].id).toBe('/Quota/C1');
    expect(JSON.stringify(crossed[0].entry.data)).toContain('reserve 902 concurrent executions, over the 900 an account quota of 1000 leaves');
  });

  test('a stated quota moves the line', () => {
    expect(warnings(stackOf(2, 451, { [CONCURRENCY_QUOTA_CONTEXT_KEY]: 2000 }))).toEqual([]);
  });

  test('a quota that is not an integer of at least 100 is refused naming the key', () => {
    expect(() => stackOf(1, 20, { [CONCURRENCY_QUOTA_CONTEXT_KEY]: 'lots' }))
      .toThrow(`'${CONCURRENCY_QUOTA_CONTEXT_KEY}' must be an integer of at least 100, got "lots"`);
  });
});
