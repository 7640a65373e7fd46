/**
 * `npm run bench`: synth wall time, CPU time and peak memory of N = 1, 10, 100 and 1,000 mixed
 * workloads built with this library, next to the same resources written by hand with
 * aws-cdk-lib and cdk8s-plus-28, with CloudFormation template validation in the same state on
 * both sides: as aws-cdk-lib ships it, cached (warm), and off; then the placement policy's
 * decisions per second. Prints tables; not a timed test.
 *
 *   npm run bench                                  # N = 1, 10, 100, 1000; validation shipped, cached, off
 *   npm run bench -- --sizes 1,10 --repeat 5
 *   npm run bench -- --validation cached,off       # a subset of the validation modes
 *
 * Options: `--sizes` (comma-separated N), `--repeat` (runs per N; default 5, and 3 at N >= 1000;
 * medians are reported), `--validation` (modes), `--no-policy` (skip the policy benchmark),
 * `--keep` (keep the assemblies).
 *
 * Each measurement runs in a fresh `node` process (plain JavaScript transpiled into
 * `.bench/js/`, no TypeScript compiler in memory; the library as an installed package in
 * `.bench/js/node_modules/`, as users run it) and synthesizes into a temporary directory.
 * Library and hand-written runs alternate (pairs), the order flipping every run. In `cached`
 * mode one untimed library run per N fills a fresh cache first, so the timed runs are warm.
 * The two apps' templates and manifests are compared byte for byte at every N.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as policyBench from './policy-bench';
import type { SynthMeasurement, ValidationMode } from './synth-once';
import { OUT_DIR, transpileForBench } from './transpile';

/**
 * The targets, on a 2-core machine: library / by hand at most 1.05 where N is large enough for a
 * ratio to mean something (N >= 100), and at small N (where two 0.15 s processes make the ratio
 * noise) at most 25 ms added with validation off; `decide()` for 1,000 workloads under 2% of their synth.
 */
const TARGET_RATIO = 1.05;
const TARGET_RATIO_FROM_N = 100;
const TARGET_SMALL_N_MS = 25;
const TARGET_SECONDS_AT_1000 = 10;
const TARGET_MIB_AT_1000 = 1024;
const TARGET_DECIDE_SHARE = 0.02;
const MODES: ValidationMode[] = ['shipped', 'cached', 'off'];
const MODE_TITLES: Record<ValidationMode, string> = {
  shipped: 'validation as aws-cdk-lib ships it (built-in CloudFormationValidatePlugin, engine built per process)',
  cached: 'validation cached, warm (CachedCloudFormationValidatePlugin; every template found in the cache, engine never built)',
  off: 'validation off (CachedCloudFormationValidatePlugin.disabled(); engine never built)',
};
const VARIANTS = ['library', 'hand-written'] as const;
type Variant = typeof VARIANTS[number];

interface Options {
  readonly sizes: number[];
  /** Repetitions per size; the median is reported. */
  readonly repeat?: number;
  readonly policy: boolean;
  readonly keep: boolean;
  readonly modes: ValidationMode[];
}

function parseArgs(argv: string[]): Options {
  let sizes = [1, 10, 100, 1000];
  let repeat: number | undefined;
  let policy = true;
  let keep = false;
  let modes = MODES;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--sizes') {
      sizes = argv[++i].split(',').map(Number);
    } else if (a === '--repeat') {
      repeat = Number(argv[++i]);
    } else if (a === '--no-policy') {
      policy = false;
    } else if (a === '--keep') {
      keep = true;
    } else if (a === '--validation') {
      modes = argv[++i].split(',') as ValidationMode[];
      if (modes.some(m => !MODES.includes(m))) {
        throw new Error(`--validation takes a comma-separated subset of ${MODES.join(',')}, got ${argv[i]}`);
      }
    } else {
      throw new Error(`unknown argument ${a} (use --sizes 1,10,100,1000 --repeat <n> --validation shipped,cached,off --no-policy --keep)`);
    }
  }
  if (sizes.some(n => !Number.isInteger(n) || n < 1) || (repeat !== undefined && (!Number.isInteger(repeat) || repeat < 1))) {
    throw new Error('--sizes takes positive integers, --repeat a positive integer');
  }
  return { sizes, repeat, policy, keep, modes };
}

/** One measurement in a fresh process. */
function measure(variant: Variant, n: number, outdir: string, mode: ValidationMode, cacheDirectory: string): SynthMeasurement {
  fs.rmSync(outdir, { recursive: true, force: true });
  const r = spawnSync(process.execPath, [path.join(OUT_DIR, 'bench', 'synth-once.js'), variant, String(n), outdir, mode, cacheDirectory], {
    encoding: 'utf-8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, CDK_OUTDIR: '', CDK_CONTEXT_JSON: '' },
  });
  if (r.status !== 0) {
    throw new Error(`${variant} N=${n} failed (exit ${r.status}):\n${r.stderr}`);
  }
  const line = r.stdout.trim().split('\n').pop()!;
  return JSON.parse(line) as SynthMeasurement;
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]);
}

/**
 * Compares the CloudFormation templates and Kubernetes manifests of two cloud assemblies byte
 * for byte; returns the differences (empty when the same).
 */
export function compareAssemblies(a: string, b: string): string[] {
  const relevant = (dir: string) => walk(dir)
    .map(f => path.relative(dir, f))
    .filter(f => f.endsWith('.template.json') || f.endsWith('.k8s.yaml'))
    .sort();
  const fa = relevant(a);
  const fb = relevant(b);
  const diffs: string[] = [];
  for (const f of fa.filter(x => !fb.includes(x))) diffs.push(`only in the library's assembly: ${f}`);
  for (const f of fb.filter(x => !fa.includes(x))) diffs.push(`only in the hand-written assembly: ${f}`);
  for (const f of fa.filter(x => fb.includes(x))) {
    if (!fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f)))) {
      diffs.push(`differs: ${f}`);
    }
  }
  return diffs;
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The shape of `runPolicyBenchmark()` this script relies on. */
type PolicyBenchmark = (o?: { profiles?: number }) => { profiles: number; decisionsPerSecond: number; fullDecisionsPerSecond?: number };

interface Row {
  readonly n: number;
  readonly runs: number;
  readonly stacks: number;
  readonly cfnResources: number;
  readonly kubernetesObjects: number;
  readonly seconds: Record<Variant, number>;
  readonly cpuSeconds: Record<Variant, number>;
  /** Library time / hand-written time of each run pair (the two ran back to back). */
  readonly pairRatios: number[];
  readonly validateSeconds: Record<Variant, number>;
  readonly rssMiB: Record<Variant, number>;
  readonly identical: boolean;
}

const fmt = (x: number, digits = 2) => x.toFixed(digits);
const int = (x: number) => Math.round(x).toLocaleString('en-US');

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => c.padStart(widths[i])).join('  ');
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const files = transpileForBench();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-bench-'));
  const cpus = os.cpus();
  console.log(`inference-workload synth benchmark, ${new Date().toISOString().slice(0, 10)}`);
  console.log(`  node ${process.version}, ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? 'unknown'}), load average ${os.loadavg().map(l => l.toFixed(1)).join(' ')} at start`);
  console.log(`  ${files} TypeScript files transpiled to ${path.relative(process.cwd(), OUT_DIR)} (the library as an installed package); every measurement in a fresh process, synthesizing to ${tmp}`);
  console.log('  mix: workload i is WorkloadTemplates.spikyClassifier() (Lambda) when i is even, llmChat() (1 GPU, Kubernetes) when odd;');
  console.log('  InferencePlatform.addWorkload() with 25 workloads per stack vs. the same constructs written by hand (bench/apps/hand-written-app.ts)');
  console.log('');

  const tables: Array<{ mode: ValidationMode; rows: Row[] }> = [];
  for (const mode of options.modes) {
    const rows: Row[] = [];
    for (const n of options.sizes) {
      const runs = options.repeat ?? (n >= 1000 ? 3 : 5);
      const cacheDirectory = path.join(tmp, `cache-${n}`);
      if (mode === 'cached') {
        // untimed: fills the cache with this N's templates (the hand-written app's are the same bytes)
        measure('library', n, path.join(tmp, `warm-${n}`), mode, cacheDirectory);
        fs.rmSync(path.join(tmp, `warm-${n}`), { recursive: true, force: true });
      }
      const results: Record<Variant, SynthMeasurement[]> = { 'library': [], 'hand-written': [] };
      for (let r = 0; r < runs; r++) {
        // alternate which variant goes first, so a drift in machine load hits both
        const order = r % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
        for (const v of order) {
          const m = measure(v, n, path.join(tmp, `${v}-${n}`), mode, cacheDirectory);
          results[v].push(m);
          process.stderr.write(`  ${mode} N=${n} ${v} run ${r + 1}/${runs}: ${fmt(m.synthMs / 1000)} s, ${int(m.maxRssMiB)} MiB\n`);
        }
      }
      const lib = results.library[0];
      const hand = results['hand-written'][0];
      if (lib.placements && (lib.placements.lambda !== Math.ceil(n / 2) || lib.placements.kubernetes !== Math.floor(n / 2))) {
        throw new Error(`N=${n}: expected ${Math.ceil(n / 2)} Lambda and ${Math.floor(n / 2)} Kubernetes placements, got ${JSON.stringify(lib.placements)}`);
      }
      const diffs = compareAssemblies(path.join(tmp, `library-${n}`), path.join(tmp, `hand-written-${n}`));
      if (diffs.length > 0) {
        console.error(`N=${n}: the hand-written app is not equivalent to the library's output:\n  ${diffs.slice(0, 20).join('\n  ')}`);
        process.exitCode = 1;
      }
      const pick = (f: (m: SynthMeasurement) => number) => ({
        'library': median(results.library.map(f)),
        'hand-written': median(results['hand-written'].map(f)),
      });
      rows.push({
        n,
        runs,
        stacks: Math.ceil(n / 25),
        cfnResources: lib.cfnResources,
        kubernetesObjects: lib.kubernetesObjects,
        seconds: pick(m => m.synthMs / 1000),
        cpuSeconds: pick(m => m.cpuMs / 1000),
        pairRatios: results.library.map((m, i) => m.synthMs / results['hand-written'][i].synthMs),
        validateSeconds: pick(m => m.cfnValidateMs / 1000),
        rssMiB: pick(m => m.maxRssMiB),
        identical: diffs.length === 0 && hand.cfnResources === lib.cfnResources && hand.kubernetesObjects === lib.kubernetesObjects,
      });
      if (!options.keep) {
        for (const v of VARIANTS) fs.rmSync(path.join(tmp, `${v}-${n}`), { recursive: true, force: true });
      }
    }
    tables.push({ mode, rows });
  }
  if (!options.keep) {
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const header = ['N', 'runs', 'stacks', 'CFN res.', 'k8s obj.', 'library s', 'by hand s', 'ratio', 'difference', 'pair ratios',
    'lib CPU s', 'hand CPU s', 'CPU ratio', 'validation s (lib/hand)', 'lib MiB', 'hand MiB', 'same output'];
  const widths = header.map(h => Math.max(h.length, 6));
  for (const { mode, rows } of tables) {
    console.log(MODE_TITLES[mode]);
    console.log(pad(header, widths));
    for (const r of rows) {
      console.log(pad([
        int(r.n), String(r.runs), String(r.stacks), int(r.cfnResources), int(r.kubernetesObjects),
        fmt(r.seconds.library), fmt(r.seconds['hand-written']), fmt(r.seconds.library / r.seconds['hand-written']),
        `${r.seconds.library >= r.seconds['hand-written'] ? '+' : '-'}${int(Math.abs(r.seconds.library - r.seconds['hand-written']) * 1000)} ms`,
        `${fmt(Math.min(...r.pairRatios))}-${fmt(Math.max(...r.pairRatios))}`,
        fmt(r.cpuSeconds.library), fmt(r.cpuSeconds['hand-written']), fmt(r.cpuSeconds.library / r.cpuSeconds['hand-written']),
        `${fmt(r.validateSeconds.library)} / ${fmt(r.validateSeconds['hand-written'])}`,
        int(r.rssMiB.library), int(r.rssMiB['hand-written']),
        r.identical ? 'yes' : 'NO',
      ], widths));
    }
    console.log('');
  }
  console.log('  s: wall time from app construction to the end of app.synth() (and manifest writing), median of the runs;');
  console.log('  ratio: library / by hand of the medians; difference: library - by hand of the medians (what the library adds);');
  console.log('  pair ratios: lowest and highest ratio of two runs made back to back;');
  console.log('  CPU: user + system time of the process (all threads), median; less sensitive to other load on the machine;');
  console.log('  validation: the part of s spent in template validation (engine build, validating, or reading the cache);');
  console.log('  MiB: peak resident set size of the process (process.resourceUsage().maxRSS), median of the runs;');
  console.log('  same output: templates and manifests byte for byte identical (the library also writes its placement report).');
  console.log('');

  console.log('targets');
  for (const { mode, rows } of tables) {
    const large = rows.filter(r => r.n >= TARGET_RATIO_FROM_N);
    if (mode === 'cached' || large.length === 0) {
      continue;
    }
    const worst = large.reduce((w, r) => (r.seconds.library / r.seconds['hand-written'] > w.seconds.library / w.seconds['hand-written'] ? r : w), large[0]);
    const worstRatio = worst.seconds.library / worst.seconds['hand-written'];
    console.log(`  ratio <= ${TARGET_RATIO} at N >= ${TARGET_RATIO_FROM_N}, validation ${mode}: ${worstRatio <= TARGET_RATIO ? 'met' : 'MISSED'} (worst ${fmt(worstRatio)} at N=${int(worst.n)})`);
  }
  const small = tables.find(t => t.mode === 'off')?.rows.filter(r => r.n < TARGET_RATIO_FROM_N) ?? [];
  if (small.length > 0) {
    const worst = small.reduce((w, r) => (r.seconds.library - r.seconds['hand-written'] > w.seconds.library - w.seconds['hand-written'] ? r : w), small[0]);
    const addedMs = (worst.seconds.library - worst.seconds['hand-written']) * 1000;
    console.log(`  at most ${TARGET_SMALL_N_MS} ms added at N < ${TARGET_RATIO_FROM_N}, validation off: ${addedMs <= TARGET_SMALL_N_MS ? 'met' : 'MISSED'} (worst +${fmt(addedMs, 0)} ms at N=${int(worst.n)})`);
  }
  const warm = tables.find(t => t.mode === 'cached')?.rows.find(r => r.n === 1000);
  if (warm) {
    console.log(`  1,000 workloads in < ${TARGET_SECONDS_AT_1000} s with a warm cache: ${warm.seconds.library < TARGET_SECONDS_AT_1000 ? 'met' : 'MISSED'} `
      + `(${fmt(warm.seconds.library, 1)} s; by hand ${fmt(warm.seconds['hand-written'], 1)} s)`);
    console.log(`  1,000 workloads in < 1 GiB with a warm cache: ${warm.rssMiB.library < TARGET_MIB_AT_1000 ? 'met' : 'MISSED'} (${int(warm.rssMiB.library)} MiB peak RSS)`);
  }

  if (options.policy) {
    // optional: bench/policy-bench.ts belongs to the policy and may change
    const run = (policyBench as { runPolicyBenchmark?: PolicyBenchmark }).runPolicyBenchmark;
    if (typeof run === 'function') {
      const p = run({ profiles: 10_000 });
      const synth = tables.find(t => t.mode === 'off')?.rows.find(r => r.n === 1000) ?? warm;
      const decideSeconds = 1000 / p.decisionsPerSecond;
      const share = synth ? decideSeconds / synth.seconds.library : undefined;
      console.log(`  decide() of 1,000 workloads under ${fmt(TARGET_DECIDE_SHARE * 100, 0)}% of their synth: `
        + (share === undefined ? 'not measured (no N = 1,000 run)' : `${share < TARGET_DECIDE_SHARE ? 'met' : 'MISSED'} (${fmt(share * 100, 1)}%: ${fmt(decideSeconds * 1000, 0)} ms of ${fmt(synth!.seconds.library, 1)} s)`)
        + `; ${int(p.decisionsPerSecond)} decisions/s over ${int(p.profiles)} generated profiles`
        + (p.fullDecisionsPerSecond !== undefined ? `, ${int(p.fullDecisionsPerSecond)}/s explained` : '')
        + ' (bench/policy-bench.ts)');
    } else {
      console.log('  placement policy: bench/policy-bench.ts exports no runPolicyBenchmark(); skipped');
    }
  }
  console.log(`\n(bench took ${fmt((Date.now() - started) / 1000, 0)} s; load average ${os.loadavg().map(l => l.toFixed(1)).join(' ')} at the end)`);
}

if (require.main === module) {
  main();
}
