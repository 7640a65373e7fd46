import * as kplus from 'cdk8s-plus-28';
import { ClusterDns, IpFamily, ResolvedClusterFlavor } from './cluster';

/*
 * The cluster's addresses a pod's NetworkPolicy must admit, per flavor and IP family: where DNS
 * answers, the instance metadata service and the EKS Pod Identity Agent.
 */

/**
 * The instance metadata service: IPv4 169.254.169.254 and IPv6 fd00:ec2::254 (EC2 user guide,
 * "Configure the Instance Metadata Service options",
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-options.html).
 */
const INSTANCE_METADATA_CIDRS: Record<IpFamily, string> = {
  [IpFamily.IPV4]: '169.254.169.254/32',
  [IpFamily.IPV6]: 'fd00:ec2::254/128',
};

/**
 * The EKS Pod Identity Agent: 169.254.170.23 and [fd00:ec2::23] (EKS user guide, "Set up the Amazon
 * EKS Pod Identity Agent", https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html);
 * on an IPv4 cluster the agent listens on the IPv4 address only (EKS Auto Mode change log, 2025-08-15).
 */
const POD_IDENTITY_AGENT_CIDRS: Record<IpFamily, string> = {
  [IpFamily.IPV4]: '169.254.170.23/32',
  [IpFamily.IPV6]: 'fd00:ec2::23/128',
};

/** Every address of an IP family. */
const ANY_ADDRESS: Record<IpFamily, string> = {
  [IpFamily.IPV4]: '0.0.0.0/0',
  [IpFamily.IPV6]: '::/0',
};

/**
 * The IP families a pod's egress uses: IPv4 only on an IPv4 cluster; both on an IPv6 cluster, whose
 * pods reach IPv4-only endpoints (S3's default endpoints among them) through the node's IPv4 address
 * (EKS user guide, "Learn about IPv6 addresses to clusters, Pods, and services",
 * https://docs.aws.amazon.com/eks/latest/userguide/cni-ipv6.html: egress-only IPv4 for pods).
 */
function egressFamilies(f: ResolvedClusterFlavor): IpFamily[] {
  return f.ipFamily === IpFamily.IPV6 ? [IpFamily.IPV4, IpFamily.IPV6] : [IpFamily.IPV4];
}

/** The CoreDNS pods of the EKS add-on: `kube-system`, `k8s-app: kube-dns`. */
const COREDNS_PODS: kplus.k8s.NetworkPolicyPeer = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
  podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
};

/**
 * Where the pods' DNS queries go, as NetworkPolicy peers:
 * - CoreDNS: the CoreDNS pods (the Service's address is translated to them before the policy applies).
 * - NodeLocal DNSCache: its link-local address, the DNS Service's address (in kube-proxy's iptables
 *   mode the cache also answers on it and pods keep it as their nameserver) and the CoreDNS pods (where
 *   queries go while the cache is down): https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/.
 * - EKS Auto Mode's node resolver: CoreDNS runs as a system service on each node, not as pods, so no
 *   selector names it; the DNS Service's address is admitted as an ipBlock (EKS user guide,
 *   "Learn about VPC Networking and Load Balancing in EKS Auto Mode": DNS queries cached on the node;
 *   aws/containers-roadmap#2552: a kube-dns pod selector does not admit DNS on Auto Mode;
 *   archestra-ai/archestra#5538: an ipBlock for the DNS Service address on port 53 does, checked on a cluster).
 */
export function dnsPeers(f: ResolvedClusterFlavor): kplus.k8s.NetworkPolicyPeer[] {
  const services = f.dnsServiceCidrs.map(cidr => ({ ipBlock: { cidr } }));
  switch (f.dns) {
    case ClusterDns.NODE_LOCAL_DNS_CACHE:
      return [{ ipBlock: { cidr: f.nodeLocalDnsCidr! } }, ...services, COREDNS_PODS];
    case ClusterDns.NODE_RESOLVER:
      return services;
    default:
      return [COREDNS_PODS];
  }
}

/** The instance metadata service's addresses a pod may use on the cluster. */
export function instanceMetadataCidrs(f: ResolvedClusterFlavor): string[] {
  return egressFamilies(f).map(family => INSTANCE_METADATA_CIDRS[family]);
}

/** The Pod Identity Agent's addresses a pod may use on the cluster. */
export function podIdentityAgentCidrs(f: ResolvedClusterFlavor): string[] {
  return egressFamilies(f).map(family => POD_IDENTITY_AGENT_CIDRS[family]);
}

/** Any address of each IP family the pods use, but the instance metadata service's. */
export function anyAddressButInstanceMetadata(f: ResolvedClusterFlavor): kplus.k8s.NetworkPolicyPeer[] {
  return egressFamilies(f).map(family => ({ ipBlock: { cidr: ANY_ADDRESS[family], except: [INSTANCE_METADATA_CIDRS[family]] } }));
}
