import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildExampleApp } from '../../../examples/app';
import { InferenceWorkload, PlacementTarget } from '../../../lib';
import { libraryChosenImages, unpinned } from '../../helpers/images';
import { expectRestricted, Manifest, readManifestFiles, validateManifests } from '../../helpers/kubernetes';
import { admitPod, containersWithCredentials } from '../../helpers/pod-identity-webhook';

/** Synthesizes the example app exactly as `npx cdk synth` does, into a temporary folder. */
function synthExample(): { outdir: string; workloads: InferenceWorkload[] } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-k8s-'));
  const app = buildExampleApp(new App({ outdir }));
  app.synth();
  const workloads = app.node.findAll().filter((c): c is InferenceWorkload => c instanceof InferenceWorkload);
  return { outdir, workloads };
}

describe('the example app\'s Kubernetes manifests', () => {
  const { outdir, workloads } = synthExample();
  const files = readManifestFiles(outdir);
  // Kubernetes and hybrid placements both have a Kubernetes half
  const kubernetesWorkloads = workloads.filter(w => w.decision.target !== PlacementTarget.LAMBDA);
  const hybridNames = workloads.filter(w => w.decision.target === PlacementTarget.HYBRID).map(w => w.workloadName);

  test('one YAML file per Kubernetes-placed workload, at its manifestPath', () => {
    expect(kubernetesWorkloads.length).toBeGreaterThan(0);
    expect(files.map(f => path.relative(outdir, f.file)).sort())
      .toEqual(kubernetesWorkloads.map(w => w.manifestPath!).sort());
  });

  test.each(files.map(f => [path.basename(f.file), f.manifests] as [string, Manifest[]]))('%s is schema-valid', (_file, manifests) => {
    expect(() => validateManifests(manifests)).not.toThrow();
  });

  test.each(files.map(f => [path.basename(f.file), f.manifests] as [string, Manifest[]]))('%s has only "restricted" pods', (_file, manifests) => {
    expect(() => expectRestricted(manifests)).not.toThrow();
  });

  test.each(files.map(f => [path.basename(f.file), f.manifests] as [string, Manifest[]]))(
    '%s has a Deployment without replicas, one HPA, a PDB, a ClusterIP Service and a NetworkPolicy', (file, manifests) => {
      const name = file.replace(/\.k8s\.yaml$/, '');
      const hybrid = hybridNames.includes(name);
      const kinds = manifests.map(m => m.kind).sort();
      // a pods metric (requests in flight) comes from Prometheus: a PodMonitor has it scrape the pods; CPU needs none
      const scraped = manifests.find(m => m.kind === 'HorizontalPodAutoscaler')!.spec.metrics[0].type === 'Pods';
      // a hybrid's data plane also has the Service and TargetGroupBinding that put its pods behind the control plane's NLB
      // a GPU or whole-core workload also has the NodePool of its nodes (Karpenter, the default flavor)
      const pool = ['llm-chat', 'quote-scorer', 'semantic-search'].some(n => file.endsWith(`${n}.k8s.yaml`));
      expect(kinds).toEqual([
        'Deployment', 'HorizontalPodAutoscaler', 'NetworkPolicy', ...(pool ? ['NodePool'] : []), 'PodDisruptionBudget', ...(scraped ? ['PodMonitor'] : []),
        'Service', ...(hybrid ? ['Service'] : []), 'ServiceAccount',
        ...(hybrid ? ['TargetGroupBinding'] : []),
      ]);
      expect(manifests.find(m => m.kind === 'Deployment')!.spec.replicas).toBeUndefined();
      expect(manifests.find(m => m.kind === 'Service' && m.metadata.name === name)!.spec.type).toBe('ClusterIP');
      // no load balancer is created from the cluster: the hybrid's NLB is CloudFormation's
      expect(manifests.filter(m => m.kind === 'Service' && m.spec.type === 'LoadBalancer')).toEqual([]);
    });

  test('no empty fields (GitOps tools diff them against the live objects) and at most one Namespace per name', () => {
    for (const f of files) {
      expect(fs.readFileSync(f.file, 'utf8')).not.toMatch(/: (\[\]|null)$/m);
    }
    const namespaces = files.flatMap(f => f.manifests).filter(m => m.kind === 'Namespace').map(m => m.metadata.name);
    expect(new Set(namespaces).size).toBe(namespaces.length);
  });

  test('every image the library chose (all but the workloads\' own) is pinned by a 64-hex digest and pulled only when missing', () => {
    const manifests = files.flatMap(f => f.manifests);
    const pods = manifests.filter(m => m.kind === 'Deployment').map(m => m.spec.template.spec);
    const own = pods.flatMap(p => p.containers.filter((c: any) => c.name === 'model-server').map((c: any) => c.image as string));
    const chosen = libraryChosenImages(manifests, own);
    // the example has an s3:// fetch and in-pod Redis stores
    expect(chosen.some(i => i.includes('/aws-cli/'))).toBe(true);
    expect(chosen.some(i => i.includes('/redis:'))).toBe(true);
    expect(unpinned(chosen)).toEqual([]);
    for (const c of pods.flatMap(p => [...p.initContainers ?? [], ...p.containers]).filter((x: any) => chosen.includes(x.image))) {
      expect(c.imagePullPolicy).toBe('IfNotPresent');
    }
    // a planted unpinned default fails the check
    const planted = JSON.parse(JSON.stringify(manifests.find(m => m.kind === 'Deployment' && m.spec.template.spec.initContainers)));
    planted.spec.template.spec.initContainers[0].image = planted.spec.template.spec.initContainers[0].image.replace(/@sha256:[a-f0-9]{64}$/, '');
    expect(unpinned(libraryChosenImages([planted], own))).toEqual([planted.spec.template.spec.initContainers[0].image]);
  });

  test('GPU Deployments roll out without losing capacity: one new pod at a time, none removed before its replacement is ready', () => {
    const gpu = files.flatMap(f => f.manifests).filter(m => m.kind === 'Deployment'
      && m.spec.template.spec.containers.some((c: any) => c.resources?.limits?.['nvidia.com/gpu'] !== undefined));
    expect(gpu.map(m => m.metadata.name)).toContain('llm-chat');
    for (const d of gpu) {
      expect([d.metadata.name, d.spec.strategy]).toEqual([d.metadata.name, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }]);
    }
  });

  test('llm-chat: GPU limit, GPU affinity and toleration, model cache init step, and a cache sidecar sharing a volume with the server', () => {
    const llm = files.find(f => f.file.endsWith('llm-chat.k8s.yaml'))!.manifests;
    const spec = llm.find(m => m.kind === 'Deployment')!.spec.template.spec;
    const server = spec.containers.find((c: any) => c.name === 'model-server');
    expect(server.resources.limits['nvidia.com/gpu']).toBe(1);
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions
      .map((e: any) => e.key)).toEqual(['node.kubernetes.io/instance-type', 'kubernetes.io/arch', 'karpenter.sh/nodepool']);
    expect(spec.tolerations).toContainEqual({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' });
    expect(spec.initContainers.map((c: any) => c.name)).toEqual(['model-cache']);
    const sidecar = spec.containers.find((c: any) => c.name === 'kv-cache');
    const shared = sidecar.volumeMounts.map((v: any) => v.name).filter((n: string) => server.volumeMounts.some((v: any) => v.name === n));
    expect(shared).toEqual(['kv-cache']);
  });

  test('no serving container receives AWS credentials: with a role, the webhook (simulated) gives them to the fetch only', () => {
    const withRole = files.filter(f => f.manifests.some(m => m.kind === 'ServiceAccount' && m.metadata.annotations?.['eks.amazonaws.com/role-arn']));
    expect(withRole.map(f => path.basename(f.file))).toContain('llm-chat.k8s.yaml');
    for (const f of withRole) {
      const admitted = admitPod(f.manifests.find(m => m.kind === 'Deployment')!, 'irsa');
      expect([path.basename(f.file), containersWithCredentials(admitted, 'irsa')]).toEqual([path.basename(f.file), ['model-cache']]);
    }
  });
});
