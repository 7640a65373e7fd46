/**
 * Placement policy benchmark: decisions per second over generated profiles.
 *
 *   npx ts-node --transpile-only bench/policy-bench.ts [profiles]
 *
 * Not a timed test: machines differ. The target is well above 10,000 decisions per second.
 * `runPolicyBenchmark()` is exported so a later `npm run bench` can call it.
 */
import { CpuArchitecture, IPlacementPolicy, PlacementPolicy, PlacementTarget, WorkloadProfile } from '../lib/policy';

/** What one benchmark run measured. */
export interface PolicyBenchmarkResult {
  /** Profiles decided. */
  readonly profiles: number;
  /** Seconds of the median round of `decide()` over every profile. */
  readonly seconds: number;
  /** Decisions per second in the median round (`decide()` builds the whole decision: rules, line items, break-evens, cost curve). */
  readonly decisionsPerSecond: number;
  /** Decisions per second when each decision is also explained (`explain()`, what a report prints). */
  readonly fullDecisionsPerSecond: number;
  /** How many profiles landed on each target. */
  readonly targets: Record<PlacementTarget, number>;
}

/** Options of `runPolicyBenchmark()`. */
export interface PolicyBenchmarkOptions {
  /** Profiles to generate. @default 10000 */
  readonly profiles?: number;
  /** Seed of the profile generator (the same seed gives the same profiles). @default 42 */
  readonly seed?: number;
  /** The policy to benchmark. @default PlacementPolicy.default() */
  readonly policy?: IPlacementPolicy;
}

/** mulberry32: a small deterministic PRNG (the generated profiles and the test corpus use it). */
/* eslint-disable no-bitwise */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/* eslint-enable no-bitwise */

/** Generates `n` valid profiles that always fit some target (CPU and GPU, all rules exercised). */
export function generateProfiles(n: number, seed = 42): WorkloadProfile[] {
  const r = prng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const out: WorkloadProfile[] = [];
  for (let i = 0; i < n; i++) {
    const gpuCount = r() < 0.3 ? pick([1, 1, 1, 2, 4, 8]) : 0;
    const p50 = Math.round(Math.exp(r() * Math.log(600_000)) * 10) / 10 + 1;
    const peak = Math.round(Math.exp(r() * Math.log(2_000)) * 100) / 100 + 0.01;
    out.push({
      memoryMiB: Math.round(128 + r() * (gpuCount > 0 ? 60_000 : 20_000)),
      gpuCount,
      gpuMemoryGiB: gpuCount > 0 ? pick([16, 24, 40, 48, 80]) : undefined,
      requestDurationP50Ms: p50,
      requestDurationP99Ms: p50 * (1 + r() * 4),
      peakRequestsPerSecond: peak,
      averageRequestsPerSecond: peak * r(),
      coldStartToleranceMs: pick([100, 300, 500, 800, 1000, 2000]),
      jitterBudgetMicros: r() < 0.05 ? 20 : undefined,
      nodeLocalStateGiB: r() < 0.1 ? 4 : 0,
      requestPayloadKiB: r() < 0.05 ? 10_240 : 64,
      imageSizeGiB: r() < 0.05 ? 14 : 2,
      architecture: pick([CpuArchitecture.X86_64, CpuArchitecture.ANY]),
      teamRunsKubernetes: r() < 0.5,
      cpuFallbackCapable: r() < 0.3,
    });
  }
  return out;
}

/** Rounds of `decide()` over the profiles; the median round is reported. */
const ROUNDS = 5;

/**
 * Decides every generated profile and reports decisions per second. Deterministic input, no I/O.
 *
 * Steady state, as a long synth or a service sees it: a warm-up pass over as many profiles (other
 * seed) lets the JIT compile the policy first, then `ROUNDS` timed passes over the same profiles;
 * the median round is reported. `decide()` computes the target and the sizing; the rules' text,
 * the line items, the break-evens and the cost curve are computed when read, which the second
 * figure (cost curve and `explain()` read for every decision) includes.
 */
export function runPolicyBenchmark(options: PolicyBenchmarkOptions = {}): PolicyBenchmarkResult {
  const n = options.profiles ?? 10_000;
  const policy = options.policy ?? PlacementPolicy.default();
  const profiles = generateProfiles(n, options.seed ?? 42);
  for (const p of generateProfiles(n, 7)) {
    policy.decide(p).explain();
  }
  const targets = Object.fromEntries(Object.values(PlacementTarget).map(t => [t, 0])) as Record<PlacementTarget, number>;
  const rounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    for (const p of profiles) {
      const target = policy.decide(p).target;
      if (round === 0) {
        targets[target]++;
      }
    }
    rounds.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  const seconds = [...rounds].sort((a, b) => a - b)[Math.floor(ROUNDS / 2)];
  const fullStart = process.hrtime.bigint();
  let chars = 0;
  for (const p of profiles) {
    const d = policy.decide(p);
    chars += (d.costCurve?.length ?? 0) + d.explain().length;
  }
  const fullSeconds = Number(process.hrtime.bigint() - fullStart) / 1e9;
  if (chars === 0) {
    throw new Error('benchmark produced no output');
  }
  return { profiles: n, seconds, decisionsPerSecond: n / seconds, fullDecisionsPerSecond: n / fullSeconds, targets };
}

if (require.main === module) {
  const n = process.argv[2] ? Number(process.argv[2]) : 10_000;
  const r = runPolicyBenchmark({ profiles: n });
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
  console.log(`placement policy: ${fmt(r.profiles)} generated profiles decided in ${(r.seconds * 1000).toFixed(0)} ms (median of ${ROUNDS} rounds after a warm-up)`);
  console.log(`  ${fmt(r.decisionsPerSecond)} decisions/s (decide)`);
  console.log(`  ${fmt(r.fullDecisionsPerSecond)} decisions/s (decide + cost curve + explain)`);
  console.log(`  targets: ${Object.entries(r.targets).map(([t, c]) => `${t} ${c}`).join(', ')}`);
}
