import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KubectlV28Layer } from '@aws-cdk/lambda-layer-kubectl-v28';
import { App, Fn, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CPU_SIZING, FixedKubernetesPolicy, GPU_PROFILE, IMAGE, importCluster, newStack, OIDC_ARN, place } from './fixtures';
import { InferenceWorkload } from '../../../lib';
import { addChartToCluster, MAX_MANIFEST_BYTES, MAX_TEMPLATE_MANIFEST_BYTES } from '../../../lib/targets/kubernetes/delivery';
import { withoutEmptyFields } from '../../../lib/targets/kubernetes/yaml';
import { expectValidAndRestricted, Manifest, readManifestFiles } from '../../helpers/kubernetes';

/** The manifest the custom resource carries, parsed (tokens left as CloudFormation intrinsics). */
function deliveredManifests(template: Template): Manifest[] {
  const resources = template.findResources('Custom::AWSCDK-EKS-KubernetesResource');
  const [resource] = Object.values(resources) as any[];
  const manifest = resource.Properties.Manifest;
  if (typeof manifest === 'string') {
    return JSON.parse(manifest);
  }
  // Fn::Join of literal parts and tokens: put a placeholder where each token goes
  const parts: any[] = manifest['Fn::Join'][1];
  return JSON.parse(parts.map(p => (typeof p === 'string' ? p : 'TOKEN')).join(''));
}

describe('delivery into an EKS cluster (imported, with the kubectl v28 layer)', () => {
  test('hands the chart to the cluster through CloudFormation, and writes no YAML file', () => {
    const stack = newStack();
    const w = place({ cluster: importCluster(stack) }, undefined, {}, stack);
    const t = Template.fromStack(stack);
    t.resourceCountIs('Custom::AWSCDK-EKS-KubernetesResource', 1);
    t.hasResourceProperties('Custom::AWSCDK-EKS-KubernetesResource', { ClusterName: 'inference' });
    const manifests = deliveredManifests(t);
    expect(manifests.map(m => m.kind)).toEqual(['ServiceAccount', 'Deployment', 'NodePool', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'NetworkPolicy', 'PodMonitor']);
    // the prune label aws-eks adds is the only difference from the chart
    const stripPrune = (ms: any[]) => JSON.parse(JSON.stringify(ms).replace(/"aws\.cdk\.eks\/prune-[a-z0-9]+":"",?/g, '').replace(/,}/g, '}'));
    expect(stripPrune(manifests)).toEqual(w.chart!.toJson());
    expectValidAndRestricted(stripPrune(manifests));
    expect(w.kubernetesManifest).toBeInstanceOf(eks.KubernetesManifest);
    expect(w.manifestPath).toBeUndefined();
  });

  test('with a model bucket, creates an IRSA role trusted for this ServiceAccount only and annotates it', () => {
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Models', 'example-models');
    const w = place({ cluster: importCluster(stack), modelBucket: bucket, namespace: 'ml' }, undefined, {}, stack);
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Action: 'sts:AssumeRoleWithWebIdentity',
          Effect: 'Allow',
          Principal: { Federated: OIDC_ARN },
          Condition: {
            StringEquals: {
              'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud': 'sts.amazonaws.com',
              'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub': 'system:serviceaccount:ml:llm-chat',
            },
          },
        }],
      },
    });
    // the issuer of an imported provider is known at synth: no CfnJson custom resource (and its Lambda) is needed
    t.resourceCountIs('Custom::AWSCDKCfnJson', 0);
    // no s3:// model: the server reads the bucket itself, read-only (GetObject and ListBucket, no GetBucket*, no writes)
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Action: 's3:GetObject', Effect: 'Allow', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::example-models/*']] } },
          { Action: 's3:ListBucket', Effect: 'Allow', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::example-models']] } },
        ],
      },
    });
    const sa = deliveredManifests(t).find(m => m.kind === 'ServiceAccount')!;
    expect(sa.metadata!.annotations!['eks.amazonaws.com/role-arn']).toBe('TOKEN');
    expect(w.serviceAccountRole).toBeDefined();
  });

  test('uses CfnJson for the trust conditions when the OIDC issuer is only known at deploy time', () => {
    const stack = newStack();
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
      clusterName: 'inference',
      kubectlRoleArn: 'arn:aws:iam::123456789012:role/inference-kubectl',
      kubectlLayer: new KubectlV28Layer(stack, 'KubectlLayer'),
      openIdConnectProvider: iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'Oidc', Fn.importValue('InferenceClusterOidcArn')),
    });
    place({ cluster, modelBucket: s3.Bucket.fromBucketName(stack, 'Models', 'example-models') }, undefined, {}, stack);
    const t = Template.fromStack(stack);
    t.resourceCountIs('Custom::AWSCDKCfnJson', 1);
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Condition: { StringEquals: { 'Fn::GetAtt': [Match.stringLikeRegexp('ModelReaderRoleConditions'), 'Value'] } } })] },
    });
  });

  test('fails on a model bucket without a cluster, with a role ARN too, or without the cluster\'s OIDC provider', () => {
    const stack = newStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Models', 'example-models');
    expect(() => place({ modelBucket: bucket }, undefined, {}, stack))
      .toThrow("Cannot configure 'kubernetes.modelBucket' without 'kubernetes.cluster'");
    const stack2 = newStack();
    expect(() => place({ modelBucket: s3.Bucket.fromBucketName(stack2, 'M', 'm-bucket'), cluster: importCluster(stack2), serviceAccountRoleArn: 'arn:aws:iam::123456789012:role/r' }, undefined, {}, stack2))
      .toThrow("Cannot configure both 'kubernetes.modelBucket' (creates a role) and 'kubernetes.serviceAccountRoleArn', got \"arn:aws:iam::123456789012:role/r\"");
    const stack3 = newStack();
    expect(() => place({ modelBucket: s3.Bucket.fromBucketName(stack3, 'M', 'm-bucket'), cluster: importCluster(stack3, false) }, undefined, {}, stack3))
      .toThrow("'kubernetes.modelBucket' needs the cluster's OIDC provider for IRSA (import the cluster with 'openIdConnectProvider')");
  });

  test('fails on a cluster that is not an eks.ICluster', () => {
    expect(() => place({ cluster: { clusterName: 'x' } as unknown as eks.ICluster }))
      .toThrow("'kubernetes.cluster' must be an eks.ICluster (eks.Cluster.fromClusterAttributes(...)), got [object Object]");
  });

  test('fails at synth when the chart is changed after it was handed to the cluster', () => {
    const stack = newStack();
    const w = place({ cluster: importCluster(stack) }, undefined, {}, stack);
    w.deployment!.podMetadata.addAnnotation('late', 'change');
    expect(() => Template.fromStack(stack)).toThrow(/The chart of llm-chat changed after it was handed to the EKS cluster/);
  });

  describe('size guards', () => {
    function paddedChart(bytes: number): cdk8s.Chart {
      const chart = new cdk8s.Chart(new cdk8s.App(), 'padded');
      new kplus.ConfigMap(chart, 'Padding', { data: { padding: 'x'.repeat(bytes) } });
      return chart;
    }

    test('fails before a manifest exceeds what the kubectl handler can carry on update', () => {
      const stack = newStack();
      const cluster = importCluster(stack);
      expect(MAX_MANIFEST_BYTES).toBe(129_024);
      expect(() => addChartToCluster(stack, cluster, paddedChart(130_000), 'big', 'big-model'))
        .toThrow(/^'kubernetes.cluster' can carry a manifest of at most 129,024 bytes \(an update sends the old and the new manifest to the kubectl handler in one 262,144-byte payload\), got 130,\d{3} bytes for big-model/);
      expect(() => addChartToCluster(stack, cluster, paddedChart(120_000), 'fits', 'fits')).not.toThrow();
    });

    test('fails before the manifests of one stack exceed the 1 MB template', () => {
      const stack = newStack();
      const cluster = importCluster(stack);
      const count = Math.floor(MAX_TEMPLATE_MANIFEST_BYTES / 120_000);
      for (let i = 0; i < count; i++) {
        addChartToCluster(stack, cluster, paddedChart(120_000), `w${i}`, `w${i}`);
      }
      expect(() => addChartToCluster(stack, cluster, paddedChart(120_000), 'last', 'last'))
        .toThrow(/^'kubernetes.cluster' manifests in stack Test must total at most 917,504 bytes \(CloudFormation templates are limited to 1,048,576 bytes\), got [\d,]+ bytes with last/);
    });

    test('counts the manifests of each stack on its own', () => {
      const app = new App();
      const full = new Stack(app, 'Full');
      const fullCluster = importCluster(full);
      for (let i = 0; i < Math.floor(MAX_TEMPLATE_MANIFEST_BYTES / 120_000); i++) {
        addChartToCluster(full, fullCluster, paddedChart(120_000), `w${i}`, `w${i}`);
      }
      const other = new Stack(app, 'Other');
      expect(() => addChartToCluster(other, importCluster(other), paddedChart(120_000), 'w0', 'w0')).not.toThrow();
      expect(() => addChartToCluster(full, fullCluster, paddedChart(120_000), 'last', 'last')).toThrow(/manifests in stack Full must total at most/);
    });

    test('a workload whose manifest is too large fails at construction', () => {
      const stack = newStack();
      const tolerations = Array.from({ length: 2500 }, (_, i) => ({ key: `example.com/taint-${i}-${'x'.repeat(20)}`, value: 'v'.repeat(20) }));
      expect(() => place({ cluster: importCluster(stack), tolerations }, undefined, {}, stack))
        .toThrow(/'kubernetes.cluster' can carry a manifest of at most 129,024 bytes/);
    });
  });
});

describe('delivery as YAML files in the cloud assembly', () => {
  test('writes one valid, restricted file per workload at manifestPath', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-yaml-'));
    const app = new App({ outdir });
    const stack = new Stack(app, 'Platform');
    new s3.Bucket(stack, 'Other'); // keeps CloudFormation's empty-template warning out of this test
    const a = place({}, undefined, { workloadName: 'llm-a' }, stack);
    const b = new InferenceWorkload(stack, 'Cpu', { image: IMAGE, profile: GPU_PROFILE, policy: new FixedKubernetesPolicy(CPU_SIZING), workloadName: 'cpu-b' });
    app.synth();
    expect(a.manifestPath).toBe('kubernetes/Platform/llm-a.k8s.yaml');
    expect(b.manifestPath).toBe('kubernetes/Platform/cpu-b.k8s.yaml');
    const files = readManifestFiles(outdir);
    expect(files.map(f => path.relative(outdir, f.file))).toEqual([b.manifestPath, a.manifestPath]);
    for (const f of files) {
      expectValidAndRestricted(f.manifests);
    }
    // the chart as written: without the empty lists cdk8s-plus writes (a Service's `externalIPs: []`)
    expect(files[1].manifests).toEqual(a.chart!.toJson().map(withoutEmptyFields));
  });

  test('a stack of Kubernetes workloads only gets a placeholder resource and one warning', () => {
    const stack = newStack();
    new InferenceWorkload(stack, 'One', { image: IMAGE, profile: GPU_PROFILE, policy: new FixedKubernetesPolicy(CPU_SIZING) });
    new InferenceWorkload(stack, 'Two', { image: IMAGE, profile: GPU_PROFILE, policy: new FixedKubernetesPolicy(CPU_SIZING) });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('holds only Kubernetes workloads'));
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0].entry.data)).toContain('inference-workload:kubernetes-only-stack');
    const template = Template.fromStack(stack);
    expect(Object.keys(template.toJSON().Resources)).toEqual([expect.stringMatching(/^KubernetesOnlyPlaceholder/)]);
    template.resourceCountIs('AWS::CloudFormation::WaitConditionHandle', 1);
  });

  test.each([true, false])('a Kubernetes-only stack synthesizes under strict template validation (version reporting %s)', (versionReporting) => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'iw-strict-')), context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
    const stack = new Stack(app, 'GpuOnly', { analyticsReporting: versionReporting });
    place({}, undefined, {}, stack);
    expect(() => app.synth()).not.toThrow();
  });

  test('does not warn when the stack has other resources', () => {
    const stack = newStack();
    new s3.Bucket(stack, 'Other');
    place({}, undefined, {}, stack);
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('holds only Kubernetes workloads'));
    Template.fromStack(stack).resourceCountIs('AWS::CloudFormation::WaitConditionHandle', 0);
  });
});
