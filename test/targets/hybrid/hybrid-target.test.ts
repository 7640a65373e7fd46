import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Testing } from 'cdk8s';
import {
  InferenceWorkload, ModelImage, PlacementPolicy, PlacementTarget, RuleVerdict, WorkloadProfile,
} from '../../../lib';
import { HYBRID_PROFILE, importedVpc } from '../../helpers/fixtures';
import { expectValidAndRestricted } from '../../helpers/kubernetes';

const IMAGE = ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/embeddings:3.1.0');


function strictStack(): Stack {
  return new Stack(new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': true } }), 'Hybrid', {
    env: { account: '123456789012', region: 'us-east-1' },
  });
}


function hybridWorkload(profile: WorkloadProfile = HYBRID_PROFILE, extra: Partial<ConstructorParameters<typeof InferenceWorkload>[2]> = {}) {
  const stack = strictStack();
  const workload = new InferenceWorkload(stack, 'Embeddings', {
    image: IMAGE,
    profile,
    hybrid: { vpc: importedVpc(stack) },
    ...extra,
  });
  return { stack, workload, template: Template.fromStack(stack), manifests: Testing.synth(workload.chart!) };
}

describe('hybrid decision', () => {
  test('the default policy places a CPU-capable GPU model in the middle band without a Kubernetes team as hybrid, because it is cheaper', () => {
    const d = PlacementPolicy.default().decide(HYBRID_PROFILE);
    expect(d.target).toBe(PlacementTarget.HYBRID);
    const band = d.rules.find(r => r.ruleId === 'band.hybrid')!;
    expect(band.verdict).toBe(RuleVerdict.FIRED);
    const hybrid = d.costs.find(c => c.option === 'hybrid')!;
    const kubernetes = d.costs.find(c => c.option === 'kubernetes')!;
    expect(hybrid.monthlyUsd).toBeLessThan(kubernetes.monthlyUsd);
    expect(d.explain()).toContain('hybrid');
  });

  test('is rejected when the team runs Kubernetes', () => {
    expect(PlacementPolicy.default().decide({ ...HYBRID_PROFILE, teamRunsKubernetes: true }).target).toBe(PlacementTarget.KUBERNETES);
  });

  test('is rejected outside the 20-60% band', () => {
    const d = PlacementPolicy.default().decide({ ...HYBRID_PROFILE, averageRequestsPerSecond: 2 });
    expect(d.target).not.toBe(PlacementTarget.HYBRID);
    expect(d.rules.find(r => r.ruleId === 'band.hybrid')!.verdict).not.toBe(RuleVerdict.FIRED);
  });

  test('is rejected when a hard constraint excludes it (request longer than the entry function can wait)', () => {
    const d = PlacementPolicy.default().decide({ ...HYBRID_PROFILE, requestDurationP50Ms: 1_000_000, requestDurationP99Ms: 1_000_000 });
    expect(d.target).toBe(PlacementTarget.KUBERNETES);
    expect(d.costs.find(c => c.option === 'hybrid')!.feasible).toBe(false);
  });
});

describe('hybrid rendering', () => {
  test('renders both halves from one workload, with matching names and ports', () => {
    const { workload, template, manifests } = hybridWorkload();
    expect(workload.decision.target).toBe(PlacementTarget.HYBRID);
    expect(workload.hybrid).toBeDefined();
    expect(workload.function).toBe(workload.hybrid!.controlPlane.function);
    expect(workload.deployment).toBe(workload.hybrid!.dataPlane.deployment);

    const lb = manifests.find(m => m.kind === 'Service' && m.spec.type === 'LoadBalancer');
    expect(lb.metadata.name).toBe('embeddings-internal');
    expect(lb.metadata.annotations).toMatchObject({
      'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
      'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
      'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
      'external-dns.alpha.kubernetes.io/hostname': 'embeddings.default.inference.internal',
    });
    const port = workload.hybrid!.dataPlane.port;
    expect(lb.spec.ports).toEqual([expect.objectContaining({ port, targetPort: port })]);
    expect(lb.spec.loadBalancerSourceRanges).toEqual(['10.20.0.0/16']);
    const deployment = manifests.find(m => m.kind === 'Deployment');
    expect(lb.spec.selector).toEqual(deployment.spec.selector.matchLabels);

    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Environment: { Variables: Match.objectLike({ DATA_PLANE_URL: `http://embeddings.default.inference.internal:${port}` }) },
      VpcConfig: { SubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'], SecurityGroupIds: Match.anyValue() },
    });
  });

  test('the data plane floor is the decision\'s and never zero', () => {
    const { workload, manifests } = hybridWorkload();
    const hpa = manifests.find(m => m.kind === 'HorizontalPodAutoscaler');
    expect(hpa.spec.minReplicas).toBe(workload.decision.hybrid!.dataPlaneFloorReplicas);
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(1);
    expect(manifests.find(m => m.kind === 'Deployment').spec.replicas).toBeUndefined();
  });

  test('the control plane has small provisioned concurrency on its live alias', () => {
    const { workload, template } = hybridWorkload();
    template.hasResourceProperties('AWS::Lambda::Alias', {
      Name: 'live',
      FunctionName: { Ref: Match.stringLikeRegexp('EmbeddingsControlPlaneFunction') },
      ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: workload.decision.hybrid!.controlPlaneProvisionedConcurrency },
    });
  });

  test('declares the network path: the control plane may only reach the data plane port (and HTTPS to invoke the overflow)', () => {
    const { workload, template } = hybridWorkload();
    const port = workload.hybrid!.dataPlane.port;
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      VpcId: 'vpc-0123456789abcdef0',
      SecurityGroupEgress: Match.arrayWith([
        Match.objectLike({ CidrIp: '10.20.0.0/16', FromPort: port, ToPort: port, IpProtocol: 'tcp' }),
        Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' }),
      ]),
    });
    const groups = template.findResources('AWS::EC2::SecurityGroup');
    const egress = Object.values(groups).flatMap((g: any) => g.Properties.SecurityGroupEgress ?? []);
    expect(egress).not.toContainEqual(expect.objectContaining({ IpProtocol: '-1' }));
  });

  test('the overflow function serves the tail: invoked by the control plane, no provisioned concurrency, address in configuration', () => {
    const { workload, template } = hybridWorkload();
    const overflow = workload.hybrid!.overflow!;
    expect(overflow).toBeDefined();
    const stack = Stack.of(workload);
    const overflowAliasArn = stack.resolve(overflow.alias.functionArn);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ OVERFLOW_FUNCTION: overflowAliasArn }) },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'lambda:InvokeFunction', Resource: overflowAliasArn })]) },
      Roles: [{ Ref: Match.stringLikeRegexp('EmbeddingsControlPlaneExecutionRole') }],
    });
    const aliases = Object.values(template.findResources('AWS::Lambda::Alias')) as any[];
    const overflowAlias = aliases.find(a => JSON.stringify(a.Properties.FunctionName).includes('EmbeddingsOverflowFunction'));
    expect(overflowAlias.Properties.ProvisionedConcurrencyConfig).toBeUndefined();
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: workload.decision.hybrid!.overflowMemoryMiB,
      PackageType: 'Image',
    });
  });

  test('without CPU fallback there is no overflow function and no HTTPS egress', () => {
    const { template } = hybridWorkload(HYBRID_PROFILE, { policy: PlacementPolicy.fixed(PlacementTarget.HYBRID) });
    const noFallback = hybridWorkload({ ...HYBRID_PROFILE, cpuFallbackCapable: false }, { policy: PlacementPolicy.fixed(PlacementTarget.HYBRID) });
    expect(noFallback.workload.hybrid!.overflow).toBeUndefined();
    expect(Object.keys(noFallback.template.findResources('AWS::Lambda::Function'))).toHaveLength(1);
    noFallback.template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: [Match.objectLike({ FromPort: noFallback.workload.hybrid!.dataPlane.port })],
    });
    expect(Object.keys(template.findResources('AWS::Lambda::Function'))).toHaveLength(2);
  });

  test('both halves validate: manifests against the Kubernetes 1.28 schema and the restricted Pod Security Standard', () => {
    const { manifests } = hybridWorkload();
    expectValidAndRestricted(manifests);
  });

  test('uses a given hostname and CIDR', () => {
    const { manifests, template } = hybridWorkload(HYBRID_PROFILE, {
      hybrid: { vpc: importedVpc(strictStack()), dataPlaneHostname: 'embed.ml.internal', allowedCidr: '10.20.8.0/21' },
    });
    const lb = manifests.find(m => m.spec?.type === 'LoadBalancer');
    expect(lb.metadata.annotations['external-dns.alpha.kubernetes.io/hostname']).toBe('embed.ml.internal');
    expect(lb.spec.loadBalancerSourceRanges).toEqual(['10.20.8.0/21']);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DATA_PLANE_URL: Match.stringLikeRegexp('^http://embed\\.ml\\.internal:') }) },
    });
  });
});

describe('hybrid validation', () => {
  test('fails without a VPC, naming hybrid.vpc and the rules that chose hybrid', () => {
    expect(() => new InferenceWorkload(strictStack(), 'Embeddings', { image: IMAGE, profile: HYBRID_PROFILE }))
      .toThrow(/'hybrid\.vpc' is required when the workload is placed as hybrid \(by default: .*band\.hybrid.*\), got undefined/);
  });

  test('fails on a CIDR that is not one', () => {
    const stack = strictStack();
    expect(() => new InferenceWorkload(stack, 'Embeddings', { image: IMAGE, profile: HYBRID_PROFILE, hybrid: { vpc: importedVpc(stack), allowedCidr: '10.0.0.0/33' } }))
      .toThrow("'hybrid.allowedCidr' must be an IPv4 CIDR block such as \"10.0.0.0/16\", got \"10.0.0.0/33\"");
  });

  test('fails on a hostname that is not a DNS name', () => {
    const stack = strictStack();
    expect(() => new InferenceWorkload(stack, 'Embeddings', { image: IMAGE, profile: HYBRID_PROFILE, hybrid: { vpc: importedVpc(stack), dataPlaneHostname: 'Not A Host' } }))
      .toThrow("'hybrid.dataPlaneHostname' must be a DNS-1123 subdomain");
  });

  test('fails when the VPC CIDR is a token and no allowedCidr is given', () => {
    const stack = strictStack();
    const vpc = new ec2.Vpc(stack, 'NewVpc', { maxAzs: 2, natGateways: 0 });
    expect(() => new InferenceWorkload(stack, 'Embeddings', { image: IMAGE, profile: HYBRID_PROFILE, hybrid: { vpc } }))
      .toThrow("'hybrid.allowedCidr' is required when the VPC's CIDR block is not known at synth time");
  });

  test('fails when lambda.vpc is given for a hybrid placement', () => {
    const stack = strictStack();
    const vpc = importedVpc(stack);
    expect(() => new InferenceWorkload(stack, 'Embeddings', { image: IMAGE, profile: HYBRID_PROFILE, hybrid: { vpc }, lambda: { vpc } }))
      .toThrow("Cannot configure 'lambda.vpc', 'lambda.vpcSubnets' or 'lambda.securityGroups' for a hybrid placement");
  });

  test('fails when hybrid is forced on a request longer than the entry function can wait (forced hybrid still checks hard constraints)', () => {
    const long = { ...HYBRID_PROFILE, requestDurationP50Ms: 1_000_000, requestDurationP99Ms: 1_000_000 };
    expect(() => PlacementPolicy.fixed(PlacementTarget.HYBRID).decide(long))
      .toThrow(/constraint\.duration/);
  });
});

describe('the CPU overflow is priced and sized for CPU', () => {
  test('a GPU model is assumed 5x slower on CPU: the overflow timeout and its duration cost follow the slowdown', () => {
    const policy = PlacementPolicy.fixed(PlacementTarget.HYBRID);
    const assumed = policy.decide(HYBRID_PROFILE);
    const measured = policy.decide({ ...HYBRID_PROFILE, cpuFallbackSlowdown: 20 });
    expect(assumed.hybrid!.overflowTimeoutSeconds).toBe(Math.ceil(400 * 5 * 3 / 1000));
    expect(measured.hybrid!.overflowTimeoutSeconds).toBe(Math.ceil(400 * 20 * 3 / 1000));
    const line = (d: typeof assumed) => d.costs.find(c => c.option === 'hybrid')!.lineItems.find(i => i.label.startsWith('overflow: duration'))!;
    expect(line(assumed).basis).toContain('x 5 (CPU slowdown)');
    expect(line(measured).basis).toContain('x 20 (CPU slowdown)');
  });

  test('no overflow when the model on CPU would outlive Lambda\'s 900 s timeout', () => {
    const long = { ...HYBRID_PROFILE, requestDurationP50Ms: 100_000, requestDurationP99Ms: 200_000 };
    const slow = PlacementPolicy.fixed(PlacementTarget.HYBRID).decide({ ...long, cpuFallbackSlowdown: 4.6 });
    expect(slow.hybrid!.overflowToLambda).toBe(false);
    const justFits = PlacementPolicy.fixed(PlacementTarget.HYBRID).decide({ ...long, cpuFallbackSlowdown: 4.5 });
    expect(justFits.hybrid!.overflowToLambda).toBe(true);
  });

  test('fails on a slowdown below 1', () => {
    expect(() => PlacementPolicy.default().decide({ ...HYBRID_PROFILE, cpuFallbackSlowdown: 0.5 }))
      .toThrow("'profile.cpuFallbackSlowdown' must be between 1 and 1000, got 0.5");
  });
});
