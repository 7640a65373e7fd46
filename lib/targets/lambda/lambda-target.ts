import { Duration, Size } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ModelImage } from '../../image';
import { CpuArchitecture, LambdaSizing, PlacementDecision } from '../../policy';
import { InferenceWorkloadValidationError } from '../../policy/errors';

/**
 * Options for the Lambda target. They only apply when the workload is placed on Lambda
 * (or on the control plane of a hybrid).
 */
export interface LambdaTargetOptions {
  /**
   * Environment variables of the function.
   * @default - none besides the library's own
   */
  readonly environment?: Record<string, string>;
}

/** What the Lambda renderer produced. */
export interface LambdaRendering {
  /** The function. */
  readonly function: lambda.Function;
  /** The `live` alias carrying provisioned concurrency. */
  readonly alias: lambda.Alias;
  /** The scalable target of the alias' provisioned concurrency. */
  readonly scalableTarget: lambda.IScalableFunctionAttribute;
}

/** Inputs of the Lambda renderer. @internal */
export interface LambdaRenderInput {
  readonly workloadName: string;
  readonly image: ModelImage;
  readonly decision: PlacementDecision;
  readonly options: LambdaTargetOptions;
}

/**
 * Renders a decision into aws-cdk-lib constructs under `scope`. Construct ids are a contract.
 * @internal
 */
export function renderLambda(scope: Construct, input: LambdaRenderInput): LambdaRendering {
  const sizing = requireSizing(input.decision);
  const location = input.image.ecrLocation(scope, 'ImageRepository');
  const fn = new lambda.DockerImageFunction(scope, 'Function', {
    code: lambda.DockerImageCode.fromEcr(location.repository, { tagOrDigest: location.tagOrDigest }),
    memorySize: sizing.memoryMiB,
    timeout: Duration.seconds(sizing.timeoutSeconds),
    ephemeralStorageSize: Size.mebibytes(sizing.ephemeralStorageMiB),
    architecture: sizing.architecture === CpuArchitecture.ARM64 ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64,
    description: `Inference workload ${input.workloadName} (placed on Lambda by ${input.decision.policyName})`,
    environment: { ...input.options.environment },
  });
  // provisioned concurrency lives on an alias of currentVersion, never on a version (aws-cdk #8883, #19103)
  const alias = new lambda.Alias(scope, 'LiveAlias', {
    aliasName: 'live',
    version: fn.currentVersion,
    provisionedConcurrentExecutions: sizing.provisionedConcurrencyMin,
  });
  const scalableTarget = alias.addAutoScaling({
    minCapacity: sizing.provisionedConcurrencyMin,
    maxCapacity: sizing.provisionedConcurrencyMax,
  });
  scalableTarget.scaleOnUtilization({ utilizationTarget: sizing.utilizationTarget });
  return { function: fn, alias, scalableTarget };
}

function requireSizing(decision: PlacementDecision): LambdaSizing {
  if (!decision.lambda) {
    throw new InferenceWorkloadValidationError(`'decision' has no Lambda sizing for target ${decision.target}; the policy ${decision.policyName} must size Lambda placements`);
  }
  return decision.lambda;
}

