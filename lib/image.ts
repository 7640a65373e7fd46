import { Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Construct } from 'constructs';
import { InferenceWorkloadValidationError } from './errors';
import { checkString } from './private/validate';

const ECR_URI = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([a-z0-9][a-z0-9._\/-]*)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})|@(sha256:[a-f0-9]{64}))$/;
const IMAGE_URI = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\.[a-z0-9-]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$/;

/** An ECR repository and the tag or digest of one image in it. */
export interface EcrImageLocation {
  /** The repository. */
  readonly repository: ecr.IRepository;
  /** Tag (`1.4.2`) or digest (`sha256:...`). */
  readonly tagOrDigest: string;
}

/**
 * The container image of the model server. One image serves every target: Lambda pulls
 * it from ECR, Kubernetes from any registry. Nothing is built at synth time.
 */
export abstract class ModelImage {
  /**
   * An image by its full URI with a tag or digest, e.g.
   * `123456789012.dkr.ecr.us-east-1.amazonaws.com/llm:1.4.2`.
   *
   * Any registry works for Kubernetes; the Lambda target needs an ECR URI.
   */
  public static fromImageUri(imageUri: string): ModelImage {
    checkString('image', imageUri, {
      maxLength: 512,
      pattern: IMAGE_URI,
      patternDescription: 'an image URI with a tag or digest, e.g. "123456789012.dkr.ecr.us-east-1.amazonaws.com/llm:1.4.2"',
    });
    return new UriImage(imageUri);
  }

  /**
   * An image in an ECR repository, by tag or digest. The Kubernetes target needs the
   * repository URI to be concrete (an imported repository with a known account and region).
   */
  public static fromEcrRepository(repository: ecr.IRepository, tagOrDigest: string): ModelImage {
    checkString('tagOrDigest', tagOrDigest, {
      maxLength: 135,
      pattern: /^([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|sha256:[a-f0-9]{64})$/,
      patternDescription: 'an image tag or a sha256 digest',
    });
    return new RepositoryImage(repository, tagOrDigest);
  }

  /** The image reference for a Kubernetes pod spec; throws if it is not concrete. */
  public abstract kubernetesImageReference(): string;

  /** The ECR repository and tag or digest for Lambda; throws if the image is not in ECR. */
  public abstract ecrLocation(scope: Construct, id: string): EcrImageLocation;
}

class UriImage extends ModelImage {
  constructor(private readonly uri: string) {
    super();
  }

  public kubernetesImageReference(): string {
    return this.uri;
  }

  public ecrLocation(scope: Construct, id: string): EcrImageLocation {
    const m = ECR_URI.exec(this.uri);
    if (!m) {
      throw new InferenceWorkloadValidationError(
        `'image' must be an ECR image URI (<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>) for the Lambda target, got ${JSON.stringify(this.uri)}`);
    }
    const [, account, region, cn, name, tag, digest] = m;
    const partition = cn ? 'aws-cn' : 'aws';
    const repository = ecr.Repository.fromRepositoryAttributes(scope, id, {
      repositoryArn: `arn:${partition}:ecr:${region}:${account}:repository/${name}`,
      repositoryName: name,
    });
    return { repository, tagOrDigest: tag ?? digest };
  }
}

class RepositoryImage extends ModelImage {
  constructor(private readonly repository: ecr.IRepository, private readonly tagOrDigest: string) {
    super();
  }

  public kubernetesImageReference(): string {
    const sep = this.tagOrDigest.startsWith('sha256:') ? '@' : ':';
    const uri = `${this.repository.repositoryUri}${sep}${this.tagOrDigest}`;
    if (Token.isUnresolved(this.repository.repositoryUri)) {
      throw new InferenceWorkloadValidationError(
        '\'image\' must be a concrete image URI for the Kubernetes target (manifests are plain YAML, outside CloudFormation), '
        + 'got an ECR repository whose URI is a token; use ModelImage.fromImageUri(\'<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>\')');
    }
    return uri;
  }

  public ecrLocation(): EcrImageLocation {
    return { repository: this.repository, tagOrDigest: this.tagOrDigest };
  }
}
