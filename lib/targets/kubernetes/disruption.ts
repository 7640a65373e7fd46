import * as kplus from 'cdk8s-plus-28';
import { ResolvedClusterFlavor } from './cluster';
import { KubernetesSizing, WorkloadProfile } from '../../policy';

/*
 * How a workload's pods live through rollouts, node consolidation, drains and long requests.
 */

/** A synth warning a renderer asks for: an id the user can acknowledge, and the message. @internal */
export interface RenderWarning {
  readonly id: string;
  readonly message: string;
}

/**
 * The rolling update: a new pod is created and must be ready before an old one is removed
 * (`maxUnavailable: 0`). GPU pods surge one at a time (`maxSurge: 1`): each surge pod needs a scarce
 * GPU node, and cdk8s-plus' default of 25%/25% removes a GPU pod before its replacement has a node
 * once there are 4 replicas. CPU pods surge by 25%.
 * (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#rolling-update-deployment)
 * @internal
 */
export function rolloutStrategy(gpu: boolean): kplus.DeploymentStrategy {
  return kplus.DeploymentStrategy.rollingUpdate({
    maxSurge: gpu ? kplus.PercentOrAbsolute.absolute(1) : kplus.PercentOrAbsolute.percent(25),
    maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
  });
}

/**
 * The pod annotation that keeps the node autoscaler from removing a pod voluntarily (consolidation,
 * drift, underutilisation), by flavor:
 * - Karpenter v1 and EKS Auto Mode: `karpenter.sh/do-not-disrupt: "true"`
 *   (https://karpenter.sh/docs/concepts/disruption/#pod-level-controls;
 *   https://docs.aws.amazon.com/eks/latest/userguide/auto-disruption.html);
 * - managed node groups with the Cluster Autoscaler: `cluster-autoscaler.kubernetes.io/safe-to-evict: "false"`
 *   (https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/FAQ.md#what-types-of-pods-can-prevent-ca-from-removing-a-node).
 * Node expiry and involuntary disruption (spot interruption, node failure) still remove the pod.
 */
const DO_NOT_DISRUPT: Record<ResolvedClusterFlavor['kind'], { key: string; value: string }> = {
  'karpenter': { key: 'karpenter.sh/do-not-disrupt', value: 'true' },
  'eks-auto-mode': { key: 'karpenter.sh/do-not-disrupt', value: 'true' },
  'managed-node-groups': { key: 'cluster-autoscaler.kubernetes.io/safe-to-evict', value: 'false' },
};

/**
 * Marks GPU pods "do not disrupt" when a new pod takes longer to become ready than the profile
 * tolerates for a cold start: the node autoscaler then does not remove them to save cost (each costs
 * a scarce GPU node and a start of minutes the profile cannot absorb). CPU pods are left to
 * consolidation, where their savings come from. Returns whether it marked them.
 * @internal
 */
export function protectFromConsolidation(
  deployment: kplus.Deployment, flavor: ResolvedClusterFlavor, sizing: KubernetesSizing,
  coldStartSeconds: number, profile: WorkloadProfile | undefined,
): boolean {
  const toleranceSeconds = (profile?.coldStartToleranceMs ?? 0) / 1000;
  if (sizing.gpuCount === 0 || coldStartSeconds <= toleranceSeconds) {
    return false;
  }
  const a = DO_NOT_DISRUPT[flavor.kind];
  deployment.podMetadata.addAnnotation(a.key, a.value);
  return true;
}

/**
 * A workload that may run a single replica loses all its capacity when a drain evicts that pod: the
 * PodDisruptionBudget allows one pod down (it must, or the drain would block forever), and the
 * rolling update's surge does not apply to evictions.
 * @internal
 */
export function singleReplicaWarning(name: string, sizing: KubernetesSizing): RenderWarning | undefined {
  // a floor of 0 already accepts no capacity (scale to zero)
  if (sizing.replicasMin !== 1) {
    return undefined;
  }
  return {
    id: 'inference-workload:single-replica-drain',
    message: `${name} may run a single replica (minReplicas ${sizing.replicasMin}): a node drain or eviction takes it to zero until a new pod `
      + 'is ready (the PodDisruptionBudget allows one pod down so that drains do not block). Raise the replica floor to 2 to keep serving through drains.',
  };
}

/**
 * The VPC CNI network-policy agent forgets a connection's conntrack entry after about 300 s without
 * packets (its cleanup period, `--conntrack-cache-cleanup-period=300`, aws/aws-network-policy-agent#280);
 * a response sent after that is dropped when egress is restricted (aws/aws-network-policy-agent#144,
 * #318). A request whose p99 exceeds it loses its response unless bytes flow in between.
 */
export const CONNTRACK_IDLE_SECONDS = 300;

/**
 * The limitation, declared for the workloads it affects: requests (p99) longer than the agent's idle
 * timeout. TCP keepalive sysctls (`net.ipv4.tcp_keepalive_time`, safe since Kubernetes 1.29) only act
 * on sockets that enable `SO_KEEPALIVE`, which the model servers' HTTP servers do not by default, so
 * they are not set.
 * @internal
 */
export function longRequestPrerequisite(name: string, profile: WorkloadProfile | undefined): string | undefined {
  const p99Ms = profile?.requestDurationP99Ms ?? profile?.requestDurationP50Ms;
  if (p99Ms === undefined || p99Ms <= CONNTRACK_IDLE_SECONDS * 1000) {
    return undefined;
  }
  return `${name}: requests last up to ${Math.ceil(p99Ms / 1000)} s (requestDurationP99Ms), longer than the ~${CONNTRACK_IDLE_SECONDS} s after which `
    + 'the VPC CNI network-policy agent drops an idle connection (aws-network-policy-agent#144, #318): stream the responses (bytes flowing keep the '
    + `connection), or enable TCP keepalive (SO_KEEPALIVE) under ${CONNTRACK_IDLE_SECONDS} s idle on the server and the clients.`;
}
