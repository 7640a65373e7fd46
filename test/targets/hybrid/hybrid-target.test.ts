import { KubectlV28Layer } from '@aws-cdk/lambda-layer-kubectl-v28';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import { Testing } from 'cdk8s';
import {
  ClusterFlavor, InferenceWorkload, LambdaCode, LambdaEntryPoint, LoadBalancerIntegration, ModelImage, PlacementDecision, PlacementPolicy,
  PlacementTarget, RuleVerdict, WorkloadProfile,
} from '../../../lib';
import { MIN_CONTROLLER_VERSION, TARGET_GROUP_ARN_PLACEHOLDER } from '../../../lib/targets/hybrid/binding';
import { DEREGISTRATION_DELAY_SECONDS } from '../../../lib/targets/kubernetes/drain';
import { HYBRID_PROFILE, importedVpc } from '../../helpers/fixtures';
import { expectValidAndRestricted, schemaErrors } from '../../helpers/kubernetes';

const IMAGE = ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/embeddings:3.1.0');
/** The fixture's overflow: the workload's image embeds the AWS Lambda Web Adapter. */
const WEB_ADAPTER = { port: 8080 };


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
    hybrid: { vpc: importedVpc(stack), overflowWebAdapter: WEB_ADAPTER },
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

  test('the library owns the route: an internal NLB with a security group, an unnamed IP target group checked like the pod\'s readiness, and a binding by ARN a pipeline fills in', () => {
    const { workload, template, manifests, stack } = hybridWorkload();
    const port = workload.hybrid!.dataPlane.port;
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'network',
      Scheme: 'internal',
      SecurityGroups: [Match.anyValue()],
      Subnets: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
    });
    const groups = template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup');
    const [tg] = Object.values(groups) as any[];
    // no custom name: CloudFormation can replace the group
    expect(tg.Properties.Name).toBeUndefined();
    // the health check is the model server's readiness probe (10 s period, 5 s timeout, 3 failures)
    const readiness = manifests.find(m => m.kind === 'Deployment').spec.template.spec.containers.find((c: any) => c.name === 'model-server').readinessProbe;
    expect(tg.Properties).toMatchObject({
      TargetType: 'ip',
      Port: port,
      Protocol: 'TCP',
      VpcId: 'vpc-0123456789abcdef0',
      HealthCheckProtocol: 'HTTP',
      HealthCheckPath: readiness.httpGet.path,
      HealthCheckIntervalSeconds: readiness.periodSeconds,
      HealthCheckTimeoutSeconds: readiness.timeoutSeconds,
      UnhealthyThresholdCount: readiness.failureThreshold,
      HealthyThresholdCount: 2,
    });
    expect(tg.Properties.TargetGroupAttributes).toEqual(expect.arrayContaining([
      { Key: 'deregistration_delay.timeout_seconds', Value: String(DEREGISTRATION_DELAY_SECONDS) },
      { Key: 'deregistration_delay.connection_termination.enabled', Value: 'true' },
    ]));
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: port, Protocol: 'TCP' });
    const tgb = manifests.find(m => m.kind === 'TargetGroupBinding');
    expect(tgb).toMatchObject({
      apiVersion: 'elbv2.k8s.aws/v1beta1',
      metadata: { name: 'embeddings-internal' },
      spec: { serviceRef: { name: 'embeddings-internal', port }, targetType: 'ip', targetGroupARN: TARGET_GROUP_ARN_PLACEHOLDER },
    });
    expect(tgb.spec.targetGroupName).toBeUndefined();
    // the patch a pipeline applies: the real ARN and the pods opened to the NLB, for kustomize
    const [patch] = Object.entries(template.findOutputs('*')).filter(([id]) => id.includes('DataPlaneTargetGroupBindingPatch')).map(([, o]) => o as any);
    const [first, arn, between, groupId] = stack.resolve(patch.Value)['Fn::Join'][1];
    expect(first).toBe('{"apiVersion":"elbv2.k8s.aws/v1beta1","kind":"TargetGroupBinding","metadata":{"name":"embeddings-internal","namespace":"default"},'
      + '"spec":{"targetGroupARN":"');
    expect(arn).toEqual(stack.resolve(workload.hybrid!.targetGroup.targetGroupArn));
    expect(between).toBe('","networking":{"ingress":[{"from":[{"securityGroup":{"groupID":"');
    expect(groupId).toEqual(stack.resolve(workload.hybrid!.loadBalancerSecurityGroup.securityGroupId));
    expect(tgb.metadata.annotations['inference-workload/prerequisites']).toContain(`AWS Load Balancer Controller v${MIN_CONTROLLER_VERSION.join('.')} or later (kubernetes.flavor declares v2.11.0)`);
  });

  test.each([
    ['the open-source controller', LoadBalancerIntegration.awsLoadBalancerController('2.2.4'), 'elbv2.k8s.aws/v1beta1', true],
    ['EKS Auto Mode', LoadBalancerIntegration.eksAutoMode(), 'eks.amazonaws.com/v1', false],
  ])('on an EKS cluster with %s: the binding\'s API and fields are the integration\'s, and the ARN resolves at deploy', (_name, loadBalancer, apiVersion, networking) => {
    const stack = strictStack();
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
      clusterName: 'inference',
      kubectlRoleArn: 'arn:aws:iam::123456789012:role/inference-kubectl',
      kubectlLayer: new KubectlV28Layer(stack, 'KubectlLayer'),
    });
    const workload = new InferenceWorkload(stack, 'Embeddings', {
      image: IMAGE,
      profile: HYBRID_PROFILE,
      hybrid: { vpc: importedVpc(stack), overflowWebAdapter: WEB_ADAPTER },
      kubernetes: { cluster, flavor: ClusterFlavor.karpenter({ loadBalancer }) },
    });
    const template = Template.fromStack(stack);
    const tgb = workload.hybrid!.targetGroupBinding.toJson();
    expect(tgb.apiVersion).toBe(apiVersion);
    expect(tgb.spec.targetType).toBe('ip');
    expect(stack.resolve(tgb.spec.targetGroupARN)).toEqual(stack.resolve(workload.hybrid!.targetGroup.targetGroupArn));
    expect(JSON.stringify(stack.resolve(tgb.spec.targetGroupARN))).toContain('EmbeddingsDataPlaneTargetGroup');
    expect(tgb.spec.networking !== undefined).toBe(networking);
    expect(schemaErrors(tgb)).toEqual([]);
    const [tg] = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup')) as any[];
    // Auto Mode's load balancing acts only on target groups tagged with the cluster's name
    const tag = (tg.Properties.Tags ?? []).find((t: any) => t.Key === 'eks:eks-cluster-name');
    expect(tag?.Value).toBe(networking ? undefined : 'inference');
    // nothing left for a pipeline to fill in
    expect(Object.keys(template.findOutputs('*')).filter(id => id.includes('Patch'))).toEqual([]);
  });

  test('the schema check fails on a binding an older controller or Auto Mode rejects', () => {
    const base = { kind: 'TargetGroupBinding', metadata: { name: 'x' }, spec: { serviceRef: { name: 's', port: 80 }, targetType: 'ip', targetGroupARN: 'arn' } };
    expect(schemaErrors({ ...base, apiVersion: 'elbv2.k8s.aws/v1beta1' })).toEqual([]);
    expect(schemaErrors({ ...base, apiVersion: 'elbv2.k8s.aws/v1beta1', spec: { serviceRef: base.spec.serviceRef, targetGroupName: 'tg' } }).join())
      .toMatch(/unknown field spec.targetGroupName.*needs targetGroupARN/);
    expect(schemaErrors({ ...base, apiVersion: 'eks.amazonaws.com/v1', spec: { ...base.spec, targetType: undefined } }).join()).toMatch(/targetType is required/);
    expect(schemaErrors({
      ...base,
      apiVersion: 'eks.amazonaws.com/v1',
      spec: { ...base.spec, networking: { ingress: [{ from: [{ securityGroup: { groupID: 'sg-1' } }], ports: [{ port: 80 }] }] } },
    }).join()).toMatch(/ingress.from is not supported/);
  });

  test.each([
    ['a controller older than the binding\'s fields', LoadBalancerIntegration.awsLoadBalancerController('2.1.3'),
      `'kubernetes.flavor.loadBalancer' must be the AWS Load Balancer Controller v${MIN_CONTROLLER_VERSION.join('.')} or later for a hybrid placement`],
    ['no load-balancer integration', LoadBalancerIntegration.none(), 'got LoadBalancerIntegration.none()'],
  ])('fails with %s', (_name, loadBalancer, message) => {
    expect(() => hybridWorkload(HYBRID_PROFILE, { kubernetes: { flavor: ClusterFlavor.karpenter({ loadBalancer }) } })).toThrow(message);
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
    const workload = new InferenceWorkload(stack, 'Embeddings', { image: IMAGE, profile: HYBRID_PROFILE, hybrid: { vpc, overflowWebAdapter: WEB_ADAPTER } });
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
    // nothing but the REST API reaches a function from outside
    template.resourceCountIs('AWS::Lambda::Url', 0);
    const aliases = Object.values(template.findResources('AWS::Lambda::Alias')) as any[];
    const overflowAlias = aliases.find(a => JSON.stringify(a.Properties.FunctionName).includes('EmbeddingsOverflowFunction'));
    expect(overflowAlias.Properties.ProvisionedConcurrencyConfig).toBeUndefined();
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: workload.decision.hybrid!.overflowMemoryMiB,
      PackageType: 'Image',
    });
  });

  test('streams through an IAM-authenticated REST API by default: a Lambda proxy integration in STREAM mode, documented for VPC-attached functions', () => {
    const { workload, template } = hybridWorkload();
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode-lambda.html:
    // AWS_PROXY, responseTransferMode STREAM, the response-streaming-invocations URI, up to 15 minutes
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')) as any[];
    expect(methods.map(m => m.Properties.HttpMethod)).toEqual(['ANY', 'ANY']);
    for (const m of methods) {
      expect(m.Properties.AuthorizationType).toBe('AWS_IAM');
      expect(m.Properties.Integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST', ResponseTransferMode: 'STREAM', TimeoutInMillis: 900_000 });
      expect(JSON.stringify(m.Properties.Integration.Uri)).toContain('/2021-11-15/functions/');
      expect(JSON.stringify(m.Properties.Integration.Uri)).toContain('/response-streaming-invocations');
      expect(JSON.stringify(m.Properties.Integration.Uri)).toContain('EmbeddingsControlPlaneLiveAlias');
    }
    template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{proxy+}' });
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] }, BinaryMediaTypes: ['*/*'] });
    expect(workload.hybrid!.restApi).toBeDefined();
    // no function URL: Lambda does not stream through one for a function in a VPC
    template.resourceCountIs('AWS::Lambda::Url', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 900,
      Environment: { Variables: Match.objectLike({ RESPONSE_STREAMING: 'true', FORWARD_CREDENTIALS: 'false' }) },
    });
  });

  test('fails on a streaming function URL, quoting the Lambda documentation; a buffered one is an explicit choice with its limits stated', () => {
    expect(() => hybridWorkload(HYBRID_PROFILE, { lambda: { entryPoint: LambdaEntryPoint.functionUrl({ responseStreaming: true }) } }))
      .toThrow(/'lambda\.entryPoint' must not be a streaming function URL for a hybrid placement .*Lambda function URLs do not support response streaming within a VPC environment.*got LambdaEntryPoint\.functionUrl\(\{ responseStreaming: true \}\)/);
    const buffered = hybridWorkload(HYBRID_PROFILE, { lambda: { entryPoint: LambdaEntryPoint.functionUrl() } });
    buffered.template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM', InvokeMode: 'BUFFERED' });
    buffered.template.resourceCountIs('AWS::ApiGateway::RestApi', 0);
    buffered.template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: buffered.workload.hybrid!.timeBudget.controlPlaneTimeoutSeconds,
      Environment: { Variables: Match.objectLike({ RESPONSE_STREAMING: 'false' }) },
    });
    const warnings = Annotations.fromStack(buffered.stack).findWarning('*', Match.stringLikeRegexp('inference-workload:hybrid-buffered-entry-point'));
    expect(JSON.stringify(warnings[0].entry.data)).toMatch(/limited to 6 MB.*within the control plane's 20 s timeout/);
  });

  test('the router closes idle connections to the data plane before the NLB forgets them', () => {
    const { template } = hybridWorkload();
    const fns = Object.values(template.findResources('AWS::Lambda::Function')) as any[];
    const router = fns.find(f => f.Properties.Environment?.Variables?.DATA_PLANE_URL);
    const idle = Number(router.Properties.Environment.Variables.DATA_PLANE_IDLE_TIMEOUT_MS);
    // an NLB forgets a TCP flow idle for 350 s (update-idle-timeout.html)
    expect(idle).toBeGreaterThan(0);
    expect(idle).toBeLessThan(350_000);
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
    // the router streams: its own timeout is the stream's limit, 15 minutes, not the 20 s of a buffered answer
    expect(b.streamMaxDurationSeconds).toBe(900);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: b.streamMaxDurationSeconds,
      Environment: { Variables: Match.objectLike({ CONNECT_TIMEOUT_MS: '1000', RESPONSE_TIMEOUT_MS: '2000', DATA_PLANE_DEADLINE_MS: '3000', OVERFLOW_TIMEOUT_MS: '16000', MARGIN_MS: '1000' }) },
    });
    const noFallback = hybridWorkload({ ...HYBRID_PROFILE, cpuFallbackCapable: false }, { policy: PlacementPolicy.fixed(PlacementTarget.HYBRID) });
    expect(noFallback.workload.hybrid!.timeBudget.controlPlaneTimeoutSeconds).toBe(4);
  });

  test('alarms cover the router\'s metrics: data-plane errors and latency, overflow errors', () => {
    const { workload, template, stack } = hybridWorkload();
    for (const metricName of ['DataPlaneErrors', 'DataPlaneLatency', 'OverflowErrors']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'InferenceWorkload/Hybrid', MetricName: metricName, Dimensions: [{ Name: 'WorkloadName', Value: 'embeddings' }],
      });
    }
    expect(workload.hybrid!.alarms.overflowErrors).toBeDefined();
    // the overflow's cap throttles: the overflow alias' throttle alarm says so at once
    const throttles = (workload.hybrid!.alarms.overflowThrottles!.node.defaultChild as any);
    expect(stack.resolve(throttles.metricName)).toBe('Throttles');
    expect(JSON.stringify(stack.resolve(throttles.dimensions))).toContain('EmbeddingsOverflowFunction');
    expect(throttles.threshold).toBe(0);
    expect(workload.hybrid!.alarms.overflowThrottles).toBeDefined();
  });

  test('states the cluster prerequisites in one synth warning', () => {
    const { stack } = hybridWorkload();
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('inference-workload:hybrid-prerequisites'));
    expect(warnings).toHaveLength(1);
    const text = JSON.stringify(warnings[0].entry.data);
    for (const needed of ['AWS Load Balancer Controller', `v${MIN_CONTROLLER_VERSION.join('.')} or later`, 'DataPlaneLoadBalancerSecurityGroupId',
      'DataPlaneTargetGroupBindingPatch', 'enableNetworkPolicy']) {
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
      hybrid: { vpc: importedVpc(strictStack()), dataPlaneHostname: 'embed.ml.internal', allowedCidr: '10.20.8.0/21', overflowWebAdapter: WEB_ADAPTER },
    });
    const policy = manifests.find(m => m.kind === 'NetworkPolicy');
    expect(policy.spec.ingress[0].from).toEqual([{ ipBlock: { cidr: '10.20.8.0/21' } }]);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DATA_PLANE_URL: Match.stringLikeRegexp('^http://embed\\.ml\\.internal:') }) },
    });
  });
});

describe('hybrid overflow', () => {
  const noOverflow = (stack: Stack) => ({ vpc: importedVpc(stack) });
  const adapted = () => ({ vpc: importedVpc(strictStack()), overflowWebAdapter: WEB_ADAPTER });

  test('fails when the tail goes to Lambda and nothing in the overflow can answer HTTP on Lambda, saying what to provide', () => {
    const stack = strictStack();
    expect(() => new InferenceWorkload(stack, 'Embeddings', { image: IMAGE, profile: HYBRID_PROFILE, hybrid: noOverflow(stack) }))
      .toThrow(/'hybrid\.overflowCode' or 'hybrid\.overflowWebAdapter' is required when the hybrid placement routes the tail to Lambda .*got neither/);
  });

  test('without CPU fallback no overflow is needed, so none is asked for', () => {
    const stack = strictStack();
    const w = new InferenceWorkload(stack, 'Embeddings', {
      image: IMAGE,
      profile: { ...HYBRID_PROFILE, cpuFallbackCapable: false },
      policy: PlacementPolicy.fixed(PlacementTarget.HYBRID),
      hybrid: noOverflow(stack),
    });
    expect(w.hybrid!.overflow).toBeUndefined();
  });

  test('an image with the Lambda Web Adapter: the adapter\'s port and readiness path are set on the overflow function', () => {
    const { template, manifests } = hybridWorkload(HYBRID_PROFILE, {
      hybrid: { vpc: importedVpc(strictStack()), overflowWebAdapter: { port: 8000 } },
    });
    const readiness = manifests.find(m => m.kind === 'Deployment').spec.template.spec.containers[0].readinessProbe.httpGet.path;
    template.hasResourceProperties('AWS::Lambda::Function', {
      PackageType: 'Image',
      Environment: { Variables: Match.objectLike({ INFERENCE_ROLE: 'overflow', AWS_LWA_PORT: '8000', AWS_LWA_READINESS_CHECK_PATH: readiness }) },
    });
  });

  test('code the user provides is the overflow, without adapter variables', () => {
    const { template } = hybridWorkload(HYBRID_PROFILE, {
      hybrid: { vpc: importedVpc(strictStack()), overflowCode: LambdaCode.fromImage(ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/embeddings-cpu:3.1.0')) },
    });
    const fns = Object.values(template.findResources('AWS::Lambda::Function')) as any[];
    const overflow = fns.find(f => f.Properties.Environment?.Variables?.INFERENCE_ROLE === 'overflow');
    expect(JSON.stringify(overflow.Properties.Code)).toContain('embeddings-cpu:3.1.0');
    expect(overflow.Properties.Environment.Variables.AWS_LWA_PORT).toBeUndefined();
  });

  test('fails when the workload\'s image is larger than Lambda accepts (10 GB) and would run as the overflow', () => {
    // the default policy already keeps such an image off Lambda; a custom decision may not
    expect(PlacementPolicy.fixed(PlacementTarget.HYBRID).decide({ ...HYBRID_PROFILE, imageSizeGiB: 12 }).hybrid!.overflowToLambda).toBe(false);
    const d = PlacementPolicy.default().decide(HYBRID_PROFILE);
    const custom = new PlacementDecision({ ...d, rules: d.rules, costs: d.costs, policyName: 'custom', profile: { ...d.profile!, imageSizeGiB: 12 } });
    expect(() => hybridWorkload(HYBRID_PROFILE, { policy: { name: 'custom', decide: () => custom } }))
      .toThrow(/'profile\.imageSizeGiB' must be at most 10 for the overflow to run the workload's image on Lambda .*got 12/);
  });

  test('fails on an adapter port that is not one', () => {
    expect(() => hybridWorkload(HYBRID_PROFILE, { hybrid: { vpc: importedVpc(strictStack()), overflowWebAdapter: { port: 70000 } } }))
      .toThrow(/'hybrid\.overflowWebAdapter\.port' must be between 1 and 65,535, got 70,000/);
  });

  test('the overflow\'s concurrency is capped at its planned share of the peak, or at the option', () => {
    const { workload, template } = hybridWorkload();
    const d = workload.decision;
    const p = d.profile!;
    // Little's law: (peak - threshold) req/s x p99 on CPU
    const tailRps = p.peakRequestsPerSecond! - d.hybrid!.overflowThresholdRequestsPerSecond;
    const planned = Math.ceil(tailRps * p.requestDurationP99Ms! / 1000 * p.cpuFallbackSlowdown!);
    expect(planned).toBeGreaterThan(1);
    expect(workload.hybrid!.overflowReservedConcurrency).toBe(planned);
    template.hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: planned, Environment: { Variables: Match.objectLike({ INFERENCE_ROLE: 'overflow' }) },
    });
    const capped = hybridWorkload(HYBRID_PROFILE, { hybrid: { ...adapted(), overflowReservedConcurrency: 5 } });
    capped.template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 5 });
    expect(() => hybridWorkload(HYBRID_PROFILE, { hybrid: { ...adapted(), overflowReservedConcurrency: 0 } }))
      .toThrow(/'hybrid\.overflowReservedConcurrency' .*got 0/);
  });

  test('forwards the caller\'s credentials only when asked', () => {
    const { template } = hybridWorkload(HYBRID_PROFILE, { hybrid: { ...adapted(), forwardCallerCredentials: true } });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ FORWARD_CREDENTIALS: 'true' }) } });
    expect(() => hybridWorkload(HYBRID_PROFILE, { hybrid: { ...adapted(), forwardCallerCredentials: 'yes' as any } }))
      .toThrow(/'hybrid\.forwardCallerCredentials' must be true or false, got "yes"/);
  });
});

describe('hybrid validation', () => {
  test('fails without a VPC, naming hybrid.vpc and the rules that chose hybrid', () => {
    expect(() => new InferenceWorkload(strictStack(), 'Embeddings', { image: IMAGE, profile: HYBRID_PROFILE }))
      .toThrow(/'hybrid\.vpc' is required when the workload is placed as hybrid \(by default: .*band\.hybrid.*\), got undefined/);
    // the placement rules only: the verdict rows decide nothing
    expect(() => new InferenceWorkload(strictStack(), 'Embeddings', { image: IMAGE, profile: HYBRID_PROFILE })).not.toThrow(/verdict\./);
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
