import { Duration } from 'aws-cdk-lib';
import * as kplus from 'cdk8s-plus-28';
import { CacheSidecar } from './cache-sidecar';
import { checkClusterFlavor } from './cluster';
import { checkMigProfile, GpuNodeLabels } from './gpu';
import { checkImageRegistry } from './images';
import { checkScalingMetricForCluster, DEFAULT_METRICS_SCRAPER } from './metrics';
import { checkModelUri, needsAwsCredentials } from './model-cache';
import { checkHttpPath, checkModelServer, ModelServer } from './model-server';
import { CheckedKubernetesOptions, KubernetesTargetOptions } from './options';
import {
  checkArgs, checkEgress, checkEnv, checkEnvFrom, checkImagePullSecrets, checkIngressPeers, checkNetworkPeer, checkVolumes, ModelCredentials,
  PreStopAction,
} from './pod-options';
import { ScalingMetric, ZoneSpread } from './scaling';
import { DEFAULT_DISK_THROUGHPUT_MIBPS } from './startup';
import { checkDnsSubdomain, checkLabelKey, checkLabelValue, durationSeconds, sizeMiB } from './validate';
import { InferenceWorkloadValidationError } from '../../errors';
import { checkBoolean, checkDnsLabel, checkNumber, checkOneOf, checkOptionalNumber, checkOptionsObject, checkString, orDefault, formatBound, formatValue } from '../../private/validate';

export const MAX_STABILIZATION_SECONDS = 3600;

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/;

/**
 * Checks the Kubernetes options that do not depend on a placement, so that a mistake fails at
 * construction even when the workload is placed on another target.
 * @internal
 */
export function checkKubernetesOptions(options: KubernetesTargetOptions | undefined): CheckedKubernetesOptions {
  const o = checkOptionsObject('kubernetes', options, 'KubernetesTargetOptions');
  const flavor = checkClusterFlavor(o.flavor);
  const namespace = checkDnsLabel('kubernetes.namespace', orDefault(o.namespace, 'default'));
  const port = checkOptionalNumber('kubernetes.containerPort', o.containerPort, { min: 1, max: 65535, integer: true });
  const modelServer = o.modelServer === undefined ? ModelServer.generic() : checkModelServer(o.modelServer);
  if (o.modelUri !== undefined) {
    checkModelUri('kubernetes.modelUri', o.modelUri);
  }
  const cacheSidecars = orDefault(o.cacheSidecars, []);
  if (!Array.isArray(cacheSidecars) || cacheSidecars.some(s => !(s instanceof CacheSidecar))) {
    throw new InferenceWorkloadValidationError(
      `'kubernetes.cacheSidecars' must be a list of CacheSidecar (CacheSidecar.modelCache(), CacheSidecar.redis()), got ${JSON.stringify(cacheSidecars)}`);
  }
  const gpuNodeLabels = orDefault(o.gpuNodeLabels, GpuNodeLabels.instanceTypes());
  if (!(gpuNodeLabels instanceof GpuNodeLabels)) {
    throw new InferenceWorkloadValidationError(`'kubernetes.gpuNodeLabels' must be a GpuNodeLabels (GpuNodeLabels.karpenter()), got ${JSON.stringify(gpuNodeLabels)}`);
  }
  const tolerations = orDefault(o.tolerations, []);
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
    if (t.effect !== undefined) {
      checkOneOf(`kubernetes.tolerations[${i}].effect`, t.effect, Object.values(kplus.TaintEffect));
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
  const nodeRootVolumeGiB = o.nodeRootVolumeSize === undefined ? undefined
    : Math.floor(sizeMiB('kubernetes.nodeRootVolumeSize', o.nodeRootVolumeSize, 1024) / 1024);
  const nodeDiskThroughputMiBps = checkOptionalNumber('kubernetes.nodeDiskThroughputMiBps', o.nodeDiskThroughputMiBps, { min: 1, max: 100_000 })
    ?? DEFAULT_DISK_THROUGHPUT_MIBPS;
  const readinessPath = o.readinessProbePath === undefined ? undefined : checkHttpPath('kubernetes.readinessProbePath', o.readinessProbePath);
  const livenessPath = o.livenessProbePath === undefined ? undefined : checkHttpPath('kubernetes.livenessProbePath', o.livenessProbePath);
  const zoneSpread = checkOneOf('kubernetes.zoneSpread', orDefault(o.zoneSpread, ZoneSpread.BEST_EFFORT), Object.values(ZoneSpread));
  const scalingMetric = o.scalingMetric;
  if (scalingMetric !== undefined && !(scalingMetric instanceof ScalingMetric)) {
    throw new InferenceWorkloadValidationError(`'kubernetes.scalingMetric' must be a ScalingMetric (ScalingMetric.cpuUtilization()), got ${JSON.stringify(scalingMetric)}`);
  }
  checkScalingMetricForCluster(flavor, scalingMetric);
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
  const preStopAction = checkOneOf('kubernetes.preStopAction', orDefault(o.preStopAction, PreStopAction.SLEEP), Object.values(PreStopAction));
  const createNamespace = checkBoolean('kubernetes.createNamespace', o.createNamespace, false);
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
    immutableImageTags: checkBoolean('kubernetes.immutableImageTags', o.immutableImageTags, false),
    imageRegistry: o.imageRegistry === undefined ? undefined : checkImageRegistry(o.imageRegistry),
    modelCredentials,
    preStopAction,
    allowedIngressPeers: checkIngressPeers(o.allowedIngressPeers),
    metricsScraper: o.metricsScraper === undefined ? DEFAULT_METRICS_SCRAPER : checkNetworkPeer('kubernetes.metricsScraper', o.metricsScraper),
    allowedEgress: checkEgress(o.allowedEgress),
    createNamespace,
    modelUri: o.modelUri,
    cacheSidecars,
    flavor,
    gpuNodeLabels,
    tolerations,
    runtimeClassName,
    migProfile,
    priorityClassName,
    sharedMemoryMiB,
    nodeLocalLimitMiB,
    startupTimeoutSeconds,
    nodeRootVolumeGiB,
    nodeDiskThroughputMiBps,
    readinessPath,
    livenessPath,
    zoneSpread,
    scalingMetric,
    scaleDownStabilizationSeconds,
    runAsUser,
    serviceAccountRoleArn,
  };
}

/**
 * An `s3://` or Amazon ECR `oci://` model needs credentials the library wires (an IRSA role, or a Pod Identity role it
 * creates) or an explicit acknowledgement (`POD_IDENTITY` made elsewhere, `NODE_ROLE`): without
 * them the fetch step fails at runtime (Init:CrashLoopBackOff).
 */
function checkModelCredentials(
  o: KubernetesTargetOptions, cacheSidecars: CacheSidecar[], serviceAccountRoleArn: string | undefined,
): ModelCredentials | undefined {
  const given = o.modelCredentials;
  if (given !== undefined) {
    checkOneOf('kubernetes.modelCredentials', given, Object.values(ModelCredentials));
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
  const awsUri = uris.find(needsAwsCredentials);
  if (awsUri !== undefined && credentials === undefined) {
    throw new InferenceWorkloadValidationError(
      `'kubernetes.modelCredentials' is required for the ${awsUri.slice(0, awsUri.indexOf(':'))}:// model ${JSON.stringify(awsUri)}: give 'kubernetes.serviceAccountRoleArn' (IRSA), `
      + '\'kubernetes.modelBucket\' with \'kubernetes.cluster\' (a role is created), ModelCredentials.POD_IDENTITY, or ModelCredentials.NODE_ROLE '
      + 'to acknowledge that the node role reads the bucket or repository; got none');
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
