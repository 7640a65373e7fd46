import { SPIKY_CPU } from './helpers';
import { PlacementPolicy, WarmSchedule, WorkloadProfile } from '../../lib';
import { resolveProfile } from '../../lib/policy/profile';

/** aws-cdk-lib's encoding of a number token (the policy is pure and recognises it by magnitude). */
const NUMBER_TOKEN = -1.8881545897087626e+289;
const decide = (overrides: Record<string, unknown>) => () => PlacementPolicy.default().decide({ ...SPIKY_CPU, ...overrides } as WorkloadProfile);

const WINDOW: WarmSchedule = { name: 'business-hours', startCron: 'cron(0 8 ? * MON-FRI *)', endCron: 'cron(0 18 ? * MON-FRI *)', minCapacity: 5 };

const FAILURES: Array<[string, Record<string, unknown>, string]> = [
  ['memory NaN', { memoryMiB: NaN }, "'profile.memoryMiB' must be a finite number, got NaN"],
  ['memory Infinity', { memoryMiB: Infinity }, "'profile.memoryMiB' must be a finite number, got Infinity"],
  ['memory -Infinity', { memoryMiB: -Infinity }, "'profile.memoryMiB' must be a finite number, got -Infinity"],
  ['memory negative', { memoryMiB: -1 }, "'profile.memoryMiB' must be between 128 and 2,097,152, got -1"],
  ['memory under 128', { memoryMiB: 127 }, "'profile.memoryMiB' must be between 128 and 2,097,152, got 127"],
  ['memory fractional', { memoryMiB: 1024.5 }, "'profile.memoryMiB' must be an integer between 128 and 2,097,152, got 1,024.5"],
  ['memory a string', { memoryMiB: '2048' }, "'profile.memoryMiB' must be a number, got \"2048\""],
  ['memory a token', { memoryMiB: NUMBER_TOKEN }, "'profile.memoryMiB' must be a concrete number at synth time (the placement is decided at synth), got an unresolved token"],
  ['gpuCount above 16', { gpuCount: 17 }, "'profile.gpuCount' must be between 0 and 16, got 17"],
  ['gpuCount fractional', { gpuCount: 0.5 }, "'profile.gpuCount' must be an integer between 0 and 16, got 0.5"],
  ['gpuMemoryGiB without GPUs', { gpuMemoryGiB: 24 }, "Cannot configure 'profile.gpuMemoryGiB' (24) without 'profile.gpuCount' of at least 1, got 0"],
  ['gpuMemoryGiB zero', { gpuCount: 1, gpuMemoryGiB: 0 }, "'profile.gpuMemoryGiB' must be between 1 and 192, got 0"],
  ['gpuFamily without GPUs', { gpuFamily: 'A10G' }, "Cannot configure 'profile.gpuFamily' (\"A10G\") without 'profile.gpuCount' of at least 1, got 0"],
  ['gpuFamily malformed', { gpuCount: 1, gpuFamily: 'A10G!' }, "'profile.gpuFamily' must be a GPU family name such as \"A10G\", \"L4\" or \"H100\", got \"A10G!\""],
  ['gpuFamily a token', { gpuCount: 1, gpuFamily: '${Token[TOKEN.12]}' }, "'profile.gpuFamily' must be a concrete string at synth time, got an unresolved token"],
  ['modelSizeGiB negative', { modelSizeGiB: -1 }, "'profile.modelSizeGiB' must be between 0 and 2,048, got -1"],
  ['imageSizeGiB zero', { imageSizeGiB: 0 }, "'profile.imageSizeGiB' must be between 0.001 and 200, got 0"],
  ['p50 zero', { requestDurationP50Ms: 0 }, "'profile.requestDurationP50Ms' must be greater than 0 and at most 86,400,000, got 0"],
  ['p50 NaN', { requestDurationP50Ms: NaN }, "'profile.requestDurationP50Ms' must be a finite number, got NaN"],
  ['p99 under p50', { requestDurationP99Ms: 100 }, "'profile.requestDurationP99Ms' (100) must be at least 'profile.requestDurationP50Ms' (120)"],
  ['average negative', { averageRequestsPerSecond: -2 }, "'profile.averageRequestsPerSecond' must be between 0 and 1,000,000, got -2"],
  ['peak under average', { peakRequestsPerSecond: 1 }, "'profile.peakRequestsPerSecond' (1) must be at least 'profile.averageRequestsPerSecond' (2)"],
  ['no traffic at all', { averageRequestsPerSecond: 0, peakRequestsPerSecond: 0 }, "'profile.peakRequestsPerSecond' must be greater than 0 (a workload that never receives a request needs no placement), got 0"],
  ['utilization above 1', { sustainedUtilization: 1.5 }, "'profile.sustainedUtilization' must be between 0 and 1, got 1.5"],
  ['latency budget under p99', { latencyBudgetP99Ms: 300 }, "'profile.latencyBudgetP99Ms' (300) must be at least 'profile.requestDurationP99Ms' (400): no placement can serve faster than the model runs"],
  ['cold-start tolerance negative', { coldStartToleranceMs: -1 }, "'profile.coldStartToleranceMs' must be between 0 and 3,600,000, got -1"],
  ['jitter budget zero', { jitterBudgetMicros: 0 }, "'profile.jitterBudgetMicros' must be greater than 0 and at most 60,000,000, got 0"],
  ['node-local state negative', { nodeLocalStateGiB: -0.5 }, "'profile.nodeLocalStateGiB' must be between 0 and 65,536, got -0.5"],
  ['payload infinite', { requestPayloadKiB: Infinity }, "'profile.requestPayloadKiB' must be a finite number, got Infinity"],
  ['architecture unknown', { architecture: 'sparc' }, "'profile.architecture' must be one of x86_64, arm64, any, got \"sparc\""],
  ['teamRunsKubernetes not boolean', { teamRunsKubernetes: 'yes' }, "'profile.teamRunsKubernetes' must be true or false, got \"yes\""],
  ['cpuFallbackCapable not boolean', { cpuFallbackCapable: 1 }, "'profile.cpuFallbackCapable' must be true or false, got 1"],
  ['allowScaleToZero not boolean', { allowScaleToZero: 'no' }, "'profile.allowScaleToZero' must be true or false, got \"no\""],
  ['concurrencyPerReplica zero', { concurrencyPerReplica: 0 }, "'profile.concurrencyPerReplica' must be between 1 and 10,000, got 0"],
  ['warmSchedules not an array', { warmSchedules: 'daily' }, "'profile.warmSchedules' must be an array of warm schedules, got \"daily\""],
  ['warmSchedules too many', { warmSchedules: Array.from({ length: 21 }, (_, i) => ({ ...WINDOW, name: `w${i}` })) }, "'profile.warmSchedules' must have at most 20 entries, got 21"],
  ['warm schedule not an object', { warmSchedules: [null] }, "'profile.warmSchedules[0]' must be an object, got null"],
  ['warm schedule name malformed', { warmSchedules: [{ ...WINDOW, name: 'business hours' }] },
    "'profile.warmSchedules[0].name' must be letters, digits and '-', starting with a letter or digit, got \"business hours\""],
  ['warm schedule name empty', { warmSchedules: [{ ...WINDOW, name: '' }] }, "'profile.warmSchedules[0].name' must not be empty, got \"\""],
  ['warm schedule names repeated', { warmSchedules: [WINDOW, WINDOW] },
    "'profile.warmSchedules[1].name' must be unique among the warm schedules, got \"business-hours\" twice"],
  ['warm schedule cron not cron(...)', { warmSchedules: [{ ...WINDOW, startCron: '0 8 * * MON-FRI' }] },
    "'profile.warmSchedules[0].startCron' must be an Application Auto Scaling cron expression with six fields, e.g. \"cron(0 8 ? * MON-FRI *)\", got \"0 8 * * MON-FRI\""],
  ['warm schedule cron with five fields', { warmSchedules: [{ ...WINDOW, endCron: 'cron(0 18 ? * MON-FRI)' }] },
    "'profile.warmSchedules[0].endCron' must be an Application Auto Scaling cron expression with six fields"],
  ['warm schedule cron empty', { warmSchedules: [{ ...WINDOW, endCron: '' }] }, "'profile.warmSchedules[0].endCron' must not be empty, got \"\""],
  ['warm schedule empty window', { warmSchedules: [{ ...WINDOW, endCron: WINDOW.startCron }] },
    "'profile.warmSchedules[0].endCron' must differ from 'profile.warmSchedules[0].startCron' (an empty window), got \"cron(0 8 ? * MON-FRI *)\""],
  ['warm schedule at zero without allowScaleToZero', { warmSchedules: [{ ...WINDOW, minCapacity: 0 }] },
    "'profile.warmSchedules[0].minCapacity' must be at least 1 unless 'profile.allowScaleToZero' is true (provisioned concurrency at zero breaks later deploys, aws-cdk #29992), got 0"],
  ['warm schedule capacity fractional', { warmSchedules: [{ ...WINDOW, minCapacity: 2.5 }] },
    "'profile.warmSchedules[0].minCapacity' must be an integer between 0 and 10,000, got 2.5"],
  ['warm schedule capacity NaN', { warmSchedules: [{ ...WINDOW, minCapacity: NaN }] }, "'profile.warmSchedules[0].minCapacity' must be a finite number, got NaN"],
  ['warm schedule time zone unknown', { warmSchedules: [{ ...WINDOW, timeZone: 'Mars/Olympus_Mons' }] },
    "'profile.warmSchedules[0].timeZone' must be an IANA time zone name such as \"UTC\" or \"Europe/Berlin\", got \"Mars/Olympus_Mons\""],
  ['warm schedule time zone malformed', { warmSchedules: [{ ...WINDOW, timeZone: 'UTC+1 hour' }] },
    "'profile.warmSchedules[0].timeZone' must be an IANA time zone name such as \"UTC\" or \"Europe/Berlin\", got \"UTC+1 hour\""],
];

describe('WorkloadProfile validation', () => {
  test.each(FAILURES)('fails on %s', (_name, overrides, message) => {
    expect(decide(overrides)).toThrow(message);
  });

  test('throws on a profile that is not an object', () => {
    expect(() => resolveProfile(null as any)).toThrow("'profile' must be an object, got null");
  });

  test('errors are InferenceWorkloadValidationError', () => {
    let error: unknown;
    try {
      decide({ memoryMiB: NaN })();
    } catch (e) {
      error = e;
    }
    expect((error as Error).name).toBe('InferenceWorkloadValidationError');
  });
});

describe('WorkloadProfile defaults', () => {
  test('fill in what the rules need', () => {
    expect(resolveProfile({ memoryMiB: 4096, requestDurationP50Ms: 100, averageRequestsPerSecond: 5 })).toMatchObject({
      gpuCount: 0,
      gpuMemoryGiB: 0,
      modelSizeGiB: 2,
      imageSizeGiB: 1,
      requestDurationP99Ms: 100,
      peakRequestsPerSecond: 5,
      sustainedUtilization: 1,
      coldStartToleranceMs: 1000,
      nodeLocalStateGiB: 0,
      requestPayloadKiB: 64,
      architecture: 'x86_64',
      teamRunsKubernetes: false,
      cpuFallbackCapable: false,
      concurrencyPerReplica: 1,
      warmSchedules: [],
      allowScaleToZero: false,
    });
    expect(resolveProfile({ memoryMiB: 4096, gpuCount: 1, requestDurationP50Ms: 100, averageRequestsPerSecond: 5 }))
      .toMatchObject({ gpuMemoryGiB: 16, concurrencyPerReplica: 4 });
  });

  test('a given sustained utilization replaces average/peak', () => {
    expect(resolveProfile({ ...SPIKY_CPU, sustainedUtilization: 0.4 }).sustainedUtilization).toBe(0.4);
    expect(resolveProfile(SPIKY_CPU).sustainedUtilization).toBe(0.05);
  });
});

describe('warm schedules', () => {
  test('are validated and carried into the Lambda sizing, raising the provisioned ceiling to the window floor', () => {
    const schedules = [{ ...WINDOW, minCapacity: 30, timeZone: 'Europe/Berlin' }, { ...WINDOW, name: 'nightly-batch', startCron: 'cron(0 1 * * ? *)', endCron: 'cron(0 3 * * ? *)' }];
    const d = PlacementPolicy.default().decide({ ...SPIKY_CPU, warmSchedules: schedules });
    expect(d.target).toBe('lambda');
    expect(d.lambda!.warmSchedules).toEqual(schedules);
    expect(d.lambda!.provisionedConcurrencyMax).toBe(30); // above the peak of 16, so the window can hold its floor
    expect(d.lambda!.provisionedConcurrencyMin).toBeGreaterThanOrEqual(1);
  });

  test('may go to zero only with allowScaleToZero', () => {
    const d = PlacementPolicy.default().decide({ ...SPIKY_CPU, allowScaleToZero: true, warmSchedules: [{ ...WINDOW, minCapacity: 0 }] });
    expect(d.lambda!.warmSchedules![0].minCapacity).toBe(0);
  });

  test('are omitted from the sizing when there are none', () => {
    expect(PlacementPolicy.default().decide(SPIKY_CPU).lambda!.warmSchedules).toBeUndefined();
  });
});

describe('a profile with several problems', () => {
  const messageOf = (overrides: Record<string, unknown>): string => {
    try {
      decide(overrides)();
    } catch (e) {
      expect((e as Error).name).toBe('InferenceWorkloadValidationError');
      return (e as Error).message;
    }
    throw new Error('expected the profile to be refused');
  };

  test('reports every problem in one message, on one line, starting with the first prop path', () => {
    const message = messageOf({ requestDurationP99Ms: 100, averageRequestsPerSecond: -2, gpuCount: 0.5, architecture: 'sparc' });
    expect(message).toBe("'profile.gpuCount' must be an integer between 0 and 16, got 0.5; also: "
      + "'profile.requestDurationP99Ms' (100) must be at least 'profile.requestDurationP50Ms' (120); "
      + "'profile.averageRequestsPerSecond' must be between 0 and 1,000,000, got -2; "
      + "'profile.architecture' must be one of x86_64, arm64, any, got \"sparc\"");
    expect(message).not.toContain('\n');
  });

  test('reports the cross-field problems with the field ones', () => {
    expect(messageOf({ requestDurationP99Ms: 100, averageRequestsPerSecond: 50, peakRequestsPerSecond: 40, memoryMiB: 12 })).toBe(
      "'profile.memoryMiB' must be between 128 and 2,097,152, got 12; also: "
      + "'profile.requestDurationP99Ms' (100) must be at least 'profile.requestDurationP50Ms' (120); "
      + "'profile.peakRequestsPerSecond' (40) must be at least 'profile.averageRequestsPerSecond' (50)");
  });

  test('does not relate a wrong field to another (a p50 that is NaN is not also under the p99)', () => {
    expect(messageOf({ requestDurationP50Ms: NaN, requestDurationP99Ms: 100, latencyBudgetP99Ms: 50, gpuCount: -1, gpuMemoryGiB: 24 })).toBe(
      "'profile.gpuCount' must be between 0 and 16, got -1; also: "
      + "'profile.requestDurationP50Ms' must be a finite number, got NaN; "
      + "'profile.latencyBudgetP99Ms' (50) must be at least 'profile.requestDurationP99Ms' (100): no placement can serve faster than the model runs");
  });

  test('reports every wrong warm window and field of a window', () => {
    const message = messageOf({ warmSchedules: [{ ...WINDOW, name: '', minCapacity: 2.5 }, null, { ...WINDOW, endCron: WINDOW.startCron }] });
    expect(message).toBe("'profile.warmSchedules[0].name' must not be empty, got \"\"; also: "
      + "'profile.warmSchedules[0].minCapacity' must be an integer between 0 and 10,000, got 2.5; "
      + "'profile.warmSchedules[1]' must be an object, got null; "
      + "'profile.warmSchedules[2].endCron' must differ from 'profile.warmSchedules[2].startCron' (an empty window), got \"cron(0 8 ? * MON-FRI *)\"");
  });

  test('one problem reads as it always did (no "also")', () => {
    expect(messageOf({ requestDurationP99Ms: 100 })).toBe("'profile.requestDurationP99Ms' (100) must be at least 'profile.requestDurationP50Ms' (120)");
  });

  test('the first problem is the one a single check would report, whatever the others', () => {
    // every pair of single failures: the message starts with the one that comes first in the table
    const singles = FAILURES.filter(([, o]) => !('warmSchedules' in o) && !('gpuMemoryGiB' in o) && !('gpuFamily' in o)
      && !('peakRequestsPerSecond' in o) && !('averageRequestsPerSecond' in o) && !('latencyBudgetP99Ms' in o) && !('requestDurationP99Ms' in o)
      && !('requestDurationP50Ms' in o));
    for (const [, a, first] of singles) {
      for (const [, b, second] of singles) {
        if (Object.keys(a)[0] === Object.keys(b)[0]) {
          continue;
        }
        const message = messageOf({ ...a, ...b });
        const [expected1, expected2] = message.startsWith(first) ? [first, second] : [second, first];
        expect(message.startsWith(expected1)).toBe(true);
        expect(message).toContain(`; also: ${expected2}`);
      }
    }
  });
});

describe('numbers in the messages', () => {
  test.each([
    [{ memoryMiB: 3_000_000 }, "'profile.memoryMiB' must be between 128 and 2,097,152, got 3,000,000"],
    [{ memoryMiB: 127.9999 }, "'profile.memoryMiB' must be between 128 and 2,097,152, got 127.9999"],
    [{ memoryMiB: 1e300 }, "'profile.memoryMiB' must be between 128 and 2,097,152, got 1e+300"],
    [{ memoryMiB: -12_345.5 }, "'profile.memoryMiB' must be between 128 and 2,097,152, got -12,345.5"],
    [{ sustainedUtilization: 1.95 }, "'profile.sustainedUtilization' must be between 0 and 1, got 1.95"],
    [{ imageSizeGiB: 0.0001 }, "'profile.imageSizeGiB' must be between 0.001 and 200, got 0.0001"],
    [{ vcpus: 0.01 }, "'profile.vcpus' must be between 0.05 and 192, got 0.01"],
    [{ requestDurationP50Ms: 5_000, requestDurationP99Ms: 1_500 }, "'profile.requestDurationP99Ms' (1,500) must be at least 'profile.requestDurationP50Ms' (5,000)"],
    [{ requestDurationP50Ms: Infinity }, "'profile.requestDurationP50Ms' must be a finite number, got Infinity"],
  ])('%j', (overrides, message) => {
    expect(decide(overrides)).toThrow(new Error(message));
  });

  test('do not depend on the locale', () => {
    const toLocaleString = jest.spyOn(Number.prototype, 'toLocaleString').mockImplementation(() => 'localized');
    try {
      expect(decide({ memoryMiB: 3_000_000 })).toThrow('between 128 and 2,097,152, got 3,000,000');
    } finally {
      toLocaleString.mockRestore();
    }
  });
});
