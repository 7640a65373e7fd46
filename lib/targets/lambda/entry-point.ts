import { Annotations, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as authorizers from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import * as integrations from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { InferenceWorkloadValidationError } from '../../errors';
import { checkBoolean } from '../../private/validate';

/** Options of a function URL entry point. */
export interface FunctionUrlEntryPointOptions {
  /**
   * Let anyone on the internet invoke the URL (auth type `NONE`). Adds a warning annotation
   * `inference-workload:public-entry-point`.
   * @default false - the URL requires SigV4-signed requests (auth type `AWS_IAM`)
   */
  readonly publicAccess?: boolean;

  /**
   * Stream the response as it is produced (invoke mode `RESPONSE_STREAM`), e.g. tokens of a
   * generative model.
   * @default false - the response is buffered (invoke mode `BUFFERED`)
   */
  readonly responseStreaming?: boolean;

  /**
   * CORS settings of the URL.
   * @default - no CORS configuration
   */
  readonly cors?: lambda.FunctionUrlCorsOptions;
}

/** Options of an HTTP API entry point. */
export interface HttpApiEntryPointOptions {
  /**
   * Let anyone on the internet call the API (no authorizer). Adds a warning annotation
   * `inference-workload:public-entry-point`.
   * @default false - the API requires SigV4-signed requests (an IAM authorizer)
   */
  readonly publicAccess?: boolean;

  /**
   * The authorizer of the API's default route.
   * @default - `HttpIamAuthorizer` (IAM auth)
   */
  readonly authorizer?: apigwv2.IHttpRouteAuthorizer;
}

/** What an entry point rendered. @internal */
export interface RenderedEntryPoint {
  readonly functionUrl?: lambda.FunctionUrl;
  readonly httpApi?: apigwv2.HttpApi;
}

/** Inputs of an entry point's rendering. @internal */
export interface EntryPointRenderInput {
  readonly workloadName: string;
  readonly alias: lambda.Alias;
  readonly logRetention: logs.RetentionDays;
  /** Encrypts the access logs. @default - CloudWatch Logs' own encryption */
  readonly logEncryptionKey?: kms.IKey;
}

const PUBLIC_WARNING_ID = 'inference-workload:public-entry-point';

enum EntryPointKind {
  FUNCTION_URL = 'function-url',
  HTTP_API = 'http-api',
  NONE = 'none',
}

/**
 * How clients reach the function. Every entry point targets the `live` alias, so requests land
 * on provisioned concurrency.
 */
export class LambdaEntryPoint {
  /**
   * A function URL on the `live` alias; `AWS_IAM` auth unless `publicAccess` is set.
   * Uses `lambda.FunctionUrl` underneath (`AuthType`, `InvokeMode`).
   */
  public static functionUrl(options: FunctionUrlEntryPointOptions = {}): LambdaEntryPoint {
    checkBoolean('entryPoint.publicAccess', options.publicAccess);
    checkBoolean('entryPoint.responseStreaming', options.responseStreaming);
    return new LambdaEntryPoint(EntryPointKind.FUNCTION_URL, options, {});
  }

  /**
   * An API Gateway HTTP API whose default route (`$default`) invokes the `live` alias, with
   * access logs; IAM auth unless `publicAccess` is set. Response streaming is not available
   * through an HTTP API.
   * Uses `aws-apigatewayv2.HttpApi` and `HttpLambdaIntegration` underneath.
   */
  public static httpApi(options: HttpApiEntryPointOptions = {}): LambdaEntryPoint {
    checkBoolean('entryPoint.publicAccess', options.publicAccess);
    if (options.publicAccess && options.authorizer) {
      throw new InferenceWorkloadValidationError('Cannot configure \'authorizer\' with \'publicAccess\': a public API has no authorizer');
    }
    return new LambdaEntryPoint(EntryPointKind.HTTP_API, {}, options);
  }

  /** No entry point: callers invoke the `live` alias directly (`lambda:InvokeFunction`). */
  public static none(): LambdaEntryPoint {
    return new LambdaEntryPoint(EntryPointKind.NONE, {}, {});
  }

  private constructor(
    private readonly kind: EntryPointKind,
    private readonly urlOptions: FunctionUrlEntryPointOptions,
    private readonly apiOptions: HttpApiEntryPointOptions) {}

  /** Whether the entry point streams responses (a function URL in `RESPONSE_STREAM` mode). @internal */
  public get _responseStreaming(): boolean {
    return this.kind === EntryPointKind.FUNCTION_URL && this.urlOptions.responseStreaming === true;
  }

  /** Renders the entry point under `scope`. @internal */
  public _render(scope: Construct, input: EntryPointRenderInput): RenderedEntryPoint {
    switch (this.kind) {
      case EntryPointKind.FUNCTION_URL:
        return { functionUrl: this.renderFunctionUrl(scope, input) };
      case EntryPointKind.HTTP_API:
        return { httpApi: this.renderHttpApi(scope, input) };
      default:
        return {};
    }
  }

  private renderFunctionUrl(scope: Construct, input: EntryPointRenderInput): lambda.FunctionUrl {
    const publicAccess = this.urlOptions.publicAccess === true;
    if (publicAccess) {
      Annotations.of(scope).addWarningV2(PUBLIC_WARNING_ID,
        `${input.workloadName}: the function URL is public (auth type NONE): anyone on the internet can invoke the model and run up its bill. `
        + 'Remove \'publicAccess\' to require IAM auth.');
    }
    return new lambda.FunctionUrl(scope, 'FunctionUrl', {
      function: input.alias,
      authType: publicAccess ? lambda.FunctionUrlAuthType.NONE : lambda.FunctionUrlAuthType.AWS_IAM,
      invokeMode: this.urlOptions.responseStreaming ? lambda.InvokeMode.RESPONSE_STREAM : lambda.InvokeMode.BUFFERED,
      cors: this.urlOptions.cors,
    });
  }

  private renderHttpApi(scope: Construct, input: EntryPointRenderInput): apigwv2.HttpApi {
    const publicAccess = this.apiOptions.publicAccess === true;
    const api = new apigwv2.HttpApi(scope, 'HttpApi', {
      description: `Entry point of inference workload ${input.workloadName} (live alias)`,
      createDefaultStage: false,
      defaultIntegration: new integrations.HttpLambdaIntegration('LiveIntegration', input.alias),
      defaultAuthorizer: publicAccess ? new apigwv2.HttpNoneAuthorizer() : (this.apiOptions.authorizer ?? new authorizers.HttpIamAuthorizer()),
    });
    const accessLogs = new logs.LogGroup(scope, 'HttpApiAccessLogs', { retention: input.logRetention, encryptionKey: input.logEncryptionKey });
    new apigwv2.HttpStage(scope, 'HttpApiStage', {
      httpApi: api,
      autoDeploy: true,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: apigateway.AccessLogFormat.custom(JSON.stringify({
          requestId: '$context.requestId',
          sourceIp: '$context.identity.sourceIp',
          caller: '$context.identity.caller',
          requestTime: '$context.requestTime',
          routeKey: '$context.routeKey',
          status: '$context.status',
          protocol: '$context.protocol',
          responseLength: '$context.responseLength',
          integrationLatency: '$context.integrationLatency',
        })),
      },
    });
    if (publicAccess) {
      Annotations.of(scope).addWarningV2(PUBLIC_WARNING_ID,
        `${input.workloadName}: the HTTP API is public (no authorizer): anyone on the internet can invoke the model and run up its bill. `
        + 'Remove \'publicAccess\' to require IAM auth.');
      Validations.of(api).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: 'Public access was requested explicitly (publicAccess: true); the library adds a warning annotation for it.',
      });
    }
    return api;
  }
}
