/**
 * Over generated workloads (GPU and CPU pods, models of 1 to 140 GiB from every source, disks from a
 * gp3 baseline to 1,000 MiB/s, root volumes from the flavor's default to 400 GiB), synthesized as
 * `cdk synth` writes them for a GitOps tool:
 * - a model too large for the nodes' root volume is refused at synth, naming the option and what to
 *   change; any other gets a progress deadline and a startup probe its fetch can meet at the rate
 *   the fetch step's rendered CPU and streams sustain (the stated assumptions, re-derived here);
 * - a GPU Deployment never loses capacity during a rollout (one new pod at a time, none removed first);
 * - the YAML has no empty fields and one Namespace per name;
 * - every image the library chose (all but the workload's own) is pinned by digest.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Size, Stack } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { CPU_SIZING, FixedKubernetesPolicy, GPU_PROFILE, GPU_SIZING, IMAGE, TEST_MODEL_ROLE_ARN } from './fixtures';
import { ClusterFlavor, InferenceWorkload, KubernetesSizing } from '../../../lib';
import { libraryChosenImages, unpinned } from '../../helpers/images';
import { Manifest, readManifestFiles } from '../../helpers/kubernetes';

/** The stated assumptions the fetch is timed with: 81 MiB/s (85 MB/s) per stream; MiB/s per vCPU of the AWS CLI and of curl/ORAS. */
const STREAM_MIBPS = 81;
const AWS_CLI_MIBPS_PER_VCPU = 100;
const NATIVE_MIBPS_PER_VCPU = 200;
/** Scheduling, node launch and image pull before the fetch, in every progress deadline. */
const NODE_AND_PULL_SECONDS = 600;
const SERVER_INIT_SECONDS = 120;

const SOURCES = [
  's3://models/llm/',
  's3://models/llm.safetensors',
  'oci://registry.example.com/models/llm:1.0.0',
  'https://models.example.com/llm.bin',
  `hf://org/model@${'a'.repeat(40)}`,
];

interface Case {
  readonly gpuCount: number;
  readonly replicasMin: number;
  readonly modelSizeGiB: number;
  readonly uri: string;
  readonly diskMiBps: number;
  readonly rootGiB?: number;
  readonly autoMode: boolean;
}

/** Synthesizes one workload (and a second one in the same namespace) as `cdk synth` does. */
function synthesize(c: Case): { files: Array<{ file: string; text: string; manifests: Manifest[] }> } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pod-lifecycle-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'Platform');
  const base: KubernetesSizing = c.gpuCount > 0 ? { ...GPU_SIZING, gpuCount: c.gpuCount } : CPU_SIZING;
  const sizing = { ...base, replicasMin: c.replicasMin, replicasMax: c.replicasMin + 2, modelSizeGiB: c.modelSizeGiB };
  for (const name of ['llm-a', 'llm-b']) {
    new InferenceWorkload(stack, name, {
      image: IMAGE,
      profile: GPU_PROFILE,
      policy: new FixedKubernetesPolicy(sizing),
      workloadName: name,
      kubernetes: {
        namespace: 'inference',
        createNamespace: true,
        modelUri: c.uri,
        nodeDiskThroughputMiBps: c.diskMiBps,
        nodeRootVolumeSize: c.rootGiB === undefined ? undefined : Size.gibibytes(c.rootGiB),
        flavor: c.autoMode ? ClusterFlavor.eksAutoMode() : ClusterFlavor.karpenter(),
        serviceAccountRoleArn: c.uri.startsWith('s3://') ? TEST_MODEL_ROLE_ARN : undefined,
      },
    });
  }
  app.synth();
  const files = readManifestFiles(outdir).map(f => ({ ...f, text: fs.readFileSync(f.file, 'utf8') }));
  fs.rmSync(outdir, { recursive: true, force: true });
  return { files };
}

const millis = (q: string | number) => typeof q === 'number' ? q * 1000 : q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000;

/**
 * The rate the rendered fetch step sustains, MiB/s, re-derived from what is rendered: its CPU, the
 * parallel requests its script sets (S3) or one stream per file (ORAS with a one-layer model, curl),
 * and the disk.
 */
function renderedFetchRate(fetch: any, c: Case): number {
  const script: string = fetch.command[2];
  const cpu = millis(fetch.resources.limits.cpu) / 1000;
  let streams = 1;
  if (c.uri.startsWith('s3://')) {
    const requests = Number(/max_concurrent_requests (\d+)/.exec(script)![1]);
    // one object is split into 8 MiB ranges
    streams = c.uri.endsWith('/') ? requests : Math.min(requests, Math.ceil(c.modelSizeGiB * 1024 / 8));
  }
  const perVcpu = c.uri.startsWith('s3://') ? AWS_CLI_MIBPS_PER_VCPU : NATIVE_MIBPS_PER_VCPU;
  return Math.min(c.diskMiBps, streams * STREAM_MIBPS, cpu * perVcpu);
}

/** A Deployment whose rollout never removes a pod before its replacement is ready, and starts one at a time. */
const keepsCapacity = (d: Manifest) => d.spec.strategy.rollingUpdate.maxUnavailable === 0 && d.spec.strategy.rollingUpdate.maxSurge === 1;
/** A YAML field with an empty value (GitOps tools diff it against the live object, which omits it); `{}` is a selector that selects all, not empty. */
const EMPTY_FIELD = /: (\[\]|null|"")$/m;

const cases: fc.Arbitrary<Case> = fc.record({
  gpuCount: fc.constantFrom(0, 1, 1, 4),
  replicasMin: fc.integer({ min: 1, max: 6 }),
  modelSizeGiB: fc.constantFrom(1, 16, 70, 80, 80, 140),
  uri: fc.constantFrom(...SOURCES),
  diskMiBps: fc.constantFrom(125, 250, 593, 1000),
  rootGiB: fc.constantFrom(undefined, 200, 400),
  autoMode: fc.boolean(),
});

describe('pods over generated workloads', () => {
  test('start-up fits the fetch or is refused at synth; GPU rollouts keep capacity; GitOps YAML clean; library images pinned', () => {
    let refused = 0;
    let rendered = 0;
    fc.assert(fc.property(cases, c => {
      let files: ReturnType<typeof synthesize>['files'];
      try {
        files = synthesize(c).files;
      } catch (e) {
        // refused: the option to change, what it must hold, and how to change it
        expect((e as Error).message).toMatch(
          /^'kubernetes\.nodeRootVolumeSize' must hold llm-a's node-local disk \(.*\), got \d+ GiB.*: give the nodes a larger root volume in their node class and declare it here/);
        refused++;
        return;
      }
      rendered++;
      const all = files.flatMap(f => f.manifests);
      for (const name of ['llm-a', 'llm-b']) {
        const deployment = all.find(m => m.kind === 'Deployment' && m.metadata.name === name)!;
        const spec = deployment.spec.template.spec;
        // rollouts: none removed before its replacement is ready; GPU pods one at a time
        expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
        if (c.gpuCount > 0) {
          expect(keepsCapacity(deployment)).toBe(true);
        }
        // start-up: the deadline covers node and pull, the fetch at its rendered rate, and the probe's budget
        const fetch = spec.initContainers.find((x: any) => x.name === 'model-cache');
        const server = spec.containers.find((x: any) => x.name === 'model-server');
        const modelMiB = c.modelSizeGiB * 1024;
        const fetchSeconds = modelMiB / renderedFetchRate(fetch, c);
        const probe = server.startupProbe.periodSeconds * server.startupProbe.failureThreshold;
        expect(probe).toBeGreaterThanOrEqual(SERVER_INIT_SECONDS + modelMiB / c.diskMiBps);
        expect(deployment.spec.progressDeadlineSeconds).toBeGreaterThanOrEqual(NODE_AND_PULL_SECONDS + fetchSeconds + probe);
        // the fetch's Guaranteed resources (requests = limits)
        expect(fetch.resources.requests).toEqual(fetch.resources.limits);
        // every image but the workload's own is pinned by digest
        expect(unpinned(libraryChosenImages([deployment], [server.image]))).toEqual([]);
      }
      // GitOps: no empty field, and the namespace once
      for (const f of files) {
        expect(f.text).not.toMatch(EMPTY_FIELD);
      }
      expect(all.filter(m => m.kind === 'Namespace').map(m => m.metadata.name)).toEqual(['inference']);
    }), { seed: 20261208, numRuns: 20 });
    // the sample reaches both outcomes
    expect(refused).toBeGreaterThan(0);
    expect(rendered).toBeGreaterThan(0);
  });

  test('an 80 GiB model on the flavor\'s default root volume is refused, and renders on a declared 200 GiB one', () => {
    const c: Case = { gpuCount: 1, replicasMin: 2, modelSizeGiB: 80, uri: 's3://models/llm/', diskMiBps: 125, autoMode: true };
    expect(() => synthesize(c)).toThrow(/got 80 GiB \(the eks-auto-mode default root volume\): give the nodes a larger root volume/);
    const { files } = synthesize({ ...c, rootGiB: 200 });
    const deployment = files.flatMap(f => f.manifests).find(m => m.kind === 'Deployment')!;
    // 80 GiB at 125 MiB/s is 11 minutes to write and 11 to read back: both inside the deadline
    expect(deployment.spec.progressDeadlineSeconds).toBeGreaterThan(NODE_AND_PULL_SECONDS + 2 * 80 * 1024 / 125);
  });

  test('the checks fail on planted defects: an unpinned default, a surge that removes a GPU pod first, an empty field', () => {
    const { files } = synthesize({ gpuCount: 1, replicasMin: 2, modelSizeGiB: 16, uri: 's3://models/llm/', diskMiBps: 125, rootGiB: 200, autoMode: false });
    const deployment = JSON.parse(JSON.stringify(files.flatMap(f => f.manifests).find(m => m.kind === 'Deployment')!));
    const spec = deployment.spec.template.spec;
    const server = spec.containers.find((x: any) => x.name === 'model-server');
    const fetch = spec.initContainers.find((x: any) => x.name === 'model-cache');
    expect(unpinned(libraryChosenImages([deployment], [server.image]))).toEqual([]);
    fetch.image = fetch.image.replace(/@sha256:[a-f0-9]{64}$/, '');
    expect(unpinned(libraryChosenImages([deployment], [server.image]))).toEqual([fetch.image]);
    expect(keepsCapacity(deployment)).toBe(true);
    deployment.spec.strategy.rollingUpdate = { maxSurge: '25%', maxUnavailable: '25%' };
    expect(keepsCapacity(deployment)).toBe(false);
    const text = files.find(f => f.file.endsWith('llm-a.k8s.yaml'))!.text;
    expect(text).not.toMatch(EMPTY_FIELD);
    expect(text.replace('  type: ClusterIP\n', '  type: ClusterIP\n  externalIPs: []\n')).toMatch(EMPTY_FIELD);
  });
});
