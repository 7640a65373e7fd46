import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import {
  InferenceWorkload, InferenceWorkloadValidationError, ModelImage, PlacementPolicy, PlacementTarget, WorkloadProfile,
} from '../../lib';
import { LockIo, runLock } from '../../lib/cli/lock';
import { formatLock, pendingMoves } from '../../lib/private/placement-lock';

const IMAGE = ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1.0.0');

/** A small CPU model run by a team with a cluster; its target depends on the traffic (see the costs in each test). */
function cpuModel(averageRequestsPerSecond: number): WorkloadProfile {
  return {
    memoryMiB: 2048,
    requestDurationP50Ms: 100,
    requestDurationP99Ms: 300,
    averageRequestsPerSecond,
    peakRequestsPerSecond: averageRequestsPerSecond * 3,
    teamRunsKubernetes: true,
  };
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-lock-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeLock(workloads: Record<string, { target: PlacementTarget; monthlyUsd?: number }>): string {
  const file = path.join(dir, 'inference-workload.lock.json');
  fs.writeFileSync(file, formatLock(workloads));
  return file;
}

function place(profile: WorkloadProfile, context: Record<string, unknown> = {}): { app: App; stack: Stack; workload: InferenceWorkload } {
  const app = new App({ outdir: path.join(dir, 'cdk.out'), context: { 'inference-workload:placementLock': path.join(dir, 'inference-workload.lock.json'), ...context } });
  const stack = new Stack(app, 'Serving');
  const workload = new InferenceWorkload(stack, 'Ranker', { image: IMAGE, profile });
  return { app, stack, workload };
}

describe('the placement lock', () => {
  test('without a lock file, decisions are unchanged', () => {
    expect(place(cpuModel(20)).workload.decision.target).toBe(PlacementTarget.KUBERNETES);
  });

  test('a workload locked where the policy places it renders as decided', () => {
    writeLock({ 'Serving/ranker': { target: PlacementTarget.KUBERNETES } });
    expect(place(cpuModel(20)).workload.decision.target).toBe(PlacementTarget.KUBERNETES);
  });

  test('a move beyond the hysteresis band fails at construction with both targets, the rule, the cost delta and how to accept it', () => {
    // at 20 req/s: kubernetes $130/mo, lambda-provisioned $177/mo; locked on Lambda
    writeLock({ 'Serving/ranker': { target: PlacementTarget.LAMBDA } });
    let error: unknown;
    let stack: Stack | undefined;
    try {
      const app = new App({ outdir: path.join(dir, 'cdk.out'), context: { 'inference-workload:placementLock': path.join(dir, 'inference-workload.lock.json') } });
      stack = new Stack(app, 'Serving');
      new InferenceWorkload(stack, 'Ranker', { image: IMAGE, profile: cpuModel(20) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InferenceWorkloadValidationError);
    const message = (error as Error).message;
    expect(message).toMatch(/^'ranker' would move from lambda to kubernetes \(deciding rule economics\.[a-z-]+; saves \$\d+\.\d\d\/mo\)/);
    expect(message).toContain("'cdk synth -c inference-workload:acceptMoves=Serving/ranker'");
    expect(message).toContain("'npx inference-workload lock'");
    expect(stack!.node.tryFindChild('Ranker')).toBeUndefined();
  });

  test('an accepted move renders the new target, warns, and is reported as pending', () => {
    writeLock({ 'Serving/ranker': { target: PlacementTarget.LAMBDA } });
    const { stack, workload } = place(cpuModel(20), { 'inference-workload:acceptMoves': 'Serving/ranker' });
    expect(workload.decision.target).toBe(PlacementTarget.KUBERNETES);
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('Serving/ranker moves from lambda to kubernetes'));
    expect(pendingMoves(workload)).toEqual([expect.objectContaining({ key: 'Serving/ranker', from: 'lambda', to: 'kubernetes' })]);
  });

  test('near the break-even a locked workload stays on its target (hysteresis), and the decision says why', () => {
    // at 5 req/s: kubernetes $48/mo, lambda-provisioned $51/mo: within 10%
    const unlocked = PlacementPolicy.default().decide(cpuModel(5));
    expect(unlocked.target).toBe(PlacementTarget.KUBERNETES);
    writeLock({ 'Serving/ranker': { target: PlacementTarget.LAMBDA } });
    const { workload } = place(cpuModel(5));
    expect(workload.decision.target).toBe(PlacementTarget.LAMBDA);
    expect(workload.function).toBeDefined();
    const override = workload.decision.firedRules.find(r => r.ruleId === 'override.fixed');
    expect(override?.reason).toMatch(/^kept on lambda by the placement lock \(Serving\/ranker is locked on lambda; kubernetes would save \$\d+\.\d\d\/mo, within the 10% hysteresis band\)/);
  });

  test('a malformed lock file is an error naming the file', () => {
    fs.writeFileSync(path.join(dir, 'inference-workload.lock.json'), '{"version": 1, "workloads": {"Serving/ranker": {"target": "gpu"}}}');
    expect(() => place(cpuModel(20))).toThrow(/inference-workload\.lock\.json: workloads\["Serving\/ranker"\]\.target must be one of lambda, kubernetes, hybrid, got "gpu"/);
  });
});

describe('inference-workload lock', () => {
  function io(files: Record<string, string>): LockIo & { out: string[]; files: Record<string, string> } {
    const out: string[] = [];
    return {
      out,
      files,
      stdout: t => out.push(t),
      readFile: f => {
        if (!(f in files)) {
          throw new Error(`ENOENT ${f}`);
        }
        return files[f];
      },
      writeFile: (f, t) => { files[f] = t; },
      exists: f => f in files,
    };
  }
  const report = JSON.stringify({
    workloads: [
      { stack: 'Serving', workloadName: 'ranker', target: 'kubernetes', chosenMonthlyUsd: 130.456 },
      { stack: 'Serving', workloadName: 'chat', target: 'hybrid', chosenMonthlyUsd: 900 },
    ],
  });

  test('records every workload of the report, sorted, and says what changed', () => {
    const x = io({ 'cdk.out/placement-report.json': report, 'inference-workload.lock.json': formatLock({ 'Serving/ranker': { target: PlacementTarget.LAMBDA }, 'Old/gone': { target: PlacementTarget.LAMBDA } }) });
    expect(runLock([], x)).toBe(0);
    expect(JSON.parse(x.files['inference-workload.lock.json'])).toEqual({
      version: 1,
      workloads: { 'Serving/chat': { target: 'hybrid', monthlyUsd: 900 }, 'Serving/ranker': { target: 'kubernetes', monthlyUsd: 130.46 } },
    });
    expect(x.out.join('')).toContain('~ Serving/ranker: lambda -> kubernetes');
    expect(x.out.join('')).toContain('+ Serving/chat: hybrid');
    expect(x.out.join('')).toContain('- Old/gone: lambda (no longer in the app)');
  });

  test('--check changes nothing and exits 1 when the lock differs, 0 when it is up to date', () => {
    const x = io({ 'cdk.out/placement-report.json': report });
    expect(runLock(['--check'], x)).toBe(1);
    expect(x.files['inference-workload.lock.json']).toBeUndefined();
    expect(runLock([], x)).toBe(0);
    expect(runLock(['--check'], x)).toBe(0);
  });

  test('fails with exit 1 without a report, and 2 on an unknown argument', () => {
    expect(runLock([], io({}))).toBe(1);
    expect(runLock(['--frobnicate'], io({}))).toBe(2);
  });
});
