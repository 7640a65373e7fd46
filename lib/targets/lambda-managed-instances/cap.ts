import { InferenceWorkloadValidationError } from '../../errors';
import { ManagedInstancesSizing } from '../../policy';
import { checkNumber } from '../../private/validate';
import { refuseLambdaReservedConcurrency } from '../lambda/concurrency-cap';
import { CheckedLambdaOptions } from '../lambda/options';

/*
 * The concurrency cap of a function on Lambda Managed Instances. Lambda documents what bounds such a
 * function: `FunctionScalingConfig.MaxExecutionEnvironments`, "the maximum number of execution
 * environments that can be provisioned for the function" (0-15,000,
 * https://docs.aws.amazon.com/lambda/latest/api/API_FunctionScalingConfig.html), each serving at
 * most `PerExecutionEnvironmentMaxConcurrency` requests at once (AWS::Lambda::Function
 * LambdaManagedInstancesCapacityProviderConfig), on instances whose vCPUs the capacity provider's
 * `CapacityProviderScalingConfig.MaxVCpuCount` bounds. Its documented scaling controls
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-scaling.html, "Adjusting
 * scaling behavior") do not include reserved concurrency, and none of Lambda's Managed Instances
 * pages (overview, core concepts, scaling, monitoring, troubleshooting; read 2026-12-08) documents
 * `ReservedConcurrentExecutions` for a function on a capacity provider. So the library caps such a
 * function with those three and never sets reserved concurrency on it (nor counts it in the stack's
 * reserved total, concurrency-cap.ts): a flood beyond environments x per-environment concurrency is
 * throttled (HTTP 429, "Lambda Managed Instances might reject new invokes to protect invokes that
 * are already in flight", https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-troubleshooting.html).
 */

/** The option that overrides the cap. @internal */
export const MANAGED_INSTANCES_CAP_PATH = 'managedInstances.maxExecutionEnvironments';

/** Checks `managedInstances.maxExecutionEnvironments` at construction, whatever the placement. @internal */
export function checkManagedInstancesCap(value: number | undefined): void {
  if (value !== undefined) {
    checkNumber(MANAGED_INSTANCES_CAP_PATH, value, { min: 1, integer: true });
  }
}

/**
 * The execution environments the `live` version may grow to: the decision's priced peak
 * (`maxExecutionEnvironments`: peak concurrency / per-environment concurrency / the CPU target), or
 * a lower cap the user chose. A higher one is refused: the capacity provider's vCPU ceiling and
 * the cost were sized for the decision's peak (raise the profile's peak instead). Refuses
 * `lambda.reservedConcurrentExecutions` (see above).
 * @internal
 */
export function managedInstancesCap(sizing: ManagedInstancesSizing, chosen: number | undefined, lambdaOptions: CheckedLambdaOptions): number {
  refuseLambdaReservedConcurrency(lambdaOptions.reservedConcurrentExecutions, 'a placement on Lambda Managed Instances',
    `Lambda documents no reserved concurrency for a function on a capacity provider; its cap is '${MANAGED_INSTANCES_CAP_PATH}' `
    + '(execution environments x the per-environment concurrency)');
  if (chosen === undefined) {
    return sizing.maxExecutionEnvironments;
  }
  if (chosen < sizing.minExecutionEnvironments || chosen > sizing.maxExecutionEnvironments) {
    throw new InferenceWorkloadValidationError(
      `'${MANAGED_INSTANCES_CAP_PATH}' must be between ${sizing.minExecutionEnvironments} and ${sizing.maxExecutionEnvironments} `
      + '(the decision\'s warm floor and priced peak environments; raise the profile\'s peak to go higher), '
      + `got ${chosen}`);
  }
  return chosen;
}
