import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { InferenceWorkloadValidationError } from '../../errors';
import { ModelImage } from '../../image';
import { HybridSizing, LambdaSizing, PlacementDecision } from '../../policy';
import { LAMBDA_LIMITS } from '../../policy/limits';
import { checkNumber, checkOptionsObject } from '../../private/validate';
import { checkHttpPath } from '../kubernetes/model-server';
import { LambdaCode } from '../lambda/code';
import { encryptionOptionsOf } from '../lambda/encryption';
import { LambdaEntryPoint } from '../lambda/entry-point';
import { LambdaRendering, renderLambda } from '../lambda/lambda-target';
import { CheckedLambdaOptions } from '../lambda/options';
import { checkMemoryMiB, checkTimeoutSeconds } from '../lambda/validate';

/**
 * The overflow image speaks HTTP, and the AWS Lambda Web Adapter turns Lambda invokes into HTTP
 * requests to it (https://github.com/awslabs/aws-lambda-web-adapter). The contract the image must
 * keep: the adapter binary at `/opt/extensions/lambda-adapter` (Lambda starts only the extensions
 * it finds in `/opt/extensions`), e.g.
 * `COPY --from=public.ecr.aws/awsguru/aws-lambda-adapter:<version> /lambda-adapter /opt/extensions/lambda-adapter`;
 * the server listening on `port` on 127.0.0.1 or 0.0.0.0; `readinessCheckPath` answering once the
 * model is loaded. The library sets `AWS_LWA_PORT` and `AWS_LWA_READINESS_CHECK_PATH` on the function.
 */
export interface OverflowWebAdapterOptions {
  /**
   * Port the model server listens on inside the image (`AWS_LWA_PORT`).
   * @default 8080 - the adapter's own default
   */
  readonly port?: number;

  /**
   * Path the adapter polls until the server answers, before it passes the first request on
   * (`AWS_LWA_READINESS_CHECK_PATH`).
   * @default - the data plane's readiness path (the model server preset's, or `kubernetes.readinessProbePath`)
   */
  readonly readinessCheckPath?: string;
}

/** The adapter's default port (https://github.com/awslabs/aws-lambda-web-adapter#configurations). */
const WEB_ADAPTER_DEFAULT_PORT = 8080;

/** Checks `hybrid.overflowWebAdapter` at construction. @internal */
export function checkOverflowWebAdapter(value: OverflowWebAdapterOptions | undefined): OverflowWebAdapterOptions | undefined {
  if (value === undefined) return undefined;
  const o = checkOptionsObject('hybrid.overflowWebAdapter', value, 'OverflowWebAdapterOptions');
  if (o.port !== undefined) {
    checkNumber('hybrid.overflowWebAdapter.port', o.port, { min: 1, max: 65535, integer: true });
  }
  if (o.readinessCheckPath !== undefined) {
    checkHttpPath('hybrid.overflowWebAdapter.readinessCheckPath', o.readinessCheckPath);
  }
  return o;
}

/** Inputs of the overflow function. @internal */
export interface OverflowInput {
  readonly workloadName: string;
  readonly image: ModelImage;
  readonly decision: PlacementDecision;
  readonly hybrid: HybridSizing;
  readonly controlSizing: LambdaSizing;
  readonly lambdaOptions: CheckedLambdaOptions;
  readonly overflowCode?: LambdaCode;
  readonly webAdapter?: OverflowWebAdapterOptions;
  /** The data plane's readiness path, the adapter's default readiness check. */
  readonly readinessPath: string;
  readonly reservedConcurrency?: number;
}

/** The overflow function, its cap and the alarm when the cap throttles. @internal */
export interface RenderedOverflow {
  readonly rendering: LambdaRendering;
  readonly reservedConcurrency: number;
  readonly throttlesAlarm: cloudwatch.Alarm;
}

/**
 * The overflow's concurrency cap by default: what its planned share of the peak needs by Little's
 * law, the tail above the floor's threshold (peak - threshold, req/s) times the p99 duration on CPU
 * (p99 x the profile's CPU slowdown), rounded up, at least 1. Above it the overflow answers 503 with
 * Retry-After (a throttle), so a flood cannot take the account's Lambda concurrency.
 * @internal
 */
export function defaultOverflowConcurrency(decision: PlacementDecision, hybrid: HybridSizing): number {
  const p = decision.profile;
  if (p?.peakRequestsPerSecond === undefined || p.requestDurationP99Ms === undefined || p.cpuFallbackSlowdown === undefined) {
    throw new InferenceWorkloadValidationError(
      '\'hybrid.overflowReservedConcurrency\' is required when the decision records no resolved profile (peak, p99, CPU slowdown) to derive it from, '
      + `got a decision by ${decision.policyName} without one`);
  }
  const tailRps = Math.max(0, p.peakRequestsPerSecond - hybrid.overflowThresholdRequestsPerSecond);
  return Math.max(1, Math.ceil(tailRps * (p.requestDurationP99Ms / 1000) * p.cpuFallbackSlowdown));
}

/**
 * Renders the overflow function that serves the tail on CPU. It must answer HTTP on Lambda: either
 * code the user provides (a CPU build that returns API Gateway proxy responses), or an image with
 * the AWS Lambda Web Adapter (`overflowWebAdapter`; the workload's image when no code is given).
 * A model-server image without either cannot answer a Lambda invoke, so nothing else is accepted.
 * @internal
 */
export function renderOverflow(scope: Construct, input: OverflowInput): RenderedOverflow {
  const { workloadName, hybrid } = input;
  if (input.overflowCode === undefined && input.webAdapter === undefined) {
    throw new InferenceWorkloadValidationError(
      '\'hybrid.overflowCode\' or \'hybrid.overflowWebAdapter\' is required when the hybrid placement routes the tail to Lambda (profile.cpuFallbackCapable), got neither: '
      + 'the workload\'s model-server image has no Lambda runtime interface client, so every overflow request would fail. Provide a CPU build '
      + 'that answers API Gateway proxy events (hybrid.overflowCode), or an image with the AWS Lambda Web Adapter in /opt/extensions '
      + '(hybrid.overflowWebAdapter, with hybrid.overflowCode or the workload\'s image)');
  }
  if (input.overflowCode === undefined) {
    // the workload's image runs on Lambda: Lambda's container image limit applies
    const size = input.decision.profile?.imageSizeGiB;
    if (size !== undefined && size > LAMBDA_LIMITS.maxImageSizeGiB) {
      throw new InferenceWorkloadValidationError(
        `'profile.imageSizeGiB' must be at most ${LAMBDA_LIMITS.maxImageSizeGiB} for the overflow to run the workload's image on Lambda `
        + `(Lambda's container image limit: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html), got ${size}; `
        + 'give the overflow a smaller CPU image (hybrid.overflowCode)');
    }
  }
  const adapter: Record<string, string> = input.webAdapter === undefined ? {} : {
    AWS_LWA_PORT: String(input.webAdapter.port ?? WEB_ADAPTER_DEFAULT_PORT),
    AWS_LWA_READINESS_CHECK_PATH: input.webAdapter.readinessCheckPath ?? input.readinessPath,
  };
  const sizing = overflowSizing(input.controlSizing, hybrid);
  const reservedConcurrency = input.reservedConcurrency ?? defaultOverflowConcurrency(input.decision, hybrid);
  const rendering = renderLambda(new Construct(scope, 'Overflow'), {
    workloadName,
    image: input.image,
    sizing,
    options: {
      code: input.overflowCode ?? LambdaCode.fromImage(input.image),
      // invoked by the router only: no URL of its own
      entryPoint: LambdaEntryPoint.none(),
      environment: { INFERENCE_ROLE: 'overflow', ...adapter },
      latencyBudgetMs: input.lambdaOptions.latencyBudgetMs,
      logRetention: input.lambdaOptions.logRetention,
      ...encryptionOptionsOf(input.lambdaOptions),
      reservedConcurrentExecutions: reservedConcurrency,
    },
    reservedConcurrencyPath: 'hybrid.overflowReservedConcurrency',
    description: `Overflow of ${workloadName}: serves the tail above ${hybrid.overflowThresholdRequestsPerSecond} req/s on CPU (hybrid)`,
  });
  // the live alias' throttle alarm (Overflow/ThrottlesAlarm, at the first throttle) is the cap's alarm
  const throttlesAlarm = rendering.alarms.throttles;
  return { rendering, reservedConcurrency, throttlesAlarm };
}

/** The overflow function's sizing: the decision's overflow memory and timeout, no provisioned concurrency (tail only). */
function overflowSizing(control: LambdaSizing, hybrid: HybridSizing): LambdaSizing {
  if (hybrid.overflowMemoryMiB === undefined || hybrid.overflowTimeoutSeconds === undefined) {
    throw new InferenceWorkloadValidationError('\'decision.hybrid\' routes the tail to Lambda but has no overflow memory and timeout');
  }
  return {
    ...control,
    memoryMiB: checkMemoryMiB('decision.hybrid.overflowMemoryMiB', hybrid.overflowMemoryMiB),
    timeoutSeconds: checkTimeoutSeconds('decision.hybrid.overflowTimeoutSeconds', hybrid.overflowTimeoutSeconds),
    provisionedConcurrencyMin: 0,
    provisionedConcurrencyMax: 0,
    warmSchedules: undefined,
  };
}

/** The Lambda interface endpoint the router invokes the overflow through, admitting the control plane only. @internal */
export function renderLambdaEndpoint(scope: Construct, workloadName: string, vpc: ec2.IVpc, subnets: ec2.SubnetSelection,
  controlPlane: ec2.SecurityGroup): ec2.InterfaceVpcEndpoint {
  // the overflow invoke stays in the VPC: an interface endpoint without private DNS (so it cannot
  // clash with an endpoint that already claims lambda.<region>.amazonaws.com), addressed by its own name
  const endpointSecurityGroup = new ec2.SecurityGroup(scope, 'LambdaEndpointSecurityGroup', {
    vpc,
    allowAllOutbound: false,
    description: `Lambda endpoint of ${workloadName}: admits the control plane only`,
  });
  endpointSecurityGroup.addIngressRule(controlPlane, ec2.Port.tcp(443), `from the ${workloadName} control plane`);
  const endpoint = new ec2.InterfaceVpcEndpoint(scope, 'LambdaEndpoint', {
    vpc,
    service: ec2.InterfaceVpcEndpointAwsService.LAMBDA,
    subnets,
    privateDnsEnabled: false,
    open: false,
    securityGroups: [endpointSecurityGroup],
  });
  controlPlane.addEgressRule(endpointSecurityGroup, ec2.Port.tcp(443), 'to the Lambda endpoint, to invoke the overflow function');
  return endpoint;
}
