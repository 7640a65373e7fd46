import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/**
 * The only action the router calls through the Lambda endpoint: a synchronous `Invoke` of the
 * overflow alias (router/index.js sends an `InvokeCommand`, never `InvokeWithResponseStream`).
 * @internal
 */
export const OVERFLOW_INVOKE_ACTIONS = ['lambda:InvokeFunction'];

/**
 * Replaces the Lambda interface endpoint's default policy (full access for every principal) with
 * one statement: the control plane's role may invoke the overflow's `live` alias, and nothing else
 * goes through the endpoint. An endpoint policy names principals, actions and resources as an IAM
 * policy does, and Lambda's own example allows `lambda:InvokeFunction` on one function for one
 * principal (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc-endpoints.html#vpc-endpoint-policy;
 * https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html). The alias ARN is the
 * one the router passes as `FunctionName` (its `OVERFLOW_FUNCTION`), which is the resource IAM
 * checks for `Invoke` (https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html).
 * The endpoint is declared before the control plane, whose environment names it; the policy only
 * refers to the role, which does not depend on the endpoint, so there is no cycle.
 * @internal
 */
export function restrictLambdaEndpoint(endpoint: ec2.InterfaceVpcEndpoint, overflowAlias: lambda.IAlias, controlPlaneRole: iam.IRole): void {
  endpoint.addToPolicy(new iam.PolicyStatement({
    sid: 'ControlPlaneInvokesOverflowAlias',
    principals: [new iam.ArnPrincipal(controlPlaneRole.roleArn)],
    actions: OVERFLOW_INVOKE_ACTIONS,
    resources: [overflowAlias.functionArn],
  }));
}
