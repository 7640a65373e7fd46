import { KubectlV28Layer } from '@aws-cdk/lambda-layer-kubectl-v28';
import { App, Size, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Testing } from 'cdk8s';
import {
  IPlacementPolicy, InferenceWorkload, InferenceWorkloadProps, KubernetesSizing, KubernetesTargetOptions, ModelImage,
  PlacementDecision, PlacementTarget, WorkloadProfile,
} from '../../../lib';
import { expectValidAndRestricted, Manifest } from '../../helpers/kubernetes';

export const IMAGE = ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/llm:2.0.1');

/** One A10G GPU pod, 2–6 replicas. */
export const GPU_SIZING: KubernetesSizing = {
  replicasMin: 2,
  replicasMax: 6,
  gpuCount: 1,
  gpuMemoryGiB: 24,
  gpuProduct: 'NVIDIA-A10G',
  gpuName: 'a10g',
  instanceType: 'g5.xlarge',
  cpuMillis: 3000,
  memoryMiB: 14_336,
  concurrencyPerReplica: 4,
  modelSizeGiB: 16,
};

/** A CPU pod with one warm replica. */
export const CPU_SIZING: KubernetesSizing = {
  replicasMin: 1,
  replicasMax: 4,
  gpuCount: 0,
  gpuMemoryGiB: 0,
  instanceType: 'm7i.large',
  cpuMillis: 1000,
  memoryMiB: 4096,
  concurrencyPerReplica: 1,
};

export const GPU_PROFILE: WorkloadProfile = {
  memoryMiB: 14_336,
  gpuCount: 1,
  gpuMemoryGiB: 24,
  modelSizeGiB: 16,
  requestDurationP50Ms: 1500,
  averageRequestsPerSecond: 3,
  peakRequestsPerSecond: 12,
  // 25% utilization: without a team that runs Kubernetes, band.wait places it as hybrid
  teamRunsKubernetes: true,
};

/**
 * A policy that places on Kubernetes with a fixed sizing, so these tests do not move when the
 * default policy's pricing does: the renderer reads only `decision.kubernetes`.
 */
export class FixedKubernetesPolicy implements IPlacementPolicy {
  public readonly name = 'fixed-kubernetes-sizing';
  constructor(private readonly sizing: KubernetesSizing) {}
  public decide(_profile: WorkloadProfile): PlacementDecision {
    return new PlacementDecision({
      target: PlacementTarget.KUBERNETES,
      policyName: this.name,
      rules: [],
      costs: [],
      sustainedUtilization: 0.25,
      priceTable: { name: 'test', region: 'us-east-1', effectiveDate: '2026-11-01', source: 'test', currency: 'USD' },
      kubernetes: this.sizing,
    });
  }
}

export const OIDC_ARN = 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';

/** An imported EKS cluster with the kubectl v28 layer (and, by default, its OIDC provider). */
export function importCluster(stack: Stack, withOidc = true): eks.ICluster {
  return eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
    clusterName: 'inference',
    kubectlRoleArn: 'arn:aws:iam::123456789012:role/inference-kubectl',
    kubectlLayer: new KubectlV28Layer(stack, 'KubectlLayer'),
    openIdConnectProvider: withOidc ? iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'Oidc', OIDC_ARN) : undefined,
  });
}

export function newStack(id = 'Test'): Stack {
  return new Stack(new App(), id);
}

/** The IRSA role `place()` gives an s3:// model when the test gives no credentials. */
export const TEST_MODEL_ROLE_ARN = 'arn:aws:iam::123456789012:role/model-reader';

/** The root volume `place()` declares for the nodes when the test gives none (the 20 GiB default holds no 16 GiB model cache). */
export const TEST_ROOT_VOLUME = Size.gibibytes(100);

/**
 * Places a workload on Kubernetes with `sizing` and the given target options. An s3:// model
 * without credentials gets `serviceAccountRoleArn: TEST_MODEL_ROLE_ARN` (credentials are required;
 * the tests of that rule call `new InferenceWorkload` themselves); nodes without a declared root
 * volume get `TEST_ROOT_VOLUME` (the tests of the root-volume check call `new InferenceWorkload`).
 */
export function place(
  kubernetes: KubernetesTargetOptions = {},
  sizing: KubernetesSizing = GPU_SIZING,
  extra: Partial<InferenceWorkloadProps> = {},
  stack: Stack = newStack(),
): InferenceWorkload {
  const uris = [kubernetes.modelUri, ...(kubernetes.cacheSidecars ?? []).map(c => c._uri(undefined))];
  const needsCredentials = uris.some(u => typeof u === 'string' && u.startsWith('s3://'))
    && kubernetes.serviceAccountRoleArn === undefined && kubernetes.modelBucket === undefined && kubernetes.modelCredentials === undefined;
  return new InferenceWorkload(stack, 'LlmChat', {
    image: IMAGE,
    profile: GPU_PROFILE,
    policy: new FixedKubernetesPolicy(sizing),
    kubernetes: {
      ...kubernetes,
      ...(needsCredentials ? { serviceAccountRoleArn: TEST_MODEL_ROLE_ARN } : {}),
      ...('nodeRootVolumeSize' in kubernetes ? {} : { nodeRootVolumeSize: TEST_ROOT_VOLUME }),
    },
    ...extra,
  });
}

/** Synthesizes a workload's chart; every manifest is schema-validated and checked "restricted". */
export function synth(w: InferenceWorkload): Manifest[] {
  const manifests = Testing.synth(w.chart!) as Manifest[];
  expectValidAndRestricted(manifests);
  return manifests;
}

export function kindOf(manifests: Manifest[], kind: string): Manifest {
  const found = manifests.filter(m => m.kind === kind);
  if (found.length !== 1) {
    throw new Error(`expected exactly one ${kind}, got ${found.length}`);
  }
  return found[0];
}

export function podSpec(manifests: Manifest[]): any {
  return kindOf(manifests, 'Deployment').spec.template.spec;
}

export function container(manifests: Manifest[], name: string): any {
  const spec = podSpec(manifests);
  const c = [...spec.containers, ...(spec.initContainers ?? [])].find((x: any) => x.name === name);
  if (!c) {
    throw new Error(`no container ${name}`);
  }
  return c;
}
