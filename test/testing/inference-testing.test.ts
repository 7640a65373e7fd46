import { App, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { InferenceTesting, InferenceWorkload, ModelImage, PlacementTarget } from '../../lib';

const CPU = { memoryMiB: 2048, requestDurationP50Ms: 100, averageRequestsPerSecond: 1, peakRequestsPerSecond: 40 };
// the team runs Kubernetes: at 25% utilization without one, band.wait would place it as hybrid
const GPU_ = { memoryMiB: 30_720, gpuCount: 1, gpuMemoryGiB: 24, requestDurationP50Ms: 1500, averageRequestsPerSecond: 3, peakRequestsPerSecond: 12 };
const GPU = { ...GPU_, teamRunsKubernetes: true };

function platform(tag = '1.0.0'): { stack: Stack; classifier: InferenceWorkload; chat: InferenceWorkload } {
  const stack = new Stack(new App(), 'Platform');
  const image = ModelImage.fromImageUri(`123456789012.dkr.ecr.us-east-1.amazonaws.com/model:${tag}`);
  const chat = new InferenceWorkload(stack, 'LlmChat', { image, profile: GPU });
  const classifier = new InferenceWorkload(stack, 'Classifier', { image, profile: CPU });
  return { stack, classifier, chat };
}

describe('InferenceTesting.synth', () => {
  test('a stack: the template, every manifest and every decision in construct-path order', () => {
    const { stack, classifier, chat } = platform();
    const out = InferenceTesting.synth(stack);
    expect(out.workloadNames).toEqual(['classifier', 'llm-chat']);
    expect(out.decisions).toEqual([classifier.decision, chat.decision]);
    expect(out.decisions.map(d => d.target)).toEqual([PlacementTarget.LAMBDA, PlacementTarget.KUBERNETES]);
    expect(Object.values(out.template.Resources).map((r: any) => r.Type)).toContain('AWS::Lambda::Function');
    expect(out.manifests.map(m => m.kind)).toEqual(expect.arrayContaining(['Deployment', 'Service']));
    expect(out.manifests.every(m => m.metadata.name === 'llm-chat' || m.metadata.labels?.['app.kubernetes.io/name'] === 'llm-chat')).toBe(true);
  });

  test('a workload: only that workload', () => {
    const { classifier } = platform();
    const out = InferenceTesting.synth(classifier);
    expect(out.workloadNames).toEqual(['classifier']);
    expect(out.manifests).toEqual([]);
  });

  test('scrubs the Lambda version hash and the cdk8s address hash', () => {
    const text = JSON.stringify(InferenceTesting.synth(platform().stack));
    expect(text).toMatch(/ClassifierFunctionCurrentVersion[0-9A-F]{8}\[VERSION-HASH\]/);
    expect(text).not.toMatch(/CurrentVersion[0-9A-F]{8}[0-9a-f]{32}/);
    expect(text).toContain('"cdk8s.io/metadata.addr":"llm-chat-Deployment-[ADDR-HASH]"');
    expect(text).not.toMatch(/-c8[0-9a-f]{6}"/);
  });

  test('snapshots differ only where the input differs', () => {
    // a new image tag changes the Lambda version hash; scrubbed, only the tag itself differs
    const a = JSON.stringify(InferenceTesting.snapshot(platform('1.0.0').stack));
    const b = JSON.stringify(InferenceTesting.snapshot(platform('1.0.1').stack));
    expect(a).not.toBe(b);
    expect(b.replace(/1\.0\.1/g, '1.0.0')).toBe(a);
  });

  test('throws for a scope outside any stack', () => {
    expect(() => InferenceTesting.synth(new App())).toThrow("'scope' must be a Stack, an InferenceWorkload or a construct inside a stack, got App at ''");
  });

  test('a construct inside a stack: the workloads under it', () => {
    const stack = new Stack(new App(), 'S');
    const team = new Construct(stack, 'TeamA');
    new InferenceWorkload(team, 'Ranker', { image: ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/r:1'), profile: CPU });
    new InferenceWorkload(stack, 'Other', { image: ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/o:1'), profile: CPU });
    expect(InferenceTesting.synth(team).workloadNames).toEqual(['ranker']);
  });
});

describe('InferenceTesting.snapshot', () => {
  test('is plain JSON keyed by workload name, without the cost curve', () => {
    const snap = InferenceTesting.snapshot(platform().stack);
    expect(Object.keys(snap)).toEqual(['template', 'manifests', 'decisions']);
    expect(Object.keys(snap.decisions)).toEqual(['classifier', 'llm-chat']);
    expect(snap.decisions['llm-chat'].target).toBe('kubernetes');
    expect(snap.decisions['llm-chat'].costCurve).toBeUndefined();
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
  });
});

describe('InferenceTesting.scrub', () => {
  const HASH = 'a'.repeat(64);

  test.each([
    [{ S3Key: `${HASH}.zip` }, { S3Key: '[ASSET-HASH].zip' }],
    [{ [`FnCurrentVersion1A2B3C4D${'b'.repeat(32)}`]: { Ref: `FnCurrentVersion1A2B3C4D${'b'.repeat(32)}` } },
      { 'FnCurrentVersion1A2B3C4D[VERSION-HASH]': { Ref: 'FnCurrentVersion1A2B3C4D[VERSION-HASH]' } }],
    [{ labels: { 'cdk8s.io/metadata.addr': 'chat-Deployment-c8abcdef' } }, { labels: { 'cdk8s.io/metadata.addr': 'chat-Deployment-[ADDR-HASH]' } }],
    [{ image: `repo@sha256:${HASH}` }, { image: `repo@sha256:${HASH}` }],
    [{ name: 'chat-Deployment-c8abcdef' }, { name: 'chat-Deployment-c8abcdef' }],
    [[1, null, true, 'x'], [1, null, true, 'x']],
  ])('scrubs %j', (input, expected) => {
    expect(InferenceTesting.scrub(input)).toEqual(expected);
  });

  test('does not change its input', () => {
    const input = { S3Key: `${HASH}.zip` };
    InferenceTesting.scrub(input);
    expect(input.S3Key).toBe(`${HASH}.zip`);
  });
});
