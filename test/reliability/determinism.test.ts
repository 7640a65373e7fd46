import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CloudFormationValidatePlugin, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildExampleApp } from '../../examples/app';
import { CachedCloudFormationValidatePlugin, InferenceWorkload, ModelImage, WorkloadProfile } from '../../lib';
import { filesUnder } from '../helpers/fixtures';

const ROOT = path.join(__dirname, '..', '..');


/**
 * Synthesizes the example app in a fresh Node process, as `cdk synth` does, with template
 * validation off: a fresh process would build its own validator engine (2-4 s of CPU on an empty
 * cache), and validation changes no output file of a synth that has no finding. The same app with
 * the same context is validated in-process below, by the test run's shared engine.
 */
function synthExampleInFreshProcess(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-determinism-'));
  const context = { ...readCdkJsonContext(), [CachedCloudFormationValidatePlugin.CONTEXT_KEY]: 'off' };
  const r = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--transpile-only', 'examples/app.ts'], {
    cwd: ROOT,
    env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(context) },
    encoding: 'utf-8',
  });
  if (r.status !== 0) {
    throw new Error(`example app failed: ${r.stderr}`);
  }
  return outdir;
}

function readCdkJsonContext(): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf-8')).context ?? {};
}

describe('determinism', () => {
  test('two synths of the example app in fresh processes are byte-for-byte identical', () => {
    const a = synthExampleInFreshProcess();
    const b = synthExampleInFreshProcess();
    const filesA = filesUnder(a);
    expect(filesA).toEqual(filesUnder(b));
    expect(filesA.some(f => f.endsWith('.template.json'))).toBe(true);
    expect(filesA.some(f => f.endsWith('.k8s.yaml'))).toBe(true);
    for (const f of filesA) {
      const bytesA = fs.readFileSync(path.join(a, f));
      const bytesB = fs.readFileSync(path.join(b, f));
      expect({ file: f, same: bytesA.equals(bytesB) }).toEqual({ file: f, same: true });
    }
  }, 180_000);

  test('the example app with the context of cdk.json (validation findings fail its synth) synthesizes with no finding', () => {
    const context = readCdkJsonContext();
    expect(context['@aws-cdk/core:validateAgainstDefaultRules']).toBe(true);
    const app = buildExampleApp(new App({ context, outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'iw-determinism-validated-')) }));
    // aws-cdk-lib prints the validation report: with this context it carries the library's
    // annotations (cluster prerequisites), and would carry any template finding
    const stderr = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(() => app.synth()).not.toThrow();
      const printed = stderr.mock.calls.map(args => args.join(' ')).join('\n');
      expect(printed).toContain('(Annotation)');
      expect(printed).not.toContain('CloudFormation Validate');
    } finally {
      stderr.mockRestore();
    }
    // the templates were validated: the plugin InferencePlatform registered saw them
    const plugins = ((app as unknown as { _validationPlugins: unknown[] })._validationPlugins)
      .filter((p): p is CachedCloudFormationValidatePlugin => p instanceof CloudFormationValidatePlugin);
    expect(plugins.map(p => p.enabled)).toEqual([true]);
    expect(plugins[0].cacheHits + plugins[0].cacheMisses).toBeGreaterThan(0);
  });

  test('declaring workloads in another order changes nothing but the order of independent entries', () => {
    const image = ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1.0.0');
    const cpu: WorkloadProfile = { memoryMiB: 2048, requestDurationP50Ms: 100, averageRequestsPerSecond: 1, peakRequestsPerSecond: 30 };
    const gpu: WorkloadProfile = {
      memoryMiB: 30_720,
      gpuCount: 1,
      gpuMemoryGiB: 24,
      requestDurationP50Ms: 1500,
      averageRequestsPerSecond: 3,
      peakRequestsPerSecond: 12,
      teamRunsKubernetes: true,
    };
    const build = (order: Array<[string, WorkloadProfile]>) => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-order-'));
      const app = new App({ outdir });
      const stack = new Stack(app, 'Ordered');
      for (const [id, profile] of order) {
        new InferenceWorkload(stack, id, { image, profile });
      }
      const assembly = app.synth();
      const manifests = filesUnder(outdir).filter(f => f.endsWith('.k8s.yaml'))
        .map(f => [f, fs.readFileSync(path.join(outdir, f), 'utf-8')]);
      return { template: Template.fromStack(stack).toJSON(), manifests, dir: assembly.directory };
    };
    const one = build([['Classifier', cpu], ['Chat', gpu], ['Ranker', cpu]]);
    const two = build([['Ranker', cpu], ['Chat', gpu], ['Classifier', cpu]]);
    expect(two.template).toEqual(one.template); // toEqual ignores key order, nothing else
    expect(two.manifests).toEqual(one.manifests);
    expect(one.manifests.length).toBe(1);
  });
});
