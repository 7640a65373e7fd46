import * as kplus from 'cdk8s-plus-28';
import { anyAddressButInstanceMetadata, dnsPeers, instanceMetadataCidrs, podIdentityAgentCidrs } from './cluster-network';
import { CheckedKubernetesOptions } from './options';
import { ModelCredentials } from './pod-options';

/**
 * Ingress: the service port, from `admittedCidrs` when given, else from the declared peers or any source. Egress: the cluster's DNS
 * (where the flavor's DNS answers); HTTPS
 * anywhere but the instance metadata service when a model cache fetches weights (S3, STS, a registry
 * or a model hub); the Pod Identity Agent when it supplies credentials; and the declared destinations.
 * (cdk8s-plus' NetworkPolicy rules always name a peer: the generated object expresses these exactly.)
 */
export function networkPolicySpec(
  matchLabels: Record<string, string>, port: number, o: CheckedKubernetesOptions, fetches: boolean, admittedCidrs?: string[],
): kplus.k8s.NetworkPolicySpec {
  const tcp = (p: number) => ({ protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(p) });
  const peers = admittedCidrs !== undefined ? admittedCidrs.map(cidr => ({ ipBlock: { cidr } }))
    : o.allowedIngressPeers?.map(p => p.cidr !== undefined ? { ipBlock: { cidr: p.cidr } }
      : p.namespaceLabels !== undefined ? { namespaceSelector: { matchLabels: { ...p.namespaceLabels } } }
        : { podSelector: { matchLabels: { ...p.podLabels } } });
  const egress: kplus.k8s.NetworkPolicyEgressRule[] = [{
    to: dnsPeers(o.flavor),
    ports: [{ protocol: 'UDP', port: kplus.k8s.IntOrString.fromNumber(53) }, tcp(53)],
  }];
  if (fetches) {
    egress.push({ to: anyAddressButInstanceMetadata(o.flavor), ports: [tcp(443)] });
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
    ingress: [{ ...(peers ? { from: peers } : {}), ports: [tcp(port)] }],
    egress,
  };
}

