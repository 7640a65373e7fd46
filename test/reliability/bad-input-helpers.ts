/**
 * Harness of the bad-input catalogue (`bad-input.test.ts`): fixtures that land on each target,
 * and `expectRejected()`, which builds one bad input in a fresh app with its own `outdir` and
 * checks the error and that nothing was written to the cloud assembly.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import {
  InferenceWorkload, InferenceWorkloadProps, ModelImage, PlacementPolicy, PlacementTarget, WorkloadProfile,
} from '../../lib';
import { filesUnder, HYBRID_PROFILE, importedVpc } from '../helpers/fixtures';

export { filesUnder, HYBRID_PROFILE, importedVpc };

/** An ECR image: valid for every target. */
export const ECR_IMAGE = ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1.0.0');

/** Spiky, stateless, small CPU model: the default policy places it on Lambda with provisioned concurrency (max 16). */
export const LAMBDA_PROFILE: WorkloadProfile = {
  memoryMiB: 2048,
  requestDurationP50Ms: 120,
  requestDurationP99Ms: 400,
  averageRequestsPerSecond: 2,
  peakRequestsPerSecond: 40,
};

/** A 7B-class model on one 24 GiB GPU (16 GiB of weights), run by a team with a cluster. */
export const GPU_PROFILE: WorkloadProfile = {
  memoryMiB: 14_336,
  gpuCount: 1,
  gpuMemoryGiB: 24,
  modelSizeGiB: 16,
  requestDurationP50Ms: 1500,
  averageRequestsPerSecond: 3,
  peakRequestsPerSecond: 12,
  teamRunsKubernetes: true,
};

/** A CPU model with steady traffic, for Kubernetes rows that need a CPU pod. */
export const CPU_K8S_PROFILE: WorkloadProfile = {
  memoryMiB: 4096,
  requestDurationP50Ms: 60,
  averageRequestsPerSecond: 40,
  peakRequestsPerSecond: 50,
  teamRunsKubernetes: true,
};


export const ENV = { account: '123456789012', region: 'us-east-1' };

/** A fresh stack in `app`. */
export function stackIn(app: App): Stack {
  return new Stack(app, 'Stack', { env: ENV });
}


/** A workload placed on Lambda (by the default policy), with `props` replacing the defaults. */
export function onLambda(s: Stack, props: Partial<InferenceWorkloadProps> = {}): InferenceWorkload {
  return new InferenceWorkload(s, 'Model', { image: ECR_IMAGE, profile: LAMBDA_PROFILE, ...props });
}

/** A workload placed on Kubernetes (fixed policy, GPU profile unless given), with `props` replacing the defaults. */
export function onKubernetes(s: Stack, props: Partial<InferenceWorkloadProps> = {}): InferenceWorkload {
  return new InferenceWorkload(s, 'Model', {
    image: ECR_IMAGE, profile: GPU_PROFILE, policy: PlacementPolicy.fixed(PlacementTarget.KUBERNETES), ...props,
  });
}

/** A workload placed as hybrid (fixed policy), in an imported VPC unless `hybrid` is given. */
export function onHybrid(s: Stack, props: Partial<InferenceWorkloadProps> = {}): InferenceWorkload {
  return new InferenceWorkload(s, 'Model', {
    image: ECR_IMAGE,
    profile: HYBRID_PROFILE,
    policy: PlacementPolicy.fixed(PlacementTarget.HYBRID),
    ...props,
    hybrid: 'hybrid' in props ? props.hybrid : { vpc: importedVpc(s), overflowWebAdapter: { port: 8080 } },
  });
}

/** One row of the catalogue. */
export interface BadInput {
  /** What is wrong, e.g. `profile.memoryMiB NaN`. */
  readonly name: string;
  /** The prop the message must name (the message contains it in single quotes). */
  readonly prop: string;
  /** The offending value (or the conflicting prop) as the message must show it, verbatim. */
  readonly value: string;
  /** Builds the bad input in a fresh stack. */
  readonly build: (stack: Stack) => unknown;
  /** CDK context of the app (e.g. a policy set in cdk.json). @default - none */
  readonly context?: Record<string, unknown>;
  /** Whether the error only surfaces at `app.synth()`. @default false */
  readonly atSynth?: boolean;
}

let root: string | undefined;

/** A fresh, not yet created `cdk.out` path under one temporary folder per test file. */
export function freshOutdir(): string {
  root = root ?? fs.mkdtempSync(path.join(os.tmpdir(), 'iw-bad-input-'));
  return fs.mkdtempSync(path.join(root, 'row-')) + path.sep + 'cdk.out';
}

/** Removes the temporary folder of this test file. */
export function removeOutdirs(): void {
  if (root) {
    fs.rmSync(root, { recursive: true, force: true });
    root = undefined;
  }
}


function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Runs `fn` and returns what it threw; fails the test when it returns normally. */
export function thrownBy(fn: () => unknown): Error {
  let returned = false;
  try {
    fn();
    returned = true;
  } catch (e) {
    if (!(e instanceof Error)) {
      throw new Error(`expected an Error to be thrown, got ${String(e)}`);
    }
    return e;
  }
  if (returned) {
    throw new Error('expected an error, but nothing was thrown');
  }
  throw new Error('unreachable');
}

/** The first stack frame of an error (`at ...`), or '' when it has none. */
export function firstFrame(e: Error): string {
  return (e.stack ?? '').split('\n').map(l => l.trim()).find(l => l.startsWith('at ')) ?? '';
}

/**
 * Builds `row` in a fresh `App({ outdir })` and checks that:
 * - construction throws one `InferenceWorkloadValidationError` (thrown by this library, not from
 *   inside aws-cdk-lib or cdk8s) whose one-line message names the prop and the value;
 * - or, for `atSynth` rows, construction succeeds and `app.synth()` throws one error naming them;
 * - nothing is written to the outdir (it is absent or empty).
 * Returns the error for further checks.
 */
export function expectRejected(row: BadInput): Error {
  const outdir = freshOutdir();
  const app = new App({ outdir, context: row.context });
  let error: Error;
  if (row.atSynth) {
    row.build(stackIn(app));
    error = thrownBy(() => app.synth());
    // one validation error, not a list
    expect(error.message.match(/\[[^\]]*\] /g) ?? []).toHaveLength(1);
  } else {
    error = thrownBy(() => row.build(stackIn(app)));
    expect(error.name).toBe('InferenceWorkloadValidationError');
    expect(firstFrame(error)).not.toMatch(/node_modules[\\/](aws-cdk-lib|cdk8s|cdk8s-plus-28|constructs)[\\/]/);
    expect(error.message).not.toContain('\n');
  }
  expect(error.message).toMatch(new RegExp(`'${escapeRegExp(row.prop)}'`));
  expect(error.message).toMatch(new RegExp(escapeRegExp(row.value)));
  expect(filesUnder(outdir)).toEqual([]);
  if (process.env.BAD_INPUT_LOG) {
    // BAD_INPUT_LOG=<file> npx jest test/reliability/bad-input.test.ts: every row's message, for review
    fs.appendFileSync(process.env.BAD_INPUT_LOG, `${row.name}\n    ${error.message}\n`);
  }
  return error;
}
