/**
 * What the rendered outputs expose on the network, checked over every output: the example app as
 * `npx cdk synth` writes it and generated apps (each Kubernetes option that changes a NetworkPolicy,
 * the hybrid, Lambda Managed Instances). Each checker reads the output only, and fails on a planted
 * regression fed to it.
 */
import { App, Size, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import {
  CacheSidecar, InferenceWorkload, ModelCredentials, ModelImage, PlacementPolicy, PlacementTarget,
} from '../../lib';
import { openHttpsEgress } from '../../lib/targets/kubernetes/egress-exposure';
import { egressAdmits } from '../conformance/sim/network';
import { renderExampleApp, renderWorkload, RenderedWorkload } from '../conformance/sim/render';
import { GPU_PROFILE, HYBRID_PROFILE, importedVpc, MANAGED_INSTANCES_PROFILE } from '../helpers/fixtures';
import { Manifest } from '../helpers/kubernetes';

const ROLE = 'arn:aws:iam::123456789012:role/model-reader';
const fixedKubernetes = PlacementPolicy.fixed(PlacementTarget.KUBERNETES);
/** Nodes with room for the model cache on their root volume. */
const DISK = { nodeRootVolumeSize: Size.gibibytes(100) };

/** Generated apps: each option that changes who may connect to the pods or where they may connect. */
const GENERATED: Array<[string, () => RenderedWorkload]> = [
  ['s3:// weights with IRSA and a Redis cache', () => renderWorkload({
    profile: GPU_PROFILE,
    policy: fixedKubernetes,
    kubernetes: { ...DISK, modelUri: 's3://models/llm/', serviceAccountRoleArn: ROLE, cacheSidecars: [CacheSidecar.redis({ port: 6400 })] },
  })],
  ['s3:// weights with the node role', () => renderWorkload({
    profile: GPU_PROFILE, policy: fixedKubernetes, kubernetes: { ...DISK, modelUri: 's3://models/llm/', modelCredentials: ModelCredentials.NODE_ROLE },
  })],
  ['s3:// weights with Pod Identity and egressCidrs', () => renderWorkload({
    profile: GPU_PROFILE,
    policy: fixedKubernetes,
    kubernetes: {
      ...DISK,
      modelUri: 's3://models/llm/',
      modelCredentials: ModelCredentials.POD_IDENTITY,
      cacheSidecars: [CacheSidecar.modelCache({ egressCidrs: ['52.216.0.0/15', '10.20.0.0/16'] }), CacheSidecar.redis()],
    },
  })],
  ['declared ingress peers', () => renderWorkload({
    profile: GPU_PROFILE,
    policy: fixedKubernetes,
    kubernetes: { ...DISK, allowedIngressPeers: [{ namespaceLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, { cidr: '10.0.0.0/8' }] },
  })],
  ['a hybrid data plane', () => renderWorkload({ profile: HYBRID_PROFILE, policy: PlacementPolicy.fixed(PlacementTarget.HYBRID) })],
];

/**
 * Ingress rules that admit a source nobody named: a rule without `from` (every source in and outside
 * the cluster), an empty `from`, or a block of every address; and NetworkPolicies that do not
 * restrict both directions (a policy without `Ingress` in policyTypes leaves ingress open).
 */
function openIngress(manifests: Manifest[]): string[] {
  const out: string[] = [];
  for (const p of manifests.filter(m => m.kind === 'NetworkPolicy')) {
    const where = `NetworkPolicy ${p.metadata.name}`;
    if (!['Ingress', 'Egress'].every(t => (p.spec.policyTypes ?? []).includes(t))) {
      out.push(`${where}: policyTypes ${JSON.stringify(p.spec.policyTypes)} does not restrict both directions`);
    }
    (p.spec.ingress ?? []).forEach((rule: any, i: number) => {
      if (rule.from === undefined || rule.from.length === 0) {
        out.push(`${where}: ingress[${i}] has no from: every source is admitted`);
      }
      for (const peer of rule.from ?? []) {
        if (peer.ipBlock !== undefined && /\/0$/.test(peer.ipBlock.cidr)) {
          out.push(`${where}: ingress[${i}] admits ${peer.ipBlock.cidr}`);
        }
      }
    });
  }
  const deployments = manifests.filter(m => m.kind === 'Deployment');
  for (const d of deployments) {
    const labels = d.spec.template.metadata.labels ?? {};
    const selected = manifests.some(m => m.kind === 'NetworkPolicy'
      && Object.entries(m.spec.podSelector.matchLabels ?? {}).every(([k, v]) => labels[k] === v));
    if (!selected) {
      out.push(`Deployment ${d.metadata.name}: no NetworkPolicy selects its pods`);
    }
  }
  return out;
}

/** The Redis containers and what reaches them: loopback and a private socket only, a port no policy admits. */
function redisExposure(manifests: Manifest[]): string[] {
  const out: string[] = [];
  const ingressPorts = manifests.filter(m => m.kind === 'NetworkPolicy')
    .flatMap(p => (p.spec.ingress ?? []).flatMap((r: any) => (r.ports ?? [{ port: 'every port' }]).map((x: any) => x.port)));
  for (const d of manifests.filter(m => m.kind === 'Deployment')) {
    const pod = d.spec.template.spec;
    for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
      if (!(c.command ?? []).includes('redis-server')) {
        continue;
      }
      const args: string[] = c.args ?? [];
      const value = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
      const bind = args.includes('--bind') ? args.slice(args.indexOf('--bind') + 1, args.findIndex((a, i) => i > args.indexOf('--bind') && a.startsWith('--'))) : [];
      if (bind.length === 0 || bind.some(a => !['127.0.0.1', '::1', '-::1'].includes(a))) {
        out.push(`${c.name}: binds ${bind.length === 0 ? 'every address (no --bind)' : bind.join(' ')}, not loopback only`);
      }
      if (value('--protected-mode') !== 'yes') {
        out.push(`${c.name}: protected mode is ${value('--protected-mode') ?? 'unset'}`);
      }
      const perm = value('--unixsocketperm');
      if (value('--unixsocket') !== undefined && (perm === undefined || !perm.endsWith('0'))) {
        out.push(`${c.name}: the unix socket is open to other users (${perm ?? 'default permissions'})`);
      }
      const port = Number(value('--port') ?? 6379);
      if (ingressPorts.includes(port) || ingressPorts.includes('every port')) {
        out.push(`${c.name}: a NetworkPolicy admits its port ${port}`);
      }
      (c.ports ?? []).forEach((p: any) => out.push(`${c.name}: declares container port ${p.containerPort}`));
    }
  }
  return out;
}

/**
 * Capacity provider security groups that allow more than HTTPS out: an all-traffic rule
 * (`IpProtocol: -1`) or another port, inline or as an `AWS::EC2::SecurityGroupEgress` resource.
 */
function capacityProviderEgress(template: any): string[] {
  const resources: Record<string, any> = template.Resources ?? {};
  const ids = Object.values(resources).filter(r => r.Type === 'AWS::Lambda::CapacityProvider')
    .flatMap(r => r.Properties.VpcConfig.SecurityGroupIds.map((g: any) => g['Fn::GetAtt']?.[0]).filter((g: any) => g !== undefined));
  const out: string[] = [];
  for (const id of ids) {
    const inline = resources[id].Properties.SecurityGroupEgress ?? [];
    const separate = Object.values(resources).filter(r => r.Type === 'AWS::EC2::SecurityGroupEgress'
      && JSON.stringify(r.Properties.GroupId).includes(`"${id}"`)).map(r => r.Properties);
    if (inline.length + separate.length === 0) {
      out.push(`${id}: no egress rule (CloudFormation then allows all outbound traffic)`);
    }
    for (const rule of [...inline, ...separate]) {
      if (rule.IpProtocol !== 'tcp' || rule.FromPort !== 443 || rule.ToPort !== 443) {
        out.push(`${id}: egress ${rule.IpProtocol} ${rule.FromPort ?? ''}-${rule.ToPort ?? ''} to ${rule.CidrIp ?? rule.CidrIpv6 ?? rule.DestinationSecurityGroupId}`);
      }
    }
  }
  return out;
}

const example = renderExampleApp();
const generated = GENERATED.map(([name, render]) => [name, render()] as [string, RenderedWorkload]);
const all: Array<[string, RenderedWorkload]> = [...example.map(w => [`example ${w.workload.workloadName}`, w] as [string, RenderedWorkload]), ...generated];

describe('Kubernetes: who may connect to the pods', () => {
  test.each(all)('%s: every NetworkPolicy ingress rule names its sources, and a policy selects the pods in both directions', (_name, w) => {
    expect(w.manifests.some(m => m.kind === 'NetworkPolicy')).toBe(true);
    expect(openIngress(w.manifests)).toEqual([]);
  });

  test('fails on planted regressions: a rule without from, a /0 source, a policy without Ingress', () => {
    const base = example.find(w => w.workload.workloadName === 'llm-chat')!.manifests;
    const planted = (edit: (policy: any) => void) => {
      const copy = JSON.parse(JSON.stringify(base)) as Manifest[];
      edit(copy.find(m => m.kind === 'NetworkPolicy'));
      return openIngress(copy).join('\n');
    };
    expect(planted(p => delete p.spec.ingress[0].from)).toMatch(/ingress\[0\] has no from/);
    expect(planted(p => p.spec.ingress[0].from.push({ ipBlock: { cidr: '0.0.0.0/0' } }))).toMatch(/admits 0\.0\.0\.0\/0/);
    expect(planted(p => { p.spec.policyTypes = ['Egress']; })).toMatch(/does not restrict both directions/);
    expect(planted(p => { p.spec.podSelector.matchLabels = { app: 'other' }; })).toMatch(/no NetworkPolicy selects its pods/);
  });
});

describe('Kubernetes: the Redis cache answers the pod only', () => {
  const withRedis = all.filter(([, w]) => w.manifests.some(m => m.kind === 'Deployment'
    && m.spec.template.spec.containers.some((c: any) => (c.command ?? []).includes('redis-server'))));

  test('the example and the generated apps carry Redis sidecars', () => {
    expect(withRedis.map(([n]) => n)).toEqual(expect.arrayContaining(['example llm-chat', 'example session-recommender']));
    expect(withRedis.length).toBeGreaterThanOrEqual(4);
  });

  test.each(withRedis)('S15: %s: Redis binds loopback only, in protected mode, with a socket only its user opens, on a port no policy admits', (_name, w) => {
    expect(redisExposure(w.manifests)).toEqual([]);
  });

  test('fails on planted regressions: another bind address, protected mode off, a world-open socket, an admitted port', () => {
    const base = example.find(w => w.workload.workloadName === 'llm-chat')!.manifests;
    const planted = (edit: (redis: any, policy: any) => void) => {
      const copy = JSON.parse(JSON.stringify(base)) as Manifest[];
      const redis = copy.find(m => m.kind === 'Deployment')!.spec.template.spec.containers.find((c: any) => c.name === 'kv-cache');
      edit(redis, copy.find(m => m.kind === 'NetworkPolicy'));
      return redisExposure(copy).join('\n');
    };
    expect(planted(r => r.args.splice(r.args.indexOf('127.0.0.1') + 1, 0, '0.0.0.0'))).toMatch(/binds 127\.0\.0\.1 0\.0\.0\.0/);
    expect(planted(r => r.args.splice(r.args.indexOf('--bind'), 2))).toMatch(/no --bind/);
    expect(planted(r => { r.args[r.args.indexOf('--protected-mode') + 1] = 'no'; })).toMatch(/protected mode is no/);
    expect(planted(r => { r.args[r.args.indexOf('--unixsocketperm') + 1] = '777'; })).toMatch(/open to other users/);
    expect(planted((_r, p) => p.spec.ingress[0].ports.push({ port: 6379, protocol: 'TCP' }))).toMatch(/admits its port 6379/);
  });
});

describe('Kubernetes: where the pods may connect after the fetch', () => {
  /** The workloads whose NetworkPolicy admits TCP 443 to some public address. */
  const internet = { ip: '203.0.113.10', port: 443, protocol: 'TCP' as const };
  const policyOf = (w: RenderedWorkload) => w.manifests.find(m => m.kind === 'NetworkPolicy');

  test.each(all)('S16: %s: HTTPS to any address is open exactly when synth warns, naming the workload', (_name, w) => {
    const open = egressAdmits(policyOf(w), internet);
    const warned = new RegExp(`${w.workload.workloadName}: the NetworkPolicy lets every container of the pod, the model server included, open TCP 443`);
    expect(warned.test(w.prerequisites)).toBe(open);
  });

  test('the example\'s open HTTPS egress is llm-chat\'s weight fetch, whose credentials stay in the fetch container', () => {
    const open = example.filter(w => egressAdmits(policyOf(w), internet)).map(w => w.workload.workloadName);
    expect(open).toEqual(['llm-chat']);
    expect(example.find(w => w.workload.workloadName === 'llm-chat')!.prerequisites)
      .toMatch(/llm-chat: .*open TCP 443 connections to 0\.0\.0\.0\/0 .*the AWS credentials reach the fetch containers only/);
  });

  test('with egressCidrs, the pod reaches HTTPS on those blocks only: no route to the internet after the fetch', () => {
    const w = generated.find(([n]) => n.includes('egressCidrs'))![1];
    expect(egressAdmits(policyOf(w), { ip: '52.217.1.1', port: 443, protocol: 'TCP' })).toBe(true);
    expect(egressAdmits(policyOf(w), internet)).toBe(false);
    expect(w.prerequisites).not.toMatch(/open-https-egress|open TCP 443/);
  });

  test('the warning\'s reading of a policy: /0 blocks on TCP 443, a rule without `to` or ports; not UDP, not another port, not a narrow block', () => {
    const rule = (to: any, ports: any) => ({ egress: [{ ...(to ? { to } : {}), ...(ports ? { ports } : {}) }] });
    const any4 = [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }];
    expect(openHttpsEgress(rule(any4, [{ protocol: 'TCP', port: 443 }]))).toEqual(['0.0.0.0/0']);
    expect(openHttpsEgress(rule(undefined, [{ protocol: 'TCP', port: 443 }]))).toEqual(['every address']);
    expect(openHttpsEgress(rule([{ ipBlock: { cidr: '::/0' } }], undefined))).toEqual(['::/0']);
    expect(openHttpsEgress(rule(any4, [{ protocol: 'UDP', port: 443 }]))).toEqual([]);
    expect(openHttpsEgress(rule(any4, [{ protocol: 'TCP', port: 80 }]))).toEqual([]);
    expect(openHttpsEgress(rule([{ ipBlock: { cidr: '52.216.0.0/15' } }], [{ protocol: 'TCP', port: 443 }]))).toEqual([]);
  });

  test('the node role: synth names every container\'s access to it', () => {
    const w = generated.find(([n]) => n.includes('node role'))![1];
    expect(egressAdmits(policyOf(w), { ip: '169.254.169.254', port: 80, protocol: 'TCP' })).toBe(true);
    expect(w.prerequisites).toMatch(/ModelCredentials\.NODE_ROLE admits the instance metadata service .* the model server and sidecars can read the node role too/);
    expect(w.prerequisites).toMatch(/open TCP 443 connections to 0\.0\.0\.0\/0 .*every container can read the node role/);
  });
});

describe('Lambda Managed Instances: the capacity provider\'s egress', () => {
  function managedInstances(securityGroup?: boolean): { stack: Stack; w: InferenceWorkload } {
    const stack = new Stack(new App(), 'Mi', { env: { account: '123456789012', region: 'us-east-1' } });
    const vpc = importedVpc(stack);
    const w = new InferenceWorkload(stack, 'Tagger', {
      image: ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/tagger:1.0.0'),
      profile: MANAGED_INSTANCES_PROFILE,
      policy: PlacementPolicy.fixed(PlacementTarget.LAMBDA_MANAGED_INSTANCES),
      managedInstances: { vpc, ...(securityGroup ? { securityGroups: [new ec2.SecurityGroup(stack, 'Own', { vpc })] } : {}) },
    });
    return { stack, w };
  }

  test('S17: the example\'s capacity providers and a generated one allow outbound TCP 443 only', () => {
    const template = example[0].template;
    const providers = Object.values(template.Resources as Record<string, any>).filter(r => r.Type === 'AWS::Lambda::CapacityProvider');
    expect(providers.length).toBeGreaterThanOrEqual(3);
    expect(capacityProviderEgress(template)).toEqual([]);
    const { stack } = managedInstances();
    const generatedTemplate = Template.fromStack(stack).toJSON();
    expect(capacityProviderEgress(generatedTemplate)).toEqual([]);
  });

  test('a security group the user passes is used as given (no rule added)', () => {
    const { stack, w } = managedInstances(true);
    expect(w.managedInstances!.securityGroups.map(g => g.node.id)).toEqual(['Own']);
    const template = Template.fromStack(stack).toJSON();
    expect(Object.keys(template.Resources).filter(k => k.startsWith('TaggerCapacityProviderSecurityGroup'))).toEqual([]);
  });

  test('fails on planted regressions: all traffic out, another port, a separate all-traffic rule', () => {
    const planted = (edit: (template: any, id: string) => void) => {
      const copy = JSON.parse(JSON.stringify(example[0].template));
      const id = Object.keys(copy.Resources).find(k => k.startsWith('ImageTaggerCapacityProviderSecurityGroup'))!;
      edit(copy, id);
      return capacityProviderEgress(copy).join('\n');
    };
    expect(planted((t, id) => { t.Resources[id].Properties.SecurityGroupEgress = [{ CidrIp: '0.0.0.0/0', IpProtocol: '-1' }]; })).toMatch(/egress -1/);
    expect(planted((t, id) => { t.Resources[id].Properties.SecurityGroupEgress[0].ToPort = 8443; })).toMatch(/egress tcp 443-8443/);
    expect(planted((t, id) => { t.Resources[id].Properties.SecurityGroupEgress = undefined; })).toMatch(/no egress rule/);
    expect(planted((t, id) => {
      t.Resources.Extra = { Type: 'AWS::EC2::SecurityGroupEgress', Properties: { GroupId: { 'Fn::GetAtt': [id, 'GroupId'] }, IpProtocol: '-1', CidrIp: '0.0.0.0/0' } };
    })).toMatch(/egress -1/);
  });
});
