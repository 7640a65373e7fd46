import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { kindOf, newStack, place, synth, TEST_MODEL_ROLE_ARN } from './fixtures';
import { CacheSidecar, ModelCredentials } from '../../../lib';
import { DEFAULT_IMAGES, isDigest } from '../../../lib/targets/kubernetes/images';
import { unpinned } from '../../helpers/images';
import { admitPod, containersWithCredentials, CredentialMode } from '../../helpers/pod-identity-webhook';

const ECR_MODEL = 'oci://123456789012.dkr.ecr.eu-west-1.amazonaws.com/models/llm:2.0.1';

describe('AWS credentials reach the fetch containers only (the EKS Pod Identity webhook simulated)', () => {
  test.each<[string, CredentialMode, Parameters<typeof place>[0], string[]]>([
    ['IRSA, s3:// model', 'irsa', { modelUri: 's3://models/llm/', serviceAccountRoleArn: TEST_MODEL_ROLE_ARN, cacheSidecars: [CacheSidecar.redis()] }, ['model-cache']],
    ['Pod Identity, s3:// model', 'pod-identity', { modelUri: 's3://models/llm/', modelCredentials: ModelCredentials.POD_IDENTITY, cacheSidecars: [CacheSidecar.redis()] }, ['model-cache']],
    ['IRSA, Amazon ECR oci:// model', 'irsa', { modelUri: ECR_MODEL, serviceAccountRoleArn: TEST_MODEL_ROLE_ARN }, ['model-registry-login', 'model-cache']],
    ['Pod Identity, Amazon ECR oci:// model', 'pod-identity', { modelUri: ECR_MODEL, modelCredentials: ModelCredentials.POD_IDENTITY }, ['model-registry-login', 'model-cache']],
  ])('%s: after admission only the fetch holds credentials', (_name, mode, options, fetchContainers) => {
    const deployment = kindOf(synth(place(options)), 'Deployment');
    const admitted = admitPod(deployment, mode);
    expect(containersWithCredentials(admitted, mode)).toEqual(fetchContainers);
    // the serving containers are still there, without credentials
    expect(admitted.spec.containers.map((c: any) => c.name)).toContain('model-server');
  });

  test('a container added to the Deployment after construction is kept from the credentials too', () => {
    const w = place({ modelUri: 's3://models/llm/', serviceAccountRoleArn: TEST_MODEL_ROLE_ARN });
    w.deployment!.addContainer({ name: 'log-shipper', image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.0' });
    const admitted = admitPod(kindOf(Testing.synth(w.chart!), 'Deployment'), 'irsa');
    expect(containersWithCredentials(admitted, 'irsa')).toEqual(['model-cache']);
  });

  test('without a model cache the server is the role\'s user: no skip annotation', () => {
    const deployment = kindOf(synth(place({ serviceAccountRoleArn: TEST_MODEL_ROLE_ARN })), 'Deployment');
    expect(deployment.spec.template.metadata.annotations?.['eks.amazonaws.com/skip-containers']).toBeUndefined();
    expect(containersWithCredentials(admitPod(deployment, 'irsa'), 'irsa')).toEqual(['model-server']);
  });

  test('the node role is not held back: the synth warning says every container can read it', () => {
    const stack = newStack();
    place({ modelUri: 's3://models/llm/', modelCredentials: ModelCredentials.NODE_ROLE }, undefined, {}, stack);
    const deployment = kindOf(synth(place({ modelUri: 's3://models/llm/', modelCredentials: ModelCredentials.NODE_ROLE })), 'Deployment');
    expect(deployment.spec.template.metadata.annotations?.['eks.amazonaws.com/skip-containers']).toBeUndefined();
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('the model server and sidecars can read the node role too'));
    expect(warnings.map(w => w.entry.data)).toEqual([expect.stringContaining('[ack: inference-workload:node-role-credentials]')]);
  });

  test('fails on a planted regression: a pod template without the skip annotation gives the server the role', () => {
    const deployment = kindOf(synth(place({ modelUri: 's3://models/llm/', serviceAccountRoleArn: TEST_MODEL_ROLE_ARN })), 'Deployment');
    delete deployment.spec.template.metadata.annotations['eks.amazonaws.com/skip-containers'];
    expect(containersWithCredentials(admitPod(deployment, 'irsa'), 'irsa')).toEqual(['model-cache', 'model-server']);
  });

  test('the ECR registry token lives in a memory volume only the two fetch containers mount', () => {
    const manifests = synth(place({ modelUri: ECR_MODEL, serviceAccountRoleArn: TEST_MODEL_ROLE_ARN }));
    const spec = kindOf(manifests, 'Deployment').spec.template.spec;
    expect(spec.volumes.find((v: any) => v.name === 'model-auth')).toEqual({ name: 'model-auth', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } });
    const mounting = [...spec.initContainers, ...spec.containers].filter((c: any) => (c.volumeMounts ?? []).some((m: any) => m.name === 'model-auth')).map((c: any) => c.name);
    expect(mounting).toEqual(['model-registry-login', 'model-cache']);
    const login = spec.initContainers[0];
    expect(login.command[2]).toContain('aws ecr get-login-password --region "$ECR_REGION"');
    expect(login.env).toContainEqual({ name: 'ECR_REGION', value: 'eu-west-1' });
    expect(spec.initContainers[1].command[2]).toContain('oras login --username AWS --password-stdin');
    expect(spec.initContainers[1].env).toContainEqual({ name: 'REGISTRY', value: '123456789012.dkr.ecr.eu-west-1.amazonaws.com' });
  });
});

describe('private sources: refused without what they need', () => {
  test('throws for an Amazon ECR oci:// model without AWS credentials, naming modelCredentials', () => {
    expect(() => place({ modelUri: ECR_MODEL })).toThrow(
      `'kubernetes.modelCredentials' is required for the oci:// model "${ECR_MODEL}"`);
  });

  test('throws for an ECR token in a Secret (it expires after 12 hours)', () => {
    expect(() => CacheSidecar.modelCache({ uri: ECR_MODEL, authSecretName: 'ecr' })).toThrow(
      `Cannot configure 'cacheSidecars.modelCache.authSecretName' for "${ECR_MODEL}": the pod's IAM role ('kubernetes.modelCredentials') reads S3 and Amazon ECR`);
  });

  test('a private registry other than ECR still takes a docker config Secret', () => {
    const spec = kindOf(synth(place({
      cacheSidecars: [CacheSidecar.modelCache({ uri: 'oci://ghcr.io/acme/llm:2.0.1', authSecretName: 'ghcr' })],
    })), 'Deployment').spec.template.spec;
    expect(spec.volumes).toContainEqual({ name: 'model-auth', secret: { secretName: 'ghcr' } });
    expect(spec.initContainers.map((c: any) => c.name)).toEqual(['model-cache']);
  });

  test('throws for an https:// directory without files, and for files on a single-file source', () => {
    expect(() => place({ modelUri: 'https://models.example.com/llm/' })).toThrow(
      '\'cacheSidecars.modelCache.files\' is required for the https:// directory "https://models.example.com/llm/" (HTTP has no listing)');
    expect(() => CacheSidecar.modelCache({ uri: 'https://models.example.com/llm/m.gguf', files: ['a'] })).toThrow(
      'Cannot configure \'cacheSidecars.modelCache.files\' for "https://models.example.com/llm/m.gguf"');
    expect(() => CacheSidecar.modelCache({ uri: 's3://models/llm/', files: ['a'] })).toThrow('Cannot configure \'cacheSidecars.modelCache.files\'');
  });

  test.each([
    ['../etc/passwd'], ['/abs'], ['a/../../b'], ['a b'], ['$(x)'],
  ])('throws for the file name %j', f => {
    expect(() => CacheSidecar.modelCache({ uri: 'https://models.example.com/llm/', files: [f] })).toThrow(
      '\'cacheSidecars.modelCache.files[0]\' must be a relative path');
  });

  test('throws for an hf:// model not pinned to a commit', () => {
    expect(() => place({ modelUri: 'hf://meta-llama/Llama-3.1-8B-Instruct' })).toThrow(
      '\'kubernetes.modelUri\' must pin a Hugging Face Hub model to a commit (hf://org/model@<40 hex digits>');
    expect(() => place({ modelUri: 'hf://meta-llama/Llama-3.1-8B-Instruct@main' })).toThrow('must pin a Hugging Face Hub model to a commit');
  });

  test('hf:// with a token Secret sends it as a bearer token, and the file list keys the cache', () => {
    const uri = `hf://meta-llama/Llama-3.1-8B-Instruct@${'c'.repeat(40)}`;
    const all = kindOf(synth(place({ cacheSidecars: [CacheSidecar.modelCache({ uri, authSecretName: 'hf' })] })), 'Deployment').spec.template.spec;
    const fetch = all.initContainers[0];
    expect(fetch.env).toContainEqual({ name: 'MODEL_TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } });
    expect(fetch.command[2]).toContain('--header "Authorization: Bearer $MODEL_TOKEN"');
    const some = kindOf(synth(place({ cacheSidecars: [CacheSidecar.modelCache({ uri, files: ['config.json'] })] })), 'Deployment').spec.template.spec;
    const dir = (s: any) => s.initContainers[0].env.find((e: any) => e.name === 'MODEL_DIR').value;
    expect(dir(some)).not.toEqual(dir(all));
    // a listed subset skips the Hub listing
    expect(some.initContainers[0].command[2]).not.toContain('/api/models/');
  });
});

describe('images: overridable registry, pull policy from the reference', () => {
  test('kubernetes.imageRegistry moves every default image under the registry, keeping the repository path, tag and digest', () => {
    const spec = kindOf(synth(place({
      modelUri: ECR_MODEL,
      serviceAccountRoleArn: TEST_MODEL_ROLE_ARN,
      imageRegistry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/mirror',
      cacheSidecars: [CacheSidecar.redis()],
    })), 'Deployment').spec.template.spec;
    const defaults = [...spec.initContainers, ...spec.containers].filter((c: any) => c.name !== 'model-server');
    const mirror = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/mirror';
    // each default's repository path and pinned reference, from the image table, under the mirror
    expect(defaults.map((c: any) => c.image)).toEqual([
      `${mirror}/${DEFAULT_IMAGES.awsCli.slice('public.ecr.aws/'.length)}`,
      `${mirror}/${DEFAULT_IMAGES.oras.slice('ghcr.io/'.length)}`,
      `${mirror}/${DEFAULT_IMAGES.redis.slice('public.ecr.aws/'.length)}`,
    ]);
    for (const c of defaults) {
      expect(c.image).toMatch(/^123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/mirror\/[a-z0-9/._-]+:[A-Za-z0-9._-]+@sha256:[a-f0-9]{64}$/);
      // still a digest: pulled only when missing
      expect(c.imagePullPolicy).toBe(kplus.ImagePullPolicy.IF_NOT_PRESENT);
    }
  });

  test('throws for a registry with a tag', () => {
    expect(() => place({ imageRegistry: 'registry.example.com/mirror:1' })).toThrow('\'kubernetes.imageRegistry\' must be a registry host with an optional path');
  });

  test('an image pinned by digest is pulled only when missing; a tag is pulled at every start', () => {
    const digest = `public.ecr.aws/aws-cli/aws-cli@sha256:${'d'.repeat(64)}`;
    const spec = kindOf(synth(place({
      modelUri: 's3://models/llm/',
      cacheSidecars: [CacheSidecar.modelCache({ image: digest }), CacheSidecar.redis({ image: 'public.ecr.aws/docker/library/redis:7.2-alpine' })],
    })), 'Deployment').spec.template.spec;
    expect(spec.initContainers[0].imagePullPolicy).toBe(kplus.ImagePullPolicy.IF_NOT_PRESENT);
    expect(spec.containers.find((c: any) => c.name === 'kv-cache').imagePullPolicy).toBe(kplus.ImagePullPolicy.ALWAYS);
    // a partial or upper-case digest is not a pin
    expect(isDigest(`redis@sha256:${'d'.repeat(63)}`)).toBe(false);
    expect(isDigest(`redis@sha256:${'D'.repeat(64)}`)).toBe(false);
  });

  test('every default image is pinned by a 64-hex digest behind a tag naming its release', () => {
    for (const [role, image] of Object.entries(DEFAULT_IMAGES)) {
      expect([role, unpinned([image])]).toEqual([role, []]);
      expect(image).toMatch(/^[a-z0-9.-]+\/[a-z0-9/._-]+:[A-Za-z0-9._-]+@sha256:[a-f0-9]{64}$/);
    }
    // the check itself: a planted unpinned default fails it
    expect(unpinned([...Object.values(DEFAULT_IMAGES), 'public.ecr.aws/docker/library/redis:7.2-alpine']))
      .toEqual(['public.ecr.aws/docker/library/redis:7.2-alpine']);
  });
});
