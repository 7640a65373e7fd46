import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { checkLabelKey } from './validate';
import { InferenceWorkloadValidationError } from '../../errors';
import { KubernetesSizing } from '../../policy';
import { checkOneOf, checkString } from '../../private/validate';

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
   * `['NVIDIA-A10G', 'NVIDIA-L4']`. When given, only these are selected, and a placement none of
   * whose instance types has one is an error at synth time instead of a pod that stays Pending.
   * @default - not checked
   */
  readonly availableProducts?: string[];
}

/** Options of `GpuNodeLabels.karpenter()` and `GpuNodeLabels.eksAutoMode()`. */
export interface KarpenterGpuOptions {
  /**
   * GPU names (`instance-gpu-name` values, lowercase) your NodePools allow, e.g. `['a10g', 'l4']`.
   * When given, only these are selected, and a placement none of whose instance types has one is
   * an error at synth time.
   * @default - not checked
   */
  readonly availableGpuNames?: string[];
}

/** How a GPU label's value is spelled. */
export enum GpuLabelFormat {
  /** Lowercase EC2 GPU name, spaces as `-` (Karpenter, EKS Auto Mode): `a10g`, `l4`, `l40s`. */
  GPU_NAME = 'gpu-name',
  /** NVIDIA GPU Feature Discovery product: `NVIDIA-A10G`, `NVIDIA-L4`. */
  GFD_PRODUCT = 'gfd-product',
  /** The EC2 instance type: `g6.4xlarge`. */
  INSTANCE_TYPE = 'instance-type',
}

/** One required node selector expression. @internal */
export interface NodeRequirement {
  readonly key: string;
  readonly operator: 'In' | 'Gt';
  readonly values: string[];
}

/** The well-known instance type label, set by the kubelet, and known to Karpenter before launch. */
export const INSTANCE_TYPE_LABEL = 'node.kubernetes.io/instance-type';
/** Label prefixes whose GPU values are lowercase names (Karpenter `pkg/apis/v1/labels.go`, EKS Auto Mode node pool labels). */
const NAME_FORMAT_PREFIXES = ['karpenter.k8s.aws/', 'eks.amazonaws.com/'];

/**
 * The node labels a GPU pod's required node affinity is written with. The values come from the
 * placement decision: every instance type of the price table one pod fits on.
 *
 * Only labels a node autoscaler knows before the node exists let it launch a node for a Pending pod
 * (kubernetes-sigs/karpenter#1219): the default, `instanceTypes()`, and the Karpenter and EKS Auto
 * Mode presets are such labels; GPU Feature Discovery labels appear only after a node booted with
 * GFD, so use that preset only on clusters whose GPU nodes already exist (self-managed, bare metal).
 */
export class GpuNodeLabels {
  /**
   * `node.kubernetes.io/instance-type` In [the instance types one pod fits on, cheapest first]: a
   * well-known label of Kubernetes, set by every kubelet on EC2, and one of Karpenter's
   * `WellKnownLabels` (kubernetes-sigs/karpenter `pkg/apis/v1/labels.go`), so Karpenter, EKS Auto
   * Mode and the Cluster Autoscaler can all launch a node for the pod from zero.
   */
  public static instanceTypes(): GpuNodeLabels {
    return new GpuNodeLabels('instanceTypes', INSTANCE_TYPE_LABEL, undefined, GpuLabelFormat.INSTANCE_TYPE, undefined);
  }

  /**
   * Well-known labels of Karpenter on AWS, known before launch: `karpenter.k8s.aws/instance-gpu-name`
   * In [lowercase GPU names] and `karpenter.k8s.aws/instance-gpu-memory` Gt <MiB per GPU>
   * (aws/karpenter-provider-aws `pkg/apis/v1/labels.go`; values from EC2 `GpuInfo`:
   * `lowerKabobCase(gpu.Name)` and `MemoryInfo.SizeInMiB`, `pkg/providers/instancetype/types.go`).
   */
  public static karpenter(options: KarpenterGpuOptions = {}): GpuNodeLabels {
    return new GpuNodeLabels('karpenter', 'karpenter.k8s.aws/instance-gpu-name', 'karpenter.k8s.aws/instance-gpu-memory', GpuLabelFormat.GPU_NAME,
      checkValues('kubernetes.gpuNodeLabels.availableGpuNames', options.availableGpuNames));
  }

  /**
   * Labels of EKS Auto Mode, known before launch: `eks.amazonaws.com/instance-gpu-name` In
   * [lowercase GPU names, e.g. `l4`] and `eks.amazonaws.com/instance-gpu-memory` Gt <MiB per GPU>
   * (EKS user guide, "Create a Node Pool for EKS Auto Mode", supported labels).
   */
  public static eksAutoMode(options: KarpenterGpuOptions = {}): GpuNodeLabels {
    return new GpuNodeLabels('eksAutoMode', 'eks.amazonaws.com/instance-gpu-name', 'eks.amazonaws.com/instance-gpu-memory', GpuLabelFormat.GPU_NAME,
      checkValues('kubernetes.gpuNodeLabels.availableGpuNames', options.availableGpuNames));
  }

  /**
   * Labels of NVIDIA GPU Feature Discovery (part of the GPU operator): `nvidia.com/gpu.product`
   * In [products, e.g. `NVIDIA-L4`] and `nvidia.com/gpu.memory` Gt <MiB> (NVIDIA/k8s-device-plugin
   * `docs/gpu-feature-discovery/README.md`). Only for clusters whose GPU nodes run GFD and exist
   * before the pods: a node autoscaler cannot launch a node for these labels.
   */
  public static gpuFeatureDiscovery(options: GpuFeatureDiscoveryOptions = {}): GpuNodeLabels {
    return new GpuNodeLabels('gpuFeatureDiscovery', 'nvidia.com/gpu.product', 'nvidia.com/gpu.memory', GpuLabelFormat.GFD_PRODUCT,
      checkValues('kubernetes.gpuNodeLabels.availableProducts', options.availableProducts));
  }

  /**
   * Custom labels: `productLabel` In [the GPUs of the decision, spelled as `format`] and, when
   * given, `memoryLabel` Gt <MiB of GPU memory>.
   * @param format how the values are spelled @default - GPU_NAME for `karpenter.k8s.aws/` and `eks.amazonaws.com/` keys, GFD_PRODUCT otherwise
   */
  public static custom(productLabel: string, memoryLabel?: string, format?: GpuLabelFormat): GpuNodeLabels {
    checkLabelKey('kubernetes.gpuNodeLabels.productLabel', productLabel);
    if (memoryLabel !== undefined) {
      checkLabelKey('kubernetes.gpuNodeLabels.memoryLabel', memoryLabel);
    }
    const nameFormat = NAME_FORMAT_PREFIXES.some(prefix => productLabel.startsWith(prefix));
    if (format !== undefined) {
      checkOneOf('kubernetes.gpuNodeLabels.format', format, Object.values(GpuLabelFormat));
    }
    if (nameFormat && format === GpuLabelFormat.GFD_PRODUCT) {
      throw new InferenceWorkloadValidationError(
        `'kubernetes.gpuNodeLabels.format' must be GpuLabelFormat.GPU_NAME for ${JSON.stringify(productLabel)} (Karpenter and EKS Auto Mode `
        + 'publish lowercase GPU names such as "l4"), got GFD_PRODUCT');
    }
    return new GpuNodeLabels('custom', productLabel, memoryLabel, format ?? (nameFormat ? GpuLabelFormat.GPU_NAME : GpuLabelFormat.GFD_PRODUCT), undefined);
  }

  private constructor(
    /** The scheme's name, for error messages. */
    public readonly scheme: string,
    /** The label matched with `In` against the GPU names, products or instance types. */
    public readonly productLabel: string,
    /** The label matched with `Gt` against the GPU memory in MiB. */
    public readonly memoryLabel: string | undefined,
    /** How `productLabel`'s values are spelled. */
    public readonly format: GpuLabelFormat,
    private readonly available: string[] | undefined,
  ) {}

  /** Whether a node autoscaler knows these labels before a node exists. */
  public get knownBeforeLaunch(): boolean {
    return this.format !== GpuLabelFormat.GFD_PRODUCT;
  }

  /**
   * The required node selector expressions for a GPU pod of this sizing. Throws when the declared
   * available values include none of the decision's.
   * @internal
   */
  public _requirements(sizing: KubernetesSizing): NodeRequirement[] {
    const candidates = sizing.nodeCandidates && sizing.nodeCandidates.length > 0
      ? sizing.nodeCandidates
      : [{ instanceType: sizing.instanceType, hourlyUsd: 0, gpuName: sizing.gpuName, gpuProduct: sizing.gpuProduct }];
    const all = distinct(candidates.map(c => this.format === GpuLabelFormat.INSTANCE_TYPE ? c.instanceType
      : this.format === GpuLabelFormat.GPU_NAME ? c.gpuName : c.gpuProduct));
    const values = this.available ? all.filter(v => this.available!.includes(v)) : all;
    if (values.length === 0) {
      throw new InferenceWorkloadValidationError(
        `'kubernetes.gpuNodeLabels' declares no GPU nodes matching the placement (${this.productLabel} in ${JSON.stringify(all)} for ${sizing.instanceType}), `
        + `got available ${JSON.stringify(this.available ?? [])}`);
    }
    const requirements: NodeRequirement[] = [{ key: this.productLabel, operator: 'In', values }];
    if (this.memoryLabel !== undefined && sizing.gpuMemoryGiB > 0) {
      requirements.push({ key: this.memoryLabel, operator: 'Gt', values: [String(gpuMemoryThresholdMiB(sizing.gpuMemoryGiB))] });
    }
    return requirements;
  }

  /** The node label queries for a GPU pod of this sizing. @internal */
  public _queries(sizing: KubernetesSizing): kplus.NodeLabelQuery[] {
    return this._requirements(sizing).map(r => r.operator === 'In' ? kplus.NodeLabelQuery.in(r.key, r.values) : kplus.NodeLabelQuery.gt(r.key, r.values));
  }
}

function distinct(values: Array<string | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))];
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
