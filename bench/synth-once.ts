/**
 * One measurement, in a fresh process: builds the library app or the hand-written app with
 * `n` mixed workloads, synthesizes it to `outdir`, and prints one JSON line.
 *
 *   node .bench/js/bench/synth-once.js <library|hand-written> <n> <outdir>
 *
 * The clock runs from app construction to the end of `app.synth()` (and, for the hand-written
 * app, the writing of the Kubernetes manifests); modules are loaded before it starts. Peak
 * memory is the process' maximum resident set size (`process.resourceUsage().maxRSS`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { CloudFormationValidatePlugin } from 'aws-cdk-lib';
import { buildHandWrittenApp } from './apps/hand-written-app';
import { buildLibraryApp } from './apps/library-app';

/** What one measurement printed. */
export interface SynthMeasurement {
  readonly variant: string;
  readonly workloads: number;
  /** Wall time from app construction to the end of synth, ms. */
  readonly synthMs: number;
  /** CPU time (user + system, every thread) over the same span, ms: less sensitive than wall time to other load. */
  readonly cpuMs: number;
  /** Peak resident set size of the process, MiB. */
  readonly maxRssMiB: number;
  /** Resident set size before the app was constructed (modules loaded), MiB. */
  readonly baselineRssMiB: number;
  /**
   * Of `synthMs`, the time aws-cdk-lib spent in its built-in CloudFormation validation
   * (`CloudFormationValidatePlugin`: loading the rules and validating every template), ms.
   * Every app pays it, with or without this library.
   */
  readonly cfnValidateMs: number;
  /** CloudFormation resources over all templates. */
  readonly cfnResources: number;
  /** Kubernetes manifest files (one per Kubernetes workload). */
  readonly manifests: number;
  /** Kubernetes objects over all manifests. */
  readonly kubernetesObjects: number;
  /** Workloads the library placed on Lambda / Kubernetes (library only). */
  readonly placements?: { readonly lambda: number; readonly kubernetes: number; readonly hybrid: number };
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]);
}

/**
 * Times aws-cdk-lib's built-in CloudFormation validation without changing what it does:
 * wraps the plugin's singleton factory (which loads the rules) and its `validate()`.
 */
function timeCloudFormationValidation(): () => number {
  let ns = BigInt(0);
  const timed = <T>(fn: () => T): T => {
    const t = process.hrtime.bigint();
    try {
      return fn();
    } finally {
      ns += process.hrtime.bigint() - t;
    }
  };
  const plugin = CloudFormationValidatePlugin as unknown as {
    _singletonInstance?: () => unknown;
    prototype: { validate?: (...a: unknown[]) => unknown };
  };
  const singleton = plugin?._singletonInstance;
  const validate = plugin?.prototype?.validate;
  // diagnosis only (`--skip-cfn-validate`): what synth costs without aws-cdk-lib's validation
  const skip = process.env.IW_BENCH_SKIP_CFN_VALIDATE === '1';
  if (typeof singleton === 'function' && typeof validate === 'function') {
    plugin._singletonInstance = function (this: unknown) {
      return timed(() => singleton.call(this));
    };
    plugin.prototype.validate = function (this: unknown, ...args: unknown[]) {
      return timed(() => (skip ? { success: true, violations: [] } : validate.apply(this, args)));
    };
  }
  return () => Number(ns) / 1e6;
}

function main(): void {
  const [variant, nArg, outdir] = process.argv.slice(2);
  const n = Number(nArg);
  if (!['library', 'hand-written'].includes(variant) || !Number.isInteger(n) || n < 1 || !outdir) {
    console.error('usage: synth-once <library|hand-written> <n> <outdir>');
    process.exit(2);
  }
  const validationClock = timeCloudFormationValidation();
  const baselineRssMiB = process.memoryUsage().rss / 1024 / 1024;
  let placements;
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  if (variant === 'library') {
    const built = buildLibraryApp(outdir, n);
    built.app.synth();
    placements = built.placements;
  } else {
    buildHandWrittenApp(outdir, n).synth();
  }
  const synthMs = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpuStart);
  const maxRssMiB = process.resourceUsage().maxRSS / 1024;

  // what was written, to show both variants produce the same amount of output
  let cfnResources = 0;
  let manifests = 0;
  let kubernetesObjects = 0;
  for (const file of walk(outdir)) {
    if (file.endsWith('.template.json')) {
      cfnResources += Object.keys(JSON.parse(fs.readFileSync(file, 'utf-8')).Resources ?? {}).length;
    } else if (file.endsWith('.k8s.yaml')) {
      manifests++;
      kubernetesObjects += fs.readFileSync(file, 'utf-8').split(/^---$/m).length;
    }
  }
  const result: SynthMeasurement = {
    variant,
    workloads: n,
    synthMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMiB,
    baselineRssMiB,
    cfnValidateMs: validationClock(),
    cfnResources,
    manifests,
    kubernetesObjects,
    placements,
  };
  console.log(JSON.stringify(result));
}

if (require.main === module) {
  main();
}
