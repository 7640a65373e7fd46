/**
 * What a cluster operator needs from the manifests on the first deploy: pods a node autoscaler can
 * provision from zero, a scaler on GPU load, model servers that start on a read-only root, weights
 * fetched with declared credentials, and drains that drop nothing.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { container, CPU_SIZING, FixedKubernetesPolicy, GPU_PROFILE, GPU_SIZING, IMAGE, kindOf, newStack, place, podSpec, synth, TEST_ROOT_VOLUME } from './fixtures';
import { buildExampleApp } from '../../../examples/app';
import {
  CacheSidecar, GpuNodeLabels, InferenceWorkload, KubernetesSizing, ModelCredentials, ModelImage, ModelServer, PlacementTarget,
  PreStopAction, PriceTable,
} from '../../../lib';
import { satisfies } from '../../conformance/sim/cluster';
import { Manifest, readManifestFiles } from '../../helpers/kubernetes';

// ---------------------------------------------------------------------------------------------
// Provisioning: labels a node autoscaler knows before a node exists
// ---------------------------------------------------------------------------------------------

/**
 * The labels Karpenter (aws/karpenter-provider-aws `pkg/apis/v1/labels.go`, values from
 * `pkg/providers/instancetype/types.go`) knows for an instance type of the price table before it
 * launches one: the well-known instance type and the GPU name (lowercase) and memory (MiB per GPU).
 * GPU Feature Discovery labels are NOT known before launch.
 */
function labelsBeforeLaunch(instanceType: string): Record<string, string> | undefined {
  const g = PriceTable.awsUsEast1().props.gpuInstances.find(i => i.instanceType === instanceType);
  if (!g) {
    return undefined;
  }
  return {
    'node.kubernetes.io/instance-type': g.instanceType,
    'kubernetes.io/arch': g.architecture === 'arm64' ? 'arm64' : 'amd64',
    'karpenter.k8s.aws/instance-gpu-name': g.gpuName,
    'karpenter.k8s.aws/instance-gpu-manufacturer': 'nvidia',
    'karpenter.k8s.aws/instance-gpu-count': String(g.gpuCount),
    'karpenter.k8s.aws/instance-gpu-memory': String(g.gpuMemoryGiB * 1024),
  };
}

const quantityMillis = (q: string) => q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000;
const quantityMiB = (q: string) => q.endsWith('Gi') ? Number(q.slice(0, -2)) * 1024 : Number(q.replace(/Mi$/, ''));

/**
 * The price-table instance types a GPU pod can be provisioned on from zero: every required node
 * selector term is met by the labels known before launch, and the pod's requests fit the node's
 * allocatable (90% of its CPU and memory, as priced).
 */
function provisionableInstanceTypes(spec: any): string[] {
  const terms: any[] = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [{ matchExpressions: [] }];
  const containers: any[] = spec.containers;
  const cpu = containers.reduce((sum, c) => sum + quantityMillis(c.resources.requests.cpu), 0);
  const memory = containers.reduce((sum, c) => sum + quantityMiB(c.resources.requests.memory), 0);
  const gpus = containers.reduce((sum, c) => sum + (c.resources.limits?.['nvidia.com/gpu'] ?? 0), 0);
  return PriceTable.awsUsEast1().props.gpuInstances.filter(g => {
    const labels = labelsBeforeLaunch(g.instanceType)!;
    // terms are ORed, expressions in a term ANDed
    // karpenter.sh/nodepool: the workload's NodePool launches the node (its requirements against the pod's: test/conformance)
    const selected = terms.some(t => (t.matchExpressions ?? []).every((e: any) => e.key === 'karpenter.sh/nodepool' || satisfies(labels, e)));
    return selected && g.gpuCount >= gpus && g.vcpu * 1000 * 0.9 >= cpu && g.memoryGiB * 1024 * 0.9 >= memory;
  }).map(g => g.instanceType);
}

describe('provisioning from zero', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'provisioning-'));
  const app = buildExampleApp(new App({ outdir }));
  app.synth();
  const gpuPods = readManifestFiles(outdir)
    .map(f => f.manifests.find((m: Manifest) => m.kind === 'Deployment')!)
    .filter(d => JSON.stringify(d).includes('nvidia.com/gpu'));

  test('the example app has GPU pods', () => {
    expect(gpuPods.map(d => d.metadata.name).sort()).toEqual(['llm-chat', 'semantic-search']);
  });

  test.each(gpuPods.map(d => [d.metadata.name, d] as [string, Manifest]))(
    '%s: an instance type of the price table meets every required term with labels known before launch, and fits the pod', (_name, d) => {
      const types = provisionableInstanceTypes(d.spec.template.spec);
      expect(types.length).toBeGreaterThan(0);
    });

  test('the llm-chat pod fits the instance type the decision chose', () => {
    const w = app.node.findAll().find((c): c is InferenceWorkload => c instanceof InferenceWorkload && c.workloadName === 'llm-chat')!;
    const d = gpuPods.find(p => p.metadata.name === 'llm-chat')!;
    expect(provisionableInstanceTypes(d.spec.template.spec)).toContain(w.decision.kubernetes!.instanceType);
  });

  test('fails on a GFD-only term: no node is known to carry it before launch', () => {
    const gfd = synth(place({ gpuNodeLabels: GpuNodeLabels.gpuFeatureDiscovery() }));
    expect(provisionableInstanceTypes(podSpec(gfd))).toEqual([]);
    // the Karpenter and EKS Auto Mode presets are provisionable (Auto Mode keys are checked for spelling in gpu.test.ts)
    expect(provisionableInstanceTypes(podSpec(synth(place({ gpuNodeLabels: GpuNodeLabels.karpenter() })))).length).toBeGreaterThan(0);
    expect(provisionableInstanceTypes(podSpec(synth(place())))).toEqual(['g5.xlarge']);
  });
});

// ---------------------------------------------------------------------------------------------
// Model servers
// ---------------------------------------------------------------------------------------------

const env = (m: Manifest[], name = 'model-server') => Object.fromEntries(container(m, name).env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

describe('model servers on a read-only root', () => {
  test('every server gets a writable HOME and XDG directories on an emptyDir, counted in its ephemeral-storage request', () => {
    const m = synth(place());
    expect(env(m)).toMatchObject({ HOME: '/home/model-server', XDG_CACHE_HOME: '/home/model-server/.cache' });
    expect(container(m, 'model-server').volumeMounts).toContainEqual({ mountPath: '/home/model-server', name: 'home' });
    // sized by the server's needs (the generic server: 256 MiB home, 256 MiB /tmp), not a fixed 4 GiB + 1 GiB
    expect(podSpec(m).volumes).toContainEqual({ name: 'home', emptyDir: { sizeLimit: '256Mi' } });
    expect(container(m, 'model-server').resources.requests['ephemeral-storage']).toBe(`${256 + 256}Mi`);
    const vllm = synth(place({ modelServer: ModelServer.vllm() }));
    expect(podSpec(vllm).volumes).toContainEqual({ name: 'home', emptyDir: { sizeLimit: '2048Mi' } });
    expect(container(vllm, 'model-server').resources.requests['ephemeral-storage']).toBe(`${2048 + 1024}Mi`);
  });

  test('vLLM: port 8000, its caches, tensor parallelism = the GPUs, the cached model, service links off', () => {
    const m = synth(place({ modelServer: ModelServer.vllm(), modelUri: 's3://models/llm/' }, { ...GPU_SIZING, gpuCount: 4 }));
    const server = container(m, 'model-server');
    expect(server.ports).toEqual([{ containerPort: 8000, name: 'http' }]);
    expect(env(m)).toMatchObject({ HF_HOME: '/home/model-server/.cache/huggingface', VLLM_CACHE_ROOT: '/home/model-server/.cache/vllm' });
    // the model id clients send is the workload's name, not the cache's hashed path
    expect(server.args).toEqual(['--model', env(m).MODEL_DIR, '--served-model-name', 'llm-chat', '--port', '8000', '--tensor-parallel-size', '4']);
    const named = container(synth(place({ modelServer: ModelServer.vllm({ servedModelName: 'meta-llama/Llama-3.1-8B-Instruct' }) })), 'model-server');
    expect(named.args).toEqual(['--served-model-name', 'meta-llama/Llama-3.1-8B-Instruct', '--port', '8000', '--tensor-parallel-size', '1']);
    expect(() => ModelServer.vllm({ servedModelName: 'bad name' })).toThrow("'kubernetes.modelServer.servedModelName' must be a model id without spaces, quotes or '$', got \"bad name\"");
    expect(podSpec(m).enableServiceLinks).toBe(false);
    expect(kindOf(m, 'Service').spec.ports[0].port).toBe(8000);
  });

  test('TGI: PORT and NUM_SHARD in the environment; Triton: its ready and live endpoints and model repository', () => {
    const tgi = synth(place({ modelServer: ModelServer.textGenerationInference() }, { ...GPU_SIZING, gpuCount: 2 }));
    expect(env(tgi)).toMatchObject({ PORT: '8080', NUM_SHARD: '2', HUGGINGFACE_HUB_CACHE: '/home/model-server/.cache/huggingface/hub' });
    const triton = synth(place({ modelServer: ModelServer.triton(), modelUri: 'https://models.example.com/repo.tar' }));
    const server = container(triton, 'model-server');
    expect(server.readinessProbe.httpGet.path).toBe('/v2/health/ready');
    expect(server.livenessProbe.httpGet.path).toBe('/v2/health/live');
    expect(server.args).toEqual(['tritonserver', '--http-port=8000', '--metrics-port=8002', `--model-repository=${env(triton).MODEL_DIR}`]);
  });

  test('env (literal, Secret, ConfigMap), envFrom, args, imagePullSecrets and extra volumes reach the pod', () => {
    const m = synth(place({
      modelServer: ModelServer.vllm(),
      env: [{ name: 'HF_TOKEN', secretName: 'hf', key: 'token' }, { name: 'VLLM_LOGGING_LEVEL', value: 'DEBUG' }, { name: 'MODE', configMapName: 'cfg', key: 'mode' }],
      envFrom: [{ secretName: 'extra' }, { configMapName: 'settings' }],
      args: ['--max-model-len', '8192'],
      imagePullSecrets: ['registry'],
      volumes: [{ name: 'templates', mountPath: '/etc/templates', configMapName: 'chat-templates' }, { name: 'scratch', mountPath: '/scratch', emptyDirSize: Size.gibibytes(2) }],
    }));
    const server = container(m, 'model-server');
    expect(server.env).toContainEqual({ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } });
    expect(server.env).toContainEqual({ name: 'VLLM_LOGGING_LEVEL', value: 'DEBUG' });
    expect(server.env).toContainEqual({ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode' } } });
    expect(server.envFrom).toEqual([{ secretRef: { name: 'extra' } }, { configMapRef: { name: 'settings' } }]);
    expect(server.args).toEqual(['--max-model-len', '8192']);
    expect(podSpec(m).imagePullSecrets).toEqual([{ name: 'registry' }]);
    expect(server.volumeMounts).toContainEqual({ mountPath: '/etc/templates', name: 'templates', readOnly: true });
    expect(server.resources.requests['ephemeral-storage']).toBe(`${2048 + 1024 + 2048}Mi`);
  });

  test.each([
    [{ env: [{ name: '1BAD', value: 'x' }] }, "'kubernetes.env[0].name' must be an environment variable name"],
    [{ env: [{ name: 'A', value: 'x', secretName: 's' }] }, "'kubernetes.env[0]' must set exactly one of value, secretName, configMapName, got value, secretName"],
    [{ env: [{ name: 'A', secretName: 's' }] }, "Cannot configure 'kubernetes.env[0].secretName' without 'kubernetes.env[0].key'"],
    [{ env: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }] }, "'kubernetes.env[1].name' must be unique, got \"A\" twice"],
    [{ envFrom: [{}] }, "'kubernetes.envFrom[0]' must set exactly one of secretName, configMapName, got none"],
    [{ imagePullSecrets: ['Bad_Name'] }, "'kubernetes.imagePullSecrets[0]' must be a DNS-1123 subdomain"],
    [{ volumes: [{ name: 'home', mountPath: '/x', configMapName: 'c' }] }, "'kubernetes.volumes[0].name' must be unique and not one of"],
    [{ volumes: [{ name: 'v', mountPath: '/tmp', configMapName: 'c' }] }, "'kubernetes.volumes[0].mountPath' must be unique and not a system path, got \"/tmp\""],
    [{ modelServer: 'vllm' }, "'kubernetes.modelServer' must be a ModelServer"],
    [{ allowedIngressPeers: [{ cidr: '10.0.0.0' }] }, "'kubernetes.allowedIngressPeers[0].cidr' must be a CIDR block"],
  ])('fails at construction on bad pod options: %j', (options, message) => {
    expect(() => place(options as any)).toThrow(message);
  });
});

// ---------------------------------------------------------------------------------------------
// Weights
// ---------------------------------------------------------------------------------------------

function workload(kubernetes: any, stack: Stack = newStack()): InferenceWorkload {
  return new InferenceWorkload(stack, 'LlmChat', {
    image: IMAGE,
    profile: GPU_PROFILE,
    policy: new FixedKubernetesPolicy(GPU_SIZING),
    kubernetes: { nodeRootVolumeSize: TEST_ROOT_VOLUME, ...kubernetes },
  });
}

describe('weights that arrive', () => {
  test('fails on an s3:// model without credentials, naming the option; an IRSA role, Pod Identity or the node role acknowledged pass', () => {
    expect(() => workload({ modelUri: 's3://models/llm/' })).toThrow("'kubernetes.modelCredentials' is required for the s3:// model \"s3://models/llm/\"");
    expect(() => workload({ cacheSidecars: [CacheSidecar.modelCache({ uri: 's3://models/llm/' })] })).toThrow("'kubernetes.modelCredentials' is required");
    expect(() => workload({ modelUri: 's3://models/llm/', serviceAccountRoleArn: 'arn:aws:iam::123456789012:role/r' })).not.toThrow();
    expect(() => workload({ modelUri: 's3://models/llm/', modelCredentials: ModelCredentials.POD_IDENTITY })).not.toThrow();
    const node = synth(workload({ modelUri: 's3://models/llm/', modelCredentials: ModelCredentials.NODE_ROLE }));
    // the node role needs the instance metadata service: the NetworkPolicy lets the pods reach it
    expect(kindOf(node, 'NetworkPolicy').spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '169.254.169.254/32' } }], ports: [{ protocol: 'TCP', port: 80 }] });
    expect(() => workload({ modelUri: 'https://models.example.com/m.bin' })).not.toThrow();
  });

  test('Pod Identity with a bucket and a cluster: a role trusted by pods.eks.amazonaws.com for this ServiceAccount only, and its association', () => {
    const stack = newStack();
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'gpu', kubectlRoleArn: 'arn:aws:iam::123456789012:role/kubectl' });
    const bucket = s3.Bucket.fromBucketName(stack, 'Models', 'models');
    workload({ modelUri: 's3://models/llm/', modelBucket: bucket, cluster, modelCredentials: ModelCredentials.POD_IDENTITY }, stack);
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { ClusterName: 'gpu', Namespace: 'default', ServiceAccount: 'llm-chat' });
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{
          Action: ['sts:AssumeRole', 'sts:TagSession'],
          Principal: { Service: 'pods.eks.amazonaws.com' },
          Condition: {
            StringEquals: Match.objectLike({ 'aws:RequestTag/kubernetes-namespace': 'default', 'aws:RequestTag/kubernetes-service-account': 'llm-chat' }),
          },
        }],
      },
    });
  });

  test('refuses http://, verifies a sha256 and keys the cache by it, authenticates https and oci from a Secret', () => {
    expect(() => place({ modelUri: 'http://models.example.com/m.bin' })).toThrow("'kubernetes.modelUri' must use https://");
    const sha = 'a'.repeat(64);
    const m = synth(place({ cacheSidecars: [CacheSidecar.modelCache({ uri: 'https://hf.example.com/m.safetensors?download=1', sha256: sha, authSecretName: 'hf' })] }));
    const init = container(m, 'model-cache');
    expect(init.command.join(' ')).toContain('echo "$MODEL_SHA256  $MODEL_DIR/m.safetensors" | sha256sum -c -');
    expect(init.command.join(' ')).toContain('--proto =https --proto-redir =https');
    expect(init.command.join(' ')).toContain('--header "Authorization: Bearer $MODEL_TOKEN"');
    expect(init.env).toContainEqual({ name: 'MODEL_TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } });
    const unverified = synth(place({ cacheSidecars: [CacheSidecar.modelCache({ uri: 'https://hf.example.com/m.safetensors?download=1' })] }));
    expect(env(unverified).MODEL_DIR).not.toBe(env(m).MODEL_DIR);
    const oci = synth(place({ cacheSidecars: [CacheSidecar.modelCache({ uri: 'oci://registry.example.com/models/llm:2', authSecretName: 'regcred' })] }));
    expect(container(oci, 'model-cache').command.join(' ')).toContain('oras pull --registry-config /var/run/registry-auth/.dockerconfigjson');
    expect(podSpec(oci).volumes).toContainEqual({ name: 'model-auth', secret: { secretName: 'regcred' } });
    expect(() => CacheSidecar.modelCache({ uri: 's3://models/llm/', sha256: sha })).toThrow("Cannot configure 'cacheSidecars.modelCache.sha256' for \"s3://models/llm/\"");
    expect(() => CacheSidecar.modelCache({ uri: 's3://models/llm/m.bin', authSecretName: 'x' })).toThrow("Cannot configure 'cacheSidecars.modelCache.authSecretName' for \"s3://models/llm/m.bin\": the pod's IAM role");
  });
});

// ---------------------------------------------------------------------------------------------
// Drains and rollouts
// ---------------------------------------------------------------------------------------------

describe('nothing dropped on scale-in or rollout', () => {
  test('grace period from the decision, a preStop sleep, a liveness probe more lenient than readiness', () => {
    const m = synth(place({}, { ...GPU_SIZING, terminationGracePeriodSeconds: 1215 }));
    expect(podSpec(m).terminationGracePeriodSeconds).toBe(1215);
    const server = container(m, 'model-server');
    expect(server.lifecycle).toEqual({ preStop: { sleep: { seconds: 10 } } });
    const budget = (p: any) => p.periodSeconds * p.failureThreshold;
    expect(budget(server.livenessProbe)).toBeGreaterThan(budget(server.readinessProbe));
    expect(server.livenessProbe.timeoutSeconds).toBeGreaterThan(server.readinessProbe.timeoutSeconds);
    const exec = container(synth(place({ preStopAction: PreStopAction.EXEC_SLEEP })), 'model-server');
    expect(exec.lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '10'] } } });
  });

  test('pulls only missing images for digests and immutable tags', () => {
    const digest = ModelImage.fromImageUri(`123456789012.dkr.ecr.us-east-1.amazonaws.com/llm@sha256:${'b'.repeat(64)}`);
    const byDigest = synth(place({}, GPU_SIZING, { image: digest }));
    expect(container(byDigest, 'model-server').imagePullPolicy).toBe('IfNotPresent');
    expect(container(synth(place()), 'model-server').imagePullPolicy).toBe('Always');
    expect(container(synth(place({ immutableImageTags: true })), 'model-server').imagePullPolicy).toBe('IfNotPresent');
  });

  test('an optional Namespace is not in the workload\'s chart (the stack renders it once, test/targets/kubernetes/namespace.test.ts)', () => {
    const m = synth(place({ namespace: 'inference', createNamespace: true }));
    expect(m.filter(x => x.kind === 'Namespace')).toEqual([]);
    expect(() => place({ createNamespace: true })).toThrow("Cannot configure 'kubernetes.createNamespace' with the 'default' namespace");
  });
});

// ---------------------------------------------------------------------------------------------
// Rendered = priced
// ---------------------------------------------------------------------------------------------

describe('the pod as priced', () => {
  test('declared node-local state lives in an in-pod store sized to it; the store\'s CPU comes out of the priced request', () => {
    const sizing: KubernetesSizing = { ...CPU_SIZING, cpuMillis: 2000, nodeLocalStateGiB: 6 };
    const m = synth(place({}, sizing));
    expect(container(m, 'kv-cache').resources.requests).toEqual({ cpu: '500m', memory: '6144Mi' });
    expect(container(m, 'model-server').resources.requests).toMatchObject({ cpu: '1500m', memory: '4096Mi' });
    expect(() => place({ cacheSidecars: [CacheSidecar.redis({ maxMemoryMiB: 6144 })] }, sizing))
      .toThrow("'cacheSidecars.redis.maxMemoryMiB' must keep the store within the node-local state the pod was priced with (6 GiB");
  });

  test('exclusive cores: whole cores, requests = limits; the sidecars must leave the server whole cores', () => {
    const sizing: KubernetesSizing = { ...CPU_SIZING, cpuMillis: 2000, exclusiveCpu: true };
    const server = container(synth(place({}, sizing)), 'model-server');
    expect(server.resources.requests.cpu).toBe('2000m');
    expect(server.resources.limits.cpu).toBe('2000m');
    expect(() => place({ cacheSidecars: [CacheSidecar.redis()] }, sizing))
      .toThrow("'kubernetes.cacheSidecars' must leave the model server whole cores of the 2000m priced for a pod with exclusive cores (jitter budget), got 500m for the sidecars");
  });

  test('the example quote scorer (20 µs jitter budget) renders whole, exclusive cores as priced', () => {
    const app = buildExampleApp(new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'jitter-')) }));
    const w = app.node.findAll().find((c): c is InferenceWorkload => c instanceof InferenceWorkload && c.workloadName === 'quote-scorer')!;
    expect(w.decision.target).toBe(PlacementTarget.KUBERNETES);
    const cpuMillis = w.decision.kubernetes!.cpuMillis;
    expect(w.decision.kubernetes!.exclusiveCpu).toBe(true);
    expect(cpuMillis % 1000).toBe(0); // whole cores
    const server = w.chart!.toJson().find((x: any) => x.kind === 'Deployment').spec.template.spec.containers[0];
    expect(server.resources).toMatchObject({ requests: { cpu: `${cpuMillis}m` }, limits: { cpu: `${cpuMillis}m` } });
  });
});
