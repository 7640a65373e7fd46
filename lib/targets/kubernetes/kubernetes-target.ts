import { Duration, Size } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { CacheSidecar, CacheSidecarType, checkModelUri } from './cache-sidecar';
import { addGpuLimit, checkMigProfile, GPU_RESOURCE, GpuNodeLabels, migResource, NodeToleration } from './gpu';
import { checkHttpPath, checkModelServer, HOME_DIR, ModelServer } from './model-server';
import {
  checkArgs, checkEgress, checkEnv, checkEnvFrom, checkImagePullSecrets, checkIngressPeers, checkVolumes, CheckedVolume,
  EgressDestination, EnvironmentSource, EnvironmentVariable, ExtraVolume, ModelCredentials, NetworkPeer, PreStopAction,
} from './pod-options';
import { ScalingMetric, ZoneSpread } from './scaling';
import { restrictedContainerSecurity, restrictedPodSecurity } from './security';
import { checkDnsSubdomain, checkLabelKey, checkLabelValue, durationSeconds, formatMiB, sizeMiB } from './validate';
import { InferenceWorkloadValidationError } from '../../errors';
import { ModelImage } from '../../image';
import { KubernetesSizing, PlacementDecision } from '../../policy';
import { PRE_STOP_DELAY_SECONDS } from '../../policy/sizing';
import { checkDnsLabel, checkNumber, checkOptionalNumber, checkOptionsObject, checkString, describeValue, formatBound, formatValue } from '../../private/validate';
import { WorkloadIdentity } from '../render-context';

/**
 * Options for the Kubernetes target. They only apply when the workload is placed on
 * Kubernetes (or on the data plane of a hybrid).
 */
export interface KubernetesTargetOptions {
  /**
   * Namespace of every object (a DNS-1123 label). The namespace must exist.
   *
   * `namespace` is a reserved word in C#: jsii languages set `namespaceName`, the same option.
   * @default 'default'
   * @jsii ignore
   */
  readonly namespace?: string;

  /**
   * Namespace of every object (the same as `namespace`, for languages in which `namespace` is a
   * reserved word). Give one of the two.
   * @default 'default'
   */
  readonly namespaceName?: string;

  /**
   * The model server in the image: its port, health endpoints, cache variables (pointed at a
   * writable home on an `emptyDir`), GPU parallelism and the metric of requests in flight.
   * @default ModelServer.generic()
   */
  readonly modelServer?: ModelServer;

  /**
   * Port the model server listens on (the Service port too).
   * @default - the model server's port (8080 for `ModelServer.generic()`)
   */
  readonly containerPort?: number;

  /**
   * Environment variables of the model server, after (and overriding) the model server preset's.
   * @default - none
   */
  readonly env?: EnvironmentVariable[];

  /**
   * Secrets and ConfigMaps whose every key becomes an environment variable of the model server (`envFrom`).
   * @default - none
   */
  readonly envFrom?: EnvironmentSource[];

  /**
   * Arguments of the model server (appended to the image's entrypoint), replacing the preset's.
   * @default - the model server preset's (e.g. `--tensor-parallel-size <GPUs>` for vLLM)
   */
  readonly args?: string[];

  /**
   * Secrets (`kubernetes.io/dockerconfigjson`) the kubelet pulls the images with (`imagePullSecrets`).
   * Not needed for ECR in the cluster's account (the node role pulls).
   * @default - none
   */
  readonly imagePullSecrets?: string[];

  /**
   * Volumes mounted into the model server: Secrets and ConfigMaps (read-only) or writable `emptyDir`s.
   * @default - none
   */
  readonly volumes?: ExtraVolume[];

  /**
   * Whether the image tags never move (e.g. an ECR repository with immutable tags): the pods then
   * pull only images the node does not have (`imagePullPolicy: IfNotPresent`). Images pinned by
   * digest always do.
   * @default false
   */
  readonly immutableImageTags?: boolean;

  /**
   * Where an `s3://` model's fetch gets AWS credentials. An `s3://` model without credentials the
   * library wires fails at construction, naming this option.
   * @default - ModelCredentials.SERVICE_ACCOUNT_ROLE when `serviceAccountRoleArn` or `modelBucket` is given, else none
   */
  readonly modelCredentials?: ModelCredentials;

  /**
   * How a stopping pod waits before the server gets SIGTERM, so that endpoints and load balancers
   * stop sending it requests first.
   * @default PreStopAction.SLEEP (Kubernetes 1.30 or later)
   */
  readonly preStopAction?: PreStopAction;

  /**
   * Sources the pods accept connections from on the service port (NetworkPolicy ingress).
   * @default - any source, service port only
   */
  readonly allowedIngressPeers?: NetworkPeer[];

  /**
   * Destinations the pods may connect to, in addition to the cluster DNS and, when a model cache
   * fetches weights, HTTPS anywhere except the instance metadata service (NetworkPolicy egress).
   * `[{ cidr: '0.0.0.0/0' }]` allows every destination.
   * @default - none
   */
  readonly allowedEgress?: EgressDestination[];

  /**
   * Whether to emit the Namespace, with Pod Security "restricted" enforced
   * (`pod-security.kubernetes.io/enforce: restricted`) and the AWS Load Balancer Controller's pod
   * readiness gate injection (`elbv2.k8s.aws/pod-readiness-gate-inject: enabled`). Not for
   * `default` or a namespace another tool manages.
   * @default false
   */
  readonly createNamespace?: boolean;

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
   * The node labels the GPU node affinity is written with. The default selects the instance types
   * one pod fits on by `node.kubernetes.io/instance-type`, which Karpenter, EKS Auto Mode and the
   * Cluster Autoscaler know before a node exists.
   * @default GpuNodeLabels.instanceTypes()
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
   * @default - the model server's (`/health`, `/v2/health/ready` for Triton)
   */
  readonly readinessProbePath?: string;

  /**
   * HTTP path of the liveness probe (more lenient than readiness: a busy server is taken out of
   * the endpoints long before it is restarted).
   * @default - the model server's (`/health`, `/v2/health/live` for Triton)
   */
  readonly livenessProbePath?: string;

  /**
   * How pods spread across availability zones.
   * @default ZoneSpread.BEST_EFFORT
   */
  readonly zoneSpread?: ZoneSpread;

  /**
   * What the HorizontalPodAutoscaler scales on (the workload's only scaler).
   * @default - ScalingMetric.requestsInFlight() for GPU pods (through prometheus-adapter), ScalingMetric.cpuUtilization(70) for CPU pods
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
  /**
   * The Namespace, when `createNamespace` is set (`namespaceObject` in languages where `namespace`
   * is reserved).
   * @default - none
   * @jsii ignore
   */
  readonly namespace?: kplus.Namespace;
  /** The Namespace, when `createNamespace` is set (the same as `namespace`). @default - none */
  readonly namespaceObject?: kplus.Namespace;
  /**
   * What the cluster must provide for these manifests to work and that synth cannot check
   * (components, labels, kubelet settings), one sentence each.
   */
  readonly prerequisites: string[];
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
/** Size of the writable home (`HOME`, XDG and server caches) on the node's disk, MiB. */
const HOME_MIB = 4096;
/** Size of `/tmp` on the node's disk, MiB. */
const TMP_MIB = 1024;
/** The instance metadata service: blocked for the pods (credentials come from IRSA or Pod Identity). */
const INSTANCE_METADATA_CIDR = '169.254.169.254/32';
/** The EKS Pod Identity Agent's link-local address and port (EKS user guide, "EKS Pod Identity"). */
const POD_IDENTITY_AGENT_CIDR = '169.254.170.23/32';
/** Smallest CPU the model server keeps after the sidecars' share of the priced pod, millicores. */
const MIN_SERVER_CPU_MILLIS = 100;

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
  const modelSizeGiB = checkNumber('decision.kubernetes.modelSizeGiB', sizing.modelSizeGiB!, { min: 0 });
  const stateMiB = Math.ceil(checkNumber('decision.kubernetes.nodeLocalStateGiB', sizing.nodeLocalStateGiB!, { min: 0 }) * 1024);
  const gpu = sizing.gpuCount > 0;
  const prerequisites: string[] = [];

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
  // the node-local state the pod was priced with lives in the pod: an in-pod store sized to it, unless the user declared one
  if (stateMiB > 0 && keyValueCaches.length === 0) {
    sidecars.push(CacheSidecar.redis());
  }
  const modelCache = sidecars.find(s => s.type === CacheSidecarType.MODEL_CACHE) as (CacheSidecar & { _modelDir(uri?: string): string }) | undefined;
  const hasModelCache = modelCache !== undefined;
  const modelDir = modelCache?._modelDir(o.modelUri);

  // the priced pod: the model server plus the sidecars' CPU come out of the priced request, state memory is priced on top
  const sidecarCpu = sidecars.reduce((sum, s) => sum + s._cpuMillis(sizing.nodeLocalStateCpuMillis), 0);
  const serverCpu = sizing.cpuMillis - sidecarCpu;
  if (serverCpu < MIN_SERVER_CPU_MILLIS) {
    throw new InferenceWorkloadValidationError(
      `'kubernetes.cacheSidecars' must leave the model server at least ${MIN_SERVER_CPU_MILLIS}m of the ${sizing.cpuMillis}m CPU the pod was priced with, got ${sidecarCpu}m for the sidecars`);
  }
  if (sizing.exclusiveCpu && serverCpu % 1000 !== 0) {
    throw new InferenceWorkloadValidationError(
      `'kubernetes.cacheSidecars' must leave the model server whole cores of the ${sizing.cpuMillis}m priced for a pod with exclusive cores (jitter budget), `
      + `got ${sidecarCpu}m for the sidecars`);
  }
  const sidecarMemory = sidecars.reduce((sum, s) => sum + s._memoryMiB(stateMiB), 0);
  if (sidecarMemory > stateMiB) {
    prerequisites.push(`${name}: the cache sidecars take ${formatMiB(sidecarMemory)} of memory the profile does not declare `
      + `(nodeLocalStateGiB ${stateMiB / 1024}): the pod is larger than priced; declare the state in the profile.`);
  }

  const startupSeconds = o.startupTimeoutSeconds ?? 120 + Math.ceil(modelSizeGiB * (hasModelCache ? 15 : 60));
  const stabilizationSeconds = o.scaleDownStabilizationSeconds
    ?? Math.min(MAX_STABILIZATION_SECONDS, Math.max(gpu ? 600 : 300, startupSeconds));
  // /dev/shm: the option, else the decision's
  const shmMiB = o.sharedMemoryMiB ?? checkNumber('decision.kubernetes.sharedMemoryMiB', sizing.sharedMemoryMiB!, { min: 1, integer: true });
  if (shmMiB >= sizing.memoryMiB) {
    throw new InferenceWorkloadValidationError(
      `'kubernetes.sharedMemorySize' must be less than the model server's memory (${formatMiB(sizing.memoryMiB)}) it counts against, got ${formatMiB(shmMiB)}`);
  }
  const graceSeconds = checkNumber('decision.kubernetes.terminationGracePeriodSeconds', sizing.terminationGracePeriodSeconds!, { min: 1, integer: true });
  const preStopSeconds = Math.min(PRE_STOP_DELAY_SECONDS, Math.max(1, graceSeconds - 1));
  const port = o.port ?? o.modelServer.port;

  const app = new cdk8s.App();
  const chart = new cdk8s.Chart(app, name, {
    namespace: o.namespace,
    labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/managed-by': 'inference-workload' },
  });

  const namespace = o.createNamespace ? new kplus.Namespace(chart, 'Namespace', {
    metadata: {
      name: o.namespace,
      labels: {
        // https://kubernetes.io/docs/concepts/security/pod-security-admission/
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
        // AWS Load Balancer Controller: injects the target-health readiness gate into new pods
        // (docs/deploy/pod_readiness_gate.md)
        'elbv2.k8s.aws/pod-readiness-gate-inject': 'enabled',
      },
    },
  }) : undefined;

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
    terminationGracePeriod: cdk8s.Duration.seconds(graceSeconds),
  });

  const readinessPath = o.readinessPath ?? o.modelServer.readinessPath;
  const livenessPath = o.livenessPath ?? o.modelServer.livenessPath;
  const probe = (path: string, periodSeconds: number, timeoutSeconds: number, failureThreshold: number) => kplus.Probe.fromHttpGet(path, {
    port,
    periodSeconds: cdk8s.Duration.seconds(periodSeconds),
    timeoutSeconds: cdk8s.Duration.seconds(timeoutSeconds),
    failureThreshold,
  });
  const serverCtx = { port, gpuCount: sizing.gpuCount, modelDir };
  const image = input.image.kubernetesImageReference();
  const server = deployment.addContainer({
    name: 'model-server',
    image,
    imagePullPolicy: pullPolicy(image, o.immutableImageTags),
    ports: [{ number: port, name: SERVICE_PORT_NAME }],
    args: o.args ?? nonEmpty(o.modelServer._args(serverCtx)),
    // Guaranteed QoS (requests = limits in every container): the last pods evicted under node pressure,
    // and, with whole cores, exclusive cores under the static CPU manager
    resources: {
      cpu: { request: kplus.Cpu.millis(serverCpu), limit: kplus.Cpu.millis(serverCpu) },
      memory: { request: cdk8s.Size.mebibytes(sizing.memoryMiB), limit: cdk8s.Size.mebibytes(sizing.memoryMiB) },
    },
    startup: probe(readinessPath, PROBE_PERIOD_SECONDS, 5, Math.ceil(startupSeconds / PROBE_PERIOD_SECONDS)),
    // out of the endpoints after 30 s of failures...
    readiness: probe(readinessPath, PROBE_PERIOD_SECONDS, 5, 3),
    // ...but restarted only after 2 minutes: a server busy with long requests is not killed for being slow
    liveness: probe(livenessPath, 20, 10, 6),
    securityContext: restrictedContainerSecurity(o.runAsUser),
  });
  const env: Record<string, kplus.EnvValue> = {};
  for (const [k, v] of Object.entries(o.modelServer._env(serverCtx))) {
    env[k] = kplus.EnvValue.fromValue(v);
  }
  for (const e of o.env) {
    env[e.name] = e.value !== undefined ? kplus.EnvValue.fromValue(e.value)
      : e.secretName !== undefined
        ? kplus.EnvValue.fromSecretValue({ secret: kplus.Secret.fromSecretName(chart, `EnvSecret${e.name}`, e.secretName), key: e.key! })
        : kplus.EnvValue.fromConfigMap(kplus.ConfigMap.fromConfigMapName(chart, `EnvConfigMap${e.name}`, e.configMapName!), e.key!);
  }
  if ('MODEL_DIR' in env) {
    throw new InferenceWorkloadValidationError(`'kubernetes.env' must not set MODEL_DIR (the model cache sets it), got ${JSON.stringify(o.env.find(e => e.name === 'MODEL_DIR'))}`);
  }
  for (const [k, v] of Object.entries(env)) {
    server.env.addVariable(k, v);
  }
  o.envFrom.forEach((e, i) => server.env.copyFrom(e.secretName !== undefined
    ? kplus.Env.fromSecret(kplus.Secret.fromSecretName(chart, `EnvFromSecret${i}`, e.secretName))
    : kplus.Env.fromConfigMap(kplus.ConfigMap.fromConfigMapName(chart, `EnvFromConfigMap${i}`, e.configMapName!))));

  let ephemeralMiB = TMP_MIB + HOME_MIB;
  const tmpVolume = kplus.Volume.fromEmptyDir(chart, 'TmpVolume', 'tmp', { sizeLimit: cdk8s.Size.mebibytes(TMP_MIB) });
  const ctx = {
    chart,
    deployment,
    server,
    tmpVolume,
    user: o.runAsUser,
    serverPort: port,
    modelUri: o.modelUri,
    modelSizeGiB,
    nodeLocalLimitMiB: o.nodeLocalLimitMiB,
    stateMiB,
    stateCpuMillis: sizing.nodeLocalStateCpuMillis,
    addEphemeralStorage: (mib: number) => { ephemeralMiB += mib; },
  };
  // the model cache first: its volume must be the server's first mount
  sidecars.filter(s => s.type === CacheSidecarType.MODEL_CACHE).forEach(s => s._render(ctx));
  server.mount('/tmp', tmpVolume);
  // the root filesystem is read-only: HOME and every cache the server writes live here
  server.mount(HOME_DIR, kplus.Volume.fromEmptyDir(chart, 'HomeVolume', 'home', { sizeLimit: cdk8s.Size.mebibytes(HOME_MIB) }));
  server.mount('/dev/shm', kplus.Volume.fromEmptyDir(chart, 'SharedMemoryVolume', 'dshm', {
    medium: kplus.EmptyDirMedium.MEMORY,
    sizeLimit: cdk8s.Size.mebibytes(shmMiB),
  }));
  for (const v of o.volumes) {
    const id = `UserVolume${v.name}`;
    if (v.emptyDirMiB !== undefined) {
      ephemeralMiB += v.emptyDirMiB;
      server.mount(v.mountPath, kplus.Volume.fromEmptyDir(chart, id, v.name, { sizeLimit: cdk8s.Size.mebibytes(v.emptyDirMiB) }));
    } else if (v.secretName !== undefined) {
      server.mount(v.mountPath, kplus.Volume.fromSecret(chart, id, kplus.Secret.fromSecretName(chart, `${id}Secret`, v.secretName), { name: v.name }), { readOnly: true });
    } else {
      server.mount(v.mountPath, kplus.Volume.fromConfigMap(chart, id, kplus.ConfigMap.fromConfigMapName(chart, `${id}ConfigMap`, v.configMapName!), { name: v.name }), { readOnly: true });
    }
  }
  sidecars.filter(s => s.type !== CacheSidecarType.MODEL_CACHE).forEach(s => s._render(ctx));
  if (o.nodeLocalLimitMiB !== undefined && ephemeralMiB > o.nodeLocalLimitMiB) {
    throw new InferenceWorkloadValidationError(
      `'kubernetes.nodeLocalStorageLimit' must hold the pod's node-local disk (${formatMiB(ephemeralMiB)}: model cache, home, /tmp and emptyDir volumes), got ${formatMiB(o.nodeLocalLimitMiB)}`);
  }

  if (gpu) {
    const resource = o.migProfile === undefined ? GPU_RESOURCE : migResource(o.migProfile);
    addGpuLimit(deployment, 0, sizing.gpuCount, resource);
    if (o.migProfile === undefined) {
      const queries = o.gpuNodeLabels._queries(sizing);
      if (queries.length > 0) {
        deployment.scheduling.attract(kplus.Node.labeled(...queries));
      }
      if (!o.gpuNodeLabels.knownBeforeLaunch) {
        prerequisites.push(`${name}: GPU nodes labelled by GPU Feature Discovery (${o.gpuNodeLabels.productLabel}) exist before the pods; `
          + 'a node autoscaler cannot launch a node for these labels.');
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
    imagePullSecrets: o.imagePullSecrets,
    preStop: o.preStopAction === PreStopAction.EXEC_SLEEP
      ? { exec: { command: ['sleep', String(preStopSeconds)] } }
      : { sleep: { seconds: preStopSeconds } },
    ephemeralStorageMiB: ephemeralMiB,
  });

  const service = new kplus.Service(chart, 'Service', {
    metadata: { name },
    type: kplus.ServiceType.CLUSTER_IP,
    selector: deployment,
    ports: [{ name: SERVICE_PORT_NAME, port, targetPort: port }],
  });

  const scalingMetric = o.scalingMetric ?? (gpu ? ScalingMetric.requestsInFlight() : ScalingMetric.cpuUtilization());
  const autoscaler = new kplus.HorizontalPodAutoscaler(chart, 'Autoscaler', {
    metadata: {
      name,
      annotations: {
        // what the scaler was sized from, for the operator reading the manifest
        'inference-workload/scaling-metric': scalingMetric.description,
        ...(sizing.estimatedScaleOutSeconds !== undefined ? { 'inference-workload/estimated-scale-out-seconds': String(sizing.estimatedScaleOutSeconds) } : {}),
      },
    },
    target: deployment,
    minReplicas: sizing.replicasMin,
    maxReplicas: sizing.replicasMax,
    metrics: [scalingMetric._toMetric({ sizing, server: o.modelServer })],
    scaleDown: {
      // a GPU pod that is removed takes minutes to come back: wait at least that long before scaling in
      stabilizationWindow: cdk8s.Duration.seconds(stabilizationSeconds),
      policies: gpu ? [{ replicas: kplus.Replicas.absolute(1), duration: cdk8s.Duration.minutes(5) }] : undefined,
    },
  });
  if (scalingMetric.description.startsWith('requests in flight')) {
    prerequisites.push(`${name}: prometheus-adapter serves the pods metric ${o.modelServer.metricName} (custom.metrics.k8s.io) `
      + `with metricsQuery ${o.modelServer.metricsQuery}, from a Prometheus that scrapes the pods' /metrics.`);
  }

  // cdk8s-plus-28 has no PodDisruptionBudget
  const disruptionBudget = new kplus.k8s.KubePodDisruptionBudget(chart, 'DisruptionBudget', {
    metadata: { name },
    spec: {
      // one pod at a time, whatever the replica count: a drain never takes several GPU pods at once,
      // and never blocks forever
      maxUnavailable: kplus.k8s.IntOrString.fromNumber(1),
      // a crash-looping pod must not block node drains either
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
      selector: { matchLabels: deployment.matchLabels },
    },
  });

  const networkPolicy = new kplus.k8s.KubeNetworkPolicy(chart, 'NetworkPolicy', {
    metadata: { name },
    spec: networkPolicySpec(deployment.matchLabels, port, o, hasModelCache),
  });

  prerequisites.push(...clusterPrerequisites(name, sizing, o, ephemeralMiB, hasModelCache));
  return {
    chart,
    deployment,
    service,
    serviceAccount,
    autoscaler,
    disruptionBudget,
    networkPolicy,
    container: server,
    port,
    namespace,
    namespaceObject: namespace,
    prerequisites,
  };
}

/** Digests never move: pull only when missing. Tags do, unless the user says they are immutable. */
function pullPolicy(image: string, immutableTags: boolean): kplus.ImagePullPolicy {
  return image.includes('@sha256:') || immutableTags ? kplus.ImagePullPolicy.IF_NOT_PRESENT : kplus.ImagePullPolicy.ALWAYS;
}

function nonEmpty(args: string[]): string[] | undefined {
  return args.length > 0 ? args : undefined;
}

/**
 * Ingress: the service port, from the declared peers or any source. Egress: the cluster DNS; HTTPS
 * anywhere but the instance metadata service when a model cache fetches weights (S3, STS, a registry
 * or a model hub); the Pod Identity Agent when it supplies credentials; and the declared destinations.
 * (cdk8s-plus' NetworkPolicy rules always name a peer: the generated object expresses these exactly.)
 */
function networkPolicySpec(
  matchLabels: Record<string, string>, port: number, o: CheckedKubernetesOptions, fetches: boolean,
): kplus.k8s.NetworkPolicySpec {
  const tcp = (p: number) => ({ protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(p) });
  const peers = o.allowedIngressPeers?.map(p => p.cidr !== undefined ? { ipBlock: { cidr: p.cidr } }
    : p.namespaceLabels !== undefined ? { namespaceSelector: { matchLabels: { ...p.namespaceLabels } } }
      : { podSelector: { matchLabels: { ...p.podLabels } } });
  const egress: kplus.k8s.NetworkPolicyEgressRule[] = [{
    to: [{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    }],
    ports: [{ protocol: 'UDP', port: kplus.k8s.IntOrString.fromNumber(53) }, tcp(53)],
  }];
  if (fetches) {
    egress.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [INSTANCE_METADATA_CIDR] } }], ports: [tcp(443)] });
  }
  if (o.modelCredentials === ModelCredentials.POD_IDENTITY) {
    egress.push({ to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT_CIDR } }], ports: [tcp(80)] });
  }
  if (o.modelCredentials === ModelCredentials.NODE_ROLE) {
    egress.push({ to: [{ ipBlock: { cidr: INSTANCE_METADATA_CIDR } }], ports: [tcp(80)] });
  }
  for (const d of o.allowedEgress) {
    egress.push({ to: [{ ipBlock: { cidr: d.cidr } }], ...(d.port !== undefined ? { ports: [tcp(d.port)] } : {}) });
  }
  return {
    podSelector: { matchLabels },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{ ...(peers ? { from: peers } : {}), ports: [tcp(port)] }],
    egress,
  };
}

/** What the cluster must provide that synth cannot check, for this workload. */
function clusterPrerequisites(name: string, sizing: KubernetesSizing, o: CheckedKubernetesOptions, ephemeralMiB: number, fetches: boolean): string[] {
  const out: string[] = [];
  if (sizing.gpuCount > 0) {
    out.push(`${name}: GPU nodes are tainted nvidia.com/gpu:NoSchedule and run the NVIDIA device plugin; `
      + `a node autoscaler may launch ${(sizing.nodeCandidates ?? []).map(c => c.instanceType).join(', ') || sizing.instanceType} `
      + `with a root volume larger than the pod's ${formatMiB(ephemeralMiB)} of node-local disk plus the image (Karpenter's default root volume is 20 GiB).`);
  }
  if (sizing.exclusiveCpu) {
    out.push(`${name}: the nodes' kubelet runs the static CPU manager policy (cpuManagerPolicy: static) so the whole-core pod gets exclusive cores.`);
  }
  if (o.preStopAction !== PreStopAction.EXEC_SLEEP) {
    out.push(`${name}: Kubernetes 1.30 or later (lifecycle.preStop.sleep).`);
  }
  if (fetches && o.modelCredentials === ModelCredentials.POD_IDENTITY && !(o.modelBucket && o.cluster)) {
    out.push(`${name}: an EKS Pod Identity association for ServiceAccount ${o.namespace}/${name} with a role that reads the model, and the Pod Identity Agent add-on.`);
  }
  if (fetches && o.modelCredentials === ModelCredentials.NODE_ROLE) {
    out.push(`${name}: the node role reads the model bucket (acknowledged with ModelCredentials.NODE_ROLE).`);
  }
  if (!o.createNamespace) {
    out.push(`${name}: namespace ${o.namespace} exists; behind an AWS load balancer it carries elbv2.k8s.aws/pod-readiness-gate-inject=enabled.`);
  }
  return out;
}

/** Pod spec fields cdk8s-plus-28 lacks, patched in ONE place. */
interface PodSpecPatch {
  readonly seccompProfile: { readonly type: string };
  readonly runtimeClassName?: string;
  readonly priorityClassName?: string;
  readonly topologySpreadConstraints?: unknown[];
  readonly imagePullSecrets: string[];
  /** The model server's preStop handler (cdk8s-plus-28's handlers lack `sleep`). */
  readonly preStop: unknown;
  /** The model server's ephemeral-storage request, MiB. */
  readonly ephemeralStorageMiB: number;
}

/** @internal */
export function patchPodSpec(deployment: kplus.Deployment, patch: PodSpecPatch): void {
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
  if (patch.imagePullSecrets.length > 0) {
    api.addJsonPatch(cdk8s.JsonPatch.add('/spec/template/spec/imagePullSecrets', patch.imagePullSecrets.map(n => ({ name: n }))));
  }
  // no service links: a Service named like a server's variable prefix (e.g. `vllm`) would inject VLLM_PORT=tcp://...
  api.addJsonPatch(cdk8s.JsonPatch.add('/spec/template/spec/enableServiceLinks', false));
  // the model server is container 0 (the first one added). `preStop.sleep` is newer than the
  // Kubernetes 1.28 types cdk8s-plus-28 serializes through (they drop unknown fields, patches included)
  addFieldsBeyondK8s128(api, [cdk8s.JsonPatch.add('/spec/template/spec/containers/0/lifecycle', { preStop: patch.preStop })]);
  // a Quantity, not a string: a plain string renders as null here (cdk8s #2163)
  api.addJsonPatch(cdk8s.JsonPatch.add('/spec/template/spec/containers/0/resources/requests/ephemeral-storage',
    kplus.k8s.Quantity.fromString(`${patch.ephemeralStorageMiB}Mi`)));
}

const BEYOND_128 = Symbol.for('inference-workload.beyond-k8s-1.28');

/**
 * Applies JSON patches AFTER the object's generated Kubernetes 1.28 serialization, which drops
 * fields added in later Kubernetes versions even when they come from `addJsonPatch` (e.g.
 * `lifecycle.preStop.sleep`, 1.29+). Wraps the object's `toJson` once; later calls add patches.
 * @internal
 */
export function addFieldsBeyondK8s128(api: cdk8s.ApiObject, patches: cdk8s.JsonPatch[]): void {
  const holder = api as cdk8s.ApiObject & { [BEYOND_128]?: cdk8s.JsonPatch[] };
  if (holder[BEYOND_128] === undefined) {
    const all: cdk8s.JsonPatch[] = [];
    holder[BEYOND_128] = all;
    const serialize = api.toJson.bind(api);
    api.toJson = () => cdk8s.JsonPatch.apply(serialize(), ...all);
  }
  holder[BEYOND_128].push(...patches);
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
  /** The container port given; the model server's otherwise. */
  readonly port?: number;
  readonly modelServer: ModelServer;
  readonly env: EnvironmentVariable[];
  readonly envFrom: EnvironmentSource[];
  readonly args?: string[];
  readonly imagePullSecrets: string[];
  readonly volumes: CheckedVolume[];
  readonly immutableImageTags: boolean;
  readonly modelCredentials?: ModelCredentials;
  readonly preStopAction: PreStopAction;
  /** Sources allowed on the service port; any source when undefined. */
  readonly allowedIngressPeers?: NetworkPeer[];
  readonly allowedEgress: EgressDestination[];
  readonly createNamespace: boolean;
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
  /** The readiness path given; the model server's otherwise. */
  readonly readinessPath?: string;
  /** The liveness path given; the model server's otherwise. */
  readonly livenessPath?: string;
  readonly zoneSpread: ZoneSpread;
  /** The metric given; by GPU or CPU pod otherwise. */
  readonly scalingMetric?: ScalingMetric;
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

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/;

/**
 * Checks the Kubernetes options that do not depend on a placement, so that a mistake fails at
 * construction even when the workload is placed on another target.
 * @internal
 */
export function checkKubernetesOptions(options: KubernetesTargetOptions | undefined): CheckedKubernetesOptions {
  const o = checkOptionsObject('kubernetes', options, 'KubernetesTargetOptions');
  if (o.namespace !== undefined && o.namespaceName !== undefined) {
    throw new InferenceWorkloadValidationError(
      `Cannot configure both 'kubernetes.namespace' and 'kubernetes.namespaceName' (the same option under two names), got ${describeValue(o.namespace)} and ${describeValue(o.namespaceName)}`);
  }
  const namespace = o.namespaceName !== undefined ? checkDnsLabel('kubernetes.namespaceName', o.namespaceName)
    : checkDnsLabel('kubernetes.namespace', o.namespace ?? 'default');
  const port = checkOptionalNumber('kubernetes.containerPort', o.containerPort, { min: 1, max: 65535, integer: true });
  const modelServer = o.modelServer === undefined ? ModelServer.generic() : checkModelServer(o.modelServer);
  if (o.modelUri !== undefined) {
    checkModelUri('kubernetes.modelUri', o.modelUri);
  }
  const cacheSidecars = o.cacheSidecars ?? [];
  if (!Array.isArray(cacheSidecars) || cacheSidecars.some(s => !(s instanceof CacheSidecar))) {
    throw new InferenceWorkloadValidationError(
      `'kubernetes.cacheSidecars' must be a list of CacheSidecar (CacheSidecar.modelCache(), CacheSidecar.redis()), got ${JSON.stringify(cacheSidecars)}`);
  }
  const gpuNodeLabels = o.gpuNodeLabels ?? GpuNodeLabels.instanceTypes();
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
  const readinessPath = o.readinessProbePath === undefined ? undefined : checkHttpPath('kubernetes.readinessProbePath', o.readinessProbePath);
  const livenessPath = o.livenessProbePath === undefined ? undefined : checkHttpPath('kubernetes.livenessProbePath', o.livenessProbePath);
  const zoneSpread = o.zoneSpread ?? ZoneSpread.BEST_EFFORT;
  if (!Object.values(ZoneSpread).includes(zoneSpread)) {
    throw new InferenceWorkloadValidationError(`'kubernetes.zoneSpread' must be one of ${Object.values(ZoneSpread).join(', ')}, got ${JSON.stringify(zoneSpread)}`);
  }
  const scalingMetric = o.scalingMetric;
  if (scalingMetric !== undefined && !(scalingMetric instanceof ScalingMetric)) {
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
  const modelCredentials = checkModelCredentials(o, cacheSidecars, serviceAccountRoleArn);
  const preStopAction = o.preStopAction ?? PreStopAction.SLEEP;
  if (!Object.values(PreStopAction).includes(preStopAction)) {
    throw new InferenceWorkloadValidationError(`'kubernetes.preStopAction' must be one of ${Object.values(PreStopAction).join(', ')}, got ${JSON.stringify(preStopAction)}`);
  }
  const createNamespace = checkBoolean('kubernetes.createNamespace', o.createNamespace);
  if (createNamespace && namespace === 'default') {
    throw new InferenceWorkloadValidationError('Cannot configure \'kubernetes.createNamespace\' with the \'default\' namespace (it exists and is not this workload\'s), got namespace "default"');
  }
  return {
    cluster: o.cluster,
    modelBucket: o.modelBucket,
    namespace,
    port,
    modelServer,
    env: checkEnv(o.env),
    envFrom: checkEnvFrom(o.envFrom),
    args: checkArgs(o.args),
    imagePullSecrets: checkImagePullSecrets(o.imagePullSecrets),
    volumes: checkVolumes(o.volumes),
    immutableImageTags: checkBoolean('kubernetes.immutableImageTags', o.immutableImageTags),
    modelCredentials,
    preStopAction,
    allowedIngressPeers: checkIngressPeers(o.allowedIngressPeers),
    allowedEgress: checkEgress(o.allowedEgress),
    createNamespace,
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

function checkBoolean(prop: string, value: boolean | undefined): boolean {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new InferenceWorkloadValidationError(`'${prop}' must be true or false, got ${JSON.stringify(value)}`);
  }
  return value ?? false;
}

/**
 * An `s3://` model needs credentials the library wires (an IRSA role, or a Pod Identity role it
 * creates) or an explicit acknowledgement (`POD_IDENTITY` made elsewhere, `NODE_ROLE`): without
 * them the fetch step fails at runtime (Init:CrashLoopBackOff).
 */
function checkModelCredentials(
  o: KubernetesTargetOptions, cacheSidecars: CacheSidecar[], serviceAccountRoleArn: string | undefined,
): ModelCredentials | undefined {
  const given = o.modelCredentials;
  if (given !== undefined && !Object.values(ModelCredentials).includes(given)) {
    throw new InferenceWorkloadValidationError(`'kubernetes.modelCredentials' must be one of ${Object.values(ModelCredentials).join(', ')}, got ${JSON.stringify(given)}`);
  }
  const role = serviceAccountRoleArn !== undefined || o.modelBucket !== undefined;
  if (given === ModelCredentials.SERVICE_ACCOUNT_ROLE && !role) {
    throw new InferenceWorkloadValidationError(
      'Cannot configure \'kubernetes.modelCredentials\' SERVICE_ACCOUNT_ROLE without \'kubernetes.serviceAccountRoleArn\' or \'kubernetes.modelBucket\'');
  }
  if (given === ModelCredentials.NODE_ROLE && role) {
    throw new InferenceWorkloadValidationError(
      'Cannot configure \'kubernetes.modelCredentials\' NODE_ROLE with \'kubernetes.serviceAccountRoleArn\' or \'kubernetes.modelBucket\' (the pod\'s role would be used)');
  }
  if (given === ModelCredentials.POD_IDENTITY && serviceAccountRoleArn !== undefined) {
    throw new InferenceWorkloadValidationError(
      `Cannot configure 'kubernetes.modelCredentials' POD_IDENTITY with 'kubernetes.serviceAccountRoleArn' (an IRSA role), got ${JSON.stringify(serviceAccountRoleArn)}`);
  }
  const credentials = given ?? (role ? ModelCredentials.SERVICE_ACCOUNT_ROLE : undefined);
  const uris = [o.modelUri, ...cacheSidecars.map(c => c._uri(o.modelUri))].filter((u): u is string => u !== undefined);
  const s3Uri = uris.find(u => u.startsWith('s3://'));
  if (s3Uri !== undefined && credentials === undefined) {
    throw new InferenceWorkloadValidationError(
      `'kubernetes.modelCredentials' is required for the s3:// model ${JSON.stringify(s3Uri)}: give 'kubernetes.serviceAccountRoleArn' (IRSA), `
      + '\'kubernetes.modelBucket\' with \'kubernetes.cluster\' (a role is created), ModelCredentials.POD_IDENTITY, or ModelCredentials.NODE_ROLE '
      + 'to acknowledge that the node role reads the bucket; got none');
  }
  return credentials;
}

/** A Duration in whole seconds within [min, max]; the message says the unit (the prop is a Duration, the bounds are seconds). */
function checkSeconds(prop: string, d: Duration, min: number, max: number): number {
  const seconds = durationSeconds(prop, d);
  if (!(seconds >= min && seconds <= max)) {
    throw new InferenceWorkloadValidationError(`'${prop}' must be between ${formatBound(min)} and ${formatBound(max)}, got ${formatValue(seconds)} (seconds)`);
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
