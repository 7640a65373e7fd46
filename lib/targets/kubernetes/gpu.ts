import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { checkLabelKey } from './validate';
import { InferenceWorkloadValidationError } from '../../errors';
import { KubernetesSizing } from '../../policy';
import { checkString } from '../../private/validate';

/** The extended resource of a whole NVIDIA GPU, and the taint GPU nodes usually carry. */
export const GPU_RESOURCE = 'nvidia.com/gpu';

/**
 * Drivers report less memory than a GPU is sold with (an A10G's 24 GB shows as 23,028 MiB in
 * `nvidia.com/gpu.memory`), so the memory predicate asks for more than this fraction of it.
 */
const REPORTED_MEMORY_FRACTION = 0.9;

/** Options of `GpuNodeLabels.gpuFeatureDiscovery()`. */
export interface GpuFeatureDiscoveryOptions {
  /**
   * GPU products (`nvidia.com/gpu.product` values) your cluster's nodes actually have, e.g.
   * `['NVIDIA-A10G', 'NVIDIA-L4']`. When given, a placement whose GPU product is not in the list
   * is an error at synth time instead of a pod that stays Pending.
   * @default - not checked
   */
  readonly availableProducts?: string[];
}

/** Options of `GpuNodeLabels.karpenter()`. */
export interface KarpenterGpuOptions {
  /**
   * GPU names (`karpenter.k8s.aws/instance-gpu-name` values) your NodePools allow, e.g.
   * `['a10g', 'l4']`. When given, a placement whose GPU is not in the list is an error at synth time.
   * @default - not checked
   */
  readonly availableGpuNames?: string[];
}

/**
 * The node labels a GPU pod's required node affinity is written with. Pick the scheme your
 * cluster labels its GPU nodes with; the values come from the placement decision.
 */
export class GpuNodeLabels {
  /**
   * Labels of NVIDIA GPU Feature Discovery (part of the GPU operator):
   * `nvidia.com/gpu.product` In [<product>] and `nvidia.com/gpu.memory` Gt <MiB>.
   */
  public static gpuFeatureDiscovery(options: GpuFeatureDiscoveryOptions = {}): GpuNodeLabels {
    return new GpuNodeLabels('gpuFeatureDiscovery', 'nvidia.com/gpu.product', 'nvidia.com/gpu.memory',
      checkValues('kubernetes.gpuNodeLabels.availableProducts', options.availableProducts), s => s.gpuProduct);
  }

  /**
   * Well-known labels of Karpenter on AWS: `karpenter.k8s.aws/instance-gpu-name` In [<name>] and
   * `karpenter.k8s.aws/instance-gpu-memory` Gt <MiB>.
   */
  public static karpenter(options: KarpenterGpuOptions = {}): GpuNodeLabels {
    return new GpuNodeLabels('karpenter', 'karpenter.k8s.aws/instance-gpu-name', 'karpenter.k8s.aws/instance-gpu-memory',
      checkValues('kubernetes.gpuNodeLabels.availableGpuNames', options.availableGpuNames), s => s.gpuName);
  }

  /**
   * Custom labels: `productLabel` In [<GPU product of the decision>] and, when given,
   * `memoryLabel` Gt <MiB of GPU memory>.
   */
  public static custom(productLabel: string, memoryLabel?: string): GpuNodeLabels {
    checkLabelKey('kubernetes.gpuNodeLabels.productLabel', productLabel);
    if (memoryLabel !== undefined) {
      checkLabelKey('kubernetes.gpuNodeLabels.memoryLabel', memoryLabel);
    }
    return new GpuNodeLabels('custom', productLabel, memoryLabel, undefined, s => s.gpuProduct);
  }

  private constructor(
    /** The scheme's name, for error messages. */
    public readonly scheme: string,
    /** The label matched with `In` against the GPU product or name. */
    public readonly productLabel: string,
    /** The label matched with `Gt` against the GPU memory in MiB. */
    public readonly memoryLabel: string | undefined,
    private readonly available: string[] | undefined,
    private readonly productOf: (s: KubernetesSizing) => string | undefined,
  ) {}

  /**
   * The node label queries for a GPU pod of this sizing. Throws when the declared available
   * products do not include the decision's.
   * @internal
   */
  public _queries(sizing: KubernetesSizing): kplus.NodeLabelQuery[] {
    const queries: kplus.NodeLabelQuery[] = [];
    const product = this.productOf(sizing);
    if (product !== undefined) {
      if (this.available && !this.available.includes(product)) {
        throw new InferenceWorkloadValidationError(
          `'kubernetes.gpuNodeLabels' declares no GPU nodes matching the placement (${this.productLabel}=${product} for ${sizing.instanceType}), `
          + `got available ${JSON.stringify(this.available)}`);
      }
      queries.push(kplus.NodeLabelQuery.in(this.productLabel, [product]));
    } else if (this.available) {
      throw new InferenceWorkloadValidationError(
        `'kubernetes.gpuNodeLabels' declares available GPUs but the placement names no GPU product for ${this.scheme} labels, got ${JSON.stringify(this.available)}`);
    }
    if (this.memoryLabel !== undefined && sizing.gpuMemoryGiB > 0) {
      queries.push(kplus.NodeLabelQuery.gt(this.memoryLabel, [String(gpuMemoryThresholdMiB(sizing.gpuMemoryGiB))]));
    }
    return queries;
  }
}

/**
 * The `Gt` value of the GPU memory predicate, in MiB: 90% of the requested GiB, because drivers
 * report less than the marketed memory.
 */
export function gpuMemoryThresholdMiB(gpuMemoryGiB: number): number {
  return Math.floor(gpuMemoryGiB * 1024 * REPORTED_MEMORY_FRACTION);
}

/** A node taint the pods tolerate, in addition to `nvidia.com/gpu:NoSchedule` on GPU pods. */
export interface NodeToleration {
  /** Taint key, a qualified name such as `dedicated` or `example.com/inference`. */
  readonly key: string;
  /**
   * Taint value; when omitted the toleration matches any value (`operator: Exists`).
   * @default - any value
   */
  readonly value?: string;
  /**
   * Taint effect to tolerate.
   * @default - every effect
   */
  readonly effect?: kplus.TaintEffect;
}

/**
 * cdk8s-plus-28 has no GPU field: this is the one place that sets the GPU extended resource
 * (`nvidia.com/gpu`, or `nvidia.com/mig-<profile>` for a MIG slice) on a container's limits
 * (Kubernetes uses the limit as the request for extended resources).
 *
 * The JSON pointer escapes `/` as `~1`, and the value is a k8s Quantity number: a plain string
 * would render as `null` (cdk8s #2163).
 * @internal
 */
export function addGpuLimit(deployment: kplus.Deployment, containerIndex: number, count: number, resource: string = GPU_RESOURCE): void {
  if (!Number.isInteger(count) || count < 1) {
    throw new InferenceWorkloadValidationError(`'gpuCount' must be an integer of at least 1 for a GPU limit, got ${count}`);
  }
  const key = resource.replace(/~/g, '~0').replace(/\//g, '~1');
  cdk8s.ApiObject.of(deployment).addJsonPatch(cdk8s.JsonPatch.add(
    `/spec/template/spec/containers/${containerIndex}/resources/limits/${key}`,
    kplus.k8s.Quantity.fromNumber(count),
  ));
}

/** The extended resource of a MIG slice, e.g. `nvidia.com/mig-1g.10gb`. */
export function migResource(profile: string): string {
  return `nvidia.com/mig-${profile}`;
}

const MIG_PROFILE = /^([1-7])g\.(\d{1,3})gb(\+me)?$/;

/**
 * Checks a MIG profile name (`<compute>g.<memory>gb`, e.g. `1g.10gb`, `3g.40gb`) and that a slice
 * holds the GPU memory the decision asks for (without a sizing, the name only). Returns the slice memory in GB.
 * @internal
 */
export function checkMigProfile(profile: string, sizing: KubernetesSizing | undefined): number {
  checkString('kubernetes.migProfile', profile, {
    maxLength: 20,
    pattern: MIG_PROFILE,
    patternDescription: 'a MIG profile such as "1g.10gb" or "3g.40gb"',
  });
  const sliceGb = Number(MIG_PROFILE.exec(profile)![2]);
  if (sizing === undefined) {
    return sliceGb; // not placed on Kubernetes: only the name can be checked
  }
  if (sizing.gpuCount < 1) {
    throw new InferenceWorkloadValidationError(
      `'kubernetes.migProfile' needs a GPU placement (gpuCount at least 1), got ${JSON.stringify(profile)} for a CPU pod`);
  }
  if (sizing.gpuMemoryGiB > 0 && sliceGb < sizing.gpuMemoryGiB) {
    throw new InferenceWorkloadValidationError(
      `'kubernetes.migProfile' must hold at least the ${sizing.gpuMemoryGiB} GiB of GPU memory the workload needs, got ${JSON.stringify(profile)} (${sliceGb} GB)`);
  }
  return sliceGb;
}

function checkValues(prop: string, values: string[] | undefined): string[] | undefined {
  if (values === undefined) {
    return undefined;
  }
  if (!Array.isArray(values) || values.length === 0) {
    throw new InferenceWorkloadValidationError(`'${prop}' must be a non-empty list, got ${JSON.stringify(values)}`);
  }
  values.forEach((v, i) => checkString(`${prop}[${i}]`, v, {
    maxLength: 63,
    pattern: /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/,
    patternDescription: 'a label value (letters, digits, \'-\', \'_\', \'.\')',
  }));
  return [...values];
}
