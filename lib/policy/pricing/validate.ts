import { EPHEMERAL_STORAGE_GB_SECOND_USD, MANAGED_INSTANCES_LIST_PRICES, NLB_LIST_PRICES } from './aws-us-east-1';
import { ClusterOverhead, CpuInstancePrice, GpuInstancePrice, LambdaPrices, ManagedInstancesPrices, NetworkLoadBalancerPrices, PriceTableProps } from './types';
import { InferenceWorkloadValidationError } from '../../errors';
import { checkNumber, checkOneOf, checkString, describeValue } from '../../private/validate';
import { CpuArchitecture } from '../profile';

/*
 * Validation of a price table: every price finite and non-negative, every instance type unique,
 * dates in ISO 8601; errors name the field (with its index), the allowed range and the value.
 */

function isObject(x: unknown): x is Record<string, any> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

function requireObject(prop: string, x: unknown): Record<string, any> {
  if (!isObject(x)) {
    throw new InferenceWorkloadValidationError(`'${prop}' must be an object, got ${describeValue(x)}`);
  }
  return x;
}

/** Largest plausible figures, to catch unit mistakes (cents for dollars, MiB for GiB). */
const MAX = {
  perUnitUsd: 1, hourlyUsd: 1000, monthlyUsd: 10_000_000, gpus: 16, gpuMemoryGiB: 1024, vcpu: 1024, memoryGiB: 32_768, workloads: 10_000,
};
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;
const LABEL_VALUE = /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

function validateLambda(prop: string, x: unknown): LambdaPrices {
  const o = requireObject(prop, x);
  const price = (k: string) => checkNumber(`${prop}.${k}`, o[k], { min: 0, max: MAX.perUnitUsd });
  return {
    requestUsd: price('requestUsd'),
    gbSecondUsd: price('gbSecondUsd'),
    provisionedGbSecondUsd: price('provisionedGbSecondUsd'),
    provisionedExecutionGbSecondUsd: price('provisionedExecutionGbSecondUsd'),
    ephemeralStorageGbSecondUsd: o.ephemeralStorageGbSecondUsd === undefined ? EPHEMERAL_STORAGE_GB_SECOND_USD : price('ephemeralStorageGbSecondUsd'),
  };
}

function validateDatedSource(prop: string, o: Record<string, any>): { effectiveDate: string; source: string } {
  return {
    effectiveDate: checkString(`${prop}.effectiveDate`, o.effectiveDate, { pattern: ISO_DATE, patternDescription: 'an ISO 8601 date (YYYY-MM-DD)' }),
    source: checkString(`${prop}.source`, o.source, { maxLength: 1000 }),
  };
}

function validateManagedInstances(prop: string, x: unknown): ManagedInstancesPrices {
  if (x === undefined) {
    return MANAGED_INSTANCES_LIST_PRICES;
  }
  const o = requireObject(prop, x);
  return {
    managementFeeRate: checkNumber(`${prop}.managementFeeRate`, o.managementFeeRate, { min: 0, max: 10 }),
    requestUsd: checkNumber(`${prop}.requestUsd`, o.requestUsd, { min: 0, max: MAX.perUnitUsd }),
    ...validateDatedSource(prop, o),
  };
}

function validateNlb(prop: string, x: unknown): NetworkLoadBalancerPrices {
  if (x === undefined) {
    return NLB_LIST_PRICES;
  }
  const o = requireObject(prop, x);
  return {
    hourlyUsd: checkNumber(`${prop}.hourlyUsd`, o.hourlyUsd, { min: 0, max: MAX.hourlyUsd }),
    capacityUnitHourlyUsd: checkNumber(`${prop}.capacityUnitHourlyUsd`, o.capacityUnitHourlyUsd, { min: 0, max: MAX.hourlyUsd }),
    ...validateDatedSource(prop, o),
  };
}

function optionalSource(prop: string, x: unknown): { source?: string } {
  return x === undefined ? {} : { source: checkString(prop, x as string, { maxLength: 1000 }) };
}

function validateArchitecture(prop: string, x: unknown, fallback?: CpuArchitecture): CpuArchitecture {
  if (x === undefined && fallback !== undefined) {
    return fallback;
  }
  return checkOneOf(prop, x as CpuArchitecture, [CpuArchitecture.X86_64, CpuArchitecture.ARM64]);
}

function validateList<T>(prop: string, x: unknown, each: (p: string, v: unknown) => T & { instanceType: string }): T[] {
  if (!Array.isArray(x)) {
    throw new InferenceWorkloadValidationError(`'${prop}' must be an array, got ${describeValue(x)}`);
  }
  if (x.length === 0) {
    throw new InferenceWorkloadValidationError(`'${prop}' must have at least one entry, got 0`);
  }
  const seen = new Set<string>();
  return x.map((v, i) => {
    const item = each(`${prop}[${i}]`, v);
    if (seen.has(item.instanceType)) {
      throw new InferenceWorkloadValidationError(`'${prop}[${i}].instanceType' must be unique in the table, got ${JSON.stringify(item.instanceType)} twice`);
    }
    seen.add(item.instanceType);
    return item;
  });
}

function validateGpu(prop: string, x: unknown): GpuInstancePrice {
  const o = requireObject(prop, x);
  const architecture = validateArchitecture(`${prop}.architecture`, o.architecture, CpuArchitecture.X86_64);
  return {
    instanceType: checkString(`${prop}.instanceType`, o.instanceType, { maxLength: 64, pattern: INSTANCE_TYPE, patternDescription: 'an EC2 instance type such as "g5.xlarge"' }),
    gpuModel: checkString(`${prop}.gpuModel`, o.gpuModel, { maxLength: 32, pattern: LABEL_VALUE, patternDescription: 'a GPU model such as "A10G"' }),
    gpuProduct: checkString(`${prop}.gpuProduct`, o.gpuProduct, { maxLength: 63, pattern: LABEL_VALUE, patternDescription: 'a Kubernetes label value such as "NVIDIA-A10G"' }),
    gpuName: checkString(`${prop}.gpuName`, o.gpuName, { maxLength: 63, pattern: LABEL_VALUE, patternDescription: 'a Kubernetes label value such as "a10g"' }),
    gpuCount: checkNumber(`${prop}.gpuCount`, o.gpuCount, { min: 1, max: MAX.gpus, integer: true }),
    gpuMemoryGiB: checkNumber(`${prop}.gpuMemoryGiB`, o.gpuMemoryGiB, { min: 1, max: MAX.gpuMemoryGiB }),
    vcpu: checkNumber(`${prop}.vcpu`, o.vcpu, { min: 1, max: MAX.vcpu, integer: true }),
    memoryGiB: checkNumber(`${prop}.memoryGiB`, o.memoryGiB, { min: 0.5, max: MAX.memoryGiB }),
    hourlyUsd: checkNumber(`${prop}.hourlyUsd`, o.hourlyUsd, { min: 0, exclusiveMin: true, max: MAX.hourlyUsd }),
    ...(architecture === CpuArchitecture.X86_64 ? {} : { architecture }),
    ...optionalSource(`${prop}.source`, o.source),
  };
}

function validateCpu(prop: string, x: unknown): CpuInstancePrice {
  const o = requireObject(prop, x);
  return {
    instanceType: checkString(`${prop}.instanceType`, o.instanceType, { maxLength: 64, pattern: INSTANCE_TYPE, patternDescription: 'an EC2 instance type such as "m7i.large"' }),
    architecture: validateArchitecture(`${prop}.architecture`, o.architecture),
    vcpu: checkNumber(`${prop}.vcpu`, o.vcpu, { min: 1, max: MAX.vcpu, integer: true }),
    memoryGiB: checkNumber(`${prop}.memoryGiB`, o.memoryGiB, { min: 0.5, max: MAX.memoryGiB }),
    hourlyUsd: checkNumber(`${prop}.hourlyUsd`, o.hourlyUsd, { min: 0, exclusiveMin: true, max: MAX.hourlyUsd }),
    ...optionalSource(`${prop}.source`, o.source),
  };
}

function validateOverhead(prop: string, x: unknown): ClusterOverhead {
  const o = requireObject(prop, x);
  return {
    controlPlaneHourlyUsd: checkNumber(`${prop}.controlPlaneHourlyUsd`, o.controlPlaneHourlyUsd, { min: 0, max: MAX.hourlyUsd }),
    opsMonthlyUsd: checkNumber(`${prop}.opsMonthlyUsd`, o.opsMonthlyUsd, { min: 0, max: MAX.monthlyUsd }),
    workloadsPerCluster: checkNumber(`${prop}.workloadsPerCluster`, o.workloadsPerCluster, { min: 1, max: MAX.workloads, integer: true }),
    ...(o.allocatableFraction === undefined ? {}
      : { allocatableFraction: checkNumber(`${prop}.allocatableFraction`, o.allocatableFraction, { min: 0.5, max: 1 }) }),
    ...optionalRequests(prop, o),
  };
}

/** The DaemonSet requests a table states (each at most what a large node holds). */
function optionalRequests(prop: string, o: Record<string, unknown>): Partial<ClusterOverhead> {
  const out: Record<string, number> = {};
  for (const key of ['daemonSetCpuMillis', 'daemonSetMemoryMiB', 'gpuDaemonSetCpuMillis', 'gpuDaemonSetMemoryMiB'] as const) {
    if (o[key] !== undefined) {
      out[key] = checkNumber(`${prop}.${key}`, o[key] as number, { min: 0, max: 65_536 });
    }
  }
  return out;
}

const KNOWN_KEYS = new Set(['name', 'region', 'effectiveDate', 'source', 'currency', 'lambdaX86', 'lambdaArm64', 'gpuInstances', 'cpuInstances', 'clusterOverhead',
  'managedInstances', 'networkLoadBalancer']);

/**
 * Validates a price table and applies its defaults. Errors name the field (with its index),
 * the allowed range and the value.
 * @internal
 */
export function validatePriceTable(x: unknown, prop: string): PriceTableProps {
  const o = requireObject(prop, x);
  for (const key of Object.keys(o)) {
    if (!KNOWN_KEYS.has(key)) {
      throw new InferenceWorkloadValidationError(`'${prop}.${key}' is not a price table field (expected one of ${[...KNOWN_KEYS].join(', ')}), got ${describeValue(o[key])}`);
    }
  }
  const effectiveDate = checkString(`${prop}.effectiveDate`, o.effectiveDate, { pattern: ISO_DATE, patternDescription: 'an ISO 8601 date (YYYY-MM-DD)' });
  return {
    name: checkString(`${prop}.name`, o.name, { maxLength: 100 }),
    region: checkString(`${prop}.region`, o.region, { maxLength: 64, pattern: /^[a-z0-9-]+$/, patternDescription: 'a region name such as "us-east-1"' }),
    effectiveDate,
    source: checkString(`${prop}.source`, o.source, { maxLength: 1000 }),
    currency: o.currency === undefined ? 'USD'
      : checkString(`${prop}.currency`, o.currency, { pattern: /^[A-Z]{3}$/, patternDescription: 'an ISO 4217 currency code such as "USD"' }),
    lambdaX86: validateLambda(`${prop}.lambdaX86`, o.lambdaX86),
    lambdaArm64: validateLambda(`${prop}.lambdaArm64`, o.lambdaArm64),
    gpuInstances: validateList(`${prop}.gpuInstances`, o.gpuInstances, validateGpu),
    cpuInstances: validateList(`${prop}.cpuInstances`, o.cpuInstances, validateCpu),
    clusterOverhead: validateOverhead(`${prop}.clusterOverhead`, o.clusterOverhead),
    managedInstances: validateManagedInstances(`${prop}.managedInstances`, o.managedInstances),
    networkLoadBalancer: validateNlb(`${prop}.networkLoadBalancer`, o.networkLoadBalancer),
  };
}
