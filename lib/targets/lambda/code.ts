import * as fs from 'fs';
import * as path from 'path';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { InferenceWorkloadValidationError } from '../../errors';
import { ModelImage } from '../../image';
import { checkString } from '../../private/validate';

/** Options of `LambdaCode.fromDockerfile()`. */
export interface LambdaDockerfileOptions {
  /**
   * Name of the Dockerfile, relative to the directory.
   * @default 'Dockerfile'
   */
  readonly file?: string;

  /**
   * Build arguments passed to `docker build` at deploy time.
   * @default - no build arguments
   */
  readonly buildArgs?: Record<string, string>;
}

/**
 * What a `LambdaCode` resolves to for one function. @internal
 */
export interface BoundLambdaCode {
  readonly code: lambda.Code;
  readonly handler: string;
  readonly runtime: lambda.Runtime;
  /** The ECR repository the function pulls from (for the execution role's pull permission). */
  readonly repository?: ecr.IRepository;
}

/**
 * The code of the Lambda function: a container image in ECR, a Dockerfile directory
 * built as an image asset, or a directory deployed as a zip asset.
 *
 * Nothing is built or uploaded at synth time: `cdk synth` only stages assets into the
 * cloud assembly; `cdk deploy` builds and publishes them.
 */
export abstract class LambdaCode {
  /**
   * A container image in ECR, by tag or digest (the workload's `ModelImage` is the default).
   * Uses `lambda.Code.fromEcrImage()` underneath.
   */
  public static fromImage(image: ModelImage): LambdaCode {
    if (!(image instanceof ModelImage)) {
      throw new InferenceWorkloadValidationError(`'image' must be a ModelImage (ModelImage.fromImageUri(...)), got ${String(image)}`);
    }
    return new EcrImageCode(image);
  }

  /**
   * A local directory with a Dockerfile, built and pushed to the CDK asset repository at deploy
   * time (never at synth). Built for the architecture of the decision.
   * Uses `ecr_assets.DockerImageAsset` underneath.
   */
  public static fromDockerfile(directory: string, options: LambdaDockerfileOptions = {}): LambdaCode {
    checkString('directory', directory);
    const file = options.file ?? 'Dockerfile';
    checkString('file', file);
    const dockerfile = path.join(directory, file);
    if (!fs.existsSync(dockerfile)) {
      throw new InferenceWorkloadValidationError(`'directory' must contain ${JSON.stringify(file)}, got ${JSON.stringify(directory)} (no ${dockerfile})`);
    }
    return new DockerfileCode(directory, file, options.buildArgs);
  }

  /**
   * A local directory deployed as a zip asset with a managed runtime (for small CPU models).
   * Uses `lambda.Code.fromAsset()` underneath.
   */
  public static fromZipAsset(directory: string, handler: string, runtime: lambda.Runtime): LambdaCode {
    checkString('directory', directory);
    checkString('handler', handler, { maxLength: 128 });
    if (!(runtime instanceof lambda.Runtime) || runtime === lambda.Runtime.FROM_IMAGE) {
      throw new InferenceWorkloadValidationError(`'runtime' must be a managed Lambda runtime (e.g. lambda.Runtime.PYTHON_3_13), got ${String(runtime)}`);
    }
    if (!fs.existsSync(directory) || !fs.statSync(directory).isDirectory()) {
      throw new InferenceWorkloadValidationError(`'directory' must be an existing directory, got ${JSON.stringify(directory)}`);
    }
    return new RuntimeCode(() => lambda.Code.fromAsset(directory), handler, runtime);
  }

  /**
   * Source code inline in the template (at most 4,096 characters), with a managed runtime.
   * Used for the hybrid control plane's router. Uses `lambda.Code.fromInline()` underneath.
   */
  public static fromInline(source: string, handler: string, runtime: lambda.Runtime): LambdaCode {
    checkString('source', source, { maxLength: 4096 });
    checkString('handler', handler, { maxLength: 128 });
    if (!(runtime instanceof lambda.Runtime) || runtime === lambda.Runtime.FROM_IMAGE) {
      throw new InferenceWorkloadValidationError(`'runtime' must be a managed Lambda runtime (e.g. lambda.Runtime.NODEJS_20_X), got ${String(runtime)}`);
    }
    return new RuntimeCode(() => lambda.Code.fromInline(source), handler, runtime);
  }

  /** Resolves the code for one function. @internal */
  public abstract _bind(scope: Construct, architecture: lambda.Architecture): BoundLambdaCode;
}

class EcrImageCode extends LambdaCode {
  constructor(private readonly image: ModelImage) {
    super();
  }

  public _bind(scope: Construct): BoundLambdaCode {
    const location = this.image.ecrLocation(scope, 'ImageRepository');
    return {
      code: lambda.Code.fromEcrImage(location.repository, { tagOrDigest: location.tagOrDigest }),
      handler: lambda.Handler.FROM_IMAGE,
      runtime: lambda.Runtime.FROM_IMAGE,
      repository: location.repository,
    };
  }
}

class DockerfileCode extends LambdaCode {
  constructor(private readonly directory: string, private readonly file: string, private readonly buildArgs?: Record<string, string>) {
    super();
  }

  public _bind(scope: Construct, architecture: lambda.Architecture): BoundLambdaCode {
    const asset = new ecrAssets.DockerImageAsset(scope, 'ImageAsset', {
      directory: this.directory,
      file: this.file,
      buildArgs: this.buildArgs,
      platform: architecture === lambda.Architecture.ARM_64 ? ecrAssets.Platform.LINUX_ARM64 : ecrAssets.Platform.LINUX_AMD64,
    });
    return {
      code: lambda.Code.fromEcrImage(asset.repository, { tagOrDigest: asset.imageTag }),
      handler: lambda.Handler.FROM_IMAGE,
      runtime: lambda.Runtime.FROM_IMAGE,
      repository: asset.repository,
    };
  }
}

/**
 * Code for a managed runtime (zip asset or inline source); nothing is built at synth. A fresh
 * `lambda.Code` per function, so one `LambdaCode` can serve functions in several stacks.
 */
class RuntimeCode extends LambdaCode {
  constructor(private readonly code: () => lambda.Code, private readonly handler: string, private readonly runtime: lambda.Runtime) {
    super();
  }

  public _bind(): BoundLambdaCode {
    return { code: this.code(), handler: this.handler, runtime: this.runtime };
  }
}
