/**
 * Plays the cluster's and the load balancer's part when a pod behind a target group stops (scale-in,
 * rollout, node drain). Test code: it models what happens, second by second, and must fail on
 * broken output.
 *
 * At t = 0 the pod is deleted: it leaves the endpoints, and its `preStop` starts. The AWS Load
 * Balancer Controller deregisters it within `CONTROLLER_SECONDS`. From then the NLB keeps opening
 * new connections to it for `NLB_ROUTING_SECONDS` (measured in kubernetes-sigs/aws-load-balancer-controller
 * #2366 and #3270, whatever the deregistration delay), and keeps the existing connections (the
 * router's keep-alive connections, which carry new requests) for the target group's deregistration
 * delay. The server accepts requests until its `preStop` ends (SIGTERM), then finishes the requests
 * in flight; the kubelet kills it at the grace period.
 *
 * A request is dropped when it arrives after the `preStop` ended, or when the kubelet kills the pod
 * before it finishes.
 */

/** Seconds from the pod's deletion to the controller's DeregisterTargets call. */
export const CONTROLLER_SECONDS = 5;
/** Seconds an NLB keeps routing new connections to a deregistering IP target (the issues above). */
export const NLB_ROUTING_SECONDS = 120;

/** The drain to check. */
export interface DrainInput {
  /** The pod's `preStop` sleep, seconds. */
  readonly preStopSeconds: number;
  readonly terminationGracePeriodSeconds: number;
  /** The target group's `deregistration_delay.timeout_seconds`; undefined: no load balancer targets the pod. */
  readonly deregistrationDelaySeconds?: number;
  /** The longest request the server must finish (the profile's p99), seconds. */
  readonly requestSeconds: number;
}

/** The failures of a stopping pod: `[]` when no request is dropped. */
export function simulateDrain(d: DrainInput): string[] {
  const failures: string[] = [];
  // the last moment a request can reach the pod
  let lastArrival = 0;
  if (d.deregistrationDelaySeconds !== undefined) {
    const lastNewConnection = CONTROLLER_SECONDS + NLB_ROUTING_SECONDS;
    const lastOnExistingConnection = CONTROLLER_SECONDS + d.deregistrationDelaySeconds;
    lastArrival = Math.max(lastNewConnection, lastOnExistingConnection);
    if (d.preStopSeconds < lastArrival) {
      failures.push(`requests reach the pod until t=${lastArrival}s (NLB routing ${NLB_ROUTING_SECONDS}s, deregistration delay `
        + `${d.deregistrationDelaySeconds}s, after the controller's ${CONTROLLER_SECONDS}s), the server stops accepting at t=${d.preStopSeconds}s (preStop)`);
    }
  }
  // a request accepted at the end of the preStop must finish before the kill
  if (d.terminationGracePeriodSeconds < d.preStopSeconds + d.requestSeconds) {
    failures.push(`the kubelet kills the pod at t=${d.terminationGracePeriodSeconds}s, before the requests accepted until the `
      + `${d.preStopSeconds}s preStop end (t=${d.preStopSeconds + d.requestSeconds}s)`);
  }
  return failures;
}

/** The `preStop` sleep of the model server of a Deployment manifest, seconds. */
export function preStopSecondsOf(deployment: any): number {
  const server = deployment.spec.template.spec.containers.find((c: any) => c.name === 'model-server');
  const p = server?.lifecycle?.preStop;
  return p?.sleep?.seconds ?? Number(p?.exec?.command?.slice(-1)[0] ?? 0);
}
