import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { importCluster, newStack, place } from './fixtures';
import { ModelCredentials } from '../../../lib';

const partition = (suffix: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, suffix]] });

/** The statements of the model role's policy. */
function statements(t: Template): any[] {
  const policies = Object.values(t.findResources('AWS::IAM::Policy')) as any[];
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
}

describe('the model role reads the model and nothing else', () => {
  test('an s3:// prefix: GetObject under it, ListBucket only for listings under it', () => {
    const stack = newStack();
    place({ cluster: importCluster(stack), modelBucket: s3.Bucket.fromBucketName(stack, 'Models', 'example-models'), modelUri: 's3://example-models/llm/2.0.1/' },
      undefined, {}, stack);
    expect(statements(Template.fromStack(stack))).toEqual([
      { Action: 's3:GetObject', Effect: 'Allow', Resource: partition(':s3:::example-models/llm/2.0.1/*') },
      { Action: 's3:ListBucket', Effect: 'Allow', Resource: partition(':s3:::example-models'), Condition: { StringLike: { 's3:prefix': ['llm/2.0.1/*'] } } },
    ]);
  });

  test('an s3:// key: GetObject on that key only', () => {
    const stack = newStack();
    place({ cluster: importCluster(stack), modelBucket: s3.Bucket.fromBucketName(stack, 'Models', 'example-models'), modelUri: 's3://example-models/llm/m.gguf' },
      undefined, {}, stack);
    expect(statements(Template.fromStack(stack))).toEqual([
      { Action: 's3:GetObject', Effect: 'Allow', Resource: partition(':s3:::example-models/llm/m.gguf') },
    ]);
  });

  test('a bucket with a KMS key: kms:Decrypt on that key, only through S3 in the bucket\'s region', () => {
    const stack = newStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const bucket = s3.Bucket.fromBucketAttributes(stack, 'Models', { bucketName: 'example-models', encryptionKey: key, region: 'us-east-1' });
    place({ cluster: importCluster(stack), modelBucket: bucket, modelUri: 's3://example-models/llm/' }, undefined, {}, stack);
    expect(statements(Template.fromStack(stack))).toContainEqual({
      Action: 'kms:Decrypt',
      Effect: 'Allow',
      Resource: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
    });
  });

  test('no kms:Decrypt for a bucket without a key', () => {
    const stack = newStack();
    place({ cluster: importCluster(stack), modelBucket: s3.Bucket.fromBucketName(stack, 'Models', 'example-models'), modelUri: 's3://example-models/llm/' },
      undefined, {}, stack);
    expect(statements(Template.fromStack(stack)).map(s => s.Action)).toEqual(['s3:GetObject', 's3:ListBucket']);
  });

  test('throws when the model URI names another bucket', () => {
    const stack = newStack();
    expect(() => place({ cluster: importCluster(stack), modelBucket: s3.Bucket.fromBucketName(stack, 'Models', 'example-models'), modelUri: 's3://other/llm/' },
      undefined, {}, stack)).toThrow('\'kubernetes.modelBucket\' must be the bucket of the model "s3://other/llm/" (other), got example-models');
  });
});

describe('credentials exist before the pods that use them', () => {
  test.each([
    ['IRSA', undefined, ['ModelReaderRole']],
    ['Pod Identity', ModelCredentials.POD_IDENTITY, ['ModelReaderPodIdentityRole', 'ModelReaderPodIdentity']],
  ])('%s: the manifest depends on the role, its policy and the association', (_name, modelCredentials, ids) => {
    const stack = newStack();
    place({
      cluster: importCluster(stack),
      modelBucket: s3.Bucket.fromBucketName(stack, 'Models', 'example-models'),
      modelUri: 's3://example-models/llm/',
      modelCredentials,
    }, undefined, {}, stack);
    const t = Template.fromStack(stack);
    const [manifest] = Object.values(t.findResources('Custom::AWSCDK-EKS-KubernetesResource')) as any[];
    const logicalIds = (type: string) => Object.keys(t.findResources(type));
    const expected = [
      ...logicalIds('AWS::IAM::Role').filter(id => ids.some(i => id.includes(i))),
      ...logicalIds('AWS::IAM::Policy'),
      ...logicalIds('AWS::EKS::PodIdentityAssociation'),
    ];
    expect(expected.length).toBe(ids.length + 1);
    expect(manifest.DependsOn).toEqual(expect.arrayContaining(expected));
  });
});
