import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CacheSidecar, CacheSidecarType } from './cache-sidecar';
import { MAX_STABILIZATION_SECONDS } from './check-options';
import { longRequestPrerequisite, protectFromConsolidation, RenderWarning, rolloutStrategy, singleReplicaWarning } from './disruption';
import { drainTiming } from './drain';
import { patchPodSpec } from './escape-hatches';
import { addGpuLimit, checkMigProfile, GPU_RESOURCE, migResource } from './gpu';
import { pullPolicy } from './images';
import { METRICS_PORT_NAME, metricsEndpoint, renderScrape, scalingMetricOf, scalingPrerequisites } from './metrics';
import { networkPolicySpec } from './network-policy';
import { nodeQueries, placeOnNodes } from './node-placement';
import { CheckedKubernetesOptions } from './options';
import { ModelCredentials, PreStopAction } from './pod-options';
import { clusterPrerequisites } from './prerequisites';
import { readinessGatePrerequisites } from './readiness-gate';
import { ZoneSpread } from './scaling';
import { restrictedContainerSecurity, restrictedPodSecurity } from './security';
import { checkRootVolume, PROBE_PERIOD_SECONDS, requiredRootVolumeGiB, startupBudget } from './startup';
import { HOME_DIR } from './stock-images';
import { checkKubernetesSizing, formatMiB } from './validate';
import { InferenceWorkloadValidationError } from '../../errors';
import { ModelImage } from '../../image';
import { CpuArchitecture, KubernetesSizing, PlacementDecision } from '../../policy';
import { checkNumber } from '../../private/validate';

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
  /** The NetworkPolicy admitting only the service port (and the metrics port, from the metrics scraper). */
  readonly networkPolicy: kplus.k8s.KubeNetworkPolicy;
  /**
   * The `monitoring.coreos.com/v1` PodMonitor that makes the Prometheus Operator scrape the model
   * server's metrics (`MetricsStack.prometheusOperator()`).
   * @default - none (another metrics stack, or a generic server the autoscaler does not scrape)
   */
  readonly podMonitor?: cdk8s.ApiObject;
  /** The model server container. */
  readonly container: kplus.Container;
  /** Port of the model server and of the Service. */
  readonly port: number;
  /** The manifest custom resource, when delivered to an EKS cluster. @default - written to cdk.out */
  readonly manifest?: eks.KubernetesManifest;
  /** The IRSA role created for `modelBucket`. @default - none */
  readonly serviceAccountRole?: iam.IRole;
  /**
   * What the cluster must provide for these manifests to work and that synth cannot check
   * (components, labels, kubelet settings), one sentence each.
   */
  readonly prerequisites: string[];
  /** Synth warnings about the workload itself (e.g. a single replica a drain takes to zero). @internal */
  readonly _warnings: RenderWarning[];
  /** The root volume (GiB) a node needs for this pod's node-local disk, images not counted (for a node class). @internal */
  readonly _requiredRootVolumeGiB: number;
}

/** Inputs of the Kubernetes renderer. @internal */
export interface KubernetesRenderInput {
  readonly workloadName: string;
  readonly image: ModelImage;
  readonly decision: PlacementDecision;
  /** The options, checked by `checkKubernetesOptions`. */
  readonly options: CheckedKubernetesOptions;
  /**
   * The only sources the NetworkPolicy admits on the service port, as CIDR blocks, in place of
   * `options.allowedIngressPeers` (the hybrid target admits its internal load balancer's subnets).
   * @default - the options' peers
   * @internal
   */
  readonly admittedIngressCidrs?: string[];
  /**
   * The deregistration delay of the load balancer target group the pods are registered in (the
   * hybrid's): the pods' `preStop` and grace outlast it (`drainTiming`).
   * @default - no load balancer targets the pods
   * @internal
   */
  readonly loadBalancerDeregistrationDelaySeconds?: number;
}

/** The name of the Service port. */
export const SERVICE_PORT_NAME = 'http';
const ZONE_LABEL = 'topology.kubernetes.io/zone';
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
  const modelCache = sidecars.find(s => s.type === CacheSidecarType.MODEL_CACHE);
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

  const fetchPlan = modelCache?._fetchPlan(o.modelUri, modelSizeGiB, o.nodeDiskThroughputMiBps);
  const startup = startupBudget({
    modelSizeGiB,
    fetchThroughputMiBps: fetchPlan?.throughputMiBps,
    diskThroughputMiBps: o.nodeDiskThroughputMiBps,
    startupTimeoutSeconds: o.startupTimeoutSeconds,
  });
  const startupSeconds = startup.startupSeconds;
  const stabilizationSeconds = o.scaleDownStabilizationSeconds
    ?? Math.min(MAX_STABILIZATION_SECONDS, Math.max(gpu ? 600 : 300, startupSeconds));
  // /dev/shm: the option, else the decision's
  const shmMiB = o.sharedMemoryMiB ?? checkNumber('decision.kubernetes.sharedMemoryMiB', sizing.sharedMemoryMiB!, { min: 1, integer: true });
  if (shmMiB >= sizing.memoryMiB) {
    throw new InferenceWorkloadValidationError(
      `'kubernetes.sharedMemorySize' must be less than the model server's memory (${formatMiB(sizing.memoryMiB)}) it counts against, got ${formatMiB(shmMiB)}`);
  }
  const behindLoadBalancer = input.loadBalancerDeregistrationDelaySeconds !== undefined;
  const drain = drainTiming(
    checkNumber('decision.kubernetes.terminationGracePeriodSeconds', sizing.terminationGracePeriodSeconds!, { min: 1, integer: true }),
    input.loadBalancerDeregistrationDelaySeconds);
  const preStopSeconds = drain.preStopSeconds;
  const graceSeconds = drain.terminationGracePeriodSeconds;
  const port = o.port ?? o.modelServer.port;

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
    terminationGracePeriod: cdk8s.Duration.seconds(graceSeconds),
    strategy: rolloutStrategy(gpu),
    progressDeadline: cdk8s.Duration.seconds(startup.progressDeadlineSeconds),
  });

  const readinessPath = o.readinessPath ?? o.modelServer.readinessPath;
  const livenessPath = o.livenessPath ?? o.modelServer.livenessPath;
  const probe = (path: string, periodSeconds: number, timeoutSeconds: number, failureThreshold: number) => kplus.Probe.fromHttpGet(path, {
    port,
    periodSeconds: cdk8s.Duration.seconds(periodSeconds),
    timeoutSeconds: cdk8s.Duration.seconds(timeoutSeconds),
    failureThreshold,
  });
  const serverCtx = { workloadName: name, port, gpuCount: sizing.gpuCount, modelDir };
  const needs = o.modelServer._needs;
  const image = input.image.kubernetesImageReference();
  const scalingMetric = scalingMetricOf(o.flavor, o.scalingMetric, gpu);
  const metrics = metricsEndpoint(o.flavor, o.modelServer, port, SERVICE_PORT_NAME, scalingMetric);
  const server = deployment.addContainer({
    name: 'model-server',
    image,
    imagePullPolicy: pullPolicy(image, o.immutableImageTags),
    ports: [
      { number: port, name: SERVICE_PORT_NAME },
      // a server that serves its metrics on a port of their own (Triton: 8002), scraped or not
      ...(needs.metricsPort !== needs.port ? [{ number: metrics?.port ?? needs.metricsPort, name: metrics?.portName ?? METRICS_PORT_NAME }] : []),
    ],
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

  // home and /tmp sized to what the server writes there (its caches), not to a fixed 5 GiB
  let ephemeralMiB = needs.tmpMiB + needs.homeMiB;
  const tmpVolume = kplus.Volume.fromEmptyDir(chart, 'TmpVolume', 'tmp', { sizeLimit: cdk8s.Size.mebibytes(needs.tmpMiB) });
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
    imageRegistry: o.imageRegistry,
    immutableImageTags: o.immutableImageTags,
    restrictCredentials: o.modelCredentials === ModelCredentials.SERVICE_ACCOUNT_ROLE || o.modelCredentials === ModelCredentials.POD_IDENTITY,
    fetchPlan,
  };
  // the model cache first: its volume must be the server's first mount
  sidecars.filter(s => s.type === CacheSidecarType.MODEL_CACHE).forEach(s => s._render(ctx));
  server.mount('/tmp', tmpVolume);
  // the root filesystem is read-only: HOME and every cache the server writes live here
  server.mount(HOME_DIR, kplus.Volume.fromEmptyDir(chart, 'HomeVolume', 'home', { sizeLimit: cdk8s.Size.mebibytes(needs.homeMiB) }));
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
  checkRootVolume(name, ephemeralMiB, o.flavor, o.nodeRootVolumeGiB);
  // the policy's estimate of a scale-out when it made one, else the start-up budget's
  protectFromConsolidation(deployment, o.flavor, sizing, sizing.estimatedScaleOutSeconds ?? startup.coldStartSeconds, input.decision.profile);

  // one required node selector term: its expressions are ANDed (each `attract` would add a term, and terms are ORed)
  const nodeSelection: kplus.NodeLabelQuery[] = [];
  if (gpu) {
    const resource = o.migProfile === undefined ? GPU_RESOURCE : migResource(o.migProfile);
    addGpuLimit(deployment, 0, sizing.gpuCount, resource);
    if (o.migProfile === undefined) {
      nodeSelection.push(...o.gpuNodeLabels._queries(sizing));
      if (!o.gpuNodeLabels.knownBeforeLaunch) {
        prerequisites.push(`${name}: GPU nodes labelled by GPU Feature Discovery (${o.gpuNodeLabels.productLabel}) exist before the pods; `
          + 'a node autoscaler cannot launch a node for these labels.');
      }
    }
    deployment.scheduling.tolerate(kplus.Node.tainted(kplus.NodeTaintQuery.exists(GPU_RESOURCE, { effect: kplus.TaintEffect.NO_SCHEDULE })));
  }
  const placement = placeOnNodes({
    chart,
    workloadName: name,
    namespace: o.namespace,
    sizing,
    flavor: o.flavor,
    architecture: input.decision.profile?.architecture ?? CpuArchitecture.X86_64,
    modelCredentials: o.modelCredentials,
    fetches: hasModelCache,
    autoscaledGpus: o.migProfile === undefined && o.gpuNodeLabels.knownBeforeLaunch,
    startupSeconds,
    ephemeralMiB,
  });
  deployment.scheduling.attract(kplus.Node.labeled(...nodeSelection, ...nodeQueries(placement.requirements)));
  for (const t of placement.tolerations) {
    deployment.scheduling.tolerate(kplus.Node.tainted(kplus.NodeTaintQuery.is(t.key, t.value, { effect: kplus.TaintEffect.NO_SCHEDULE })));
  }
  prerequisites.push(...placement.prerequisites);
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
  prerequisites.push(...scalingPrerequisites(name, o.flavor, o.modelServer, scalingMetric, metrics));

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
    spec: networkPolicySpec(deployment.matchLabels, port, o, modelCache?._fetchEgressCidrs(), input.admittedIngressCidrs, metrics),
  });
  const podMonitor = metrics !== undefined ? renderScrape(chart, name, deployment, o.flavor, metrics) : undefined;

  prerequisites.push(...clusterPrerequisites(name, o, hasModelCache));
  prerequisites.push(...readinessGatePrerequisites(name, o.namespace, o.createNamespace, behindLoadBalancer));
  const longRequests = longRequestPrerequisite(name, input.decision.profile);
  if (longRequests !== undefined) {
    prerequisites.push(longRequests);
  }
  const singleReplica = singleReplicaWarning(name, sizing);
  return {
    chart,
    deployment,
    service,
    serviceAccount,
    autoscaler,
    disruptionBudget,
    networkPolicy,
    podMonitor,
    container: server,
    port,
    prerequisites,
    _warnings: singleReplica === undefined ? [] : [singleReplica],
    _requiredRootVolumeGiB: requiredRootVolumeGiB(ephemeralMiB),
  };
}

function nonEmpty(args: string[]): string[] | undefined {
  return args.length > 0 ? args : undefined;
}
/** Reads the Kubernetes sizing of a decision and checks it is consistent. */
function requireSizing(decision: PlacementDecision): KubernetesSizing {
  const s = decision.kubernetes;
  if (!s) {
    throw new InferenceWorkloadValidationError(`'decision' has no Kubernetes sizing for target ${decision.target}; the policy ${decision.policyName} must size Kubernetes placements`);
  }
  checkKubernetesSizing(s, decision.policyName);
  // quantities must be whole millicores and MiB
  return { ...s, cpuMillis: Math.ceil(s.cpuMillis), memoryMiB: Math.ceil(s.memoryMiB) };
}
