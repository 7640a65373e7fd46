import { CPU_SIZING, GPU_SIZING, kindOf, place, podSpec, synth } from './fixtures';
import { ClusterDns, ClusterFlavor, IpFamily, ModelCredentials } from '../../../lib';
import { checkClusterFlavor } from '../../../lib/targets/kubernetes/cluster';

const candidates = [
  { instanceType: 'g5.xlarge', hourlyUsd: 1.006, gpuCount: 1, gpuName: 'a10g', gpuProduct: 'NVIDIA-A10G', gpuMemoryGiB: 24 },
  { instanceType: 'g5.12xlarge', hourlyUsd: 5.672, gpuCount: 4, gpuName: 'a10g', gpuProduct: 'NVIDIA-A10G', gpuMemoryGiB: 24 },
];
const egress = (flavor: ClusterFlavor, extra = {}) => kindOf(synth(place({ flavor, modelUri: 's3://models/x/', ...extra }, { ...GPU_SIZING, nodeCandidates: candidates })),
  'NetworkPolicy').spec.egress;

describe('cluster flavor options', () => {
  test('defaults: Karpenter, CoreDNS, IPv4, Kubernetes 1.32, NodePools on the "default" EC2NodeClass, EKS DNS Service addresses', () => {
    const f = checkClusterFlavor(undefined);
    expect(f).toMatchObject({
      kind: 'karpenter',
      dns: ClusterDns.COREDNS,
      ipFamily: IpFamily.IPV4,
      kubernetesVersion: [1, 32],
      nodePools: true,
      nodeClassName: 'default',
      dnsServiceCidrs: ['10.100.0.10/32', '172.20.0.10/32'],
      staticCpuManagerNodeClassName: 'static-cpu-manager',
    });
    expect(checkClusterFlavor(ClusterFlavor.eksAutoMode({ ipFamily: IpFamily.IPV6 }))).toMatchObject({ dns: ClusterDns.NODE_RESOLVER, dnsServiceCidrs: ['fc00::/7'] });
    expect(checkClusterFlavor(ClusterFlavor.managedNodeGroups({ staticCpuManagerNodeLabel: 'a.io/cpu=static' })).staticCpuManagerNodeLabel)
      .toEqual({ key: 'a.io/cpu', value: 'static' });
  });

  test('throws naming the option: an address of the other family, NodeLocal DNSCache on IPv6 without its address, options of another flavor', () => {
    expect(() => ClusterFlavor.karpenter({ dnsServiceAddress: 'fd00::a' })).toThrow("'kubernetes.flavor.dnsServiceAddress' must be an IPv4 address (the cluster's IP family), got \"fd00::a\"");
    expect(() => ClusterFlavor.karpenter({ ipFamily: IpFamily.IPV6, dns: ClusterDns.NODE_LOCAL_DNS_CACHE }))
      .toThrow(/'kubernetes.flavor.nodeLocalDnsAddress' is required for ClusterDns.NODE_LOCAL_DNS_CACHE on an IPv6 cluster/);
    expect(() => ClusterFlavor.eksAutoMode({ staticCpuManagerNodeClassName: 'x' })).toThrow(/'kubernetes.flavor.staticCpuManagerNodeClassName' applies to ClusterFlavor.karpenter\(\) only/);
    expect(() => ClusterFlavor.karpenter({ staticCpuManagerNodeLabel: 'x' } as any)).toThrow(/'kubernetes.flavor.staticCpuManagerNodeLabel' applies to ClusterFlavor.managedNodeGroups\(\) only/);
    expect(() => ClusterFlavor.managedNodeGroups({ staticCpuManagerNodeLabel: 'bad key!' })).toThrow(/'kubernetes.flavor.staticCpuManagerNodeLabel' must be a Kubernetes label key/);
  });
});

describe('DNS, metadata and Pod Identity per flavor', () => {
  test('CoreDNS pods; the Auto Mode node resolver at the DNS Service address; NodeLocal DNSCache, the Service and CoreDNS', () => {
    const coredns = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } };
    expect(egress(ClusterFlavor.karpenter(), { modelCredentials: ModelCredentials.POD_IDENTITY })[0].to).toEqual([coredns]);
    expect(egress(ClusterFlavor.eksAutoMode({ dnsServiceAddress: '10.100.0.10' }), { modelCredentials: ModelCredentials.POD_IDENTITY })[0].to)
      .toEqual([{ ipBlock: { cidr: '10.100.0.10/32' } }]);
    const nodeLocal = ClusterFlavor.managedNodeGroups({ dns: ClusterDns.NODE_LOCAL_DNS_CACHE });
    expect(egress(nodeLocal, { modelCredentials: ModelCredentials.POD_IDENTITY })[0].to).toEqual([
      { ipBlock: { cidr: '169.254.20.10/32' } }, { ipBlock: { cidr: '10.100.0.10/32' } }, { ipBlock: { cidr: '172.20.0.10/32' } }, coredns,
    ]);
  });

  test('IPv6: HTTPS to both families but the metadata service, Pod Identity at fd00:ec2::23 too', () => {
    const rules = egress(ClusterFlavor.karpenter({ ipFamily: IpFamily.IPV6 }), { modelCredentials: ModelCredentials.POD_IDENTITY });
    expect(rules[1].to).toEqual([
      { ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }, { ipBlock: { cidr: '::/0', except: ['fd00:ec2::254/128'] } },
    ]);
    expect(rules[2].to).toEqual([{ ipBlock: { cidr: '169.254.170.23/32' } }, { ipBlock: { cidr: 'fd00:ec2::23/128' } }]);
    const v4 = egress(ClusterFlavor.karpenter(), { modelCredentials: ModelCredentials.POD_IDENTITY });
    expect(v4[2].to).toEqual([{ ipBlock: { cidr: '169.254.170.23/32' } }]);
  });
});

describe('node pools per flavor', () => {
  test('Auto Mode: the NodePool references the eks.amazonaws.com NodeClass and has no kubernetes.io/os requirement', () => {
    const m = synth(place({ flavor: ClusterFlavor.eksAutoMode() }, { ...GPU_SIZING, nodeCandidates: candidates }));
    const pool = kindOf(m, 'NodePool');
    expect(pool.spec.template.spec.nodeClassRef).toEqual({ group: 'eks.amazonaws.com', kind: 'NodeClass', name: 'default' });
    expect(pool.spec.template.spec.requirements.map((r: any) => r.key)).toEqual(['node.kubernetes.io/instance-type', 'karpenter.sh/capacity-type', 'kubernetes.io/arch']);
    // the peak's 6 replicas, a rollout's surge of 2 (25%, rounded up) and a replacement node, each on the largest candidate (4 GPUs)
    expect(pool.spec.limits).toEqual({ 'nvidia.com/gpu': (6 + 2 + 1) * 4 });
  });

  test('no NodePool with nodePools false or on managed node groups, and none for a CPU pod that the cluster\'s pools serve', () => {
    const kinds = (w: any) => synth(w).map(x => x.kind);
    expect(kinds(place({ flavor: ClusterFlavor.karpenter({ nodePools: false }) }))).not.toContain('NodePool');
    expect(kinds(place({ flavor: ClusterFlavor.managedNodeGroups() }))).not.toContain('NodePool');
    expect(kinds(place({ flavor: ClusterFlavor.eksAutoMode() }, CPU_SIZING))).not.toContain('NodePool');
    expect(podSpec(synth(place({ flavor: ClusterFlavor.karpenter({ nodePools: false }) }))).affinity.nodeAffinity
      .requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions.map((e: any) => e.key))
      .toEqual(['node.kubernetes.io/instance-type', 'kubernetes.io/arch']);
  });

  test('whole cores: a tainted NodePool on the static CPU manager EC2NodeClass (Karpenter); the label on node groups', () => {
    const exclusive = { ...CPU_SIZING, cpuMillis: 2000, exclusiveCpu: true };
    const m = synth(place({ flavor: ClusterFlavor.karpenter({ staticCpuManagerNodeClassName: 'pinned' }) }, exclusive));
    const pool = kindOf(m, 'NodePool');
    expect(pool.spec.template.spec.nodeClassRef.name).toBe('pinned');
    expect(pool.spec.template.spec.taints).toEqual([{ key: 'inference-workload/node-pool', value: 'default-llm-chat', effect: 'NoSchedule' }]);
    expect(podSpec(m).tolerations).toContainEqual({ key: 'inference-workload/node-pool', operator: 'Equal', value: 'default-llm-chat', effect: 'NoSchedule' });
    const mng = podSpec(synth(place({ flavor: ClusterFlavor.managedNodeGroups({ staticCpuManagerNodeLabel: 'a.io/cpu' }) }, exclusive)));
    expect(mng.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions)
      .toContainEqual({ key: 'a.io/cpu', operator: 'Exists' });
  });
});
