import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { CfnWaitConditionHandle } from 'aws-cdk-lib/aws-cloudformation';
import { InferencePlatform, InferenceWorkload, ModelImage, PlacementTarget, WorkloadProfile } from '../../lib';

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

describe('CloudFormation resource limit', () => {
  test('resources added after the workloads are caught at synth, naming the limit, the count and the fix, and no template is written', () => {
    const outdir = tempOutdir();
    const app = new App({ outdir });
    const stack = new Stack(app, 'Crowded');
    const w = new InferenceWorkload(stack, 'W0', { image: IMAGE, profile: LAMBDA_PROFILE });
    expect(w.decision.target).toBe(PlacementTarget.LAMBDA);
    // the workload fits; the user's own resources then push the stack over the limit
    let resources = stack.node.findAll().filter(c => (c as any).cfnResourceType !== undefined).length;
    for (let i = 0; resources <= 500; i++, resources++) {
      new CfnWaitConditionHandle(stack, `Other${i}`);
    }
    expect(() => app.synth()).toThrow(new RegExp(`'Crowded' has ${resources} CloudFormation resources \\(1 inference workloads\\), over CloudFormation's limit of 500 per stack; declare the workloads through an InferencePlatform`));
    expect(fs.existsSync(path.join(outdir, 'Crowded.template.json'))).toBe(false);
  });

  test('a stack at the limit synthesizes', () => {
    const app = new App({ outdir: tempOutdir() });
    const stack = new Stack(app, 'Fine');
    new InferenceWorkload(stack, 'One', { image: IMAGE, profile: LAMBDA_PROFILE });
    expect(() => app.synth()).not.toThrow();
  });
});
