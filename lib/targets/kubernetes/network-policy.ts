import * as kplus from 'cdk8s-plus-28';
import { ingressRules } from './ingress';
import { MetricsEndpoint } from './metrics';
import { CheckedKubernetesOptions } from './options';
import { ModelCredentials } from './pod-options';

/** The instance metadata service: blocked for the pods (credentials come from IRSA or Pod Identity). */
const INSTANCE_METADATA_CIDR = '169.254.169.254/32';
/** The EKS Pod Identity Agent's link-local address and port (EKS user guide, "EKS Pod Identity"). */
const POD_IDENTITY_AGENT_CIDR = '169.254.170.23/32';

/**
 * Ingress: `ingressRules` (the service port from `admittedCidrs`, the declared peers or the namespace's pods; the metrics port from the scraper). Egress: the cluster DNS; HTTPS
 * to `fetchCidrs` when a model cache fetches weights (S3, STS, a registry or a model hub: anywhere but
 * the instance metadata service when empty); the Pod Identity Agent when it supplies credentials; and the declared destinations.
 * (cdk8s-plus' NetworkPolicy rules always name a peer: the generated object expresses these exactly.)
 */
export function networkPolicySpec(
  matchLabels: Record<string, string>, port: number, o: CheckedKubernetesOptions, fetchCidrs: string[] | undefined, admittedCidrs?: string[],
  metrics?: MetricsEndpoint,
): kplus.k8s.NetworkPolicySpec {
  const tcp = (p: number) => ({ protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(p) });
  const egress: kplus.k8s.NetworkPolicyEgressRule[] = [{
    to: [{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    }],
    ports: [{ protocol: 'UDP', port: kplus.k8s.IntOrString.fromNumber(53) }, tcp(53)],
  }];
  if (fetchCidrs !== undefined) {
    const to = fetchCidrs.length > 0 ? fetchCidrs.map(cidr => ({ ipBlock: { cidr } })) : [{ ipBlock: { cidr: '0.0.0.0/0', except: [INSTANCE_METADATA_CIDR] } }];
    egress.push({ to, ports: [tcp(443)] });
  }
  if (o.modelCredentials === ModelCredentials.POD_IDENTITY) {
    egress.push({ to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT_CIDR } }], ports: [tcp(80)] });
  }
  if (o.modelCredentials === ModelCredentials.NODE_ROLE) {
    egress.push({ to: [{ ipBlock: { cidr: INSTANCE_METADATA_CIDR } }], ports: [tcp(80)] });
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

