import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KubectlV28Layer } from '@aws-cdk/lambda-layer-kubectl-v28';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CPU_SIZING, FixedKubernetesPolicy, GPU_PROFILE, IMAGE } from './fixtures';
import { InferenceWorkload, KubernetesTargetOptions } from '../../../lib';
import { withoutEmptyFields } from '../../../lib/targets/kubernetes/yaml';
import { readManifestFiles } from '../../helpers/kubernetes';

const NS: KubernetesTargetOptions = { namespace: 'inference', createNamespace: true };

/** A stack with the named CPU workloads in namespace `inference`, each asking for it. */
function stackWith(names: string[], kubernetes: (stack: Stack) => KubernetesTargetOptions = () => NS): { app: App; stack: Stack } {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-ns-')) });
  const stack = new Stack(app, 'Platform');
  new s3.Bucket(stack, 'Other'); // keeps the empty-template warning out
  for (const name of names) {
    new InferenceWorkload(stack, name, {
      image: IMAGE, profile: GPU_PROFILE, policy: new FixedKubernetesPolicy(CPU_SIZING), workloadName: name, kubernetes: kubernetes(stack),
    });
  }
  return { app, stack };
}

describe('a namespace two workloads ask for', () => {
  test('is one file of its own for a GitOps tool, cluster-scoped, with the restricted and readiness-gate labels; the workloads\' files hold none', () => {
    const { app } = stackWith(['a', 'b']);
    app.synth();
    const files = readManifestFiles(app.outdir).map(f => ({ file: path.relative(app.outdir, f.file), manifests: f.manifests }));
    const namespaces = files.flatMap(f => f.manifests.filter(m => m.kind === 'Namespace').map(m => ({ file: f.file, m })));
    expect(namespaces.map(n => n.file)).toEqual(['kubernetes/Platform/namespace.inference.k8s.yaml']);
    const ns = namespaces[0].m;
    expect(ns.metadata.namespace).toBeUndefined();
    expect(ns.metadata.name).toBe('inference');
    expect(ns.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted', 'elbv2.k8s.aws/pod-readiness-gate-inject': 'enabled' });
  });

  test('outlives the removal of one workload: the next synth still writes it', () => {
    const both = stackWith(['a', 'b']);
    both.app.synth();
    const outdir = both.app.outdir;
    // the same app without workload "a", synthesized into the same folder (as `cdk synth` after a code change)
    const onlyB = new App({ outdir });
    const stack = new Stack(onlyB, 'Platform');
    new s3.Bucket(stack, 'Other');
    new InferenceWorkload(stack, 'b', { image: IMAGE, profile: GPU_PROFILE, policy: new FixedKubernetesPolicy(CPU_SIZING), workloadName: 'b', kubernetes: NS });
    onlyB.synth();
    const files = readManifestFiles(outdir).map(f => path.relative(outdir, f.file)).sort();
    expect(files).toEqual(['kubernetes/Platform/b.k8s.yaml', 'kubernetes/Platform/namespace.inference.k8s.yaml']);
  });

  test('is one KubernetesManifest per cluster that every workload manifest depends on, not part of any workload\'s manifest', () => {
    let cluster: eks.ICluster | undefined;
    const { stack } = stackWith(['a', 'b'], s => {
      cluster ??= eks.Cluster.fromClusterAttributes(s, 'Cluster', {
        clusterName: 'inference', kubectlRoleArn: 'arn:aws:iam::123456789012:role/kubectl', kubectlLayer: new KubectlV28Layer(s, 'KubectlLayer'),
      });
      return { ...NS, cluster };
    });
    const manifests = Template.fromStack(stack).findResources('Custom::AWSCDK-EKS-KubernetesResource');
    const bodies = Object.entries(manifests).map(([id, r]) => ({ id, body: JSON.stringify(r.Properties.Manifest), dependsOn: r.DependsOn ?? [] }));
    const holding = bodies.filter(b => b.body.includes('\\"kind\\":\\"Namespace\\"'));
    expect(holding).toHaveLength(1);
    const workloads = bodies.filter(b => b.body.includes('\\"kind\\":\\"Deployment\\"'));
    expect(workloads).toHaveLength(2);
    for (const w of workloads) {
      expect(w.dependsOn).toContain(holding[0].id);
    }
  });
});

test('the YAML writer drops empty lists and nulls, keeps empty maps', () => {
  const doc = { spec: { externalIPs: [], ports: [{ port: 80 }], podSelector: {}, volumes: [{ name: 'tmp', emptyDir: {} }], x: null } };
  expect(withoutEmptyFields(doc)).toEqual({ spec: { ports: [{ port: 80 }], podSelector: {}, volumes: [{ name: 'tmp', emptyDir: {} }] } });
  // a Service written to cdk.out has no `externalIPs: []`
  const { app } = stackWith(['a']);
  app.synth();
  const yaml = fs.readFileSync(path.join(app.outdir, 'kubernetes/Platform/a.k8s.yaml'), 'utf8');
  expect(yaml).toContain('kind: Service');
  expect(yaml).not.toMatch(/: \[\]$/m);
});
