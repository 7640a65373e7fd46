import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import {
  InferenceWorkload, InferenceWorkloadValidationError, ModelImage, PlacementPolicy, PlacementReport, PlacementTarget, WorkloadProfile,
} from '../../lib';
import { LockIo, runLock } from '../../lib/cli/lock';
import { formatLock, HYSTERESIS, pendingMoves } from '../../lib/placement-lock';
import { RENDERED_OPTION } from '../../lib/policy/choice';

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

/**
 * A profile, where the default policy places it, and another target it could run on whose cost is
 * `near` (within the hysteresis band) or `far` (beyond it) from the chosen one; found by scanning
 * the traffic, so the test follows the price table instead of hard-coding its figures.
 */
function scenario(distance: 'near' | 'far'): { profile: WorkloadProfile; chosen: PlacementTarget; other: PlacementTarget } {
  // targets that render without a VPC: Lambda and Kubernetes ('far' renders the chosen target, 'near' only the locked one)
  const renderable = [PlacementTarget.LAMBDA, PlacementTarget.KUBERNETES];
  for (let rps = 0.5; rps <= 200; rps *= 1.1) {
    for (const memoryMiB of [1024, 2048, 4096]) {
      for (const peakFactor of [1, 1.5, 3]) {
        const averageRequestsPerSecond = Math.round(rps * 100) / 100;
        const profile = { ...cpuModel(averageRequestsPerSecond), memoryMiB, peakRequestsPerSecond: averageRequestsPerSecond * peakFactor };
        const d = PlacementPolicy.default().decide(profile);
        if (distance === 'far' && !renderable.includes(d.target)) {
          continue;
        }
        const chosen = d.chosenCost!.monthlyUsd;
        for (const target of renderable.filter(t => t !== d.target)) {
          const c = d.costs.find(x => x.option === RENDERED_OPTION[target]);
          if (!c?.feasible) {
            continue;
          }
          const near = c.monthlyUsd > chosen && c.monthlyUsd <= chosen * (1 + HYSTERESIS) * 0.99;
          const far = c.monthlyUsd > chosen * (1 + HYSTERESIS) * 1.05;
          if ((distance === 'near' && near) || (distance === 'far' && far)) {
            return { profile, chosen: d.target, other: target };
          }
        }
      }
    }
  }
  throw new Error(`no ${distance} scenario in the scanned traffic`);
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
  const far = scenario('far');

  test('without a lock file, decisions are unchanged', () => {
    expect(place(far.profile).workload.decision.target).toBe(far.chosen);
  });

  test('a workload locked where the policy places it renders as decided', () => {
    writeLock({ 'Serving/ranker': { target: far.chosen } });
    expect(place(far.profile).workload.decision.target).toBe(far.chosen);
  });

  test('a move beyond the hysteresis band fails at construction with both targets, the rule, the cost delta and how to accept it', () => {
    writeLock({ 'Serving/ranker': { target: far.other } });
    let error: unknown;
    let stack: Stack | undefined;
    try {
      const app = new App({ outdir: path.join(dir, 'cdk.out'), context: { 'inference-workload:placementLock': path.join(dir, 'inference-workload.lock.json') } });
      stack = new Stack(app, 'Serving');
      new InferenceWorkload(stack, 'Ranker', { image: IMAGE, profile: far.profile });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InferenceWorkloadValidationError);
    const message = (error as Error).message;
    expect(message).toMatch(new RegExp(`^'ranker' would move from ${far.other} to ${far.chosen} \\(deciding rule [a-z]+\\.[a-z.-]+; saves \\$[\\d,]+\\.\\d\\d/mo\\)`));
    expect(message).toContain("'cdk synth -c inference-workload:acceptMoves=Serving/ranker'");
    expect(message).toContain("'npx inference-workload lock'");
    expect(stack!.node.tryFindChild('Ranker')).toBeUndefined();
  });

  test('an accepted move renders the new target, warns, and is reported as pending', () => {
    writeLock({ 'Serving/ranker': { target: far.other } });
    const { stack, workload } = place(far.profile, { 'inference-workload:acceptMoves': 'Serving/ranker' });
    expect(workload.decision.target).toBe(far.chosen);
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp(`Serving/ranker moves from ${far.other} to ${far.chosen}`));
    expect(pendingMoves(workload)).toEqual([expect.objectContaining({ key: 'Serving/ranker', from: far.other, to: far.chosen })]);
    // the report shows the pending move
    const report = PlacementReport.of(workload);
    expect(JSON.parse(report.renderJson()).workloads[0].pendingMove).toEqual(expect.objectContaining({ from: far.other, to: far.chosen }));
    expect(report.renderMarkdown()).toContain(`- ranker: ${far.other} → ${far.chosen} (`);
  });

  test('near the break-even a locked workload stays on its target (hysteresis), and the decision says why', () => {
    const near = scenario('near');
    writeLock({ 'Serving/ranker': { target: near.other } });
    const { workload } = place(near.profile);
    expect(workload.decision.target).toBe(near.other);
    const override = workload.decision.firedRules.find(r => r.ruleId === 'override.fixed');
    expect(override?.reason).toMatch(new RegExp(`^kept on ${near.other} by the placement lock \\(Serving/ranker is locked on ${near.other}; `
      + `${near.chosen} would save \\$[\\d,]+\\.\\d\\d/mo, within the 10% hysteresis band\\)`));
  });

  test('a malformed lock file is an error naming the file', () => {
    fs.writeFileSync(path.join(dir, 'inference-workload.lock.json'), '{"version": 1, "workloads": {"Serving/ranker": {"target": "gpu"}}}');
    expect(() => place(far.profile)).toThrow(/inference-workload\.lock\.json: workloads\["Serving\/ranker"\]\.target must be one of lambda, kubernetes, hybrid, lambda-managed-instances, got "gpu"/);
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
    // a cost that moved is refreshed by the next lock, but is not a placement change
    x.files['cdk.out/placement-report.json'] = report.replace('130.456', '140');
    expect(runLock(['--check'], x)).toBe(0);
    expect(runLock([], x)).toBe(0);
    expect(JSON.parse(x.files['inference-workload.lock.json']).workloads['Serving/ranker'].monthlyUsd).toBe(140);
  });

  test('fails with exit 1 without a report, and 2 on an unknown argument', () => {
    expect(runLock([], io({}))).toBe(1);
    expect(runLock(['--frobnicate'], io({}))).toBe(2);
  });
});
