import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { CfnWaitConditionHandle } from 'aws-cdk-lib/aws-cloudformation';
import { CachedCloudFormationValidatePlugin, InferencePlatform, InferenceWorkload, ModelImage, PlacementTarget, WorkloadProfile } from '../../lib';

const IMAGE = ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1.0.0');
const LAMBDA_PROFILE: WorkloadProfile = {
  memoryMiB: 1024,
  requestDurationP50Ms: 80,
  averageRequestsPerSecond: 1,
  peakRequestsPerSecond: 20,
};

function tempOutdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'iw-scale-'));
}

describe('InferencePlatform', () => {
  test('spreads workloads over stacks in declaration order, workloadsPerStack at a time', () => {
    const app = new App({ outdir: tempOutdir() });
    const platform = new InferencePlatform(app, 'Platform', { workloadsPerStack: 3 });
    for (let i = 0; i < 7; i++) {
      platform.addWorkload(`W${i}`, { image: IMAGE, profile: LAMBDA_PROFILE });
    }
    expect(platform.stacks.map(s => s.stackName)).toEqual(['Platform-1', 'Platform-2', 'Platform-3']);
    expect(platform.workloads.map(w => Stack.of(w).stackName)).toEqual([
      'Platform-1', 'Platform-1', 'Platform-1', 'Platform-2', 'Platform-2', 'Platform-2', 'Platform-3',
    ]);
    // adding a workload at the end never moves an existing one
    platform.addWorkload('W7', { image: IMAGE, profile: LAMBDA_PROFILE });
    expect(Stack.of(platform.workloads[6]).stackName).toBe('Platform-3');
  });

  test('fails on a workloadsPerStack that is not a positive integer', () => {
    expect(() => new InferencePlatform(new App(), 'P', { workloadsPerStack: 0 }))
      .toThrow("'workloadsPerStack' must be between 1 and 200, got 0");
    expect(() => new InferencePlatform(new App(), 'P', { workloadsPerStack: 2.5 }))
      .toThrow("'workloadsPerStack' must be an integer between 1 and 200, got 2.5");
  });

  test('fails on a stackName in stackProps', () => {
    expect(() => new InferencePlatform(new App(), 'P', { stackProps: { stackName: 'x' } }))
      .toThrow("'stackProps.stackName' cannot be set on an InferencePlatform");
  });
});

/** CloudFormation resources in a stack's construct tree (what the template will hold). */
function resourceCount(stack: Stack): number {
  return stack.node.findAll().filter(c => CfnResource.isCfnResource(c) && Stack.of(c) === stack).length;
}

/** Adds the cheapest resource there is (a wait condition handle) until the stack holds exactly `total`. */
function padTo(stack: Stack, total: number): void {
  for (let i = 0; resourceCount(stack) < total; i++) {
    new CfnWaitConditionHandle(stack, `Other${i}`);
  }
  expect(resourceCount(stack)).toBe(total);
}

/**
 * A stack with one Lambda workload. No version-reporting resource, so the template holds what the
 * tree holds; no template validation: the padding is hundreds of identical handles, whose
 * validation on an empty cache costs tens of seconds of CPU and says nothing about the limit.
 */
function stackWithWorkload(outdir: string, name: string): { app: App; stack: Stack } {
  const app = new App({ outdir, analyticsReporting: false });
  Validations.of(app).addPlugins(CachedCloudFormationValidatePlugin.disabled());
  const stack = new Stack(app, name);
  const w = new InferenceWorkload(stack, 'W0', { image: IMAGE, profile: LAMBDA_PROFILE });
  expect(w.decision.target).toBe(PlacementTarget.LAMBDA);
  return { app, stack };
}

describe('CloudFormation resource limit (500 per stack)', () => {
  test('a stack of exactly 500 resources, one workload among them, synthesizes with all 500 in its template', () => {
    const outdir = tempOutdir();
    const { app, stack } = stackWithWorkload(outdir, 'Full');
    padTo(stack, 500);
    const template = app.synth().getStackByName('Full').template;
    expect(Object.keys(template.Resources)).toHaveLength(500);
  });

  test('fails at 501: resources added after the workloads are caught at synth, naming the limit, the count and the fix, and no template is written', () => {
    const outdir = tempOutdir();
    const { app, stack } = stackWithWorkload(outdir, 'Crowded');
    // the workload fits; the user's own resources then push the stack one over the limit
    padTo(stack, 501);
    expect(() => app.synth()).toThrow("'Crowded' has 501 CloudFormation resources (1 inference workloads), over CloudFormation's limit of 500 per stack; "
      + 'declare the workloads through an InferencePlatform (platform.addWorkload(...)), which spreads them over stacks, or split them over stacks yourself');
    expect(fs.existsSync(path.join(outdir, 'Crowded.template.json'))).toBe(false);
  });

  test('a workload that would take the stack to 501 resources fails at construction; one that takes it to exactly 500 does not', () => {
    // how many resources one Lambda workload adds
    const probe = new Stack(new App({ analyticsReporting: false }), 'Probe');
    new InferenceWorkload(probe, 'W', { image: IMAGE, profile: LAMBDA_PROFILE });
    const own = resourceCount(probe);

    const fits = new Stack(new App({ analyticsReporting: false }), 'Fits');
    padTo(fits, 500 - own);
    new InferenceWorkload(fits, 'W', { image: IMAGE, profile: LAMBDA_PROFILE });
    expect(resourceCount(fits)).toBe(500);

    const over = new Stack(new App({ analyticsReporting: false }), 'Over');
    padTo(over, 500 - own + 1);
    expect(() => new InferenceWorkload(over, 'W', { image: IMAGE, profile: LAMBDA_PROFILE }))
      .toThrow(`'w' would bring stack Over to 501 CloudFormation resources (${own} of them its own), over CloudFormation's limit of 500 per stack`);
  });
});
