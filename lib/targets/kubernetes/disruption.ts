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
 * The VPC CNI network-policy agent keeps its own conntrack map of admitted flows and, every
 * `conntrack-cache-cleanup-period` (default 300 s: aws/aws-network-policy-agent README.md and
 * pkg/config/controller_config.go `defaultConntrackCacheCleanupPeriod`, at c8619c05), deletes the
 * entries it cannot find in the kernel's conntrack table (pkg/ebpf/conntrack/conntrack_client.go
 * `CleanupConntrackMap`). Agent versions with cleanup bugs deleted entries of live connections
 * (aws/aws-network-policy-agent#144, a wrong lookup key fixed by #158 in v1.0.7; #246 and #462, races,
 * the latter fixed by dd11826b in July 2026; #318, long-lived connections, still open). A pod's
 * response then finds no entry and is denied by its restricted egress; only a packet the client
 * sends (admitted by the ingress rule) re-creates the entry. A request longer than the period always
 * spans a cleanup.
 */
export const CONNTRACK_IDLE_SECONDS = 300;

/**
 * The limitation, declared for the workloads it affects: requests (p99) longer than the agent's
 * cleanup period. The pod's TCP keepalive sysctls (`net.ipv4.tcp_keepalive_time`, safe since
 * Kubernetes 1.29) are not set: they act only on sockets that enable `SO_KEEPALIVE`, which the model
 * servers' HTTP servers do not by default, and the server's own probes are egress the policy denies
 * once the entry is gone; the client's keepalive probes re-admit the flow.
 * @internal
 */
export function longRequestPrerequisite(name: string, profile: WorkloadProfile | undefined): string | undefined {
  const p99Ms = profile?.requestDurationP99Ms ?? profile?.requestDurationP50Ms;
  if (p99Ms === undefined || p99Ms <= CONNTRACK_IDLE_SECONDS * 1000) {
    return undefined;
  }
  return `${name}: requests last up to ${Math.ceil(p99Ms / 1000)} s (requestDurationP99Ms), longer than the ${CONNTRACK_IDLE_SECONDS} s period at which `
    + 'the VPC CNI network-policy agent cleans its conntrack cache, and agent versions with cleanup bugs drop the responses of connections it removed '
    + '(aws-network-policy-agent#144, #462, #318 open): run an agent with the fixes, and have the clients enable TCP keepalive (SO_KEEPALIVE, probes well '
    + 'under the request time) or read streamed responses (a packet from the client re-admits the connection; the server\'s own keepalive cannot).';
}
