import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations } from 'aws-cdk-lib/assertions';
import { gpuDecision, lambdaDecision } from './fixtures';
import { InferenceWorkload, ModelImage, PlacementReport } from '../../lib';
import { synthLines } from '../../lib/report/console';
import { ReportedWorkload } from '../../lib/report/render';

const IMAGE = ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1.0.0');
const CPU = { memoryMiB: 2048, requestDurationP50Ms: 100, averageRequestsPerSecond: 1, peakRequestsPerSecond: 40 };
// the team runs Kubernetes: at 25% utilization without one, band.wait would place it as hybrid
const GPU_ = { memoryMiB: 30_720, gpuCount: 1, gpuMemoryGiB: 24, requestDurationP50Ms: 1500, averageRequestsPerSecond: 3, peakRequestsPerSecond: 12 };
const GPU = { ...GPU_, teamRunsKubernetes: true };

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'placement-output-'));
}

/** Every file under dir, relative, sorted. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = path.posix.join(rel, e.name);
      if (e.isDirectory()) {
        walk(child);
      } else {
        out.push(child);
      }
    }
  };
  walk('');
  return out.sort();
}

/** Synthesizes an app with the named GPU workloads (Kubernetes) and one CPU workload, writing into `outputDirectory`. */
function synth(names: string[], outputDirectory: string, outdir = tmpdir()): void {
  const app = new App({ outdir, context: { [PlacementReport.CONTEXT_KEY_OUTPUT_DIRECTORY]: outputDirectory } });
  const stack = new Stack(app, 'Platform');
  for (const n of names) {
    new InferenceWorkload(stack, n, { image: IMAGE, profile: GPU });
  }
  new InferenceWorkload(stack, 'Classifier', { image: IMAGE, profile: CPU });
  app.synth();
}

describe('the output folder (inference-workload:outputDirectory)', () => {
  test('holds the report, one chart file per stack and the manifests, and nothing in the cloud assembly', () => {
    const dir = path.join(tmpdir(), 'deploy');
    const outdir = tmpdir();
    synth(['LlmChat', 'Reranker'], dir, outdir);
    expect(tree(dir)).toEqual([
      'kubernetes/Platform/llm-chat.k8s.yaml',
      'kubernetes/Platform/reranker.k8s.yaml',
      'placement-charts/Platform.svg',
      'placement-report.json',
      'placement-report.md',
    ]);
    expect(fs.existsSync(path.join(outdir, 'kubernetes'))).toBe(false);
    expect(fs.existsSync(path.join(outdir, 'placement-report.json'))).toBe(false);
  });

  test('each synth leaves exactly the current workloads: a removed workload\'s manifest goes', () => {
    const dir = tmpdir();
    synth(['LlmChat', 'Reranker'], dir);
    synth(['LlmChat'], dir);
    expect(tree(dir)).toEqual([
      'kubernetes/Platform/llm-chat.k8s.yaml',
      'placement-charts/Platform.svg',
      'placement-report.json',
      'placement-report.md',
    ]);
  });

  test('removes a stack folder that holds no manifest any more, and leaves files it does not own', () => {
    const dir = tmpdir();
    synth(['LlmChat'], dir);
    fs.writeFileSync(path.join(dir, 'kubernetes', 'README.md'), 'mine');
    synth([], dir);
    expect(tree(dir)).toEqual(['kubernetes/README.md', 'placement-charts/Platform.svg', 'placement-report.json', 'placement-report.md']);
  });

  test('does not rewrite a file whose content did not change, and writes byte-identical manifests', () => {
    const dir = tmpdir();
    synth(['LlmChat'], dir);
    const file = path.join(dir, 'kubernetes/Platform/llm-chat.k8s.yaml');
    const before = fs.readFileSync(file, 'utf-8');
    const old = new Date('2001-01-01T00:00:00Z');
    fs.utimesSync(file, old, old);
    synth(['LlmChat'], dir);
    expect(fs.readFileSync(file, 'utf-8')).toBe(before);
    expect(fs.statSync(file).mtime.getTime()).toBe(old.getTime());
  });

  test('throws for a value that is not a folder path', () => {
    const app = new App({ context: { [PlacementReport.CONTEXT_KEY_OUTPUT_DIRECTORY]: 42 } });
    new InferenceWorkload(new Stack(app, 'S'), 'W', { image: IMAGE, profile: CPU });
    expect(() => app.synth()).toThrow("'inference-workload:outputDirectory' must be a folder path such as \"deploy\", got 42");
  });
});

describe('what synth prints', () => {
  const CLASSIFIER: ReportedWorkload = { constructPath: 'Platform/TextClassifier', stack: 'Platform', workloadName: 'text-classifier', decision: lambdaDecision() };
  const CHAT: ReportedWorkload = { constructPath: 'Platform/LlmChat', stack: 'Platform', workloadName: 'llm-chat', decision: gpuDecision() };

  test('one line per workload and one summary line with counts, total and file locations', () => {
    const lines = synthLines([CLASSIFIER, CHAT], { report: 'cdk.out/placement-report.md', charts: 'cdk.out/placement-charts/', manifests: 'cdk.out/kubernetes/' });
    expect(lines).toEqual([
      'inference-workload placed 2 workloads:',
      '  llm-chat         kubernetes  $2,203.00/mo  break-even none (lambda infeasible)  rule constraint.gpu',
      '  text-classifier  lambda        $560.00/mo  break-even vs kubernetes 27.3%       rule economics.break-even',
      '1 on kubernetes, 1 on lambda; $2,763.00/month in total. Files: report cdk.out/placement-report.md, charts cdk.out/placement-charts/, manifests cdk.out/kubernetes/',
    ]);
    expect(lines.join('\n')).not.toMatch(/lib\/|Acknowledge/);
  });

  test('prints once per app under the CDK CLI, to stderr, and not at all when switched off', () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const saved = process.env.CDK_CLI_VERSION;
    try {
      process.env.CDK_CLI_VERSION = '2.1000.0';
      const app = new App({ outdir: tmpdir() });
      const stack = new Stack(app, 'Platform');
      new InferenceWorkload(stack, 'A', { image: IMAGE, profile: CPU });
      new InferenceWorkload(stack, 'B', { image: IMAGE, profile: GPU });
      new InferenceWorkload(stack, 'C', { image: IMAGE, profile: CPU, workloadName: 'c' });
      app.synth();
      const printed = write.mock.calls.map(c => String(c[0])).join('');
      expect(printed.trimEnd().split('\n')).toHaveLength(5);
      expect(printed).toMatch(/^inference-workload placed 3 workloads:\n {2}a {2}/);

      write.mockClear();
      const quiet = new App({ outdir: tmpdir(), context: { [PlacementReport.CONTEXT_KEY_SYNTH_SUMMARY]: false } });
      new InferenceWorkload(new Stack(quiet, 'Platform'), 'A', { image: IMAGE, profile: CPU });
      quiet.synth();
      expect(write).not.toHaveBeenCalled();
    } finally {
      if (saved === undefined) {
        delete process.env.CDK_CLI_VERSION;
      } else {
        process.env.CDK_CLI_VERSION = saved;
      }
      write.mockRestore();
    }
  });

  test('adds no info annotation per workload (warnings stay annotations)', () => {
    const stack = new Stack(new App(), 'Platform');
    new InferenceWorkload(stack, 'A', { image: IMAGE, profile: CPU });
    expect(Annotations.fromStack(stack).findInfo('*', /placed on/)).toEqual([]);
  });
});

describe('errors', () => {
  test('name the construct path of the workload, after the prop', () => {
    const stack = new Stack(new App(), 'Platform');
    expect(() => new InferenceWorkload(stack, 'LlmChat', { image: IMAGE, profile: { ...CPU, memoryMiB: 12 } }))
      .toThrow(/^'profile\.memoryMiB' must be .*, got 12 \(in Platform\/LlmChat\)$/);
  });
});
