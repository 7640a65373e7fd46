import { LambdaTargetOptions } from './options';

/**
 * The workload's KMS keys, as every function the library builds for it takes them: the key of the
 * environment variables (`lambda.environmentEncryption`; the execution role gets `kms:Decrypt` on
 * it) and the key of the log groups (`lambda.logEncryptionKey`). A function whose other options the
 * library sets itself (the hybrid's overflow) takes these from here, so that a key given once
 * encrypts every function of the workload.
 * @internal
 */
export function encryptionOptionsOf(o: LambdaTargetOptions): Pick<LambdaTargetOptions, 'environmentEncryption' | 'logEncryptionKey'> {
  return { environmentEncryption: o.environmentEncryption, logEncryptionKey: o.logEncryptionKey };
}
