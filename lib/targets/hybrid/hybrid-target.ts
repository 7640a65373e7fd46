import * as path from 'path';
import { Annotations, CfnOutput, Duration, Fn, Token, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { renderTargetGroupBinding } from './binding';
import { checkControlPlaneCap, CONTROL_PLANE_CAP_PATH, controlPlaneCap, refuseLambdaCapOnHybrid } from './control-plane-cap';
import { restrictLambdaEndpoint } from './endpoint-policy';
import { chooseHybridEntryPoint, renderHybridRestApi } from './entry-point';
import { checkOverflowWebAdapter, OverflowWebAdapterOptions, renderLambdaEndpoint, renderOverflow } from './overflow';
import { healthCheckFromReadiness, renderDataPlaneLoadBalancer } from './target-group';
import { InferenceWorkloadValidationError } from '../../errors';
import { HybridSizing, PlacementDecision } from '../../policy';
import { placedBy } from '../../policy/deciding-rule';
import { LAMBDA_LIMITS } from '../../policy/limits';
import { HybridTimeBudget, timeBudgetEnvironment } from '../../policy/time-budget';
import { checkBoolean, checkNumber, checkOptionsObject, checkString, checkSubnetSelection } from '../../private/validate';
import { DEREGISTRATION_DELAY_SECONDS } from '../kubernetes/drain';
import { CheckedKubernetesOptions } from '../kubernetes/options';
import { KubernetesRendering, renderKubernetes } from '../kubernetes/render';
import { checkDnsSubdomain } from '../kubernetes/validate';
import { ABOVE_IN_2_OF_3 } from '../lambda/alarms';
import { LambdaCode } from '../lambda/code';
import { LambdaRendering, lambdaSizingOf, renderLambda } from '../lambda/lambda-target';
import { CheckedLambdaOptions } from '../lambda/options';
import { checkLambdaSizing, checkTimeoutSeconds } from '../lambda/validate';
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
   * Subnets of `vpc` for the control-plane function, the internal NLB and the Lambda interface
   * endpoint.
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * DNS name the control plane uses for the data plane, when you publish the internal NLB under a
   * name of your own (e.g. a Route 53 alias record in a private zone). The library creates no
   * record for it.
   * @default - the internal NLB's own DNS name (resolvable in the VPC, nothing to publish)
   */
  readonly dataPlaneHostname?: string;

  /**
   * The address range the data plane's NetworkPolicy admits on its port: where the internal NLB's
   * network interfaces live (the NLB forwards from its own addresses). Narrow it to the subnets of
   * `vpcSubnets` (where the NLB lives) to keep every other source in the VPC out.
   * @default - the CIDR blocks of the load balancer's subnets when they are known (a VPC from
   * `Vpc.fromLookup`, or `Vpc.fromVpcAttributes` with `privateSubnetIpv4CidrBlocks`), else the VPC's
   * CIDR block, with a warning that every source in the VPC is admitted
   */
  readonly allowedCidr?: string;

  /**
   * Code of the overflow function that serves the tail on CPU, when the policy routes the tail
   * to Lambda (`profile.cpuFallbackCapable`): a CPU build of the model that answers API Gateway
   * proxy events (payload 1.0 from the default entry point) with a proxy response, or, with
   * `overflowWebAdapter`, an image that embeds the AWS Lambda Web Adapter. One of the two options is
   * required for such a placement: a model-server image cannot answer a Lambda invoke.
   * @default - with `overflowWebAdapter`, the workload's image (at most 10 GB); without it, none
   * (a hybrid placement that overflows to Lambda fails at synth, naming both options)
   */
  readonly overflowCode?: LambdaCode;

  /**
   * The overflow's image serves HTTP through the AWS Lambda Web Adapter: the library sets the
   * adapter's port and readiness path on the function. The image (`overflowCode`, else the
   * workload's) must carry the adapter at `/opt/extensions/lambda-adapter`.
   * @default - none: `overflowCode` is a Lambda handler
   */
  readonly overflowWebAdapter?: OverflowWebAdapterOptions;

  /**
   * The overflow function's reserved concurrency: its cap, so that a flood of the data plane cannot
   * take the account's Lambda concurrency (requests above it are answered 503 with Retry-After, and
   * the overflow's `ThrottlesAlarm` fires). Lambda keeps at least 100 of the account's concurrency
   * unreserved (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html).
   * @default - the overflow's planned share of the peak: (peak - overflow threshold) req/s x p99 x CPU slowdown, rounded up
   */
  readonly overflowReservedConcurrency?: number;

  /**
   * The control plane's (router's) reserved concurrency: its cap. Every request of the workload passes
   * through the router while the data plane or the overflow answers, so the cap must cover the whole
   * workload's peak; above it the entry point answers 429 and the control plane's `ThrottlesAlarm`
   * fires. It must be at least the control plane's provisioned concurrency maximum.
   * (`lambda.reservedConcurrentExecutions` caps the Lambda target only and is refused for a hybrid placement.)
   * @default - twice (the decision's peak req/s x p99, plus the overflow's cap), at least the provisioned maximum
   */
  readonly controlPlaneReservedConcurrency?: number;

  /**
   * Forward the caller's `Authorization` header and cookies to the data plane. They are the
   * caller's credentials for the entry point (a SigV4 signature by default), not for the model
   * server, so the router drops them.
   * @default false
   */
  readonly forwardCallerCredentials?: boolean;
}

/** The alarms on the router's own metrics (CloudWatch Embedded Metric Format, namespace `InferenceWorkload/Hybrid`). */
export interface HybridAlarms {
  /** Requests the data plane did not answer (refused, timed out, stalled) in 2 of the last 3 periods of 5 minutes. */
  readonly dataPlaneErrors: cloudwatch.Alarm;
  /** p99 time to the data plane's answer above 80% of its deadline. */
  readonly dataPlaneLatencyP99: cloudwatch.Alarm;
  /** Overflow requests that failed (function error, throttle, timeout). @default - none without an overflow function */
  readonly overflowErrors?: cloudwatch.Alarm;
  /** The overflow function throttled (its reserved concurrency reached): the overflow's own `Overflow/ThrottlesAlarm`. @default - none without an overflow function */
  readonly overflowThrottles?: cloudwatch.Alarm;
}

/** What the hybrid renderer produced: both halves and the wiring between them. */
export interface HybridRendering {
  /** The control plane: the entry function, its `live` alias and alarms (and the entry point you chose, if any). */
  readonly controlPlane: LambdaRendering;
  /**
   * The default entry point: a regional REST API, IAM-authenticated, streaming the control plane's answers.
   * @default - none when `lambda.entryPoint` chooses a buffered entry point
   */
  readonly restApi?: apigateway.RestApi;
  /** The data plane: the GPU Deployment and its objects. */
  readonly dataPlane: KubernetesRendering;
  /** The ClusterIP Service `<workloadName>-internal` whose pods the internal NLB's target group holds (through the TargetGroupBinding). */
  readonly loadBalancerService: kplus.Service;
  /** The internal NLB in front of the data plane, created by CloudFormation. */
  readonly loadBalancer: elbv2.NetworkLoadBalancer;
  /** Its target group (IP targets), bound to the Service by the AWS Load Balancer Controller. */
  readonly targetGroup: elbv2.NetworkTargetGroup;
  /** The TargetGroupBinding in the data plane's chart (`elbv2.k8s.aws/v1beta1`, or `eks.amazonaws.com/v1` on EKS Auto Mode). */
  readonly targetGroupBinding: ApiObject;
  /** The control plane's security group: egress only to the NLB's listener and to the Lambda endpoint. */
  readonly securityGroup: ec2.SecurityGroup;
  /** The NLB's security group: admits the control plane only. */
  readonly loadBalancerSecurityGroup: ec2.SecurityGroup;
  /** The Lambda interface endpoint the overflow invoke goes through. @default - none without an overflow function */
  readonly lambdaEndpoint?: ec2.InterfaceVpcEndpoint;
  /** The URL the control plane forwards to (its `DATA_PLANE_URL`). */
  readonly dataPlaneUrl: string;
  /** The time budget of one request, as configured in the router. */
  readonly timeBudget: HybridTimeBudget;
  /** Alarms on the router's metrics. */
  readonly alarms: HybridAlarms;
  /** The Lambda overflow function for the tail. @default - none: the tail waits for the data plane's HPA */
  readonly overflow?: LambdaRendering;
  /** The overflow function's reserved concurrency. @default - none without an overflow function */
  readonly overflowReservedConcurrency?: number;
  /** The control plane's reserved concurrency: its cap. */
  readonly controlPlaneReservedConcurrency: number;
}

/** The router's code: a folder with one plain JavaScript file, deployed as a zip asset. */
export const ROUTER_CODE_DIR = path.join(__dirname, 'router');
/** Namespace of the router's metrics. */
export const ROUTER_METRICS_NAMESPACE = 'InferenceWorkload/Hybrid';
const CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/;
/** Lambda's synchronous payload limit, which the router enforces before forwarding. */
const MAX_PAYLOAD_BYTES = LAMBDA_LIMITS.maxSyncPayloadKiB * 1024;
const PREREQUISITES_WARNING = 'inference-workload:hybrid-prerequisites';
/** The router's keep-alive idle limit, below the NLB's 350 s idle timeout (see the router's header). */
const DATA_PLANE_IDLE_TIMEOUT_MS = 60_000;

/**
 * Renders a hybrid decision: the Kubernetes data plane (floor of warm replicas from the decision),
 * an internal NLB created by CloudFormation and bound to the data plane's pods by a
 * TargetGroupBinding (binding.ts, target-group.ts), the Lambda control plane (the router, attached
 * to the VPC, small provisioned concurrency) behind a streaming REST API by default (entry-point.ts)
 * and, for CPU-capable models, a capped Lambda overflow function that can answer HTTP for the tail,
 * invoked through a Lambda interface endpoint (overflow.ts). Every input is validated
 * before anything is built. Construct ids are a contract: `ControlPlane/*` (`ControlPlane/RestApi`),
 * `ControlPlaneSecurityGroup`, `Overflow/*`, `DataPlaneLoadBalancer*`, `DataPlaneTargetGroup`,
 * `LambdaEndpoint*`, `Router*Alarm`, outputs `DataPlane*`; the data plane keeps the Kubernetes target's ids and object names,
 * plus the Service `<workloadName>-internal` and the TargetGroupBinding of the same name.
 * @internal
 */
export function renderHybrid(
  scope: Construct, workload: WorkloadIdentity, decision: PlacementDecision, checked: CheckedOptionsOfAllTargets,
): HybridRendering {
  const { workloadName } = workload;
  const hybrid = hybridSizingOf(decision);
  const decidedControl = lambdaSizingOf(decision);
  // the control plane's and the overflow's sizing come from decision.lambda: checked here, under
  // that name, before the time budget is derived from them
  checkLambdaSizing(decidedControl, { weightedAlias: false });
  const o = checked.hybrid;
  const input = { lambda: checked.lambda, kubernetes: checked.kubernetes };
  if (!o.vpc) {
    throw new InferenceWorkloadValidationError(
      `'hybrid.vpc' is required when the workload is placed as hybrid (by ${placedBy(decision)}), got undefined; pass the VPC of the cluster's nodes, `
      + 'or place the workload with PlacementPolicy.fixed(...)');
  }
  if (input.lambda.vpc || input.lambda.securityGroups || input.lambda.vpcSubnets) {
    throw new InferenceWorkloadValidationError(
      'Cannot configure \'lambda.vpc\', \'lambda.vpcSubnets\' or \'lambda.securityGroups\' for a hybrid placement: '
      + 'the control plane uses \'hybrid.vpc\' and a security group the library declares');
  }
  refuseLambdaCapOnHybrid(input.lambda);
  const vpc = o.vpc;
  const namespace = input.kubernetes.namespace;
  const onCluster = input.kubernetes.cluster !== undefined;
  const admitted = admittedCidrsOf(o, o.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });

  // the time budget, as the decision carries it: the data plane's deadline, the overflow's cold start
  // plus its timeout; the control plane waits for both
  const budget = hybrid.timeBudget!;
  checkTimeBudget(budget);
  if (budget.overflowTimeoutMs < budget.overflowNeedMs) {
    Annotations.of(scope).addWarningV2('inference-workload:hybrid-overflow-budget',
      `${workloadName}: Lambda's ${LAMBDA_LIMITS.maxTimeoutSeconds} s timeout leaves the overflow ${budget.overflowTimeoutMs} ms of the ${budget.overflowNeedMs} ms it may need `
      + '(cold start + its timeout): the slowest overflow requests are answered 504.');
  }

  // data plane: the Kubernetes target, sized by the decision (its replicasMin is the warm floor);
  // its NetworkPolicy admits only the NLB's addresses on the pods' port (the NLB forwards from its own interfaces)
  const dataPlane = renderKubernetes({
    workloadName,
    image: workload.image,
    decision,
    options: input.kubernetes,
    admittedIngressCidrs: admitted.cidrs,
    loadBalancerDeregistrationDelaySeconds: DEREGISTRATION_DELAY_SECONDS,
  });
  const port = dataPlane.port;
  const loadBalancerService = new kplus.Service(dataPlane.chart, 'InternalLoadBalancer', {
    metadata: { name: `${workloadName}-internal` },
    type: kplus.ServiceType.CLUSTER_IP,
    selector: dataPlane.deployment,
    ports: [{ name: 'http', port, targetPort: port }],
  });

  // network path: control plane -> NLB (its security group admits the control plane only) -> pods
  const securityGroup = new ec2.SecurityGroup(scope, 'ControlPlaneSecurityGroup', {
    vpc,
    allowAllOutbound: false,
    description: `Control plane of ${workloadName}: egress to the data plane internal NLB and the Lambda endpoint only`,
  });
  const subnets = o.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  const flavor = input.kubernetes.flavor;
  const route = renderDataPlaneLoadBalancer(scope, {
    workloadName,
    vpc,
    subnets,
    port,
    controlPlaneSecurityGroup: securityGroup,
    healthCheck: healthCheckFromReadiness(dataPlane.deployment),
    clusterNameTag: flavor.loadBalancer._kind === 'eks-auto-mode' ? input.kubernetes.cluster?.clusterName : undefined,
  });
  const { loadBalancer, targetGroup } = route;
  const loadBalancerSecurityGroup = route.securityGroup;
  securityGroup.addEgressRule(loadBalancerSecurityGroup, ec2.Port.tcp(port), `to the ${workloadName} data plane (internal NLB)`);
  const { binding: targetGroupBinding, prerequisites } = renderTargetGroupBinding({
    chart: dataPlane.chart,
    scope,
    workloadName,
    namespace,
    serviceName: loadBalancerService.name,
    port,
    targetGroupArn: targetGroup.targetGroupArn,
    loadBalancerSecurityGroupId: loadBalancerSecurityGroup.securityGroupId,
    flavor,
    onCluster,
  });
  const hostname = o.dataPlaneHostname ?? loadBalancer.loadBalancerDnsName;
  const dataPlaneUrl = `http://${hostname}:${port}`;

  let overflow: LambdaRendering | undefined;
  let overflowReservedConcurrency: number | undefined;
  let overflowThrottles: cloudwatch.Alarm | undefined;
  let lambdaEndpoint: ec2.InterfaceVpcEndpoint | undefined;
  if (hybrid.overflowToLambda) {
    const rendered = renderOverflow(scope, {
      workloadName,
      image: workload.image,
      decision,
      hybrid,
      controlSizing: decidedControl,
      lambdaOptions: input.lambda,
      overflowCode: o.overflowCode,
      webAdapter: o.overflowWebAdapter,
      readinessPath: input.kubernetes.readinessPath ?? input.kubernetes.modelServer.readinessPath,
      reservedConcurrency: o.overflowReservedConcurrency,
    });
    overflow = rendered.rendering;
    overflowReservedConcurrency = rendered.reservedConcurrency;
    overflowThrottles = rendered.throttlesAlarm;
    lambdaEndpoint = renderLambdaEndpoint(scope, workloadName, vpc, subnets, securityGroup);
  }

  const entry = chooseHybridEntryPoint(scope, workloadName, input.lambda.entryPoint, budget.controlPlaneTimeoutSeconds);
  const environment: Record<string, string> = {
    ...input.lambda.environment,
    DATA_PLANE_URL: dataPlaneUrl,
    DATA_PLANE_IDLE_TIMEOUT_MS: String(DATA_PLANE_IDLE_TIMEOUT_MS),
    MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD_BYTES),
    RESPONSE_STREAMING: String(entry.streaming),
    FORWARD_CREDENTIALS: String(o.forwardCallerCredentials === true),
    METRICS_NAMESPACE: ROUTER_METRICS_NAMESPACE,
    ...timeBudgetEnvironment(budget),
    ...(overflow ? { OVERFLOW_FUNCTION: overflow.alias.functionArn, LAMBDA_ENDPOINT_URL: endpointUrlOf(lambdaEndpoint!) } : {}),
  };
  const controlPlaneReservedConcurrency = controlPlaneCap(o.controlPlaneReservedConcurrency, decidedControl, overflowReservedConcurrency);
  const controlScope = new Construct(scope, 'ControlPlane');
  const controlPlane = renderLambda(controlScope, {
    workloadName,
    image: workload.image,
    // a streamed answer lasts as long as the generation, up to the stream's limit; a buffered one
    // must be whole within the budget
    sizing: { ...decidedControl, timeoutSeconds: entry.streaming ? budget.streamMaxDurationSeconds : budget.controlPlaneTimeoutSeconds },
    options: {
      ...input.lambda,
      entryPoint: entry.lambdaEntryPoint,
      code: LambdaCode.fromZipAsset(ROUTER_CODE_DIR, 'index.handler', lambda.Runtime.NODEJS_24_X),
      environment,
      vpc,
      vpcSubnets: o.vpcSubnets,
      securityGroups: [securityGroup],
      reservedConcurrentExecutions: controlPlaneReservedConcurrency,
    },
    reservedConcurrencyPath: CONTROL_PLANE_CAP_PATH,
    description: `Control plane of ${workloadName}: routes to the GPU data plane (hybrid, by ${decision.policyName})`,
  });
  const restApi = entry.streaming
    ? renderHybridRestApi(controlScope, { workloadName, alias: controlPlane.alias, streamMaxDurationSeconds: budget.streamMaxDurationSeconds })
    : undefined;
  // cdk-nag's AwsSolutions-L1 asks for the newest Node.js runtime aws-cdk-lib knows (2.278 knows
  // nodejs26.x); Lambda's supported-runtimes table lists nodejs24.x as its newest generally available
  // Node.js runtime (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html)
  Validations.of(controlPlane.function).acknowledge({
    id: 'AwsSolutions-L1',
    reason: 'The router runs on nodejs24.x, the newest Node.js runtime in Lambda\'s supported-runtimes table '
      + '(https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html, deprecation 2028-04-30); nodejs26.x is not listed there.',
  });
  if (overflow) {
    overflow.alias.grantInvoke(controlPlane.role);
    restrictLambdaEndpoint(lambdaEndpoint!, overflow.alias, controlPlane.role);
  }
  const alarms = { ...renderRouterAlarms(scope, workloadName, budget, overflow !== undefined), overflowThrottles };

  new CfnOutput(scope, 'DataPlaneLoadBalancerSecurityGroupId', {
    value: loadBalancerSecurityGroup.securityGroupId,
    description: `${workloadName}: the pods' security group must admit this group on TCP ${port} (the TargetGroupBinding does it on an EKS cluster given to the library)`,
  });
  new CfnOutput(scope, 'DataPlaneTargetGroupArn', {
    value: targetGroup.targetGroupArn,
    description: `${workloadName}: the target group the TargetGroupBinding ${namespace}/${workloadName}-internal fills with the data plane's pods`,
  });
  Annotations.of(scope).addWarningV2(PREREQUISITES_WARNING,
    `${workloadName} (hybrid) needs in its cluster: ${prerequisites.join(' ')}`
    + (admitted.wholeVpc ? ` The data plane admits the whole VPC (${admitted.cidrs[0]}): import the VPC with privateSubnetIpv4CidrBlocks `
      + '(or set \'hybrid.allowedCidr\') so that only the load balancer\'s subnets reach the pods.' : ''));

  return {
    controlPlane,
    restApi,
    dataPlane,
    loadBalancerService,
    loadBalancer,
    targetGroup,
    targetGroupBinding,
    securityGroup,
    loadBalancerSecurityGroup,
    lambdaEndpoint,
    dataPlaneUrl,
    timeBudget: budget,
    alarms,
    overflow,
    overflowReservedConcurrency,
    controlPlaneReservedConcurrency,
  };
}

/** `https://<endpoint DNS name>` of an interface endpoint (each DNS entry is `<hosted zone id>:<name>`). */
function endpointUrlOf(endpoint: ec2.InterfaceVpcEndpoint): string {
  return `https://${Fn.select(1, Fn.split(':', Fn.select(0, endpoint.vpcEndpointDnsEntries)))}`;
}

/** Alarms on the router's EMF metrics (dimension `WorkloadName`). */
function renderRouterAlarms(scope: Construct, workloadName: string, budget: HybridTimeBudget, withOverflow: boolean): HybridAlarms {
  const metric = (metricName: string, statistic: string) => new cloudwatch.Metric({
    namespace: ROUTER_METRICS_NAMESPACE, metricName, dimensionsMap: { WorkloadName: workloadName }, statistic, period: Duration.minutes(5),
  });
  const dataPlaneErrors = new cloudwatch.Alarm(scope, 'RouterDataPlaneErrorsAlarm', {
    alarmDescription: `${workloadName}: the data plane did not answer (refused, timed out or stalled) in 2 of the last 3 periods of 5 minutes`,
    metric: metric('DataPlaneErrors', 'Sum'),
    threshold: 0,
    ...ABOVE_IN_2_OF_3,
  });
  const latencyThreshold = Math.round(budget.dataPlaneDeadlineMs * 0.8);
  const dataPlaneLatencyP99 = new cloudwatch.Alarm(scope, 'RouterDataPlaneLatencyAlarm', {
    alarmDescription: `${workloadName}: p99 time to the data plane's answer is above ${latencyThreshold} ms (80% of its ${budget.dataPlaneDeadlineMs} ms deadline, past which requests overflow)`,
    metric: metric('DataPlaneLatency', 'p99'),
    threshold: latencyThreshold,
    ...ABOVE_IN_2_OF_3,
  });
  const overflowErrors = withOverflow ? new cloudwatch.Alarm(scope, 'RouterOverflowErrorsAlarm', {
    alarmDescription: `${workloadName}: overflow requests failed (function error, throttle or timeout) in 2 of the last 3 periods of 5 minutes`,
    metric: metric('OverflowErrors', 'Sum'),
    threshold: 0,
    ...ABOVE_IN_2_OF_3,
  }) : undefined;
  return { dataPlaneErrors, dataPlaneLatencyP99, overflowErrors };
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
  checkSubnetSelection('hybrid.vpcSubnets', o.vpcSubnets);
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
  checkOverflowWebAdapter(o.overflowWebAdapter);
  if (o.overflowReservedConcurrency !== undefined) {
    checkNumber('hybrid.overflowReservedConcurrency', o.overflowReservedConcurrency, { min: LAMBDA_LIMITS.minReservedConcurrency, max: LAMBDA_LIMITS.maxReservedConcurrency, integer: true });
  }
  checkControlPlaneCap(o.controlPlaneReservedConcurrency);
  checkBoolean('hybrid.forwardCallerCredentials', o.forwardCallerCredentials);
  return o;
}

function hybridSizingOf(decision: PlacementDecision): HybridSizing {
  if (!decision.hybrid || !decision.kubernetes) {
    throw new InferenceWorkloadValidationError(
      `'decision' has no hybrid and Kubernetes sizing for target ${decision.target}; the policy ${decision.policyName} must size hybrid placements`);
  }
  // the data plane never scales to zero (the Kubernetes renderer checks decision.kubernetes)
  checkNumber('decision.hybrid.dataPlaneFloorReplicas', decision.hybrid.dataPlaneFloorReplicas, { min: 1, integer: true });
  if (decision.hybrid.overflowToLambda) {
    checkNumber('decision.hybrid.overflowThresholdRequestsPerSecond', decision.hybrid.overflowThresholdRequestsPerSecond, { min: 0 });
  }
  return decision.hybrid;
}

/**
 * Checks a policy's own time budget (`decision.hybrid.timeBudget`): every figure becomes a router
 * variable or an alarm threshold, so each must be a whole, non-negative number of milliseconds, and
 * the control plane's timeout one Lambda accepts.
 */
function checkTimeBudget(b: HybridTimeBudget): void {
  const P = 'decision.hybrid.timeBudget';
  for (const field of ['connectTimeoutMs', 'responseTimeoutMs', 'overflowTimeoutMs', 'overflowNeedMs', 'marginMs'] as const) {
    checkNumber(`${P}.${field}`, b[field], { min: 0, integer: true });
  }
  checkNumber(`${P}.dataPlaneDeadlineMs`, b.dataPlaneDeadlineMs, { min: 1, integer: true });
  checkTimeoutSeconds(`${P}.controlPlaneTimeoutSeconds`, b.controlPlaneTimeoutSeconds);
  checkTimeoutSeconds(`${P}.streamMaxDurationSeconds`, b.streamMaxDurationSeconds);
}

/**
 * The CIDR block the data plane's NetworkPolicy admits: `allowedCidr`, else the VPC's. It goes into
 * the manifest, so it must be concrete.
 */
function admittedCidrsOf(o: HybridTargetOptions, subnets: ec2.SubnetSelection): { cidrs: string[]; wholeVpc: boolean } {
  if (o.allowedCidr !== undefined) {
    return { cidrs: [checkString('hybrid.allowedCidr', o.allowedCidr, { pattern: CIDR, patternDescription: 'an IPv4 CIDR block such as "10.0.0.0/16"' })], wholeVpc: false };
  }
  // the NLB forwards from its own addresses in its subnets (no client IP preservation for IP
  // targets over TCP): those subnets are the only sources the data plane needs to admit
  let selected: ec2.ISubnet[];
  try {
    selected = o.vpc!.selectSubnets(subnets).subnets;
  } catch (e) {
    throw new InferenceWorkloadValidationError(
      `'hybrid.vpcSubnets' must select private subnets of 'hybrid.vpc' for the data plane's load balancer, got none (${(e as Error).message.split('\n')[0]})`);
  }
  const subnetCidrs = selected.map(knownCidrOf);
  if (subnetCidrs.length > 0 && subnetCidrs.every(c => c !== undefined && !Token.isUnresolved(c) && CIDR.test(c))) {
    return { cidrs: [...new Set(subnetCidrs as string[])].sort(), wholeVpc: false };
  }
  const cidr = o.vpc!.vpcCidrBlock;
  if (Token.isUnresolved(cidr)) {
    throw new InferenceWorkloadValidationError(
      '\'hybrid.allowedCidr\' is required when neither the subnets\' nor the VPC\'s CIDR blocks are known at synth time (they go into the Kubernetes manifest), '
      + 'got a VPC whose vpcCidrBlock is a token; pass allowedCidr or import the VPC with Vpc.fromVpcAttributes/fromLookup');
  }
  return { cidrs: [checkString('hybrid.vpc.vpcCidrBlock', cidr, { pattern: CIDR, patternDescription: 'an IPv4 CIDR block' })], wholeVpc: true };
}

/**
 * A subnet's CIDR block when it is known, without tripping aws-cdk-lib's error for an imported
 * subnet whose CIDR was not supplied (that getter throws, and records the error in the assembly).
 */
function knownCidrOf(subnet: ec2.ISubnet): string | undefined {
  if ('_ipv4CidrBlock' in subnet) {
    return (subnet as { _ipv4CidrBlock?: string })._ipv4CidrBlock; // Subnet.fromSubnetAttributes / fromVpcAttributes
  }
  return subnet.ipv4CidrBlock;
}
