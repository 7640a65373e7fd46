import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CacheSidecarType } from './cache-sidecar';
import { CheckedKubernetesOptions } from './options';
import { InferenceWorkloadValidationError } from '../../errors';

/** The URI the workload's model cache fetches, if any (its own, else the target's `modelUri`). @internal */
export function modelSourceUri(options: CheckedKubernetesOptions): string | undefined {
  const cache = options.cacheSidecars.find(c => c.type === CacheSidecarType.MODEL_CACHE);
  return cache?._uri(options.modelUri) ?? options.modelUri;
}

/**
 * Grants `role` read access to the model in `bucket`, and nothing else:
 * - an `s3://bucket/prefix/` model: `s3:GetObject` on `prefix/*` and `s3:ListBucket` only with
 *   an `s3:prefix` under it (the listing `aws s3 sync` makes);
 * - an `s3://bucket/key` model: `s3:GetObject` on that key;
 * - no `s3://` model in the bucket (the model server reads it itself): `s3:GetObject` on every
 *   object and `s3:ListBucket`;
 * plus `kms:Decrypt` on the bucket's key when it has one, only through S3 (`kms:ViaService`).
 * Sources: docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html (`s3:prefix`
 * on ListBucket); docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
 * (`s3.<region>.amazonaws.com`); SSE-KMS reads need `kms:Decrypt`
 * (docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html).
 * @internal
 */
export function grantModelRead(role: iam.IRole, bucket: s3.IBucket, uri: string | undefined): void {
  const location = uri?.startsWith('s3://') ? parseS3Uri(uri) : undefined;
  if (location !== undefined && !Token.isUnresolved(bucket.bucketName) && location.bucket !== bucket.bucketName) {
    throw new InferenceWorkloadValidationError(
      `'kubernetes.modelBucket' must be the bucket of the model ${JSON.stringify(uri)} (${location.bucket}), got ${bucket.bucketName}`);
  }
  const key = location?.key ?? '';
  const statements: iam.PolicyStatement[] = [];
  if (key === '' || key.endsWith('/')) {
    statements.push(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects(`${key}*`)] }));
    statements.push(new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: key === '' ? undefined : { StringLike: { 's3:prefix': [`${key}*`] } },
    }));
  } else {
    statements.push(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects(key)] }));
  }
  if (bucket.encryptionKey !== undefined) {
    statements.push(new iam.PolicyStatement({
      actions: ['kms:Decrypt'],
      resources: [bucket.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${bucket.env.region}.amazonaws.com` } },
    }));
  }
  statements.forEach(statement => role.addToPrincipalPolicy(statement));
}

/** `s3://bucket/key` as its bucket and key (the key may be empty or end in `/`). */
function parseS3Uri(uri: string): { bucket: string; key: string } {
  const rest = uri.slice('s3://'.length);
  const slash = rest.indexOf('/');
  return slash < 0 ? { bucket: rest, key: '' } : { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
}
