import { Annotations } from 'aws-cdk-lib';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { MetricsEndpoint } from './metrics';
import { NetworkPeer } from './pod-options';

/*
 * Who may open connections to the pods (NetworkPolicy ingress). Every rule names its sources: a rule
 * without `from` admits every source in and outside the cluster
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/), and the model servers
 * have no authentication of their own.
 *
 * - The service port: the sources the user names (`allowedIngressPeers`), the hybrid's load balancer
 *   subnets (set by the hybrid), else only the pods of the workload's own namespace.
 * - The metrics port: the metrics scraper (`metricsScraper`, by default the namespace `monitoring`).
 */

/** The service port's sources when the user names none: the pods of the workload's namespace. @internal */
export const SAME_NAMESPACE_PEER: kplus.k8s.NetworkPolicyPeer = { podSelector: {} };

/** Warning id of an ingress rule that admits any address. */
const OPEN_INGRESS_WARNING = 'inference-workload:open-ingress';

/** A NetworkPolicy peer of the Kubernetes API from a peer of the options. @internal */
export function networkPolicyPeer(p: NetworkPeer): kplus.k8s.NetworkPolicyPeer {
  return p.cidr !== undefined ? { ipBlock: { cidr: p.cidr } }
    : p.namespaceLabels !== undefined ? { namespaceSelector: { matchLabels: { ...p.namespaceLabels } } }
      : { podSelector: { matchLabels: { ...p.podLabels } } };
}

/**
 * The ingress rules: the service port from `admittedCidrs` when given (the hybrid's load balancer),
 * else from the declared peers, else from the pods of the same namespace; and the metrics port from
 * the scraper when something scrapes it. Never a rule without `from`.
 * @internal
 */
export function ingressRules(
  servicePort: number, peers: NetworkPeer[] | undefined, admittedCidrs: string[] | undefined,
  scraper: NetworkPeer, metrics: MetricsEndpoint | undefined,
): kplus.k8s.NetworkPolicyIngressRule[] {
  const tcp = (p: number) => ({ protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(p) });
  const from = admittedCidrs !== undefined ? admittedCidrs.map(cidr => ({ ipBlock: { cidr } }))
    : peers !== undefined && peers.length > 0 ? peers.map(networkPolicyPeer)
      : [SAME_NAMESPACE_PEER];
  const rules: kplus.k8s.NetworkPolicyIngressRule[] = [{ from, ports: [tcp(servicePort)] }];
  if (metrics !== undefined) {
    rules.push({ from: [networkPolicyPeer(scraper)], ports: [tcp(metrics.port)] });
  }
  return rules;
}

/** Whether a CIDR block is every address of its family (`0.0.0.0/0`, `::/0`). */
function isAnyAddress(cidr: string): boolean {
  return /\/0$/.test(cidr.trim());
}

/**
 * Warns at synth, naming the workload, the port and the block, when the rendered NetworkPolicy admits
 * any address on a port (a peer `{ cidr: '0.0.0.0/0' }` the user gave): the model server answers
 * anyone who can route to the pod, without authentication.
 * @internal
 */
export function warnOpenIngress(scope: IConstruct, workloadName: string, networkPolicy: kplus.k8s.KubeNetworkPolicy): void {
  type Rule = { from?: Array<{ ipBlock?: { cidr: string } }>; ports?: Array<{ port?: number }> };
  const spec = (networkPolicy.toJson() as { spec?: { ingress?: Rule[] } }).spec;
  for (const rule of spec?.ingress ?? []) {
    const open = (rule.from ?? []).map(p => p.ipBlock?.cidr).filter((c): c is string => c !== undefined && isAnyAddress(c));
    if (rule.from === undefined || open.length > 0) {
      const ports = (rule.ports ?? []).map(p => p.port).join(', ') || 'every port';
      Annotations.of(scope).addWarningV2(OPEN_INGRESS_WARNING,
        `${workloadName}: the NetworkPolicy admits ${rule.from === undefined ? 'every source' : open.join(' and ')} on TCP ${ports}: `
        + 'the model server answers any client that can route to the pod, without authentication. Name the sources in '
        + '\'kubernetes.allowedIngressPeers\' (an ingress controller\'s namespace, a load balancer\'s subnets), or put an '
        + 'authenticating proxy in front and acknowledge this warning.');
    }
  }
}
