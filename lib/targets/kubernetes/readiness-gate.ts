import { ResolvedClusterFlavor } from './cluster';

/*
 * The AWS Load Balancer Controller's pod readiness gate: a pod behind one of its target groups (IP
 * targets) is ready only once the target group reports it healthy, so a rollout never removes the
 * old pods while the new ones are still "initial" in the target group. The controller's webhook
 * injects the gate only into pods of namespaces labelled `elbv2.k8s.aws/pod-readiness-gate-inject:
 * enabled`, created after the Service and the TargetGroupBinding
 * (kubernetes-sigs/aws-load-balancer-controller `docs/deploy/pod_readiness_gate.md`).
 */

/** The namespace label that turns on the readiness gate injection (see above). @internal */
export const READINESS_GATE_LABEL = 'elbv2.k8s.aws/pod-readiness-gate-inject';

/**
 * The labels a namespace the library creates carries for the readiness gate: the injection label,
 * unless the cluster has no load-balancer integration (nothing would read it). EKS Auto Mode's
 * built-in load balancing gets the same label: whether Auto Mode injects readiness gates is not
 * documented in the EKS user guide, and the label is inert where nothing reads it.
 * @internal
 */
export function readinessGateNamespaceLabels(flavor: ResolvedClusterFlavor): Record<string, string> {
  return flavor.loadBalancer._kind === 'none' ? {} : { [READINESS_GATE_LABEL]: 'enabled' };
}

/**
 * What the operator must do for the readiness gate when the workload's pods sit behind a load
 * balancer in a namespace the library does not create: label it, exactly. Nothing when the library
 * creates and labels the namespace, or when no load balancer targets the pods.
 * @internal
 */
export function readinessGatePrerequisites(
  name: string, namespace: string, createsNamespace: boolean, behindLoadBalancer: boolean,
): string[] {
  if (!behindLoadBalancer || createsNamespace) {
    return [];
  }
  return [`${name}: the namespace ${namespace} carries the label ${READINESS_GATE_LABEL}=enabled before the pods are created `
    + `(kubectl label namespace ${namespace} ${READINESS_GATE_LABEL}=enabled), so that a rollout waits for each new pod to be healthy `
    + 'in the target group (or set \'kubernetes.createNamespace\' with a namespace of its own).'];
}
