import { Duration, Size } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { CacheSidecar, CacheSidecarType, checkModelUri } from './cache-sidecar';
import { addGpuLimit, checkMigProfile, GPU_RESOURCE, GpuNodeLabels, migResource, NodeToleration } from './gpu';
import { ScalingMetric, ZoneSpread } from './scaling';
import { restrictedContainerSecurity, restrictedPodSecurity } from './security';
import { checkDnsSubdomain, checkLabelKey, checkLabelValue, durationSeconds, formatMiB, sizeMiB } from './validate';
import { InferenceWorkloadValidationError } from '../../errors';
import { ModelImage } from '../../image';
import { KubernetesSizing, PlacementDecision } from '../../policy';
import { checkDnsLabel, checkNumber, checkOptionalNumber, checkOptionsObject, checkString } from '../../private/validate';
import { WorkloadIdentity } from '../render-context';

/**
 * Options for the Kubernetes target. They only apply when the workload is placed on
 * Kubernetes (or on the data plane of a hybrid).
 */
export interface KubernetesTargetOptions {
  /**
   * Namespace of every object (a DNS-1123 label). The namespace must exist.
   * @default 'default'
   */
  readonly namespace?: string;

  /**
   * Port the model server listens on (the Service port too).
   * @default 8080
   */
  readonly containerPort?: number;

  /**
   * Where the model weights are fetched from into the local model cache (`s3://`, `https://`,
   * `oci://`). Giving it adds `CacheSidecar.modelCache()` unless `cacheSidecars` has one.
   * @default - the image carries its weights (no model cache)
   */
  readonly modelUri?: string;

  /**
   * Local caches next to the model server: at most one `CacheSidecar.modelCache()` and any
   * `CacheSidecar.redis()`.
   * @default - a model cache when `modelUri` is given, otherwise none
   */
  readonly cacheSidecars?: CacheSidecar[];

  /**
   * The node labels the GPU node affinity is written with.
   * @default GpuNodeLabels.gpuFeatureDiscovery()
   */
  readonly gpuNodeLabels?: GpuNodeLabels;

  /**
   * Taints the pods tolerate, in addition to `nvidia.com/gpu:NoSchedule` (added for GPU pods).
   * @default - none
   */
  readonly tolerations?: NodeToleration[];

  /**
   * RuntimeClass of the pods (`runtimeClassName`), e.g. `nvidia` when the NVIDIA container
   * runtime is not the node's default.
   * @default - the node's default runtime
   */
  readonly runtimeClassName?: string;

  /**
   * A MIG profile, e.g. `1g.10gb`: the pod asks for `nvidia.com/mig-<profile>` slices (one per GPU of
   * the decision) instead of whole `nvidia.com/gpu`s (MIG "mixed" strategy). The slice must hold the
   * decision's GPU memory. The product and memory node affinity is not added (the extended resource
   * already selects nodes with such slices).
   * @default - whole GPUs
   */
  readonly migProfile?: string;

  /**
   * PriorityClass of the pods (`priorityClassName`).
   * @default - the cluster's default priority
   */
  readonly priorityClassName?: string;

  /**
   * Size of the memory-backed `/dev/shm` (PyTorch data loaders and NCCL need more than the
   * runtime's 64 MiB). It counts against the model server's memory limit.
   * @default - a quarter of the pod memory, between 1 GiB and 16 GiB
   */
  readonly sharedMemorySize?: Size;

  /**
   * The most node-local disk one cache volume may take (`emptyDir` and local ephemeral volumes),
   * e.g. the free space of the GPU nodes' instance store. A larger cache volume is an error at synth.
   * @default - not checked
   */
  readonly nodeLocalStorageLimit?: Size;

  /**
   * How long the model server may take to start (startup probe: period 10 s, failure threshold
   * = this / 10 s).
   * @default - 2 minutes plus 1 minute per GiB of model (15 s per GiB when a model cache fetched it to local disk)
   */
  readonly startupTimeout?: Duration;

  /**
   * HTTP path of the readiness probe (and of the startup probe).
   * @default '/health'
   */
  readonly readinessProbePath?: string;

  /**
   * HTTP path of the liveness probe.
   * @default '/health'
   */
  readonly livenessProbePath?: string;

  /**
   * How pods spread across availability zones.
   * @default ZoneSpread.BEST_EFFORT
   */
  readonly zoneSpread?: ZoneSpread;

  /**
   * What the HorizontalPodAutoscaler scales on (the workload's only scaler).
   * @default ScalingMetric.cpuUtilization(70)
   */
  readonly scalingMetric?: ScalingMetric;

  /**
   * How long the autoscaler waits before removing pods (`behavior.scaleDown.stabilizationWindowSeconds`,
   * at most 1 hour).
   * @default - the startup timeout, at least 10 minutes for GPU pods and 5 minutes for CPU pods
   */
  readonly scaleDownStabilization?: Duration;

  /**
   * UID (and GID, and `fsGroup`) every container runs as. Must not be 0.
   * @default 1000
   */
  readonly runAsUser?: number;

  /**
   * ARN of an existing IAM role for the pods (IRSA): set as the `eks.amazonaws.com/role-arn`
   * annotation of the ServiceAccount.
   * @default - no IAM role (or the role created for `modelBucket`)
   */
  readonly serviceAccountRoleArn?: string;

  /**
   * A bucket the model server and the model cache read weights from. Creates an IAM role in
   * CloudFormation, trusted by the cluster's OIDC provider for this workload's ServiceAccount only,
   * granted read on the bucket, and annotates the ServiceAccount with it (IRSA). Needs `cluster`.
   * @default - no role is created
   */
  readonly modelBucket?: s3.IBucket;

  /**
   * An EKS cluster to deliver the manifests to through CloudFormation (`cluster.addCdk8sChart()`).
   * An imported cluster needs `kubectlRoleArn` and `kubectlLayer`.
   * @default - the manifests are written to `cdk.out/kubernetes/<stack>/<workload>.k8s.yaml` for a GitOps tool
   */
  readonly cluster?: eks.ICluster;
}

/** What the Kubernetes renderer produced. Object names are a contract (the hybrid target reuses them). */
export interface KubernetesRendering {
  /** The chart holding every object of the workload. */
  readonly chart: cdk8s.Chart;
  /** The model server Deployment. */
  readonly deployment: kplus.Deployment;
  /** The ClusterIP Service in front of it. */
  readonly service: kplus.Service;
  /** The pods' ServiceAccount. */
  readonly serviceAccount: kplus.ServiceAccount;
  /** The HorizontalPodAutoscaler (the workload's only scaler). */
  readonly autoscaler: kplus.HorizontalPodAutoscaler;
  /** The PodDisruptionBudget. */
  readonly disruptionBudget: kplus.k8s.KubePodDisruptionBudget;
  /** The NetworkPolicy admitting only the service port. */
  readonly networkPolicy: kplus.k8s.KubeNetworkPolicy;
  /** The model server container. */
  readonly container: kplus.Container;
  /** Port of the model server and of the Service. */
  readonly port: number;
  /** The manifest custom resource, when delivered to an EKS cluster. @default - written to cdk.out */
  readonly manifest?: eks.KubernetesManifest;
  /** The IRSA role created for `modelBucket`. @default - none */
  readonly serviceAccountRole?: iam.IRole;
}

/** Inputs of the Kubernetes renderer. @internal */
export interface KubernetesRenderInput {
  readonly workloadName: string;
  readonly image: ModelImage;
  readonly decision: PlacementDecision;
  /** The options, checked by `checkKubernetesOptions`. */
  readonly options: CheckedKubernetesOptions;
}

/** The name of the Service port. */
export const SERVICE_PORT_NAME = 'http';
const ZONE_LABEL = 'topology.kubernetes.io/zone';
const PROBE_PERIOD_SECONDS = 10;
const MAX_STABILIZATION_SECONDS = 3600;

/**
 * Renders a decision into a cdk8s chart in its own cdk8s app (so that many workloads
 * synthesize in linear time). Object names are a contract. Every input is validated
 * before anything is built.
 * @internal
 */
export function renderKubernetes(input: KubernetesRenderInput): KubernetesRendering {
  const sizing = requireSizing(input.decision);
  const o = input.options;
  if (o.migProfile !== undefined) {
    checkMigProfile(o.migProfile, sizing);
  }
  const name = input.workloadName;
  const modelSizeGiB = checkNumber('decision.kubernetes.modelSizeGiB', sizing.modelSizeGiB ?? sizing.memoryMiB / 2048, { min: 0 });
  const gpu = sizing.gpuCount > 0;

  const sidecars = [...o.cacheSidecars];
  const modelCaches = sidecars.filter(s => s.type === CacheSidecarType.MODEL_CACHE);
  if (modelCaches.length > 1) {
    throw new InferenceWorkloadValidationError(`'kubernetes.cacheSidecars' may hold at most one model cache, got ${modelCaches.length}`);
  }
  const keyValueCaches = sidecars.filter(s => s.type === CacheSidecarType.KEY_VALUE);
  if (keyValueCaches.length > 1) {
    throw new InferenceWorkloadValidationError(`'kubernetes.cacheSidecars' may hold at most one key-value cache, got ${keyValueCaches.length}`);
  }
  if (o.modelUri !== undefined && modelCaches.length === 0) {
    sidecars.unshift(CacheSidecar.modelCache());
  }
  const hasModelCache = sidecars.some(s => s.type === CacheSidecarType.MODEL_CACHE);

  const startupSeconds = o.startupTimeoutSeconds ?? 120 + Math.ceil(modelSizeGiB * (hasModelCache ? 15 : 60));
  const stabilizationSeconds = o.scaleDownStabilizationSeconds
    ?? Math.min(MAX_STABILIZATION_SECONDS, Math.max(gpu ? 600 : 300, startupSeconds));
  // default /dev/shm: a quarter of the pod's memory, at least 1 GiB and at most 16 GiB, and never
  // more than half of the memory it counts against (small CPU pods)
  const shmMiB = o.sharedMemoryMiB
    ?? Math.min(16_384, Math.max(1024, Math.floor(sizing.memoryMiB / 4)), Math.floor(sizing.memoryMiB / 2));
  if (shmMiB >= sizing.memoryMiB) {
    throw new InferenceWorkloadValidationError(
      `'kubernetes.sharedMemorySize' must be less than the model server's memory (${formatMiB(sizing.memoryMiB)}) it counts against, got ${formatMiB(shmMiB)}`);
  }

  const app = new cdk8s.App();
  const chart = new cdk8s.Chart(app, name, {
    namespace: o.namespace,
    labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/managed-by': 'inference-workload' },
  });

  const serviceAccount = new kplus.ServiceAccount(chart, 'ServiceAccount', {
    metadata: {
      name,
      annotations: o.serviceAccountRoleArn ? { 'eks.amazonaws.com/role-arn': o.serviceAccountRoleArn } : undefined,
    },
    automountToken: false,
  });

  const deployment = new kplus.Deployment(chart, 'Deployment', {
    metadata: { name },
    // no `replicas`: the HorizontalPodAutoscaler owns the replica count
    serviceAccount,
    // IRSA's token is projected by the EKS pod identity webhook; the API token is not needed
    automountServiceAccountToken: false,
    securityContext: restrictedPodSecurity(o.runAsUser),
    podMetadata: { labels: { 'app.kubernetes.io/name': name } },
  });

  const probe = (path: string, failureThreshold: number) => kplus.Probe.fromHttpGet(path, {
    port: o.port,
    periodSeconds: cdk8s.Duration.seconds(PROBE_PERIOD_SECONDS),
    timeoutSeconds: cdk8s.Duration.seconds(5),
    failureThreshold,
  });
  const server = deployment.addContainer({
    name: 'model-server',
    image: input.image.kubernetesImageReference(),
    ports: [{ number: o.port, name: SERVICE_PORT_NAME }],
    // Guaranteed QoS (requests = limits in every container): the last pods evicted under node pressure
    resources: {
      cpu: { request: kplus.Cpu.millis(sizing.cpuMillis), limit: kplus.Cpu.millis(sizing.cpuMillis) },
      memory: { request: cdk8s.Size.mebibytes(sizing.memoryMiB), limit: cdk8s.Size.mebibytes(sizing.memoryMiB) },
    },
    startup: probe(o.readinessPath, Math.ceil(startupSeconds / PROBE_PERIOD_SECONDS)),
    readiness: probe(o.readinessPath, 3),
    liveness: probe(o.livenessPath, 3),
    securityContext: restrictedContainerSecurity(o.runAsUser),
  });

  const tmpVolume = kplus.Volume.fromEmptyDir(chart, 'TmpVolume', 'tmp', { sizeLimit: cdk8s.Size.gibibytes(1) });
  const ctx = {
    chart,
    deployment,
    server,
    tmpVolume,
    user: o.runAsUser,
    serverPort: o.port,
    modelUri: o.modelUri,
    modelSizeGiB,
    nodeLocalLimitMiB: o.nodeLocalLimitMiB,
  };
  // the model cache first: its volume must be the server's first mount
  sidecars.filter(s => s.type === CacheSidecarType.MODEL_CACHE).forEach(s => s._render(ctx));
  server.mount('/tmp', tmpVolume);
  server.mount('/dev/shm', kplus.Volume.fromEmptyDir(chart, 'SharedMemoryVolume', 'dshm', {
    medium: kplus.EmptyDirMedium.MEMORY,
    sizeLimit: cdk8s.Size.mebibytes(shmMiB),
  }));
  sidecars.filter(s => s.type !== CacheSidecarType.MODEL_CACHE).forEach(s => s._render(ctx));

  if (gpu) {
    const resource = o.migProfile === undefined ? GPU_RESOURCE : migResource(o.migProfile);
    addGpuLimit(deployment, 0, sizing.gpuCount, resource);
    if (o.migProfile === undefined) {
      const queries = o.gpuNodeLabels._queries(sizing);
      if (queries.length > 0) {
        deployment.scheduling.attract(kplus.Node.labeled(...queries));
      }
    }
    deployment.scheduling.tolerate(kplus.Node.tainted(kplus.NodeTaintQuery.exists(GPU_RESOURCE, { effect: kplus.TaintEffect.NO_SCHEDULE })));
  }
  for (const t of o.tolerations) {
    const options = t.effect === undefined ? undefined : { effect: t.effect };
    deployment.scheduling.tolerate(kplus.Node.tainted(t.value === undefined
      ? kplus.NodeTaintQuery.exists(t.key, options)
      : kplus.NodeTaintQuery.is(t.key, t.value, options)));
  }
  patchPodSpec(deployment, {
    seccompProfile: { type: 'RuntimeDefault' },
    runtimeClassName: o.runtimeClassName,
    priorityClassName: o.priorityClassName,
    topologySpreadConstraints: o.zoneSpread === ZoneSpread.NONE ? undefined : [{
      maxSkew: 1,
      topologyKey: ZONE_LABEL,
      whenUnsatisfiable: o.zoneSpread,
      labelSelector: { matchLabels: deployment.matchLabels },
    }],
  });

  const service = new kplus.Service(chart, 'Service', {
    metadata: { name },
    type: kplus.ServiceType.CLUSTER_IP,
    selector: deployment,
    ports: [{ name: SERVICE_PORT_NAME, port: o.port, targetPort: o.port }],
  });

  const autoscaler = new kplus.HorizontalPodAutoscaler(chart, 'Autoscaler', {
    metadata: { name },
    target: deployment,
    minReplicas: sizing.replicasMin,
    maxReplicas: sizing.replicasMax,
    metrics: [o.scalingMetric._toMetric()],
    scaleDown: {
      // a GPU pod that is removed takes minutes to come back: wait at least that long before scaling in
      stabilizationWindow: cdk8s.Duration.seconds(stabilizationSeconds),
      policies: gpu ? [{ replicas: kplus.Replicas.absolute(1), duration: cdk8s.Duration.minutes(5) }] : undefined,
    },
  });

  // cdk8s-plus-28 has no PodDisruptionBudget
  const disruptionBudget = new kplus.k8s.KubePodDisruptionBudget(chart, 'DisruptionBudget', {
    metadata: { name },
    spec: {
      // never blocks a drain forever: with one replica, one pod may go; with n, n - 1 must stay
      ...(sizing.replicasMin > 1
        ? { minAvailable: kplus.k8s.IntOrString.fromNumber(sizing.replicasMin - 1) }
        : { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1) }),
      // a crash-looping pod must not block node drains either
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
      selector: { matchLabels: deployment.matchLabels },
    },
  });

  // cdk8s-plus' NetworkPolicy rules always name a peer, and an ipBlock peer does not reliably match
  // pod traffic: the generated object expresses "any source, service port only" exactly
  const networkPolicy = new kplus.k8s.KubeNetworkPolicy(chart, 'NetworkPolicy', {
    metadata: { name },
    spec: {
      podSelector: { matchLabels: deployment.matchLabels },
      policyTypes: ['Ingress'],
      ingress: [{ ports: [{ protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(o.port) }] }],
    },
  });

  return { chart, deployment, service, serviceAccount, autoscaler, disruptionBudget, networkPolicy, container: server, port: o.port };
}

/** Pod spec fields cdk8s-plus-28 lacks, patched in ONE place. */
interface PodSpecPatch {
  readonly seccompProfile: { readonly type: string };
  readonly runtimeClassName?: string;
  readonly priorityClassName?: string;
  readonly topologySpreadConstraints?: unknown[];
}

function patchPodSpec(deployment: kplus.Deployment, patch: PodSpecPatch): void {
  const api = cdk8s.ApiObject.of(deployment);
  // the pod-level profile also covers containers a user adds later through the escape hatches
  api.addJsonPatch(cdk8s.JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', patch.seccompProfile));
  if (patch.runtimeClassName !== undefined) {
    api.addJsonPatch(cdk8s.JsonPatch.add('/spec/template/spec/runtimeClassName', patch.runtimeClassName));
  }
  if (patch.priorityClassName !== undefined) {
    api.addJsonPatch(cdk8s.JsonPatch.add('/spec/template/spec/priorityClassName', patch.priorityClassName));
  }
  if (patch.topologySpreadConstraints !== undefined) {
    api.addJsonPatch(cdk8s.JsonPatch.add('/spec/template/spec/topologySpreadConstraints', patch.topologySpreadConstraints));
  }
}

/**
 * The Kubernetes options after `check`: validated once, at construction, with their defaults.
 * @internal
 */
export interface CheckedKubernetesOptions {
  /** The EKS cluster the chart is delivered to. @default - the manifest is written to the cloud assembly */
  readonly cluster?: eks.ICluster;
  /** The bucket the IRSA role may read. @default - none */
  readonly modelBucket?: s3.IBucket;
  readonly namespace: string;
  readonly port: number;
  readonly modelUri?: string;
  readonly cacheSidecars: CacheSidecar[];
  readonly gpuNodeLabels: GpuNodeLabels;
  readonly tolerations: NodeToleration[];
  readonly runtimeClassName?: string;
  readonly migProfile?: string;
  readonly priorityClassName?: string;
  readonly sharedMemoryMiB?: number;
  readonly nodeLocalLimitMiB?: number;
  readonly startupTimeoutSeconds?: number;
  readonly readinessPath: string;
  readonly livenessPath: string;
  readonly zoneSpread: ZoneSpread;
  readonly scalingMetric: ScalingMetric;
  readonly scaleDownStabilizationSeconds?: number;
  readonly runAsUser: number;
  readonly serviceAccountRoleArn?: string;
}

/**
 * The Kubernetes target: `check` validates its options once; `render` builds the chart (Deployment,
 * Service, ServiceAccount, autoscaler, disruption budget) from the decision. Delivery (to a cluster
 * or to the cloud assembly) is the registry's job, the same for every target with a Kubernetes half.
 * @internal
 */
export const KUBERNETES_TARGET = {
  check: checkKubernetesOptions,
  render(
    _scope: Construct, workload: WorkloadIdentity, decision: PlacementDecision, checked: { readonly kubernetes: CheckedKubernetesOptions },
  ): { kubernetes: KubernetesRendering } {
    return {
      kubernetes: renderKubernetes({
        workloadName: workload.workloadName,
        image: workload.image,
        decision,
        options: checked.kubernetes,
      }),
    };
  },
};

const HTTP_PATH = /^\/[A-Za-z0-9._~!&'()*+,;=:@%\/-]*$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/;

/**
 * Checks the Kubernetes options that do not depend on a placement, so that a mistake fails at
 * construction even when the workload is placed on another target.
 * @internal
 */
export function checkKubernetesOptions(options: KubernetesTargetOptions | undefined): CheckedKubernetesOptions {
  const o = checkOptionsObject('kubernetes', options, 'KubernetesTargetOptions');
  const namespace = checkDnsLabel('kubernetes.namespace', o.namespace ?? 'default');
  const port = checkOptionalNumber('kubernetes.containerPort', o.containerPort, { min: 1, max: 65535, integer: true }) ?? 8080;
  if (o.modelUri !== undefined) {
    checkModelUri('kubernetes.modelUri', o.modelUri);
  }
  const cacheSidecars = o.cacheSidecars ?? [];
  if (!Array.isArray(cacheSidecars) || cacheSidecars.some(s => !(s instanceof CacheSidecar))) {
    throw new InferenceWorkloadValidationError(
      `'kubernetes.cacheSidecars' must be a list of CacheSidecar (CacheSidecar.modelCache(), CacheSidecar.redis()), got ${JSON.stringify(cacheSidecars)}`);
  }
  const gpuNodeLabels = o.gpuNodeLabels ?? GpuNodeLabels.gpuFeatureDiscovery();
  if (!(gpuNodeLabels instanceof GpuNodeLabels)) {
    throw new InferenceWorkloadValidationError(`'kubernetes.gpuNodeLabels' must be a GpuNodeLabels (GpuNodeLabels.karpenter()), got ${JSON.stringify(gpuNodeLabels)}`);
  }
  const tolerations = o.tolerations ?? [];
  if (!Array.isArray(tolerations)) {
    throw new InferenceWorkloadValidationError(`'kubernetes.tolerations' must be a list of tolerations ({ key, value?, effect? }), got ${JSON.stringify(tolerations)}`);
  }
  tolerations.forEach((t, i) => {
    if (t === null || typeof t !== 'object') {
      throw new InferenceWorkloadValidationError(`'kubernetes.tolerations[${i}]' must be a toleration ({ key, value?, effect? }), got ${JSON.stringify(t)}`);
    }
    checkLabelKey(`kubernetes.tolerations[${i}].key`, t.key);
    if (t.value !== undefined) {
      checkLabelValue(`kubernetes.tolerations[${i}].value`, t.value);
    }
    if (t.effect !== undefined && !Object.values(kplus.TaintEffect).includes(t.effect)) {
      throw new InferenceWorkloadValidationError(
        `'kubernetes.tolerations[${i}].effect' must be one of ${Object.values(kplus.TaintEffect).join(', ')}, got ${JSON.stringify(t.effect)}`);
    }
  });
  const runtimeClassName = o.runtimeClassName === undefined ? undefined : checkDnsSubdomain('kubernetes.runtimeClassName', o.runtimeClassName);
  const priorityClassName = o.priorityClassName === undefined ? undefined : checkDnsSubdomain('kubernetes.priorityClassName', o.priorityClassName);
  const migProfile = o.migProfile;
  if (migProfile !== undefined) {
    checkMigProfile(migProfile, undefined);
  }
  const sharedMemoryMiB = o.sharedMemorySize === undefined ? undefined : sizeMiB('kubernetes.sharedMemorySize', o.sharedMemorySize, 64);
  const nodeLocalLimitMiB = o.nodeLocalStorageLimit === undefined ? undefined : sizeMiB('kubernetes.nodeLocalStorageLimit', o.nodeLocalStorageLimit);
  const startupTimeoutSeconds = o.startupTimeout === undefined ? undefined
    : checkSeconds('kubernetes.startupTimeout', o.startupTimeout, 10, 6 * 3600);
  const scaleDownStabilizationSeconds = o.scaleDownStabilization === undefined ? undefined
    : checkSeconds('kubernetes.scaleDownStabilization', o.scaleDownStabilization, 0, MAX_STABILIZATION_SECONDS);
  const pathOpts = { maxLength: 1024, pattern: HTTP_PATH, patternDescription: 'an absolute HTTP path such as "/health"' };
  const readinessPath = checkString('kubernetes.readinessProbePath', o.readinessProbePath ?? '/health', pathOpts);
  const livenessPath = checkString('kubernetes.livenessProbePath', o.livenessProbePath ?? '/health', pathOpts);
  const zoneSpread = o.zoneSpread ?? ZoneSpread.BEST_EFFORT;
  if (!Object.values(ZoneSpread).includes(zoneSpread)) {
    throw new InferenceWorkloadValidationError(`'kubernetes.zoneSpread' must be one of ${Object.values(ZoneSpread).join(', ')}, got ${JSON.stringify(zoneSpread)}`);
  }
  const scalingMetric = o.scalingMetric ?? ScalingMetric.cpuUtilization();
  if (!(scalingMetric instanceof ScalingMetric)) {
    throw new InferenceWorkloadValidationError(`'kubernetes.scalingMetric' must be a ScalingMetric (ScalingMetric.cpuUtilization()), got ${JSON.stringify(scalingMetric)}`);
  }
  const runAsUser = checkOptionalNumber('kubernetes.runAsUser', o.runAsUser, { min: 1, max: 2_147_483_647, integer: true }) ?? 1000;
  const serviceAccountRoleArn = o.serviceAccountRoleArn === undefined ? undefined
    : checkString('kubernetes.serviceAccountRoleArn', o.serviceAccountRoleArn, {
      maxLength: 2048, pattern: ROLE_ARN, patternDescription: 'an IAM role ARN (arn:aws:iam::<account>:role/<name>)',
    });
  if (o.cluster !== undefined && typeof (o.cluster as { addCdk8sChart?: unknown } | null)?.addCdk8sChart !== 'function') {
    throw new InferenceWorkloadValidationError(
      `'kubernetes.cluster' must be an eks.ICluster (eks.Cluster.fromClusterAttributes(...)), got ${String(o.cluster)}`);
  }
  if (o.modelBucket !== undefined && o.cluster === undefined) {
    throw new InferenceWorkloadValidationError(
      'Cannot configure \'kubernetes.modelBucket\' without \'kubernetes.cluster\': the role\'s trust needs the cluster\'s OIDC provider, '
      + 'and its ARN is only known to CloudFormation (give \'kubernetes.serviceAccountRoleArn\' for manifests written to cdk.out)');
  }
  if (o.modelBucket !== undefined && serviceAccountRoleArn !== undefined) {
    throw new InferenceWorkloadValidationError(
      `Cannot configure both 'kubernetes.modelBucket' (creates a role) and 'kubernetes.serviceAccountRoleArn', got ${JSON.stringify(serviceAccountRoleArn)}`);
  }
  return {
    cluster: o.cluster,
    modelBucket: o.modelBucket,
    namespace,
    port,
    modelUri: o.modelUri,
    cacheSidecars,
    gpuNodeLabels,
    tolerations,
    runtimeClassName,
    migProfile,
    priorityClassName,
    sharedMemoryMiB,
    nodeLocalLimitMiB,
    startupTimeoutSeconds,
    readinessPath,
    livenessPath,
    zoneSpread,
    scalingMetric,
    scaleDownStabilizationSeconds,
    runAsUser,
    serviceAccountRoleArn,
  };
}

/** A Duration in whole seconds within [min, max]; the message says the unit (the prop is a Duration, the bounds are seconds). */
function checkSeconds(prop: string, d: Duration, min: number, max: number): number {
  const seconds = durationSeconds(prop, d);
  if (!(seconds >= min && seconds <= max)) {
    throw new InferenceWorkloadValidationError(`'${prop}' must be between ${min} and ${max}, got ${seconds} (seconds)`);
  }
  return checkNumber(prop, seconds, { min, max });
}

/** Reads the Kubernetes sizing of a decision and checks it is consistent. */
function requireSizing(decision: PlacementDecision): KubernetesSizing {
  const s = decision.kubernetes;
  if (!s) {
    throw new InferenceWorkloadValidationError(`'decision' has no Kubernetes sizing for target ${decision.target}; the policy ${decision.policyName} must size Kubernetes placements`);
  }
  checkNumber('decision.kubernetes.replicasMin', s.replicasMin, { min: 1, integer: true });
  checkNumber('decision.kubernetes.replicasMax', s.replicasMax, { min: s.replicasMin, max: 10_000, integer: true });
  checkNumber('decision.kubernetes.gpuCount', s.gpuCount, { min: 0, max: 16, integer: true });
  checkNumber('decision.kubernetes.gpuMemoryGiB', s.gpuMemoryGiB, { min: 0, max: 1024 });
  if (s.gpuCount === 0 && s.gpuMemoryGiB > 0) {
    throw new InferenceWorkloadValidationError(
      `'decision.kubernetes.gpuMemoryGiB' must be 0 for a CPU pod (gpuCount 0), got ${s.gpuMemoryGiB}; the policy ${decision.policyName} sized an inconsistent placement`);
  }
  checkNumber('decision.kubernetes.cpuMillis', s.cpuMillis, { min: 10 });
  checkNumber('decision.kubernetes.memoryMiB', s.memoryMiB, { min: 64 });
  // quantities must be whole millicores and MiB
  return { ...s, cpuMillis: Math.ceil(s.cpuMillis), memoryMiB: Math.ceil(s.memoryMiB) };
}
