/**
 * The keys every target's options accept, for the construct's unknown-key check. Each table is
 * checked by the compiler against its interface.
 */
import type {
  EgressDestination, EnvironmentSource, EnvironmentVariable, ExtraVolume, HybridTargetOptions, KubernetesTargetOptions,
  LambdaTargetOptions, ManagedInstancesTargetOptions, NetworkPeer, NodeToleration,
} from '.';
import { InferenceWorkloadValidationError } from '../errors';
import { joinProblems } from '../policy/profile';
import { KnownKeys, knownKeysOf, unknownKeyProblems } from '../private/known-keys';
import { describeValue } from '../private/validate';

/** @internal */
export const LAMBDA_OPTION_KEYS = knownKeysOf<LambdaTargetOptions>('LambdaTargetOptions', {
  code: true,
  environment: true,
  entryPoint: true,
  utilizationTarget: true,
  reservedConcurrentExecutions: true,
  additionalVersions: true,
  latencyBudget: true,
  logRetention: true,
  tracing: true,
  environmentEncryption: true,
  logEncryptionKey: true,
  vpc: true,
  vpcSubnets: true,
  securityGroups: true,
});

/** @internal */
export const KUBERNETES_OPTION_KEYS = knownKeysOf<KubernetesTargetOptions>('KubernetesTargetOptions', {
  namespace: true,
  modelServer: true,
  containerPort: true,
  env: knownKeysOf<EnvironmentVariable>('EnvironmentVariable', { name: true, value: true, secretName: true, configMapName: true, key: true }),
  envFrom: knownKeysOf<EnvironmentSource>('EnvironmentSource', { secretName: true, configMapName: true }),
  args: true,
  imagePullSecrets: true,
  volumes: knownKeysOf<ExtraVolume>('ExtraVolume', { name: true, mountPath: true, secretName: true, configMapName: true, emptyDirSize: true }),
  immutableImageTags: true,
  imageRegistry: true,
  modelCredentials: true,
  preStopAction: true,
  allowedIngressPeers: knownKeysOf<NetworkPeer>('NetworkPeer', { cidr: true, namespaceLabels: true, podLabels: true }),
  metricsScraper: knownKeysOf<NetworkPeer>('NetworkPeer', { cidr: true, namespaceLabels: true, podLabels: true }),
  allowedEgress: knownKeysOf<EgressDestination>('EgressDestination', { cidr: true, port: true }),
  createNamespace: true,
  modelUri: true,
  cacheSidecars: true,
  flavor: true,
  gpuNodeLabels: true,
  tolerations: knownKeysOf<NodeToleration>('NodeToleration', { key: true, value: true, effect: true }),
  runtimeClassName: true,
  migProfile: true,
  priorityClassName: true,
  sharedMemorySize: true,
  nodeLocalStorageLimit: true,
  startupTimeout: true,
  nodeRootVolumeSize: true,
  nodeDiskThroughputMiBps: true,
  readinessProbePath: true,
  livenessProbePath: true,
  zoneSpread: true,
  scalingMetric: true,
  scaleDownStabilization: true,
  runAsUser: true,
  serviceAccountRoleArn: true,
  modelBucket: true,
  cluster: true,
});

/** @internal */
export const HYBRID_OPTION_KEYS = knownKeysOf<HybridTargetOptions>('HybridTargetOptions', {
  vpc: true,
  vpcSubnets: true,
  dataPlaneHostname: true,
  allowedCidr: true,
  overflowCode: true,
  overflowWebAdapter: true,
  overflowReservedConcurrency: true,
  controlPlaneReservedConcurrency: true,
  forwardCallerCredentials: true,
});

/** @internal */
export const MANAGED_INSTANCES_OPTION_KEYS = knownKeysOf<ManagedInstancesTargetOptions>('ManagedInstancesTargetOptions', {
  vpc: true,
  vpcSubnets: true,
  securityGroups: true,
  maxExecutionEnvironments: true,
  vpcEndpoints: true,
});


/**
 * Throws one error listing every key of `value` (and of the structs inside it) that `table` does
 * not list, each with the closest valid name: a JavaScript caller or a JSON-loaded profile gets
 * what the TypeScript compiler gives a TypeScript caller, instead of a setting ignored in silence.
 */
export function rejectUnknownKeys(value: object, table: KnownKeys): void {
  const problems = unknownKeyProblems(value, table, '', describeValue);
  if (problems.length > 0) {
    throw new InferenceWorkloadValidationError(joinProblems(problems));
  }
}
