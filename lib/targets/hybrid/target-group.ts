import { Duration, Tags, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { InferenceWorkloadValidationError } from '../../errors';
import { DEREGISTRATION_DELAY_SECONDS } from '../kubernetes/drain';

/**
 * NLB health-check bounds for HTTP checks: interval 5-300 s, timeout 2-120 s, healthy and
 * unhealthy thresholds 2-10
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-health-checks.html).
 */
const NLB_HEALTH_CHECK = { interval: [5, 300], timeout: [2, 120], threshold: [2, 10] } as const;

/** The target group's health check, taken from the model server's readiness probe. @internal */
export interface ProbeHealthCheck {
  readonly path: string;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly unhealthyThresholdCount: number;
  readonly healthyThresholdCount: number;
}

const clamp = (value: number, [min, max]: readonly [number, number]) => Math.min(max, Math.max(min, value));

/**
 * The model server's readiness probe as a target-group health check: same path, period, timeout
 * and failure threshold (clamped to what an NLB accepts), so the load balancer marks a pod healthy
 * or unhealthy at the pace Kubernetes marks it ready. The healthy threshold is the NLB's minimum,
 * 2 (the probe's success threshold is 1), so a new pod takes two periods, not the default five.
 * @internal
 */
export function healthCheckFromReadiness(deployment: kplus.Deployment): ProbeHealthCheck {
  const server = deployment.containers.find(c => c.name === 'model-server') ?? deployment.containers[0];
  const probe = server?._toKube().readinessProbe;
  const path = probe?.httpGet?.path;
  if (!probe || path === undefined) {
    throw new InferenceWorkloadValidationError(
      `'kubernetes.readinessProbePath' must give the data plane an HTTP readiness probe for the load balancer's health check, got ${probe ? 'a probe without httpGet' : 'no readiness probe'}`);
  }
  return {
    path,
    intervalSeconds: clamp(probe.periodSeconds ?? 10, NLB_HEALTH_CHECK.interval),
    timeoutSeconds: clamp(probe.timeoutSeconds ?? 1, NLB_HEALTH_CHECK.timeout),
    unhealthyThresholdCount: clamp(probe.failureThreshold ?? 3, NLB_HEALTH_CHECK.threshold),
    healthyThresholdCount: NLB_HEALTH_CHECK.threshold[0],
  };
}

/** Inputs of the data plane's load balancer. @internal */
export interface DataPlaneLoadBalancerInput {
  readonly workloadName: string;
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly port: number;
  /** The control plane's security group, the only source the load balancer admits. */
  readonly controlPlaneSecurityGroup: ec2.ISecurityGroup;
  readonly healthCheck: ProbeHealthCheck;
  /**
   * The EKS cluster's name, tagged on the target group as `eks:eks-cluster-name`: EKS Auto Mode's
   * load balancing acts only on resources with that tag (its AmazonEKSLoadBalancingPolicy is
   * conditioned on it: https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonEKSLoadBalancingPolicy.html).
   * @default - no tag
   */
  readonly clusterNameTag?: string;
}

/** The internal NLB, its security group and its target group. @internal */
export interface DataPlaneLoadBalancer {
  readonly loadBalancer: elbv2.NetworkLoadBalancer;
  readonly targetGroup: elbv2.NetworkTargetGroup;
  readonly securityGroup: ec2.SecurityGroup;
}

/**
 * The internal NLB in front of the data plane: its security group admits the control plane only,
 * its target group holds the pods' IPs (filled by the TargetGroupBinding). The target group has
 * no custom name, so CloudFormation can replace it (a custom name blocks replacement: "cannot
 * update a stack when a custom-named resource requires replacing"); bindings use its ARN.
 * @internal
 */
export function renderDataPlaneLoadBalancer(scope: Construct, input: DataPlaneLoadBalancerInput): DataPlaneLoadBalancer {
  const { workloadName, vpc, port } = input;
  const securityGroup = new ec2.SecurityGroup(scope, 'DataPlaneLoadBalancerSecurityGroup', {
    vpc,
    allowAllOutbound: false,
    description: `Internal NLB of ${workloadName}: admits the control plane only`,
  });
  securityGroup.addIngressRule(input.controlPlaneSecurityGroup, ec2.Port.tcp(port), `from the ${workloadName} control plane`);
  securityGroup.addEgressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(port), `to the ${workloadName} pods (traffic and health checks)`);

  const loadBalancer = new elbv2.NetworkLoadBalancer(scope, 'DataPlaneLoadBalancer', {
    vpc,
    vpcSubnets: input.subnets,
    internetFacing: false,
    securityGroups: [securityGroup],
    // a floor of one replica lives in one zone: every NLB node must reach it
    crossZoneEnabled: true,
  });
  const h = input.healthCheck;
  const targetGroup = new elbv2.NetworkTargetGroup(scope, 'DataPlaneTargetGroup', {
    vpc,
    port,
    protocol: elbv2.Protocol.TCP,
    targetType: elbv2.TargetType.IP,
    healthCheck: {
      protocol: elbv2.Protocol.HTTP,
      path: h.path,
      port: 'traffic-port',
      interval: Duration.seconds(h.intervalSeconds),
      timeout: Duration.seconds(h.timeoutSeconds),
      healthyThresholdCount: h.healthyThresholdCount,
      unhealthyThresholdCount: h.unhealthyThresholdCount,
    },
    deregistrationDelay: Duration.seconds(DEREGISTRATION_DELAY_SECONDS),
    // close a deregistered pod's flows when the delay ends (NLB attribute
    // deregistration_delay.connection_termination.enabled, same page as the delay)
    connectionTermination: true,
  });
  if (input.clusterNameTag !== undefined) {
    Tags.of(targetGroup).add('eks:eks-cluster-name', input.clusterNameTag);
  }
  loadBalancer.addListener('Listener', { port, protocol: elbv2.Protocol.TCP, defaultTargetGroups: [targetGroup] });
  Validations.of(loadBalancer).acknowledge({
    id: 'AwsSolutions-ELB2',
    reason: 'An NLB writes access logs for TLS listeners only; this one has a TCP listener, so there is nothing to log '
      + '(https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-access-logs.html). The router writes a '
      + 'metric record (CloudWatch Embedded Metric Format) for each request it forwards, not a log of the request; only the HTTP API '
      + 'entry point (LambdaEntryPoint.httpApi()) writes an access log, the default REST API does not.',
  });
  return { loadBalancer, targetGroup, securityGroup };
}
