/**
 * Credentials and the model source: a pod that fetches weights reaches S3 over HTTPS (an IPv4
 * address, and an IPv6 one on IPv6 clusters) and never the instance metadata service over it; with
 * Pod Identity it reaches the agent's address of its IP family; with the node role it reaches IMDS
 * on port 80, and the node's IMDSv2 hop limit lets the token reach a pod (2 or more).
 */
import { SimCluster } from './cluster';
import { egressAdmits } from './network';
import { Manifest } from '../../helpers/kubernetes';

/** An S3 address of each family (us-east-1 ranges of ip-ranges.json). */
const S3 = { ipv4: '52.216.8.1', ipv6: '2600:1fa0:8000::1' };
const IMDS = { ipv4: '169.254.169.254', ipv6: 'fd00:ec2::254' };
const POD_IDENTITY = { ipv4: '169.254.170.23', ipv6: 'fd00:ec2::23' };

/** What a pod uses to read its model. */
export type Credentials = 'service-account-role' | 'pod-identity' | 'node-role' | undefined;

/** Credential and model-source failures of one workload on the cluster. */
export function credentialFailures(manifests: Manifest[], c: SimCluster, name: string, fetches: boolean, credentials: Credentials): string[] {
  const policy = manifests.find(m => m.kind === 'NetworkPolicy');
  if (!policy || !fetches) {
    return [];
  }
  const failures: string[] = [];
  const tcp = (ip: string, port: number) => egressAdmits(policy, { ip, port, protocol: 'TCP' });
  const families = c.ipFamily === 'ipv6' ? ['ipv4', 'ipv6'] as const : ['ipv4'] as const;
  for (const family of families) {
    if (!tcp(S3[family], 443)) {
      failures.push(`${name}: S3 (${S3[family]}) unreachable over HTTPS`);
    }
    if (tcp(IMDS[family], 443)) {
      failures.push(`${name}: the instance metadata service (${IMDS[family]}) is reachable over the HTTPS rule`);
    }
  }
  const own = c.ipFamily;
  if (credentials === 'pod-identity' && !tcp(POD_IDENTITY[own], 80)) {
    failures.push(`${name}: the Pod Identity Agent (${POD_IDENTITY[own]}) unreachable`);
  }
  if (credentials === 'node-role') {
    if (!tcp(IMDS.ipv4, 80)) {
      failures.push(`${name}: IMDS (${IMDS.ipv4}) unreachable`);
    }
    if (c.imdsHopLimit < 2) {
      failures.push(`${name}: the node's IMDSv2 hop limit is ${c.imdsHopLimit}: no token reaches a pod`);
    }
  }
  return failures;
}
