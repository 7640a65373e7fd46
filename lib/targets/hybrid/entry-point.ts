import { Annotations, Duration, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { InferenceWorkloadValidationError } from '../../errors';
import { LAMBDA_LIMITS } from '../../policy/limits';
import { LambdaEntryPoint } from '../lambda/entry-point';

/**
 * Lambda documents that a function attached to a VPC cannot stream through a function URL:
 * "Lambda function URLs do not support response streaming within a VPC environment"
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html, section
 * "VPC compatibility with response streaming"). The control plane is attached to the cluster's VPC.
 */
const FUNCTION_URL_VPC_STREAMING = 'Lambda function URLs do not support response streaming within a VPC environment '
  + '(https://docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html)';

/**
 * The hybrid's entry point, as rendered: the REST API (default) or the Lambda entry point the user
 * chose, and whether the router streams. @internal
 */
export interface HybridEntryPointChoice {
  /** Whether the router streams its answers (the REST API in STREAM mode). */
  readonly streaming: boolean;
  /** The Lambda entry point the control plane's function renders itself. */
  readonly lambdaEntryPoint: LambdaEntryPoint;
}

/**
 * Chooses the control plane's entry point. By default: an API Gateway REST API whose Lambda proxy
 * integration streams (`responseTransferMode: STREAM`), which API Gateway documents for Lambda
 * functions, VPC-attached ones included (it invokes them with InvokeWithResponseStream:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode-lambda.html);
 * the function itself then has no entry point of its own. A function URL that streams is refused
 * (see above); a buffered function URL or an HTTP API is the user's explicit choice, with its
 * limits stated in a warning.
 * @internal
 */
export function chooseHybridEntryPoint(
  scope: Construct, workloadName: string, chosen: LambdaEntryPoint | undefined, controlPlaneTimeoutSeconds: number,
): HybridEntryPointChoice {
  if (chosen === undefined) {
    return { streaming: true, lambdaEntryPoint: LambdaEntryPoint.none() };
  }
  if (chosen._responseStreaming) {
    throw new InferenceWorkloadValidationError(
      `'lambda.entryPoint' must not be a streaming function URL for a hybrid placement (the control plane is attached to the VPC: ${FUNCTION_URL_VPC_STREAMING}), `
      + 'got LambdaEntryPoint.functionUrl({ responseStreaming: true }); leave \'lambda.entryPoint\' unset for the hybrid\'s streaming REST API, '
      + 'or choose a buffered function URL');
  }
  Annotations.of(scope).addWarningV2('inference-workload:hybrid-buffered-entry-point',
    `${workloadName}: the hybrid's control plane answers through the entry point you chose, buffered: every answer is held whole and `
    + `limited to ${LAMBDA_LIMITS.maxSyncPayloadKiB / 1024} MB (Lambda's synchronous response limit), and must be complete within the control plane's `
    + `${controlPlaneTimeoutSeconds} s timeout (an HTTP API also cuts an integration at 30 s: `
    + 'https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html). Leave \'lambda.entryPoint\' unset for the streaming REST API.');
  return { streaming: false, lambdaEntryPoint: chosen };
}

/** Inputs of the REST API. @internal */
export interface HybridRestApiInput {
  readonly workloadName: string;
  /** The control plane's `live` alias. */
  readonly alias: lambda.IFunction;
  /** How long one streamed answer may last: the integration's timeout and the control plane's. */
  readonly streamMaxDurationSeconds: number;
}

/**
 * The REST API in front of the control plane: regional, IAM-authenticated (SigV4) on every method,
 * every path and method proxied to the `live` alias, the answer streamed.
 *
 * - `responseTransferMode: STREAM` on a Lambda proxy (AWS_PROXY) integration; aws-cdk-lib's
 *   `LambdaIntegration` then invokes `.../2021-11-15/functions/<arn>/response-streaming-invocations`
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode-lambda.html).
 * - Limits of a streamed answer: at most 15 minutes, with an idle timeout of 5 minutes on regional
 *   endpoints (30 s on edge-optimized ones, hence regional); the integration timeout may be set up to
 *   15 minutes when streaming; request bodies are not streamed
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode.html).
 * - Binary media type `*\/*`: every request body reaches the router base64-encoded and unaltered.
 * - No execution or access logging to CloudWatch: both need the account-wide API Gateway CloudWatch
 *   role, which a library must not create nor assume exists
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html).
 * @internal
 */
export function renderHybridRestApi(scope: Construct, input: HybridRestApiInput): apigateway.RestApi {
  const api = new apigateway.RestApi(scope, 'RestApi', {
    description: `Entry point of inference workload ${input.workloadName} (hybrid control plane, streamed answers)`,
    endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
    binaryMediaTypes: ['*/*'],
    cloudWatchRole: false,
    deployOptions: { stageName: 'live' },
    defaultMethodOptions: { authorizationType: apigateway.AuthorizationType.IAM },
  });
  const integration = new apigateway.LambdaIntegration(input.alias, {
    proxy: true,
    responseTransferMode: apigateway.ResponseTransferMode.STREAM,
    timeout: Duration.seconds(input.streamMaxDurationSeconds),
    // one permission for the whole API instead of one per method and path
    scopePermissionToMethod: false,
  });
  api.root.addMethod('ANY', integration);
  api.root.addResource('{proxy+}').addMethod('ANY', integration);
  Validations.of(api).acknowledge(
    {
      id: 'AwsSolutions-APIG1',
      reason: 'Access logging to CloudWatch needs the account-wide API Gateway CloudWatch role, which a library does not create; '
        + 'the router writes a metric record (CloudWatch Embedded Metric Format) for each request it forwards instead. '
        + 'Enable access logs on the stage once the account has the role.',
    },
    {
      id: 'AwsSolutions-APIG6',
      reason: 'Execution logging needs the account-wide API Gateway CloudWatch role, which a library does not create.',
    },
    {
      id: 'AwsSolutions-APIG2',
      reason: 'The API is a proxy of every path and method to the model server, which receives the body unaltered; API Gateway request '
        + 'validation would need a schema of the model server\'s API, which the library does not have.',
    },
    {
      id: 'AwsSolutions-APIG3',
      reason: 'Every method requires SigV4 (IAM) authentication; attach a WAF web ACL to the stage if the callers need one.',
    },
    {
      id: 'AwsSolutions-COG4',
      reason: 'The API is authorized by IAM (SigV4), not by a Cognito user pool.',
    },
  );
  return api;
}
