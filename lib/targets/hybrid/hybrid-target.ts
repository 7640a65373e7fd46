import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ROUTER_SOURCE } from './router-source';
import { InferenceWorkloadValidationError } from '../../errors';
import { HybridSizing, LambdaSizing, PlacementDecision } from '../../policy';
import { checkOptionsObject, checkString } from '../../private/validate';
import { CheckedKubernetesOptions, KubernetesRendering, renderKubernetes } from '../kubernetes/kubernetes-target';
import { checkDnsSubdomain } from '../kubernetes/validate';
import { LambdaCode } from '../lambda/code';
import { CheckedLambdaOptions, LambdaRendering, lambdaSizingOf, renderLambda } from '../lambda/lambda-target';
import { WorkloadIdentity } from '../render-context';

/**
 * Options for the hybrid target: a Lambda control plane in front of a Kubernetes GPU data plane.
 * They only apply when the workload is placed as hybrid. The control-plane function also takes
 * the workload's `lambda` options (entry point, log retention, alarms...), the data plane its
 * `kubernetes` options.
 */
export interface HybridTargetOptions {
  /**
   * The VPC of the cluster's nodes. The control-plane function is attached to it, so it reaches
   * the data plane's internal load balancer without leaving the VPC. Required when the workload
   * is placed as hybrid.
   * @default - none: a hybrid placement fails at synth, naming this option
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Subnets of `vpc` for the control-plane function's network interfaces.
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * DNS name under which the data plane's internal load balancer is published. The library
   * annotates the load balancer Service for ExternalDNS
   * (`external-dns.alpha.kubernetes.io/hostname`), so ExternalDNS must manage a private hosted
   * zone that contains this name. The control plane receives it as `DATA_PLANE_URL`.
   * @default - `<workloadName>.<namespace>.inference.internal`
   */
  readonly dataPlaneHostname?: string;

  /**
   * The address range allowed to reach the data plane's internal load balancer
   * (`spec.loadBalancerSourceRanges`) and that the control plane's security group may send to.
   * @default - the VPC's CIDR block (it must then be concrete, e.g. from `Vpc.fromVpcAttributes`)
   */
  readonly allowedCidr?: string;

  /**
   * Code of the overflow function that serves the tail on CPU, when the policy routes the tail
   * to Lambda (`profile.cpuFallbackCapable`).
   * @default - `LambdaCode.fromImage(image)`: the workload's image
   */
  readonly overflowCode?: LambdaCode;
}

/** What the hybrid renderer produced: both halves and the wiring between them. */
export interface HybridRendering {
  /** The control plane: the entry function, its `live` alias, entry point and alarms. */
  readonly controlPlane: LambdaRendering;
  /** The data plane: the GPU Deployment and its objects. */
  readonly dataPlane: KubernetesRendering;
  /** The internal load balancer Service (AWS Load Balancer Controller, internal NLB) in front of the data plane. */
  readonly loadBalancerService: kplus.Service;
  /** The control plane's security group: egress only to the data plane port (and HTTPS for the overflow invoke). */
  readonly securityGroup: ec2.SecurityGroup;
  /** The URL the control plane forwards to (its `DATA_PLANE_URL`). */
  readonly dataPlaneUrl: string;
  /** The Lambda overflow function for the tail. @default - none: the tail waits for the data plane's HPA */
  readonly overflow?: LambdaRendering;
}

/** Annotations of the AWS Load Balancer Controller for an internal NLB with IP targets. */
export const INTERNAL_NLB_ANNOTATIONS: Record<string, string> = {
  'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
  'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
  'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
};
const EXTERNAL_DNS_ANNOTATION = 'external-dns.alpha.kubernetes.io/hostname';
const CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/;
/** Lambda's synchronous payload limit, which the router enforces before forwarding. */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/**
 * Renders a hybrid decision: the Kubernetes data plane (floor of warm replicas from the decision,
 * plus an internal load balancer), the Lambda control plane (router attached to the VPC, small
 * provisioned concurrency), and, for CPU-capable models, a Lambda overflow function for the tail.
 * Every input is validated before anything is built. Construct ids are a contract:
 * `ControlPlane/*`, `ControlPlaneSecurityGroup`, `Overflow/*`; the data plane keeps the
 * Kubernetes target's ids and object names, plus the Service `<workloadName>-internal`.
 * @internal
 */
export function renderHybrid(
  scope: Construct, workload: WorkloadIdentity, decision: PlacementDecision, checked: CheckedOptionsOfAllTargets,
): HybridRendering {
  const { workloadName } = workload;
  const hybrid = hybridSizingOf(decision);
  const controlSizing = lambdaSizingOf(decision);
  const o = checked.hybrid;
  const input = { lambda: checked.lambda, kubernetes: checked.kubernetes };
  if (!o.vpc) {
    throw new InferenceWorkloadValidationError(
      `'hybrid.vpc' is required when the workload is placed as hybrid (by ${decision.policyName}: `
      + `${decision.firedRules.map(r => r.ruleId).join(', ') || 'costs'}), got undefined; pass the VPC of the cluster's nodes, `
      + 'or place the workload with PlacementPolicy.fixed(...)');
  }
  if (input.lambda.vpc || input.lambda.securityGroups || input.lambda.vpcSubnets) {
    throw new InferenceWorkloadValidationError(
      'Cannot configure \'lambda.vpc\', \'lambda.vpcSubnets\' or \'lambda.securityGroups\' for a hybrid placement: '
      + 'the control plane uses \'hybrid.vpc\' and a security group the library declares');
  }
  const namespace = input.kubernetes.namespace;
  const hostname = o.dataPlaneHostname ?? `${workloadName}.${namespace}.inference.internal`;
  const cidr = allowedCidrOf(o);

  // data plane: the Kubernetes target, sized by the decision (its replicasMin is the warm floor)
  const dataPlane = renderKubernetes({
    workloadName,
    image: workload.image,
    decision,
    options: input.kubernetes,
  });
  const loadBalancerService = new kplus.Service(dataPlane.chart, 'InternalLoadBalancer', {
    metadata: {
      name: `${workloadName}-internal`,
      annotations: { ...INTERNAL_NLB_ANNOTATIONS, [EXTERNAL_DNS_ANNOTATION]: hostname },
    },
    type: kplus.ServiceType.LOAD_BALANCER,
    selector: dataPlane.deployment,
    ports: [{ name: 'http', port: dataPlane.port, targetPort: dataPlane.port }],
    loadBalancerSourceRanges: [cidr],
  });
  const dataPlaneUrl = `http://${hostname}:${dataPlane.port}`;

  // network path: the control plane may only open connections to the data plane port (and HTTPS for the overflow invoke)
  const securityGroup = new ec2.SecurityGroup(scope, 'ControlPlaneSecurityGroup', {
    vpc: o.vpc,
    allowAllOutbound: false,
    description: `Control plane of ${workloadName}: egress to the data plane internal load balancer only`,
  });
  securityGroup.addEgressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(dataPlane.port), `to the ${workloadName} data plane (internal NLB)`);

  let overflow: LambdaRendering | undefined;
  if (hybrid.overflowToLambda) {
    overflow = renderLambda(new Construct(scope, 'Overflow'), {
      workloadName,
      image: workload.image,
      sizing: overflowSizing(controlSizing, hybrid),
      options: {
        code: o.overflowCode ?? LambdaCode.fromImage(workload.image),
        entryPoint: undefined,
        environment: { INFERENCE_ROLE: 'overflow' },
        latencyBudgetMs: input.lambda.latencyBudgetMs,
        logRetention: input.lambda.logRetention,
      },
      description: `Overflow of ${workloadName}: serves the tail above ${hybrid.overflowThresholdRequestsPerSecond} req/s on CPU (hybrid)`,
    });
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'to the Lambda API, to invoke the overflow function');
  }

  const environment: Record<string, string> = {
    ...input.lambda.environment,
    DATA_PLANE_URL: dataPlaneUrl,
    MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD_BYTES),
    FORWARD_TIMEOUT_MS: String(Math.max(1000, (controlSizing.timeoutSeconds - 1) * 1000)),
    ...(overflow ? { OVERFLOW_FUNCTION: overflow.alias.functionArn } : {}),
  };
  const controlPlane = renderLambda(new Construct(scope, 'ControlPlane'), {
    workloadName,
    image: workload.image,
    sizing: controlSizing,
    options: {
      ...input.lambda,
      code: LambdaCode.fromInline(ROUTER_SOURCE, 'index.handler', lambda.Runtime.NODEJS_24_X),
      environment,
      vpc: o.vpc,
      vpcSubnets: o.vpcSubnets,
      securityGroups: [securityGroup],
    },
    description: `Control plane of ${workloadName}: validates and routes to the GPU data plane (hybrid, by ${decision.policyName})`,
  });
  if (overflow) {
    overflow.alias.grantInvoke(controlPlane.role);
  }

  return { controlPlane, dataPlane, loadBalancerService, securityGroup, dataPlaneUrl, overflow };
}

/** The options of every target, checked: the hybrid renders both halves with theirs. @internal */
export interface CheckedOptionsOfAllTargets {
  readonly lambda: CheckedLambdaOptions;
  readonly kubernetes: CheckedKubernetesOptions;
  readonly hybrid: HybridTargetOptions;
}

/**
 * The hybrid target: `check` validates its options once; `render` builds both halves and their
 * wiring from the decision, with the Lambda and Kubernetes options for its control and data planes.
 * @internal
 */
export const HYBRID_TARGET = {
  check: checkHybridOptions,
  render(scope: Construct, workload: WorkloadIdentity, decision: PlacementDecision, checked: CheckedOptionsOfAllTargets) {
    const rendering = renderHybrid(scope, workload, decision, checked);
    // the control plane is the workload's entry point; the data plane its Kubernetes half
    return { lambda: rendering.controlPlane, kubernetes: rendering.dataPlane, hybrid: rendering };
  },
};

/**
 * Checks the hybrid options that do not depend on a placement, so that a mistake fails at
 * construction even when the workload is placed on another target. (`hybrid.vpc` is only
 * required for a hybrid placement.)
 * @internal
 */
export function checkHybridOptions(options: HybridTargetOptions | undefined): HybridTargetOptions {
  const o = checkOptionsObject('hybrid', options, 'HybridTargetOptions');
  if (o.vpc !== undefined && typeof (o.vpc as { selectSubnets?: unknown } | null)?.selectSubnets !== 'function') {
    throw new InferenceWorkloadValidationError(`'hybrid.vpc' must be an ec2.IVpc (ec2.Vpc.fromLookup(...), fromVpcAttributes(...)), got ${JSON.stringify(o.vpc)}`);
  }
  if (o.vpc === undefined && o.vpcSubnets !== undefined) {
    throw new InferenceWorkloadValidationError('Cannot configure \'hybrid.vpcSubnets\' without \'hybrid.vpc\'');
  }
  if (o.dataPlaneHostname !== undefined) {
    checkDnsSubdomain('hybrid.dataPlaneHostname', o.dataPlaneHostname);
  }
  if (o.allowedCidr !== undefined) {
    checkString('hybrid.allowedCidr', o.allowedCidr, { pattern: CIDR, patternDescription: 'an IPv4 CIDR block such as "10.0.0.0/16"' });
  }
  if (o.overflowCode !== undefined && !(o.overflowCode instanceof LambdaCode)) {
    throw new InferenceWorkloadValidationError(`'hybrid.overflowCode' must be a LambdaCode, got ${String(o.overflowCode)}`);
  }
  return o;
}

function hybridSizingOf(decision: PlacementDecision): HybridSizing {
  if (!decision.hybrid || !decision.kubernetes) {
    throw new InferenceWorkloadValidationError(
      `'decision' has no hybrid and Kubernetes sizing for target ${decision.target}; the policy ${decision.policyName} must size hybrid placements`);
  }
  if (decision.kubernetes.replicasMin < 1 || decision.hybrid.dataPlaneFloorReplicas < 1) {
    throw new InferenceWorkloadValidationError(
      `'decision.hybrid.dataPlaneFloorReplicas' must be at least 1 (the data plane never scales to zero), got ${decision.hybrid.dataPlaneFloorReplicas}`);
  }
  return decision.hybrid;
}

/** The overflow function's sizing: the decision's overflow memory and timeout, no provisioned concurrency (tail only). */
function overflowSizing(control: LambdaSizing, hybrid: HybridSizing): LambdaSizing {
  if (hybrid.overflowMemoryMiB === undefined || hybrid.overflowTimeoutSeconds === undefined) {
    throw new InferenceWorkloadValidationError('\'decision.hybrid\' routes the tail to Lambda but has no overflow memory and timeout');
  }
  return {
    ...control,
    memoryMiB: hybrid.overflowMemoryMiB,
    timeoutSeconds: hybrid.overflowTimeoutSeconds,
    provisionedConcurrencyMin: 0,
    provisionedConcurrencyMax: 0,
    warmSchedules: undefined,
  };
}

function allowedCidrOf(o: HybridTargetOptions): string {
  if (o.allowedCidr !== undefined) {
    return checkString('hybrid.allowedCidr', o.allowedCidr, { pattern: CIDR, patternDescription: 'an IPv4 CIDR block such as "10.0.0.0/16"' });
  }
  const cidr = o.vpc!.vpcCidrBlock;
  if (Token.isUnresolved(cidr)) {
    throw new InferenceWorkloadValidationError(
      '\'hybrid.allowedCidr\' is required when the VPC\'s CIDR block is not known at synth time (it goes into the Kubernetes manifest), '
      + 'got a VPC whose vpcCidrBlock is a token; pass allowedCidr or import the VPC with Vpc.fromVpcAttributes/fromLookup');
  }
  return checkString('hybrid.vpc.vpcCidrBlock', cidr, { pattern: CIDR, patternDescription: 'an IPv4 CIDR block' });
}
