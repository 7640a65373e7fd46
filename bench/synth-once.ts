/**
 * One measurement, in a fresh process: builds the library app or the hand-written app with
 * `n` mixed workloads, synthesizes it to `outdir`, and prints one JSON line.
 *
 *   node .bench/js/bench/synth-once.js <library|hand-written> <n> <outdir> [shipped|cached|off] [cache dir]
 *
 * The validation mode is the same on both sides: `shipped` (aws-cdk-lib's built-in
 * CloudFormationValidatePlugin; the library's own registration is switched off by context),
 * `cached` (CachedCloudFormationValidatePlugin with the given cache folder, registered on the app)
 * or `off` (CachedCloudFormationValidatePlugin.disabled(): the engine is never built).
 *
 * The clock runs from app construction to the end of `app.synth()` (and, for the hand-written
 * app, the writing of the Kubernetes manifests); modules are loaded before it starts. Peak
 * memory is the process' maximum resident set size (`process.resourceUsage().maxRSS`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, CloudFormationValidatePlugin, Validations } from 'aws-cdk-lib';
import { CachedCloudFormationValidatePlugin } from '../lib';
import { buildHandWrittenApp } from './apps/hand-written-app';
import { buildLibraryApp } from './apps/library-app';

/** How templates are validated in a measurement. */
export type ValidationMode = 'shipped' | 'cached' | 'off';

/** What one measurement printed. */
export interface SynthMeasurement {
  readonly variant: string;
  readonly workloads: number;
  readonly validation: ValidationMode;
  /** Wall time from app construction to the end of synth, ms. */
  readonly synthMs: number;
  /** CPU time (user + system, every thread) over the same span, ms: less sensitive than wall time to other load. */
  readonly cpuMs: number;
  /** Peak resident set size of the process, MiB. */
  readonly maxRssMiB: number;
  /** Resident set size before the app was constructed (modules loaded), MiB. */
  readonly baselineRssMiB: number;
  /**
   * Of `synthMs`, the time spent in CloudFormation template validation (building the engine and
   * validating, or reading the cache), ms. Every app pays it, with or without this library.
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
 * Times CloudFormation template validation without changing what it does: wraps aws-cdk-lib's
 * singleton factory (which builds the engine) and both plugins' `validate()`.
 */
function timeCloudFormationValidation(): () => number {
  let ns = BigInt(0);
  let depth = 0;
  // the cached plugin calls the built-in one on a miss: count the outermost call only
  const timed = <T>(fn: () => T): T => {
    const t = process.hrtime.bigint();
    depth++;
    try {
      return fn();
    } finally {
      depth--;
      if (depth === 0) {
        ns += process.hrtime.bigint() - t;
      }
    }
  };
  const plugin = CloudFormationValidatePlugin as unknown as {
    _singletonInstance?: () => unknown;
    prototype: { validate?: (...a: unknown[]) => unknown };
  };
  const singleton = plugin?._singletonInstance;
  if (typeof singleton === 'function') {
    plugin._singletonInstance = function (this: unknown) {
      return timed(() => singleton.call(this));
    };
  }
  for (const proto of [plugin.prototype, CachedCloudFormationValidatePlugin.prototype as { validate?: (...a: unknown[]) => unknown }]) {
    const validate = proto.validate;
    if (typeof validate === 'function' && Object.prototype.hasOwnProperty.call(proto, 'validate')) {
      proto.validate = function (this: unknown, ...args: unknown[]) {
        return timed(() => validate.apply(this, args));
      };
    }
  }
  return () => Number(ns) / 1e6;
}

function main(): void {
  const [variant, nArg, outdir, modeArg, cacheDirectory] = process.argv.slice(2);
  const n = Number(nArg);
  const validation = (modeArg ?? 'shipped') as ValidationMode;
  if (!['library', 'hand-written'].includes(variant) || !Number.isInteger(n) || n < 1 || !outdir
    || !['shipped', 'cached', 'off'].includes(validation) || (validation === 'cached' && !cacheDirectory)) {
    console.error('usage: synth-once <library|hand-written> <n> <outdir> [shipped|cached|off] [cache dir]');
    process.exit(2);
  }
  const useValidation = (app: App) => {
    if (validation !== 'shipped') {
      Validations.of(app).addPlugins(validation === 'off'
        ? CachedCloudFormationValidatePlugin.disabled()
        : CachedCloudFormationValidatePlugin.cached({ cacheDirectory }));
    }
  };
  const validationClock = timeCloudFormationValidation();
  const baselineRssMiB = process.memoryUsage().rss / 1024 / 1024;
  let placements;
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  if (variant === 'library') {
    // the library registers nothing itself: the same validation as the hand-written app
    const built = buildLibraryApp(outdir, n, { [CachedCloudFormationValidatePlugin.CONTEXT_KEY]: 'built-in' });
    useValidation(built.app);
    built.app.synth();
    placements = built.placements;
  } else {
    const built = buildHandWrittenApp(outdir, n);
    useValidation(built.app);
    built.synth();
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
    validation,
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
