/**
 * A deterministic corpus of placement decisions: generated profiles (every profile field exercised)
 * decided by several policies, each rendered as `toJson()`, `explain()` and `summary()` (or the
 * error message). Any change to any value a decision carries changes the text.
 */
import { generateProfiles, prng } from '../../bench/policy-bench';
import { CpuArchitecture, IPlacementPolicy, PlacementPolicy, PlacementTarget, PriceTable, WorkloadProfile } from '../../lib/policy';

const WINDOW = { name: 'business-hours', startCron: 'cron(0 8 ? * MON-FRI *)', endCron: 'cron(0 18 ? * MON-FRI *)' };
const NIGHT = { name: 'night', startCron: 'cron(0 22 * * ? *)', endCron: 'cron(0 2 * * ? *)', timeZone: 'Europe/Berlin' };

/** The benchmark's profiles, with the optional fields the benchmark leaves out varied on top (all valid). */
export function corpusProfiles(n: number, seed: number): WorkloadProfile[] {
  const r = prng(seed * 7919 + 1);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  return generateProfiles(n, seed).map(base => {
    const p: Record<string, any> = { ...base };
    const gpu = (base.gpuCount ?? 0) > 0;
    if (gpu && r() < 0.3) {
      p.gpuFamily = pick(['A10G', 'l4', 'T4', 'H100', 'a100', 'L40S']);
    }
    if (r() < 0.2) {
      p.modelSizeGiB = Math.round(r() * 40 * 10) / 10;
    }
    if (r() < 0.2) {
      p.latencyBudgetP99Ms = Math.min(3_600_000, Math.round(base.requestDurationP99Ms! * (1 + r() * 3) + 1));
    }
    if (r() < 0.1) {
      p.jitterBudgetMicros = pick([10, 49, 50, 500]);
    }
    if (r() < 0.2) {
      p.concurrencyPerReplica = pick([1, 2, 4, 8, 32]);
    }
    if (r() < 0.2) {
      p.vcpus = pick([0.25, 0.5, 1, 2, 3.5, 8]);
    }
    if (r() < 0.15) {
      p.cpuFallbackSlowdown = pick([1, 2, 10]);
    }
    if (r() < 0.1) {
      p.architecture = CpuArchitecture.ARM64;
    }
    if (r() < 0.1) {
      p.sustainedUtilization = Math.round(r() * 1000) / 1000;
    }
    if (r() < 0.05) {
      p.nodeLocalStateGiB = pick([0.5, 16, 64]);
    }
    const w = r();
    if (w < 0.08) {
      p.warmSchedules = [{ ...WINDOW, minCapacity: pick([1, 2, 5, 20]) }];
    } else if (w < 0.14 && p.coldStartToleranceMs >= 500) {
      p.allowScaleToZero = true;
      p.warmSchedules = r() < 0.5 ? [{ ...WINDOW, minCapacity: pick([0, 1, 3]) }]
        : [{ ...WINDOW, minCapacity: pick([1, 4]) }, { ...NIGHT, minCapacity: 0 }];
    }
    return p as WorkloadProfile;
  });
}

/** A price table of one's own: other prices, a smaller catalog, another allocatable fraction. */
export function customPriceTable(): PriceTable {
  const j = PriceTable.awsUsEast1().toJson();
  const scale = (x: number, f: number) => Math.round(x * f * 1e10) / 1e10;
  return PriceTable.fromJson({
    ...j,
    name: 'negotiated-test',
    region: 'eu-central-1',
    effectiveDate: '2026-01-15',
    lambdaX86: { ...j.lambdaX86, gbSecondUsd: scale(j.lambdaX86.gbSecondUsd, 0.8) },
    gpuInstances: j.gpuInstances.filter((_: unknown, i: number) => i % 3 !== 1).map((g: any) => ({ ...g, hourlyUsd: scale(g.hourlyUsd, 0.7) })),
    cpuInstances: j.cpuInstances.filter((_: unknown, i: number) => i % 4 !== 2).map((c: any) => ({ ...c, hourlyUsd: scale(c.hourlyUsd, 1.1) })),
    clusterOverhead: { ...j.clusterOverhead, allocatableFraction: 0.85, workloadsPerCluster: 4 },
  });
}

/** The policies every profile is decided by. */
export function corpusPolicies(): IPlacementPolicy[] {
  const custom = customPriceTable();
  return [
    PlacementPolicy.default(),
    PlacementPolicy.costOptimized(),
    PlacementPolicy.costOptimized({ latencyWeight: 0.5, includeHybrid: false }),
    ...Object.values(PlacementTarget).map(t => PlacementPolicy.fixed(t)),
    PlacementPolicy.default({ priceTable: custom, bandCostTolerance: 0, utilizationTarget: 0.5 }),
    PlacementPolicy.costOptimized({ priceTable: custom, latencyWeight: 1 }),
  ];
}

/**
 * Every decision of the corpus as text, one block per (profile, policy). Calls `sink` per block.
 * With `policiesPerProfile`, profile i is decided by that many policies only, starting at the i-th
 * (round robin), so a smaller corpus still covers every policy.
 */
export function renderCorpus(n: number, seed: number, sink: (block: string) => void, policiesPerProfile?: number): void {
  const all = corpusPolicies();
  const profiles = corpusProfiles(n, seed);
  const per = Math.min(all.length, policiesPerProfile ?? all.length);
  profiles.forEach((p, i) => {
    for (let j = 0; j < per; j++) {
      const policy = all[(i + j * 4) % all.length];
      let text: string;
      try {
        const d = policy.decide(p);
        text = `${JSON.stringify(d.toJson())}\n${d.explain()}\n${d.summary()}`;
      } catch (e) {
        text = `error ${(e as Error).name}: ${(e as Error).message}`;
      }
      sink(`#${i} ${policy.name}\n${text}\n`);
    }
  });
}
