import * as kplus from 'cdk8s-plus-28';
import { anyAddressButInstanceMetadata, dnsPeers, instanceMetadataCidrs, podIdentityAgentCidrs } from './cluster-network';
import { ingressRules } from './ingress';
import { MetricsEndpoint } from './metrics';
import { CheckedKubernetesOptions } from './options';
import { ModelCredentials } from './pod-options';

/**
 * Ingress: `ingressRules` (the service port from `admittedCidrs`, the declared peers or the namespace's pods; the metrics port from the scraper).
 * Egress: the cluster's DNS (where the flavor's DNS answers); HTTPS to `fetchCidrs` when a model cache fetches weights (S3, STS, a
 * registry or a model hub: anywhere but the instance metadata service when empty); the Pod Identity Agent when it supplies
 * credentials; and the declared destinations.
 * (cdk8s-plus' NetworkPolicy rules always name a peer: the generated object expresses these exactly.)
 */
export function networkPolicySpec(
  matchLabels: Record<string, string>, port: number, o: CheckedKubernetesOptions, fetchCidrs: string[] | undefined, admittedCidrs?: string[],
  metrics?: MetricsEndpoint,
): kplus.k8s.NetworkPolicySpec {
  const tcp = (p: number) => ({ protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(p) });
  const egress: kplus.k8s.NetworkPolicyEgressRule[] = [{
    to: dnsPeers(o.flavor),
    ports: [{ protocol: 'UDP', port: kplus.k8s.IntOrString.fromNumber(53) }, tcp(53)],
  }];
  if (fetchCidrs !== undefined) {
    const to = fetchCidrs.length > 0 ? fetchCidrs.map(cidr => ({ ipBlock: { cidr } })) : anyAddressButInstanceMetadata(o.flavor);
    egress.push({ to, ports: [tcp(443)] });
  }
  if (o.modelCredentials === ModelCredentials.POD_IDENTITY) {
    egress.push({ to: podIdentityAgentCidrs(o.flavor).map(cidr => ({ ipBlock: { cidr } })), ports: [tcp(80)] });
  }
  if (o.modelCredentials === ModelCredentials.NODE_ROLE) {
    egress.push({ to: instanceMetadataCidrs(o.flavor).map(cidr => ({ ipBlock: { cidr } })), ports: [tcp(80)] });
  }
  for (const d of o.allowedEgress) {
    egress.push({ to: [{ ipBlock: { cidr: d.cidr } }], ...(d.port !== undefined ? { ports: [tcp(d.port)] } : {}) });
  }
  return {
    podSelector: { matchLabels },
    policyTypes: ['Ingress', 'Egress'],
    ingress: ingressRules(port, o.allowedIngressPeers, admittedCidrs, o.metricsScraper, metrics),
    egress,
  };
}

