import { MAX_ALARMED_INSTANCE_TYPES } from './alarms';
import { InferenceWorkloadValidationError } from '../../errors';
import { ManagedInstancesSizing } from '../../policy';
import { MANAGED_INSTANCES_GPU_LIMITS as GPU, MANAGED_INSTANCES_LIMITS as MI } from '../../policy/limits';
import { checkNumber, checkOneOf, checkString, describeValue } from '../../private/validate';
import { checkArchitecture, checkLambdaRange, checkLatencyBudgetMs, checkTimeoutSeconds } from '../lambda/validate';

const P = 'decision.managedInstances';
const TARGET = 'Lambda Managed Instances';

/**
 * Checks every figure of a decision's Managed Instances sizing that the renderer writes into the
 * template, before anything is built: a custom policy's NaN, infinity, string or unresolved token
 * is refused with the decision's field and value, never rendered (aws-cdk-lib's own range checks
 * let NaN through). Returns the sizing.
 * @internal
 */
export function checkManagedInstancesSizing(s: ManagedInstancesSizing): ManagedInstancesSizing {
  checkString(`${P}.instanceType`, s.instanceType);
  checkArchitecture(`${P}.architecture`, s.architecture, TARGET);
  checkLambdaRange(`${P}.memoryMiB`, s.memoryMiB, MI.minMemoryMiB, MI.maxMemoryMiB, true, TARGET);
  checkTimeoutSeconds(`${P}.timeoutSeconds`, s.timeoutSeconds, TARGET);
  checkNumber(`${P}.memoryGiBPerVcpu`, s.memoryGiBPerVcpu);
  checkOneOf(`${P}.memoryGiBPerVcpu`, s.memoryGiBPerVcpu, MI.memoryGiBPerVcpu, ` for ${TARGET}`);
  checkLambdaRange(`${P}.perEnvironmentMaxConcurrency`, s.perEnvironmentMaxConcurrency, 1, MI.maxConcurrencyPerEnvironment, true, TARGET);
  checkLambdaRange(`${P}.minExecutionEnvironments`, s.minExecutionEnvironments, 0, MI.maxEnvironments, true, TARGET);
  checkLambdaRange(`${P}.maxExecutionEnvironments`, s.maxExecutionEnvironments, 0, MI.maxEnvironments, true, TARGET);
  if (s.minExecutionEnvironments > s.maxExecutionEnvironments) {
    throw new InferenceWorkloadValidationError(
      `'${P}.minExecutionEnvironments' must be at most '${P}.maxExecutionEnvironments' (${s.maxExecutionEnvironments}), got ${s.minExecutionEnvironments}`);
  }
  checkLambdaRange(`${P}.maxVCpuCount`, s.maxVCpuCount, MI.minVCpuCount, MI.maxVCpuCount, true, TARGET);
  // a fraction of the CPU; the capacity provider's target is the percentage
  checkNumber(`${P}.cpuUtilizationTarget`, s.cpuUtilizationTarget, { min: 0, exclusiveMin: true, max: MI.maxCpuUtilizationTargetPercent / 100 });
  checkLatencyBudgetMs(`${P}.latencyBudgetMs`, s.latencyBudgetMs);
  checkGpuSizing(s);
  return s;
}

/** Checks the instance types and a GPU function's accelerator and GPU target. */
function checkGpuSizing(s: ManagedInstancesSizing): void {
  if (s.instanceTypes !== undefined) {
    // the capacity alarm sums two metrics per instance type, within the metrics one alarm may use
    if (!Array.isArray(s.instanceTypes) || s.instanceTypes.length < 1 || s.instanceTypes.length > MAX_ALARMED_INSTANCE_TYPES) {
      throw new InferenceWorkloadValidationError(
        `'${P}.instanceTypes' must be an array of 1 to ${MAX_ALARMED_INSTANCE_TYPES} EC2 instance types, got ${describeValue(s.instanceTypes)}`);
    }
    s.instanceTypes.forEach((t, i) => checkString(`${P}.instanceTypes[${i}]`, t));
  }
  if (s.acceleratorMemoryGiB === undefined) {
    if (s.gpuUtilizationTarget !== undefined) {
      throw new InferenceWorkloadValidationError(`Cannot configure '${P}.gpuUtilizationTarget' without '${P}.acceleratorMemoryGiB'`);
    }
    return;
  }
  checkNumber(`${P}.acceleratorMemoryGiB`, s.acceleratorMemoryGiB);
  checkOneOf(`${P}.acceleratorMemoryGiB`, s.acceleratorMemoryGiB, GPU.acceleratorMemorySizesGiB, ` for ${TARGET}`);
  if (s.architecture !== GPU.architecture) {
    throw new InferenceWorkloadValidationError(`'${P}.architecture' must be ${GPU.architecture} for a GPU function on ${TARGET}, got ${describeValue(s.architecture)}`);
  }
  if (s.gpuUtilizationTarget !== undefined) {
    checkNumber(`${P}.gpuUtilizationTarget`, s.gpuUtilizationTarget, { min: 0, exclusiveMin: true, max: MI.maxCpuUtilizationTargetPercent / 100 });
  }
}
