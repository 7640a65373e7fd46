import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { buildExampleApp } from '../../examples/app';
import { InferenceWorkload, InferenceWorkloadProps, LambdaEntryPoint, ModelCredentials, ModelImage, PlacementTarget } from '../../lib';
import { OVERFLOW_INVOKE_ACTIONS } from '../../lib/targets/hybrid/endpoint-policy';
import { ROUTER_CODE_DIR } from '../../lib/targets/hybrid/hybrid-target';
import { POD_IDENTITY_SERVICE } from '../../lib/targets/kubernetes/pod-identity-trust';
import { LAMBDA_SERVICE } from '../../lib/targets/lambda/trust';
import { CPU_PROFILE, HYBRID_PROFILE, importedVpc, MANAGED_INSTANCES_PROFILE } from '../helpers/fixtures';
import { importCluster, newStack, place } from './kubernetes/fixtures';

/* eslint-disable @typescript-eslint/no-explicit-any */

const asList = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

/**
 * The trust statements of a template that neither carry a condition nor are the one documented
 * exception: `lambda.amazonaws.com` with `sts:AssumeRole` alone, for which AWS documents no
 * condition (lib/targets/lambda/trust.ts). Each entry is `<role logical id>: <statement>`.
 */
function unconditionedTrust(template: Template): string[] {
  const out: string[] = [];
  for (const [id, role] of Object.entries(template.findResources('AWS::IAM::Role')) as Array<[string, any]>) {
    for (const s of role.Properties.AssumeRolePolicyDocument.Statement) {
      const conditioned = s.Condition !== undefined && Object.keys(s.Condition).length > 0;
      const lambdaOnly = JSON.stringify(s.Principal) === JSON.stringify({ Service: LAMBDA_SERVICE })
        && JSON.stringify(asList(s.Action)) === JSON.stringify(['sts:AssumeRole']);
      if (!conditioned && !lambdaOnly) {
        out.push(`${id}: ${JSON.stringify(s)}`);
      }
    }
  }
  return out;
}

let example: Template | undefined;
/** The example app's template, synthesized once for the file. */
function exampleTemplate(): Template {
  return example ??= synthExample();
}

function synthExample(): Template {
  const app = buildExampleApp(new App());
  const stack = app.node.children.find((c): c is Stack => c instanceof Stack && c.stackName === 'InferencePlatform')!;
  return Template.fromStack(stack);
}

describe('trust policies', () => {
  test('S11: every role of the example is conditioned, or trusted by Lambda with sts:AssumeRole alone (no condition AWS documents)', () => {
    const t = exampleTemplate();
    const roles = Object.keys(t.findResources('AWS::IAM::Role'));
    expect(roles.length).toBeGreaterThanOrEqual(8);
    expect(unconditionedTrust(t)).toEqual([]);
    // the Lambda-trusted roles are the execution and operator roles, nothing else
    const lambdaTrusted = roles.filter(id => JSON.stringify(t.toJSON().Resources[id].Properties.AssumeRolePolicyDocument).includes(LAMBDA_SERVICE));
    expect(lambdaTrusted.every(id => /(ExecutionRole|OperatorRole)[0-9A-F]{8}$/.test(id))).toBe(true);
  });

  test('fails on a planted role trusted by a service without a condition, or a Lambda role that may also tag its session', () => {
    const stack = new Stack();
    new iam.Role(stack, 'PlantedPodIdentity', { assumedBy: new iam.ServicePrincipal(POD_IDENTITY_SERVICE) });
    new iam.Role(stack, 'PlantedLambdaTagSession', { assumedBy: new iam.SessionTagsPrincipal(new iam.ServicePrincipal(LAMBDA_SERVICE)) });
    const found = unconditionedTrust(Template.fromStack(stack));
    expect(found).toHaveLength(2);
    expect(found.join('\n')).toMatch(/^PlantedPodIdentity/m);
    expect(found.join('\n')).toMatch(/^PlantedLambdaTagSession/m);
  });

  function modelBucketApp(modelCredentials?: ModelCredentials): { t: Template; association?: any } {
    const stack = newStack();
    place({
      cluster: importCluster(stack),
      modelBucket: s3.Bucket.fromBucketName(stack, 'Models', 'example-models'),
      modelUri: 's3://example-models/llm/',
      namespace: 'ml',
      modelCredentials,
    }, undefined, {}, stack);
    const t = Template.fromStack(stack);
    const [association] = Object.values(t.findResources('AWS::EKS::PodIdentityAssociation')) as any[];
    return { t, association };
  }

  test('S12: Pod Identity: the model-bucket role is usable by the workload\'s cluster, namespace and ServiceAccount only', () => {
    const { t, association } = modelBucketApp(ModelCredentials.POD_IDENTITY);
    expect(unconditionedTrust(t)).toEqual([]);
    const [role] = Object.values(t.findResources('AWS::IAM::Role')) as any[];
    const statements = role.Properties.AssumeRolePolicyDocument.Statement;
    // one statement: both actions Pod Identity calls, under the same conditions
    expect(statements).toHaveLength(1);
    const [s] = statements;
    expect(s.Principal).toEqual({ Service: POD_IDENTITY_SERVICE });
    expect(asList(s.Action).sort()).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    // the tag values are those of the association the library creates
    expect(s.Condition).toEqual({
      StringEquals: {
        'aws:RequestTag/eks-cluster-arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':eks:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:cluster/${association.Properties.ClusterName}`]] },
        'aws:RequestTag/kubernetes-namespace': association.Properties.Namespace,
        'aws:RequestTag/kubernetes-service-account': association.Properties.ServiceAccount,
      },
    });
    expect(association.Properties).toMatchObject({ ClusterName: 'inference', Namespace: 'ml' });
    expect(association.Properties.DisableSessionTags).toBeUndefined();
  });

  test('IRSA: the model-bucket role is usable by the cluster\'s OIDC provider for the workload\'s ServiceAccount and STS audience only', () => {
    const { t } = modelBucketApp();
    expect(unconditionedTrust(t)).toEqual([]);
    const [role] = Object.values(t.findResources('AWS::IAM::Role')) as any[];
    const [s, ...more] = role.Properties.AssumeRolePolicyDocument.Statement;
    expect(more).toEqual([]);
    expect(s.Action).toBe('sts:AssumeRoleWithWebIdentity');
    const issuer = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
    expect(s.Condition).toEqual({
      StringEquals: { [`${issuer}:aud`]: 'sts.amazonaws.com', [`${issuer}:sub`]: expect.stringMatching(/^system:serviceaccount:ml:[a-z0-9-]+$/) },
    });
  });
});

const IMAGE = ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1.0.0');

/** A workload with customer managed keys, and its template. */
function withKeys(id: string, props: (stack: Stack) => Omit<InferenceWorkloadProps, 'image'>): { t: Template; w: InferenceWorkload; keyId: string; logKeyId: string } {
  const stack = new Stack(new App(), id, { env: { account: '123456789012', region: 'us-east-1' } });
  const key = new kms.Key(stack, 'EnvironmentKey');
  const logKey = new kms.Key(stack, 'LogKey');
  const base = props(stack);
  const w = new InferenceWorkload(stack, 'Model', { image: IMAGE, ...base, lambda: { ...base.lambda, environmentEncryption: key, logEncryptionKey: logKey } });
  const idOf = (k: kms.Key) => stack.getLogicalId(k.node.defaultChild as kms.CfnKey);
  return { t: Template.fromStack(stack), w, keyId: idOf(key), logKeyId: idOf(logKey) };
}

/** Every function of the template, with its KMS key and the kms:* statements of its role's policies. */
function functionsAndKeys(t: Template): Array<{ id: string; kmsKeyArn: unknown; kmsStatements: any[] }> {
  const policies = Object.values(t.findResources('AWS::IAM::Policy')) as any[];
  return (Object.entries(t.findResources('AWS::Lambda::Function')) as Array<[string, any]>).map(([id, fn]) => {
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    const kmsStatements = policies
      .filter(p => p.Properties.Roles.some((r: any) => r.Ref === roleId))
      .flatMap(p => p.Properties.PolicyDocument.Statement)
      .filter((s: any) => asList(s.Action).some((a: string) => a.startsWith('kms:')));
    return { id, kmsKeyArn: fn.Properties.KmsKeyArn, kmsStatements };
  });
}

describe('lambda.environmentEncryption', () => {
  test.each([
    ['Lambda', PlacementTarget.LAMBDA, 1, () => ({ profile: CPU_PROFILE })],
    ['Lambda Managed Instances', PlacementTarget.LAMBDA_MANAGED_INSTANCES, 1, (s: Stack) => ({ profile: MANAGED_INSTANCES_PROFILE, managedInstances: { vpc: importedVpc(s) } })],
    ['hybrid (control plane and overflow)', PlacementTarget.HYBRID, 2, (s: Stack) => ({ profile: HYBRID_PROFILE, hybrid: { vpc: importedVpc(s), overflowWebAdapter: { port: 8080 } } })],
  ])('S13: %s: every function encrypts its environment with the key (its role may decrypt with that key only), every log group with the log key', (name, target, count, props) => {
    const { t, w, keyId, logKeyId } = withKeys(name.replace(/\W/g, ''), props);
    expect(w.decision.target).toBe(target);
    const fns = functionsAndKeys(t);
    expect(fns).toHaveLength(count);
    for (const fn of fns) {
      expect({ id: fn.id, key: fn.kmsKeyArn }).toEqual({ id: fn.id, key: { 'Fn::GetAtt': [keyId, 'Arn'] } });
      expect(fn.kmsStatements).toEqual([{ Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::GetAtt': [keyId, 'Arn'] } }]);
    }
    // and every log group of the workload is encrypted with lambda.logEncryptionKey
    const logGroups = Object.values(t.findResources('AWS::Logs::LogGroup')) as any[];
    expect(logGroups.length).toBeGreaterThanOrEqual(count);
    expect(logGroups.map(g => g.Properties.KmsKeyId)).toEqual(logGroups.map(() => ({ 'Fn::GetAtt': [logKeyId, 'Arn'] })));
  });
});

describe('the hybrid\'s Lambda interface endpoint', () => {
  test('S14: the hybrid\'s Lambda VPC endpoint admits only the control plane\'s role invoking the overflow\'s live alias', () => {
    const stack = new Stack(new App(), 'Hybrid', { env: { account: '123456789012', region: 'us-east-1' } });
    const w = new InferenceWorkload(stack, 'Model', { image: IMAGE, profile: HYBRID_PROFILE, hybrid: { vpc: importedVpc(stack), overflowWebAdapter: { port: 8080 } } });
    const t = Template.fromStack(stack);
    const endpoints = Object.values(t.findResources('AWS::EC2::VPCEndpoint')) as any[];
    expect(endpoints).toHaveLength(1);
    const id = (c: any) => stack.getLogicalId(c.node.defaultChild);
    expect(endpoints[0].Properties.PolicyDocument.Statement).toEqual([{
      Sid: 'ControlPlaneInvokesOverflowAlias',
      Effect: 'Allow',
      Principal: { AWS: { 'Fn::GetAtt': [id(w.hybrid!.controlPlane.role), 'Arn'] } },
      Action: 'lambda:InvokeFunction',
      Resource: { Ref: id(w.hybrid!.overflow!.alias) },
    }]);
    // the router calls Invoke only: the endpoint allows no streaming invoke it would not use
    const router = fs.readFileSync(path.join(ROUTER_CODE_DIR, 'index.js'), 'utf8');
    expect(router).toContain('InvokeCommand');
    expect(router).not.toContain('InvokeWithResponseStreamCommand');
    expect(OVERFLOW_INVOKE_ACTIONS).toEqual(['lambda:InvokeFunction']);
  });

  test('the example\'s endpoint has the same policy', () => {
    const t = exampleTemplate();
    const [endpoint, ...more] = Object.values(t.findResources('AWS::EC2::VPCEndpoint')) as any[];
    expect(more).toEqual([]);
    const [s, ...others] = endpoint.Properties.PolicyDocument.Statement;
    expect(others).toEqual([]);
    expect(s.Action).toBe('lambda:InvokeFunction');
    expect(s.Principal.AWS['Fn::GetAtt'][0]).toMatch(/ControlPlaneExecutionRole/);
    expect(s.Resource.Ref).toMatch(/OverflowLiveAlias/);
  });
});

describe('what the hybrid\'s cdk-nag acknowledgements say holds in the template', () => {
  function hybrid(extra: Partial<InferenceWorkloadProps> = {}): Template {
    const stack = new Stack(new App(), 'Hybrid', { env: { account: '123456789012', region: 'us-east-1' } });
    new InferenceWorkload(stack, 'Model', { image: IMAGE, profile: HYBRID_PROFILE, hybrid: { vpc: importedVpc(stack), overflowWebAdapter: { port: 8080 } }, ...extra });
    return Template.fromStack(stack);
  }

  test('AwsSolutions-ELB2: the internal NLB has TCP listeners only (NLB access logs cover TLS listeners only)', () => {
    const listeners = Object.values(hybrid().findResources('AWS::ElasticLoadBalancingV2::Listener')) as any[];
    expect(listeners.length).toBeGreaterThan(0);
    expect(listeners.map(l => l.Properties.Protocol)).toEqual(listeners.map(() => 'TCP'));
  });

  test('AwsSolutions-ELB2, APIG1: the default REST API writes no access log; the HTTP API entry point does', () => {
    const rest = hybrid();
    const stages = Object.values(rest.findResources('AWS::ApiGateway::Stage')) as any[];
    expect(stages).toHaveLength(1);
    expect(stages[0].Properties.AccessLogSetting).toBeUndefined();
    rest.resourceCountIs('AWS::ApiGatewayV2::Stage', 0);
    const http = hybrid({ lambda: { entryPoint: LambdaEntryPoint.httpApi() } });
    const [stage, ...more] = Object.values(http.findResources('AWS::ApiGatewayV2::Stage')) as any[];
    expect(more).toEqual([]);
    expect(stage.Properties.AccessLogSettings.DestinationArn).toBeDefined();
  });
});
