import { KubectlV28Layer } from '@aws-cdk/lambda-layer-kubectl-v28';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import { Testing } from 'cdk8s';
import {
  InferenceWorkload, LambdaEntryPoint, ModelImage, PlacementPolicy, PlacementTarget, RuleVerdict, WorkloadProfile,
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

    const port = workload.hybrid!.dataPlane.port;
    const internal = manifests.find(m => m.kind === 'Service' && m.metadata.name === 'embeddings-internal');
    expect(internal.spec.type).toBe('ClusterIP');
    expect(internal.spec.ports).toEqual([expect.objectContaining({ port, targetPort: port })]);
    const deployment = manifests.find(m => m.kind === 'Deployment');
    expect(internal.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    // nothing in the cluster creates a load balancer or a DNS record of its own
    expect(manifests.filter(m => m.spec?.type === 'LoadBalancer')).toEqual([]);
    expect(JSON.stringify(manifests)).not.toContain('external-dns');

    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Code: { S3Bucket: Match.anyValue(), S3Key: Match.stringLikeRegexp('\\.zip$') },
      Environment: { Variables: Match.objectLike({ DATA_PLANE_URL: { 'Fn::Join': ['', ['http://', { 'Fn::GetAtt': [Match.stringLikeRegexp('EmbeddingsDataPlaneLoadBalancer'), 'DNSName'] }, `:${port}`]] } }) },
      VpcConfig: { SubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'], SecurityGroupIds: Match.anyValue() },
    });
  });

  test('the library owns the route: an internal NLB with a security group, IP targets, and a TargetGroupBinding by name for a GitOps tool', () => {
    const { workload, template, manifests } = hybridWorkload();
    const port = workload.hybrid!.dataPlane.port;
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'network',
      Scheme: 'internal',
      SecurityGroups: [Match.anyValue()],
      Subnets: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
    });
    const groups = template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup');
    const [tg] = Object.values(groups) as any[];
    expect(tg.Properties).toMatchObject({ TargetType: 'ip', Port: port, Protocol: 'TCP', HealthCheckPath: '/health', VpcId: 'vpc-0123456789abcdef0' });
    expect(tg.Properties.Name).toMatch(/^embeddings-[0-9a-f]{8}$/);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: port, Protocol: 'TCP' });
    const tgb = manifests.find(m => m.kind === 'TargetGroupBinding');
    expect(tgb).toMatchObject({
      apiVersion: 'elbv2.k8s.aws/v1beta1',
      metadata: { name: 'embeddings-internal' },
      spec: { serviceRef: { name: 'embeddings-internal', port }, targetType: 'ip', targetGroupName: tg.Properties.Name },
    });
    expect(tgb.metadata.annotations['inference-workload/prerequisites']).toContain('AWS Load Balancer Controller');
  });

  test('on an EKS cluster the binding carries the target group ARN and opens the pods to the NLB only, resolved at deploy', () => {
    const stack = strictStack();
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
      clusterName: 'inference',
      kubectlRoleArn: 'arn:aws:iam::123456789012:role/inference-kubectl',
      kubectlLayer: new KubectlV28Layer(stack, 'KubectlLayer'),
    });
    const workload = new InferenceWorkload(stack, 'Embeddings', { image: IMAGE, profile: HYBRID_PROFILE, hybrid: { vpc: importedVpc(stack) }, kubernetes: { cluster } });
    const template = Template.fromStack(stack);
    const port = workload.hybrid!.dataPlane.port;
    const [tg] = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup')) as any[];
    expect(tg.Properties.Name).toBeUndefined();
    const [manifest] = Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')) as any[];
    const text = JSON.stringify(manifest.Properties.Manifest);
    expect(text).toContain('TargetGroupBinding');
    expect(text).toMatch(/targetGroupARN\\":\\"",\{"Ref":"EmbeddingsDataPlaneTargetGroup/);
    expect(text).toMatch(/groupID\\":\\"",\{"Fn::GetAtt":\["EmbeddingsDataPlaneLoadBalancerSecurityGroup[0-9A-F]+","GroupId"\]\}/);
    expect(text).toContain(`\\"ports\\":[{\\"port\\":${port},\\"protocol\\":\\"TCP\\"}]}]},\\"serviceRef`);
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

  test('least access: only the control plane reaches the NLB, only the NLB\'s subnets reach the pods, the overflow invoke stays in the VPC', () => {
    const { workload, template, manifests } = hybridWorkload();
    const port = workload.hybrid!.dataPlane.port;
    const stack = Stack.of(workload);
    const sg = (c: { securityGroupId: string }) => stack.resolve(c.securityGroupId);
    const h = workload.hybrid!;
    const groups = Object.values(template.findResources('AWS::EC2::SecurityGroup')) as any[];
    const egress = groups.flatMap(g => g.Properties.SecurityGroupEgress ?? []);
    expect(egress).not.toContainEqual(expect.objectContaining({ CidrIp: '0.0.0.0/0' }));
    expect(egress).not.toContainEqual(expect.objectContaining({ IpProtocol: '-1' }));
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: sg(h.securityGroup), DestinationSecurityGroupId: sg(h.loadBalancerSecurityGroup), FromPort: port, ToPort: port,
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: sg(h.securityGroup), FromPort: 443, ToPort: 443, DestinationSecurityGroupId: Match.anyValue(),
    });
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map((r: any) => r.Properties);
    expect(ingress.filter(i => JSON.stringify(i.GroupId) === JSON.stringify(sg(h.loadBalancerSecurityGroup))))
      .toEqual([expect.objectContaining({ SourceSecurityGroupId: sg(h.securityGroup), FromPort: port })]);
    expect(groups.flatMap(g => g.Properties.SecurityGroupIngress ?? [])).toEqual([]);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: 'com.amazonaws.us-east-1.lambda', VpcEndpointType: 'Interface', PrivateDnsEnabled: false,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ LAMBDA_ENDPOINT_URL: Match.objectLike({ 'Fn::Join': Match.anyValue() }) }) },
    });
    // the fixture's VPC is imported without subnet CIDRs: the whole VPC is admitted, and synth says so
    const policy = manifests.find(m => m.kind === 'NetworkPolicy');
    // ...and the metrics scraper (namespace `monitoring`) on the server's metrics port, nothing else
    expect(policy.spec.ingress).toEqual([
      { from: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ protocol: 'TCP', port }] },
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ protocol: 'TCP', port }] },
    ]);
    Annotations.fromStack(Stack.of(workload)).hasWarning('*', Match.stringLikeRegexp('The data plane admits the whole VPC \\(10.20.0.0/16\\)'));
  });

  test('with the subnets\' CIDR blocks known, only the load balancer\'s subnets reach the pods', () => {
    const stack = strictStack();
    const vpc = importedVpc(stack, '10.20.0.0/16', 'ClusterVpc', ['10.20.32.0/19', '10.20.0.0/19']);
    const workload = new InferenceWorkload(stack, 'Embeddings', { image: IMAGE, profile: HYBRID_PROFILE, hybrid: { vpc } });
    const policy = workload.chart!.toJson().find((m: any) => m.kind === 'NetworkPolicy');
    expect(policy.spec.ingress[0].from).toEqual([{ ipBlock: { cidr: '10.20.0.0/19' } }, { ipBlock: { cidr: '10.20.32.0/19' } }]);
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('admits the whole VPC'));
  });

  test('the overflow function serves the tail: invoked by the control plane only, no URL, no provisioned concurrency', () => {
    const { workload, template } = hybridWorkload();
    const overflow = workload.hybrid!.overflow!;
    expect(overflow).toBeDefined();
    expect(overflow.functionUrl).toBeUndefined();
    const stack = Stack.of(workload);
    const overflowAliasArn = stack.resolve(overflow.alias.functionArn);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ OVERFLOW_FUNCTION: overflowAliasArn }) },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'lambda:InvokeFunction', Resource: overflowAliasArn })]) },
      Roles: [{ Ref: Match.stringLikeRegexp('EmbeddingsControlPlaneExecutionRole') }],
    });
    const urls = Object.values(template.findResources('AWS::Lambda::Url')) as any[];
    expect(urls).toHaveLength(1);
    expect(JSON.stringify(urls[0].Properties.TargetFunctionArn)).toContain('EmbeddingsControlPlane');
    const aliases = Object.values(template.findResources('AWS::Lambda::Alias')) as any[];
    const overflowAlias = aliases.find(a => JSON.stringify(a.Properties.FunctionName).includes('EmbeddingsOverflowFunction'));
    expect(overflowAlias.Properties.ProvisionedConcurrencyConfig).toBeUndefined();
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: workload.decision.hybrid!.overflowMemoryMiB,
      PackageType: 'Image',
    });
  });

  test('streams through an IAM-authenticated function URL by default; a buffered entry point gets a buffered router', () => {
    const { template } = hybridWorkload();
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM', InvokeMode: 'RESPONSE_STREAM' });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ RESPONSE_STREAMING: 'true' }) } });
    const buffered = hybridWorkload(HYBRID_PROFILE, { lambda: { entryPoint: LambdaEntryPoint.functionUrl() } });
    buffered.template.hasResourceProperties('AWS::Lambda::Url', { InvokeMode: 'BUFFERED' });
    buffered.template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ RESPONSE_STREAMING: 'false' }) } });
  });

  test('the time budget: the control plane waits for the data-plane deadline plus an overflow cold start and run', () => {
    const { workload, template } = hybridWorkload();
    const d = workload.decision;
    const b = workload.hybrid!.timeBudget;
    // the decision carries the budget; the control plane's timeout is the budget's
    expect(b).toEqual(d.hybrid!.timeBudget);
    expect(d.lambda!.timeoutSeconds).toBe(b.controlPlaneTimeoutSeconds);
    expect(b.dataPlaneDeadlineMs).toBe(Math.max(3000, Math.ceil(HYBRID_PROFILE.requestDurationP99Ms! * 3 / 1000) * 1000));
    expect(b.overflowTimeoutMs).toBe(10_000 + d.hybrid!.overflowTimeoutSeconds! * 1000);
    expect(b.controlPlaneTimeoutSeconds * 1000).toBeGreaterThanOrEqual(b.dataPlaneDeadlineMs + b.overflowTimeoutMs + b.marginMs);
    // HYBRID_PROFILE: p99 400 ms -> 3 s data-plane deadline; overflow 6 s (3 x 400 ms x 5) + 10 s cold start; 1 s margin
    expect(b).toMatchObject({
      connectTimeoutMs: 1000, responseTimeoutMs: 2000, dataPlaneDeadlineMs: 3000, overflowTimeoutMs: 16_000, controlPlaneTimeoutSeconds: 20,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 20,
      Environment: { Variables: Match.objectLike({ CONNECT_TIMEOUT_MS: '1000', RESPONSE_TIMEOUT_MS: '2000', DATA_PLANE_DEADLINE_MS: '3000', OVERFLOW_TIMEOUT_MS: '16000', MARGIN_MS: '1000' }) },
    });
    const noFallback = hybridWorkload({ ...HYBRID_PROFILE, cpuFallbackCapable: false }, { policy: PlacementPolicy.fixed(PlacementTarget.HYBRID) });
    expect(noFallback.workload.hybrid!.timeBudget.controlPlaneTimeoutSeconds).toBe(4);
  });

  test('alarms cover the router\'s metrics: data-plane errors and latency, overflow errors', () => {
    const { workload, template } = hybridWorkload();
    for (const metricName of ['DataPlaneErrors', 'DataPlaneLatency', 'OverflowErrors']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'InferenceWorkload/Hybrid', MetricName: metricName, Dimensions: [{ Name: 'WorkloadName', Value: 'embeddings' }],
      });
    }
    expect(workload.hybrid!.alarms.overflowErrors).toBeDefined();
  });

  test('states the cluster prerequisites in one synth warning', () => {
    const { stack } = hybridWorkload();
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('inference-workload:hybrid-prerequisites'));
    expect(warnings).toHaveLength(1);
    const text = JSON.stringify(warnings[0].entry.data);
    for (const needed of ['AWS Load Balancer Controller', 'DataPlaneLoadBalancerSecurityGroupId', 'enableNetworkPolicy']) {
      expect(text).toContain(needed);
    }
  });

  test('without CPU fallback there is no overflow function, no Lambda endpoint and no HTTPS egress', () => {
    const { template } = hybridWorkload(HYBRID_PROFILE, { policy: PlacementPolicy.fixed(PlacementTarget.HYBRID) });
    const noFallback = hybridWorkload({ ...HYBRID_PROFILE, cpuFallbackCapable: false }, { policy: PlacementPolicy.fixed(PlacementTarget.HYBRID) });
    expect(noFallback.workload.hybrid!.overflow).toBeUndefined();
    expect(Object.keys(noFallback.template.findResources('AWS::Lambda::Function'))).toHaveLength(1);
    noFallback.template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    const egress = Object.values(noFallback.template.findResources('AWS::EC2::SecurityGroupEgress')) as any[];
    expect(egress.map(e => e.Properties.FromPort)).not.toContain(443);
    expect(Object.keys(template.findResources('AWS::Lambda::Function'))).toHaveLength(2);
  });

  test('both halves validate: manifests against the Kubernetes 1.28 schema and the restricted Pod Security Standard', () => {
    const { manifests } = hybridWorkload();
    // the TargetGroupBinding (a CRD) is checked against the controller's published spec by the helper
    expectValidAndRestricted(manifests);
  });

  test('uses a given hostname and CIDR', () => {
    const { manifests, template } = hybridWorkload(HYBRID_PROFILE, {
      hybrid: { vpc: importedVpc(strictStack()), dataPlaneHostname: 'embed.ml.internal', allowedCidr: '10.20.8.0/21' },
    });
    const policy = manifests.find(m => m.kind === 'NetworkPolicy');
    expect(policy.spec.ingress[0].from).toEqual([{ ipBlock: { cidr: '10.20.8.0/21' } }]);
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

  test('fails, naming hybrid.vpcSubnets, when the VPC has no private subnets with egress and no selection is given', () => {
    const stack = strictStack();
    const vpc = new ec2.Vpc(stack, 'NewVpc', { maxAzs: 2, natGateways: 0 });
    expect(() => new InferenceWorkload(stack, 'Embeddings', { image: IMAGE, profile: HYBRID_PROFILE, hybrid: { vpc } }))
      .toThrow(/^'hybrid.vpcSubnets' must select private subnets of 'hybrid.vpc' for the data plane's load balancer, got none/);
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
      .toThrow("'profile.cpuFallbackSlowdown' must be between 1 and 1,000, got 0.5");
  });
});
