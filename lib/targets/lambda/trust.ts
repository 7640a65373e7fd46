import * as iam from 'aws-cdk-lib/aws-iam';

/** The service principal Lambda assumes a function's execution role and a capacity provider's operator role as. @internal */
export const LAMBDA_SERVICE = 'lambda.amazonaws.com';

/**
 * The principal of every role Lambda assumes for this library (execution roles, the Managed
 * Instances operator role): `lambda.amazonaws.com` with `sts:AssumeRole`, without a condition.
 *
 * AWS documents the `aws:SourceAccount`/`aws:SourceArn` confused-deputy conditions per service, and
 * Lambda documents none for these roles. Its execution-role page requires only that the trust policy
 * name the Lambda service principal
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html), and its
 * operator-role page gives the trust policy of a Managed Instances operator role as the bare
 * principal with `sts:AssumeRole`
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-operator-role.html, "Trust
 * policy"). IAM sets `aws:SourceArn`/`aws:SourceAccount` only when the calling service passes them
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcearn),
 * and no Lambda page says it does when it assumes these roles, so a condition could keep Lambda from
 * assuming the role. What Lambda does document is `lambda:SourceFunctionArn`, on the requests made
 * with the role, which the execution role's network-interface Deny uses (function-core.ts). A
 * `SourceArn` naming the function would also be a dependency cycle (the function needs its role first).
 * @internal
 */
export function lambdaServicePrincipal(): iam.ServicePrincipal {
  return new iam.ServicePrincipal(LAMBDA_SERVICE);
}
