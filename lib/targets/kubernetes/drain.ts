import { PRE_STOP_DELAY_SECONDS } from '../../policy/sizing';

/*
 * How a stopping pod drains: how long its `preStop` keeps it serving after it leaves the endpoints,
 * and how long Kubernetes waits before killing it (`terminationGracePeriodSeconds`). Behind an AWS
 * load balancer both are a function of one number, the target group's deregistration delay, which
 * the load balancer's owner sets on the target group from `DEREGISTRATION_DELAY_SECONDS`.
 */

/**
 * Deregistration delay of a target group in front of pods (`deregistration_delay.timeout_seconds`),
 * seconds. An NLB with IP targets keeps opening new connections to a deregistering target for about
 * two minutes whatever the delay is set to (measured in kubernetes-sigs/aws-load-balancer-controller
 * #2366 and #3270), so the delay is two minutes: the draining pod keeps serving for that long, and
 * the target group never reports it gone while it may still receive a connection. (ELB's default is
 * 300 s: https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-target-groups.html#deregistration-delay.)
 * @internal
 */
export const DEREGISTRATION_DELAY_SECONDS = 120;

/**
 * Seconds the `preStop` outlasts the deregistration delay: the AWS Load Balancer Controller starts the
 * deregistration when the pod leaves the endpoints, after the API server has marked it terminating,
 * and the ELB API applies it after a few seconds more.
 * @internal
 */
export const DEREGISTRATION_MARGIN_SECONDS = 10;

/** A pod's drain. @internal */
export interface DrainTiming {
  /** How long the `preStop` sleep keeps the pod serving before the server gets SIGTERM. */
  readonly preStopSeconds: number;
  /** `terminationGracePeriodSeconds`: the `preStop` plus the time in-flight requests need. */
  readonly terminationGracePeriodSeconds: number;
}

/**
 * The drain of a pod whose decision grants it `decisionGraceSeconds` (the policy's `preStop` delay,
 * the p99 request and a margin, at least 30 s).
 *
 * - Not behind a load balancer: the decision's `preStop` (10 s: kube-proxy and the endpoint slices
 *   drop the pod within seconds, so a short wait suffices) and the decision's grace.
 * - Behind a target group with a deregistration delay of `deregistrationDelaySeconds`: a `preStop`
 *   of the delay plus a margin, so the pod serves every connection the load balancer still sends
 *   it, and a grace of that `preStop` plus the request budget the decision granted after its own
 *   `preStop` (the in-flight requests still finish after SIGTERM).
 * @internal
 */
export function drainTiming(decisionGraceSeconds: number, deregistrationDelaySeconds?: number): DrainTiming {
  if (deregistrationDelaySeconds === undefined) {
    return {
      preStopSeconds: Math.min(PRE_STOP_DELAY_SECONDS, Math.max(1, decisionGraceSeconds - 1)),
      terminationGracePeriodSeconds: decisionGraceSeconds,
    };
  }
  const preStopSeconds = deregistrationDelaySeconds + DEREGISTRATION_MARGIN_SECONDS;
  const requestBudgetSeconds = Math.max(1, decisionGraceSeconds - PRE_STOP_DELAY_SECONDS);
  return { preStopSeconds, terminationGracePeriodSeconds: preStopSeconds + requestBudgetSeconds };
}
