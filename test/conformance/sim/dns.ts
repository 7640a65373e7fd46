/**
 * DNS: where a pod's queries go on the flavor's cluster, and whether its NetworkPolicy lets them
 * through (UDP and TCP 53). CoreDNS: the query is translated to a CoreDNS pod before the policy
 * applies. NodeLocal DNSCache: the cache answers on its link-local address and, in kube-proxy's
 * iptables mode, on the DNS Service's address; while it is down queries reach the CoreDNS pods. EKS
 * Auto Mode: the node's own resolver answers on the DNS Service's address; there is no pod.
 */
import { SimCluster } from './cluster';
import { Destination, egressAdmits } from './network';
import { Manifest } from '../../helpers/kubernetes';

const COREDNS_POD = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };

/** Every address a DNS query may be sent to on the cluster. */
export function dnsDestinations(c: SimCluster): Array<Omit<Destination, 'port' | 'protocol'>> {
  const corednsPod = { ip: c.ipFamily === 'ipv4' ? '10.0.42.7' : 'fd4a:1::7', pod: COREDNS_POD };
  switch (c.dns) {
    case 'node-local-dns-cache':
      return [{ ip: c.nodeLocalDnsIp! }, { ip: c.dnsServiceIp }, corednsPod];
    case 'node-resolver':
      return [{ ip: c.dnsServiceIp }];
    default:
      return [corednsPod];
  }
}

/** DNS failures of one workload's NetworkPolicy on the cluster. */
export function dnsFailures(manifests: Manifest[], c: SimCluster, name: string): string[] {
  const policy = manifests.find(m => m.kind === 'NetworkPolicy');
  if (!policy) {
    return [];
  }
  const failures: string[] = [];
  for (const d of dnsDestinations(c)) {
    for (const protocol of ['UDP', 'TCP'] as const) {
      if (!egressAdmits(policy, { ...d, port: 53, protocol })) {
        failures.push(`${name}: DNS to ${d.ip}${d.pod ? ' (CoreDNS pod)' : ''} ${protocol}/53 blocked on ${c.dns}`);
      }
    }
  }
  return failures;
}
