import { Duration, Size, SizeRoundingBehavior, Token } from 'aws-cdk-lib';
import { InferenceWorkloadValidationError } from '../../errors';
import { KubernetesSizing } from '../../policy';
import { KUBERNETES_LIMITS } from '../../policy/limits';
import { checkNumber, checkOptionalNumber, checkString } from '../../private/validate';

const QUALIFIED_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Checks a Kubernetes label, annotation or taint key: an optional DNS-1123 subdomain prefix (at most
 * 253 characters) and `/`, then a name of at most 63 characters.
 * @internal
 */
export function checkLabelKey(prop: string, key: string): string {
  checkString(prop, key, { maxLength: 317 });
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const ok = (prefix === undefined || (prefix.length <= 253 && DNS_1123_SUBDOMAIN.test(prefix)))
    && name.length <= 63 && QUALIFIED_NAME.test(name);
  if (!ok) {
    throw new InferenceWorkloadValidationError(
      `'${prop}' must be a Kubernetes label key ([<DNS subdomain>/]<name of at most 63 letters, digits, '-', '_', '.'>), got ${JSON.stringify(key)}`);
  }
  return key;
}

/**
 * Checks a label value (empty, or at most 63 letters, digits, '-', '_', '.').
 * @internal
 */
export function checkLabelValue(prop: string, value: string): string {
  return checkString(prop, value, {
    minLength: 0,
    maxLength: 63,
    pattern: /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/,
    patternDescription: 'a Kubernetes label value (letters, digits, \'-\', \'_\', \'.\')',
  });
}

/**
 * Checks a DNS-1123 subdomain name (StorageClass, PriorityClass, RuntimeClass, PVC names).
 * @internal
 */
export function checkDnsSubdomain(prop: string, value: string): string {
  return checkString(prop, value, {
    maxLength: 253,
    pattern: DNS_1123_SUBDOMAIN,
    patternDescription: 'a DNS-1123 subdomain (lowercase letters, digits, \'-\' and \'.\')',
  });
}

/**
 * Converts an aws-cdk-lib `Size` to MiB, refusing tokens and non-positive sizes.
 * @internal
 */
export function sizeMiB(prop: string, size: Size, min = 1): number {
  if (!(size instanceof Size)) {
    throw new InferenceWorkloadValidationError(`'${prop}' must be a Size (Size.gibibytes(...)), got ${JSON.stringify(size)}`);
  }
  if (size.isUnresolved()) {
    throw new InferenceWorkloadValidationError(`'${prop}' must be a concrete size at synth time, got an unresolved token`);
  }
  const mib = size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!(mib >= min)) {
    throw new InferenceWorkloadValidationError(`'${prop}' must be at least ${min} MiB, got ${formatMiB(mib)}`);
  }
  return mib;
}

/**
 * Converts an aws-cdk-lib `Duration` to seconds, refusing tokens.
 * @internal
 */
export function durationSeconds(prop: string, d: Duration): number {
  if (!(d instanceof Duration)) {
    throw new InferenceWorkloadValidationError(`'${prop}' must be a Duration (Duration.seconds(...)), got ${JSON.stringify(d)}`);
  }
  if (d.isUnresolved()) {
    throw new InferenceWorkloadValidationError(`'${prop}' must be a concrete duration at synth time, got an unresolved token`);
  }
  // Kubernetes takes whole seconds; toSeconds() would throw from inside aws-cdk-lib on a fraction
  const seconds = d.toSeconds({ integral: false });
  if (!Number.isInteger(seconds)) {
    throw new InferenceWorkloadValidationError(`'${prop}' must be a whole number of seconds, got ${seconds} seconds`);
  }
  return seconds;
}

/** Formats MiB as `<n> GiB` when whole GiB, else `<n> MiB`. @internal */
export function formatMiB(mib: number): string {
  return mib >= 1024 && mib % 1024 === 0 ? `${mib / 1024} GiB` : `${mib} MiB`;
}

/** Whether a string is an unresolved CDK token. @internal */
export function isToken(value: string): boolean {
  return Token.isUnresolved(value);
}

/**
 * Checks every figure of a decision's Kubernetes sizing that the renderer writes into the manifest
 * (replicas, GPU count and memory, CPU and memory requests, the autoscaler's per-replica target,
 * annotations, node candidates), before anything is built. A custom policy's NaN, infinity, string
 * or unresolved token is refused with the decision's field and value, never rendered.
 * @internal
 */
export function checkKubernetesSizing(s: KubernetesSizing, policyName: string): KubernetesSizing {
  const P = 'decision.kubernetes';
  checkNumber(`${P}.replicasMin`, s.replicasMin, { min: 1, integer: true });
  checkNumber(`${P}.replicasMax`, s.replicasMax, { min: s.replicasMin, max: KUBERNETES_LIMITS.maxReplicas, integer: true });
  checkNumber(`${P}.gpuCount`, s.gpuCount, { min: 0, max: 16, integer: true });
  checkNumber(`${P}.gpuMemoryGiB`, s.gpuMemoryGiB, { min: 0, max: 1024 });
  if (s.gpuCount === 0 && s.gpuMemoryGiB > 0) {
    throw new InferenceWorkloadValidationError(
      `'${P}.gpuMemoryGiB' must be 0 for a CPU pod (gpuCount 0), got ${s.gpuMemoryGiB}; the policy ${policyName} sized an inconsistent placement`);
  }
  checkNumber(`${P}.cpuMillis`, s.cpuMillis, { min: 10 });
  checkNumber(`${P}.memoryMiB`, s.memoryMiB, { min: 64 });
  checkNumber(`${P}.concurrencyPerReplica`, s.concurrencyPerReplica, { min: 0, exclusiveMin: true });
  checkOptionalNumber(`${P}.nodeLocalStateCpuMillis`, s.nodeLocalStateCpuMillis, { min: 0 });
  checkOptionalNumber(`${P}.estimatedScaleOutSeconds`, s.estimatedScaleOutSeconds, { min: 0 });
  (s.nodeCandidates ?? []).forEach((c, i) => {
    checkNumber(`${P}.nodeCandidates[${i}].hourlyUsd`, c.hourlyUsd, { min: 0 });
    checkOptionalNumber(`${P}.nodeCandidates[${i}].gpuCount`, c.gpuCount, { min: 0, integer: true });
    checkOptionalNumber(`${P}.nodeCandidates[${i}].gpuMemoryGiB`, c.gpuMemoryGiB, { min: 0 });
  });
  return s;
}
