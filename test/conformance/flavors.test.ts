/**
 * Conformance per cluster flavor: the example app (every workload, with the flavor as the default)
 * and generated profiles, rendered for EKS Auto Mode, Karpenter and managed node groups, played on
 * a simulated cluster of that flavor (test/conformance/sim): nodes, DNS, credentials. Each planted
 * defect makes the simulation fail.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { buildExampleApp } from '../../examples/app';
import {
  ClusterDns, ClusterFlavor, CpuArchitecture, InferenceWorkload, IpFamily, ModelCredentials, ModelImage, PlacementTarget, WorkloadProfile,
} from '../../lib';
import { archValues } from '../../lib/targets/kubernetes/node-placement';
import { Manifest, readManifestFiles } from '../helpers/kubernetes';
import { clusterPools, SimCluster } from './sim/cluster';
import { dnsFailures } from './sim/dns';
import { credentialFailures, Credentials } from './sim/imds';
import { nodeFailures, PricedPod } from './sim/nodes';

interface FlavorCase {
  readonly name: string;
  readonly flavor: () => ClusterFlavor;
  readonly cluster: SimCluster;
  readonly staticCpuLabel?: [string, string];
  /** Example workloads that declare another flavor (quote-scorer: Karpenter, for its static CPU manager nodes). */
  readonly declaresOtherFlavor?: string[];
}

const STATIC_LABEL: [string, string] = ['example.com/cpu-manager', 'static'];
const CASES: FlavorCase[] = [
  {
    name: 'Karpenter (the default)',
    flavor: () => ClusterFlavor.karpenter(),
    cluster: { flavor: 'karpenter', ipFamily: 'ipv4', dns: 'coredns', dnsServiceIp: '172.20.0.10', pools: clusterPools('karpenter'), imdsHopLimit: 2 },
  },
  {
    name: 'EKS Auto Mode',
    flavor: () => ClusterFlavor.eksAutoMode(),
    cluster: { flavor: 'eks-auto-mode', ipFamily: 'ipv4', dns: 'node-resolver', dnsServiceIp: '10.100.0.10', pools: clusterPools('eks-auto-mode'), imdsHopLimit: 1 },
    declaresOtherFlavor: ['quote-scorer'],
  },
  {
    name: 'managed node groups with NodeLocal DNSCache',
    flavor: () => ClusterFlavor.managedNodeGroups({ dns: ClusterDns.NODE_LOCAL_DNS_CACHE, staticCpuManagerNodeLabel: STATIC_LABEL.join('=') }),
    cluster: {
      flavor: 'managed-node-groups',
      ipFamily: 'ipv4',
      dns: 'node-local-dns-cache',
      dnsServiceIp: '10.100.0.10',
      nodeLocalDnsIp: '169.254.20.10',
      pools: clusterPools('managed-node-groups', STATIC_LABEL),
      imdsHopLimit: 2,
    },
    staticCpuLabel: STATIC_LABEL,
    declaresOtherFlavor: ['quote-scorer'],
  },
  {
    name: 'Karpenter on IPv6',
    flavor: () => ClusterFlavor.karpenter({ ipFamily: IpFamily.IPV6 }),
    cluster: { flavor: 'karpenter', ipFamily: 'ipv6', dns: 'coredns', dnsServiceIp: 'fd4a:8c2b:1::a', pools: clusterPools('karpenter'), imdsHopLimit: 2 },
  },
];

/** A GPU profile: one 24 GiB GPU, of a team that runs Kubernetes (so the policy places it there). */
const GPU_PROFILE: WorkloadProfile = {
  memoryMiB: 16_384,
  gpuCount: 1,
  gpuMemoryGiB: 24,
  modelSizeGiB: 8,
  requestDurationP50Ms: 800,
  averageRequestsPerSecond: 5,
  peakRequestsPerSecond: 20,
  teamRunsKubernetes: true,
};
/** A profile with a jitter budget: whole, exclusive cores. */
const JITTER_PROFILE: WorkloadProfile = {
  memoryMiB: 2048,
  jitterBudgetMicros: 20,
  requestDurationP50Ms: 2,
  averageRequestsPerSecond: 200,
  peakRequestsPerSecond: 400,
  teamRunsKubernetes: true,
};

type Mutation = (name: string, m: Manifest[]) => Manifest[];

/**
 * Every failure of the workloads of an app on a simulated cluster. Credentials: an IRSA role when the
 * ServiceAccount is annotated with one, else `credentials`.
 */
function simulate(app: App, c: FlavorCase, outdir: string, mutate?: Mutation, credentials?: Credentials): string[] {
  const files = new Map(readManifestFiles(outdir).map(f => [path.basename(f.file).replace(/\.k8s\.yaml$/, ''), f.manifests]));
  const failures: string[] = [];
  for (const w of app.node.findAll().filter((x): x is InferenceWorkload => x instanceof InferenceWorkload)) {
    const onKubernetes = w.decision.target === PlacementTarget.KUBERNETES || w.decision.target === PlacementTarget.HYBRID;
    if (!onKubernetes || c.declaresOtherFlavor?.includes(w.workloadName)) {
      continue;
    }
    const manifests = mutate ? mutate(w.workloadName, files.get(w.workloadName)!) : files.get(w.workloadName)!;
    const sizing = w.decision.kubernetes!;
    const priced: PricedPod = {
      name: w.workloadName,
      pricedInstanceTypes: (sizing.nodeCandidates ?? []).map(n => n.instanceType),
      imageArches: archValues(w.decision.profile?.architecture ?? CpuArchitecture.X86_64),
    };
    const fetches = manifests.some(m => m.kind === 'Deployment' && (m.spec.template.spec.initContainers ?? []).length > 0);
    const irsa = manifests.find(m => m.kind === 'ServiceAccount')?.metadata.annotations?.['eks.amazonaws.com/role-arn'] !== undefined;
    failures.push(...nodeFailures(manifests, c.cluster, priced, c.staticCpuLabel), ...dnsFailures(manifests, c.cluster, w.workloadName),
      ...credentialFailures(manifests, c.cluster, w.workloadName, fetches, irsa ? 'service-account-role' : credentials));
  }
  return failures;
}

/** The example app with `flavor` as every workload's default flavor. */
function exampleAppOn(c: FlavorCase): { app: App; outdir: string } {
  const flavor = c.flavor();
  // the default flavor is ClusterFlavor.karpenter() without options (lib/targets/kubernetes/cluster.ts, defaultClusterFlavor);
  // a workload that declares its flavor (with options) keeps it
  const karpenter = ClusterFlavor.karpenter.bind(ClusterFlavor);
  const spy = jest.spyOn(ClusterFlavor, 'karpenter').mockImplementation(options => options === undefined ? flavor : karpenter(options));
  try {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-'));
    const app = buildExampleApp(new App({ outdir }));
    app.synth();
    return { app, outdir };
  } finally {
    spy.mockRestore();
  }
}

describe.each(CASES)('$name', (c) => {
  const { app, outdir } = exampleAppOn(c);

  test('the example app\'s workloads schedule, on their image\'s architecture, resolve DNS and reach their model', () => {
    expect(simulate(app, c, outdir)).toEqual([]);
  });

  test('generated profiles (GPU counts and memories, CPU pods of each architecture, Pod Identity) pass too', () => {
    const outdir2 = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-gen-'));
    const genApp = new App({ outdir: outdir2 });
    const stack = new Stack(genApp, 'Generated');
    const profiles: WorkloadProfile[] = [];
    for (const gpuCount of [1, 2, 4]) {
      for (const gpuMemoryGiB of [16, 24, 48]) {
        profiles.push({ ...GPU_PROFILE, memoryMiB: 16_384 * gpuCount, gpuCount, gpuMemoryGiB });
      }
    }
    for (const architecture of [CpuArchitecture.X86_64, CpuArchitecture.ARM64, CpuArchitecture.ANY]) {
      profiles.push({
        memoryMiB: 16_384, architecture, requestDurationP50Ms: 80, averageRequestsPerSecond: 20, peakRequestsPerSecond: 60, teamRunsKubernetes: true,
      });
    }
    if (c.cluster.flavor !== 'eks-auto-mode') {
      // whole cores (a jitter budget): static CPU manager nodes
      profiles.push(JITTER_PROFILE);
    }
    profiles.forEach((profile, i) => new InferenceWorkload(stack, `W${i}`, {
      image: ModelImage.fromImageUri(`123456789012.dkr.ecr.us-east-1.amazonaws.com/w${i}:1.0.0`),
      profile,
      kubernetes: {
        flavor: c.flavor(),
        modelUri: `s3://models/w${i}/`,
        modelCredentials: ModelCredentials.POD_IDENTITY,
      },
    }));
    genApp.synth();
    const placed = genApp.node.findAll().filter(x => x instanceof InferenceWorkload && x.decision.target === PlacementTarget.KUBERNETES);
    expect(placed.length).toBeGreaterThanOrEqual(9);
    expect(simulate(genApp, c, outdir2, undefined, 'pod-identity')).toEqual([]);
    // planted: Pod Identity admitted at its IPv4 address only
    const v4AgentOnly = (_name: string, ms: Manifest[]) => ms.map(m => m.kind !== 'NetworkPolicy' ? m
      : JSON.parse(JSON.stringify(m).replace(/"fd00:ec2::23\/128"/g, '"169.254.170.23/32"')));
    if (c.cluster.ipFamily === 'ipv6') {
      expect(simulate(genApp, c, outdir2, v4AgentOnly, 'pod-identity').join('\n')).toMatch(/the Pod Identity Agent \(fd00:ec2::23\) unreachable/);
    }
  });

  test('fails on planted defects: a pool without an instance type, a pod without its architecture or its pool, DNS to the wrong place', () => {
    const gpuName = 'llm-chat';
    const dropType = (name: string, ms: Manifest[]) => name !== gpuName ? ms : ms.map(m => m.kind !== 'NodePool' ? m : {
      ...m,
      spec: { ...m.spec, template: { spec: { ...m.spec.template.spec, requirements: m.spec.template.spec.requirements.map((r: any) => r.key === 'node.kubernetes.io/instance-type' ? { ...r, values: r.values.slice(1) } : r) } } },
    });
    const withoutExpression = (key: string) => (_name: string, ms: Manifest[]) => ms.map(m => m.kind !== 'Deployment' ? m : JSON.parse(JSON.stringify(m, (k, v) => k === 'matchExpressions' ? v.filter((e: any) => e.key !== key) : v)));
    const corednsOnly = (_name: string, ms: Manifest[]) => ms.map(m => m.kind !== 'NetworkPolicy' ? m : {
      ...m,
      spec: { ...m.spec, egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }, ...m.spec.egress.slice(1)] },
    });
    const withoutPool = (name: string, ms: Manifest[]) => name !== gpuName ? ms : ms.filter(m => m.kind !== 'NodePool');
    const dnsToServiceOnly = (_name: string, ms: Manifest[]) => ms.map(m => m.kind !== 'NetworkPolicy' ? m : {
      ...m,
      spec: { ...m.spec, egress: [{ to: [{ ipBlock: { cidr: `${c.cluster.dnsServiceIp}/${c.cluster.ipFamily === 'ipv4' ? 32 : 128}` } }], ports: [{ protocol: 'UDP', port: 53 }] }, ...m.spec.egress.slice(1)] },
    });
    if (c.cluster.flavor !== 'managed-node-groups') {
      expect(simulate(app, c, outdir, dropType).join('\n')).toMatch(/NodePool default-llm-chat admits .*; the decision priced/);
    }
    if (c.cluster.flavor === 'karpenter') {
      // without its pool's label the GPU pod may take a GPU node of another pool (whose instance types were not priced)
      expect(simulate(app, c, outdir, withoutExpression('karpenter.sh/nodepool')).join('\n')).toMatch(/llm-chat: can land on pool general/);
    }
    if (c.cluster.flavor === 'eks-auto-mode') {
      // the built-in pools have no GPU instance: without the emitted NodePool the GPU pod never schedules
      expect(simulate(app, c, outdir, withoutPool).join('\n')).toMatch(/llm-chat: Pending/);
    }
    if (c.cluster.dns === 'coredns') {
      // CoreDNS answers from its pods: an ipBlock for the Service's address admits nothing (and TCP is needed for large answers)
      expect(simulate(app, c, outdir, dnsToServiceOnly).join('\n')).toMatch(/DNS to .* \(CoreDNS pod\) UDP\/53 blocked on coredns/);
    }
    // a CPU pod without its architecture lands on Graviton on a mixed pool (Auto Mode's general-purpose pool is amd64 only)
    if (c.cluster.flavor !== 'eks-auto-mode') {
      expect(simulate(app, c, outdir, withoutExpression('kubernetes.io/arch')).join('\n')).toMatch(/feature-ranker: can land on arm64 .* the image is amd64/);
    }
    if (c.cluster.dns !== 'coredns') {
      expect(simulate(app, c, outdir, corednsOnly).join('\n')).toMatch(/DNS to .* blocked on/);
    }
  });
});

describe('what no simulation can fix is refused at construction', () => {
  test('throws for exclusive cores on EKS Auto Mode and on managed node groups without the static CPU manager label, naming the option', () => {
    const place = (flavor: ClusterFlavor) => new InferenceWorkload(new Stack(new App(), 'S'), 'Q', {
      image: ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/q:1.0.0'), profile: JITTER_PROFILE, kubernetes: { flavor },
    });
    expect(() => place(ClusterFlavor.eksAutoMode())).toThrow(/'kubernetes.flavor' must provide nodes with the static CPU manager .* got ClusterFlavor.eksAutoMode\(\)/);
    expect(() => place(ClusterFlavor.managedNodeGroups())).toThrow(/'kubernetes.flavor.staticCpuManagerNodeLabel' must name the nodes .* got undefined/);
  });

  test('throws for the node role on EKS Auto Mode (IMDSv2 hop limit 1), and on the simulated Auto Mode node the token would not reach the pod', () => {
    expect(() => new InferenceWorkload(new Stack(new App(), 'S'), 'L', {
      image: ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/l:1.0.0'),
      profile: GPU_PROFILE,
      kubernetes: { flavor: ClusterFlavor.eksAutoMode(), modelUri: 's3://models/l/', modelCredentials: ModelCredentials.NODE_ROLE },
    })).toThrow(/'kubernetes.modelCredentials' cannot be ModelCredentials.NODE_ROLE on ClusterFlavor.eksAutoMode\(\)/);
    const policy = { metadata: { namespace: 'default' }, spec: { egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] } };
    const manifests = [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', ...policy }] as Manifest[];
    expect(credentialFailures(manifests, CASES[1].cluster, 'l', true, 'node-role').join('\n')).toMatch(/hop limit is 1/);
    expect(credentialFailures(manifests, CASES[3].cluster, 'l', true, 'pod-identity').join('\n')).toMatch(/instance metadata service .* reachable over the HTTPS rule/);
  });
});
