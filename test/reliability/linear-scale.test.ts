import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Validations } from 'aws-cdk-lib';
import { InferencePlatform, InferenceWorkload, ModelImage, PlacementReport, PlacementTarget, WorkloadTemplates } from '../../lib';

// Deterministic scale checks: no timing here (`npm run bench` measures time and memory).

const IMAGE = ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1.0.0');

function tempOutdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'iw-linear-'));
}

/** Construct ids of equal length (`Gpu0007`), so every manifest has the same size. */
function gpuId(i: number): string {
  return `Gpu${String(i).padStart(4, '0')}`;
}

interface KubernetesPlatform {
  readonly workloads: InferenceWorkload[];
  /** Manifest text by workload name. */
  readonly manifests: Map<string, string>;
}

/** An app of `n` one-GPU workloads through the public API, synthesized. */
function synthGpuPlatform(n: number): KubernetesPlatform {
  const outdir = tempOutdir();
  const app = new App({ outdir });
  // stacks of Kubernetes workloads written to cdk.out have empty templates (the library warns about it)
  Validations.of(app).acknowledge({ id: 'CloudFormation-Validate::F0001', reason: 'Kubernetes-only stacks are not deployed' });
  const platform = new InferencePlatform(app, 'Platform');
  for (let i = 0; i < n; i++) {
    platform.addWorkload(gpuId(i), WorkloadTemplates.llmChat({ image: IMAGE }));
  }
  app.synth();
  const manifests = new Map<string, string>();
  for (const w of platform.workloads) {
    expect(w.decision.target).toBe(PlacementTarget.KUBERNETES);
    manifests.set(w.workloadName, fs.readFileSync(path.join(outdir, w.manifestPath!), 'utf-8'));
  }
  return { workloads: platform.workloads, manifests };
}

function objectCount(manifest: string): number {
  return manifest.split(/^---$/m).length;
}

function totalBytes(p: KubernetesPlatform): number {
  return [...p.manifests.values()].reduce((sum, m) => sum + Buffer.byteLength(m, 'utf-8'), 0);
}

describe('Kubernetes output is linear in the number of workloads', () => {
  const N = 10;
  let small: KubernetesPlatform;
  let large: KubernetesPlatform;
  beforeAll(() => {
    small = synthGpuPlatform(N);
    large = synthGpuPlatform(4 * N); // two stacks: InferencePlatform puts 25 workloads in each
  });

  test('4N workloads write exactly 4 times the manifests, objects and bytes of N', () => {
    expect(small.manifests.size).toBe(N);
    expect(large.manifests.size).toBe(4 * N);
    const objects = (p: KubernetesPlatform) => [...p.manifests.values()].reduce((sum, m) => sum + objectCount(m), 0);
    // ServiceAccount, Deployment, Service, HorizontalPodAutoscaler, PodDisruptionBudget, NetworkPolicy, the
    // PodMonitor that has Prometheus scrape the GPU pods' requests in flight, and the GPU workload's NodePool
    expect(objects(small)).toBe(8 * N);
    expect(objects(large)).toBe(4 * objects(small));
    expect(totalBytes(large)).toBe(4 * totalBytes(small));
  });

  test('a workload\'s manifest does not depend on how many other workloads exist', () => {
    for (const [name, manifest] of small.manifests) {
      expect(large.manifests.get(name)).toBe(manifest);
    }
    // and differs from another workload's only by the name (and cdk8s' address hash, derived from it)
    const scrub = (m: string) => m.replace(/(cdk8s\.io\/metadata\.addr: gpu\d{4}-Deployment)-[0-9a-f]{8}/g, '$1-HASH');
    expect(scrub(large.manifests.get('gpu0039')!).replace(/gpu0039/g, 'gpu0000')).toBe(scrub(small.manifests.get('gpu0000')!));
  });

  test('every workload has its own cdk8s App whose size does not grow with the platform', () => {
    // one cdk8s App per chart: charts sharing one App synthesize in superlinear time
    const roots = new Set(large.workloads.map(w => w.chart!.node.root));
    expect(roots.size).toBe(4 * N);
    const sizes = new Set([...small.workloads, ...large.workloads].map(w => w.chart!.node.root.node.findAll().length));
    expect(sizes.size).toBe(1);
  });
});

// 75 workloads (three full stacks) prove the spreading over stacks and the per-stack files; the
// 1,000-workload figures (time, memory, ratio to hand-written code) are the benchmark's
// (`npm run bench`), not a test's
describe('a platform of 75 workloads', () => {
  test('synthesizes through the public API: 3 stacks under the resource limit, 37 manifests, 75 decisions reported', () => {
    const outdir = tempOutdir();
    const app = new App({ outdir });
    const platform = new InferencePlatform(app, 'Platform');
    for (let i = 0; i < 75; i++) {
      if (i % 2 === 0) {
        platform.addWorkload(`Spiky${i}`, WorkloadTemplates.spikyClassifier({ image: IMAGE }));
      } else {
        platform.addWorkload(`Gpu${i}`, WorkloadTemplates.llmChat({ image: IMAGE }));
      }
    }
    const assembly = app.synth();

    const targets = platform.workloads.map(w => w.decision.target);
    expect(targets.filter(t => t === PlacementTarget.LAMBDA)).toHaveLength(38);
    expect(targets.filter(t => t === PlacementTarget.KUBERNETES)).toHaveLength(37);
    expect(assembly.stacks).toHaveLength(3);
    for (const stack of assembly.stacks) {
      const resources = Object.keys(stack.template.Resources ?? {}).length;
      expect(resources).toBeGreaterThan(0);
      expect(resources).toBeLessThanOrEqual(500);
    }
    const manifests = platform.workloads.filter(w => w.manifestPath !== undefined);
    expect(manifests).toHaveLength(37);
    for (const w of manifests) {
      expect(fs.existsSync(path.join(outdir, w.manifestPath!))).toBe(true);
    }
    expect(PlacementReport.of(app).workloadCount).toBe(75);
    expect(fs.existsSync(path.join(outdir, PlacementReport.JSON_FILE))).toBe(true);
    // one chart file per stack (each workload a view of it), not one file per workload
    expect(fs.readdirSync(path.join(outdir, PlacementReport.CHART_DIRECTORY))).toHaveLength(3);
    // InferencePlatform validates the 3 templates through the on-disk cache (the engine only on a
    // miss); the timeout only guards a loaded CI machine (this is not a timing test)
  }, 300_000);
});
