import { SPIKY_CPU, usd } from './helpers';
import { PlacementPolicy, PlacementTarget, WarmSchedule, WorkloadProfile } from '../../lib/policy';
import { floorShares } from '../../lib/policy/schedule';

const BUSINESS_HOURS: WarmSchedule = { name: 'business-hours', startCron: 'cron(0 8 ? * MON-FRI *)', endCron: 'cron(0 18 ? * MON-FRI *)', minCapacity: 5 };
/** 2025 has 261 weekdays; ten hours each, of 8,760 hours. */
const BUSINESS_SHARE = 261 * 10 / 8760;
const decide = (p: Partial<WorkloadProfile>) => PlacementPolicy.default().decide({ ...SPIKY_CPU, ...p });

describe('warm window coverage', () => {
  test.each<[string, WarmSchedule[], Array<[number, number]>]>([
    ['business hours', [BUSINESS_HOURS], [[0, 1 - BUSINESS_SHARE], [5, BUSINESS_SHARE]]],
    ['a window across midnight', [{ ...BUSINESS_HOURS, startCron: 'cron(0 20 * * ? *)', endCron: 'cron(0 6 * * ? *)' }], [[0, 14 / 24], [5, 10 / 24]]],
    ['overlapping windows: the higher floor holds', [
      { ...BUSINESS_HOURS, name: 'day', startCron: 'cron(0 8 * * ? *)', endCron: 'cron(0 20 * * ? *)', minCapacity: 2 },
      { ...BUSINESS_HOURS, name: 'noon', startCron: 'cron(0 11 * * ? *)', endCron: 'cron(0 14 * * ? *)', minCapacity: 7 },
    ], [[0, 12 / 24], [2, 9 / 24], [7, 3 / 24]]],
    ['steps and names', [{ ...BUSINESS_HOURS, startCron: 'cron(30 9 ? JAN-DEC SAT,SUN *)', endCron: 'cron(30 10/24 ? * SAT,SUN *)' }], [[0, 1 - 104 / 8760], [5, 104 / 8760]]],
  ])('%s', (_, windows, expected) => {
    const shares = floorShares(windows, 0);
    expect(shares.map(s => s.floor)).toEqual(expected.map(([floor]) => floor));
    shares.forEach((s, i) => expect(s.share).toBeCloseTo(expected[i][1], 9));
  });
});

describe('allowScaleToZero', () => {
  test('the Lambda floor is 0 outside the windows and the windows keep their floor', () => {
    const d = decide({ allowScaleToZero: true, warmSchedules: [BUSINESS_HOURS] });
    expect(d.target).toBe(PlacementTarget.LAMBDA);
    expect(d.lambda).toMatchObject({ provisionedConcurrencyMin: 0, warmSchedules: [BUSINESS_HOURS] });
    expect(d.lambda!.provisionedConcurrencyMax).toBeGreaterThanOrEqual(5);
  });

  test('prices the standby for the window hours only and the hours at 0 on demand', () => {
    const d = decide({ allowScaleToZero: true, warmSchedules: [BUSINESS_HOURS] });
    const items = d.costs.find(c => c.option === 'lambda-provisioned')!.lineItems;
    const standby = items.find(i => i.label === 'provisioned concurrency standby')!;
    // 5 environments x 2 GB x the window share of 730 h, at the x86_64 provisioned price
    const expected = 5 * 2 * BUSINESS_SHARE * 730 * 3600 * 0.0000041667;
    expect(standby.monthlyUsd).toBeCloseTo(expected, 1);
    expect(standby.basis).toContain('0 outside');
    // with no window time at a floor above 0, the deployed shape would cost what on demand costs
    const night = decide({ allowScaleToZero: true, warmSchedules: [{ ...BUSINESS_HOURS, minCapacity: 0 }] });
    expect(usd(night, 'lambda-provisioned')).toBeCloseTo(usd(night, 'lambda-on-demand'), 1);
  });

  test.each<[string, Partial<WorkloadProfile>, string]>([
    ['without warm windows', { allowScaleToZero: true },
      "Cannot configure 'profile.allowScaleToZero' without 'profile.warmSchedules' (provisioned concurrency is 0 outside the warm windows, so without a window nothing is ever kept warm), got no warm windows"],
    ['with a cold-start tolerance under 500 ms', { allowScaleToZero: true, warmSchedules: [BUSINESS_HOURS], coldStartToleranceMs: 200 },
      "Cannot configure 'profile.allowScaleToZero' with 'profile.coldStartToleranceMs' under 500 ms (outside the warm windows every request may land on a cold environment), got 200"],
    ['with a cron the policy cannot replay', { allowScaleToZero: true, warmSchedules: [{ ...BUSINESS_HOURS, endCron: 'cron(0 18 ? * 6#3 *)' }] },
      "'profile.warmSchedules[0].endCron' must use only numbers, names, '*', '?', ranges, lists and steps when 'profile.allowScaleToZero' is true (the policy prices the hours outside the windows at zero), got \"cron(0 18 ? * 6#3 *)\""],
  ])('throws %s', (_, p, message) => {
    expect(() => decide(p)).toThrow(message);
  });

  test('without it, a window keeps the policy floor and the cost is unchanged', () => {
    const plain = decide({});
    const windowed = decide({ warmSchedules: [BUSINESS_HOURS] });
    expect(windowed.lambda!.provisionedConcurrencyMin).toBe(plain.lambda!.provisionedConcurrencyMin);
    expect(usd(windowed, 'lambda-provisioned')).toBe(usd(plain, 'lambda-provisioned'));
  });
});
