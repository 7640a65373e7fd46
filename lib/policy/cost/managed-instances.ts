import { Bill, inCents, itemsOf, Load, num, peakConcurrency, PricedOption, round2, round6, sumOf, volumeAbove } from './load';
import { archFits } from './node-choice';
import { gpuUtilizationTargetFor } from '../gpu-target';
import { MANAGED_INSTANCES_GPU_LIMITS, MANAGED_INSTANCES_LIMITS } from '../limits';
import { HOURS_PER_MONTH, PriceTable, SECONDS_PER_MONTH } from '../pricing';
import { CpuArchitecture, ResolvedProfile } from '../profile';

/*
 * Lambda Managed Instances. The function runs in execution environments on EC2 instances of a
 * capacity provider; each environment serves `concurrencyPerReplica` requests at once. Billed:
 * the EC2 on-demand price of the instances, a management fee on it, and requests; no duration.
 * An environment gets the vCPUs the workload's latency assumes (the profile's `vcpus`: by default
 * what Lambda gives its memory, 1 vCPU per 1,769 MB, at most 6), in whole vCPUs, with 2, 4 or 8 GiB
 * per vCPU and at least 2 GiB. The warm floor (at least 3 environments on 3 instances, for AZ
 * resilience) runs all month; above it, instances follow the load curve at the CPU target, as the
 * capacity provider's target tracking scales them.
 *
 * GPU models run as GPU functions: one accelerator device per execution environment, on the price
 * table's x86_64 GPU instances (the same rows Kubernetes is priced from), so an instance holds at most
 * one environment per GPU. They scale on GPU utilization at a target from the profile's latency budget
 * (gpu-target.ts; 40%, AWS's default, without one), and
 * their warm floor is 0 only when the profile allows scale to zero and tolerates minutes.
 *
 * An instance keeps memory for its OS and the Lambda agent: environments get what is left.
 */

/**
 * Memory an instance keeps for its OS and the Lambda agent, as a share of its memory (at least
 * `OS_AND_AGENT_MIN_MIB`). An estimate of this library: AWS documents no figure for the agent; the
 * share is the one the default price table keeps for a Kubernetes node's system (allocatableFraction 0.9).
 */
export const OS_AND_AGENT_SHARE = 0.1;
/** The least memory an instance keeps for its OS and the Lambda agent, MiB (see `OS_AND_AGENT_SHARE`). */
export const OS_AND_AGENT_MIN_MIB = 1024;
/** Instance types the capacity provider may launch, at most (the priced one and the next cheapest that fit). */
export const MAX_INSTANCE_TYPES = 5;

/** Memory of an instance left for execution environments, MiB. */
export function environmentMemoryOf(instanceMemoryGiB: number): number {
  const mib = instanceMemoryGiB * 1024;
  return mib - Math.max(OS_AND_AGENT_MIN_MIB, mib * OS_AND_AGENT_SHARE);
}

/** How Lambda Managed Instances are priced for one workload: the instance and the warm floor. */
export interface ManagedInstancesInput {
  readonly instance: ManagedInstanceChoice;
  /** Execution environments always running (the rule table's burst floor, at least 3). */
  readonly floorEnvironments: number;
  /** Target CPU utilization the capacity provider scales at (the policy's utilization target). */
  readonly cpuTarget: number;
  /**
   * Target GPU utilization of a GPU function's capacity provider: environments are priced at the
   * peak at this target (a GPU function scales on whichever metric is over its target first).
   * @default - a CPU function
   */
  readonly gpuTarget?: number;
  /** Why the GPU target is what it is (the line item says it). @default - a CPU function */
  readonly gpuTargetBasis?: string;
}

/** The accelerator of a GPU function's execution environment. */
export interface ManagedAccelerator {
  /** `AcceleratorMemorySize`: the least memory of the environment's device, GiB (3, 6, 12, 16, 24 or 48). */
  readonly acceleratorMemoryGiB: number;
  /** GPU model of the priced instance type, e.g. `L4`. */
  readonly gpuModel: string;
  /** GPUs of the priced instance type. */
  readonly instanceGpus: number;
}

/** The shape of one execution environment and the instance type that hosts it. */
export interface ManagedInstanceChoice {
  readonly instanceType: string;
  readonly hourlyUsd: number;
  readonly architecture: CpuArchitecture;
  /** vCPUs of the instance type. */
  readonly instanceVcpu: number;
  /** vCPUs of one environment (whole vCPUs). */
  readonly vcpu: number;
  /** Memory of one environment, MiB (vcpu x memoryGiBPerVcpu x 1024). */
  readonly memoryMiB: number;
  /** 2, 4 or 8. */
  readonly memoryGiBPerVcpu: number;
  /** Environments one instance holds. */
  readonly perInstance: number;
  /** Requests one environment serves at once. */
  readonly concurrency: number;
  /**
   * Instance types the capacity provider may launch: the priced one first, then the others that hold
   * one environment, cheapest at the workload's load first (at most `MAX_INSTANCE_TYPES`).
   */
  readonly instanceTypes: string[];
  /** The accelerator of a GPU function. @default - a CPU function */
  readonly accelerator?: ManagedAccelerator;
}

/** The result of pricing Lambda Managed Instances. */
export interface ManagedInstancesPlan extends PricedOption {
  readonly floorEnvironments: number;
  readonly peakEnvironments: number;
  readonly floorInstances: number;
  readonly peakInstances: number;
}

/**
 * Memory one execution environment needs, MiB: the model server's memory, once per concurrent
 * request when the runtime runs a process per request (`processPerRequest`: the Python runtime,
 * docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-python-runtime.html), else once.
 */
export function managedEnvironmentMemoryMiB(p: ResolvedProfile): number {
  const processes = p.processPerRequest ? Math.min(MANAGED_INSTANCES_LIMITS.maxConcurrencyPerEnvironment, p.concurrencyPerReplica) : 1;
  return p.memoryMiB * processes;
}

/** The environment shape for a profile: whole vCPUs for its latency, then the smallest memory ratio that holds its memory. */
export function managedEnvironmentShape(p: ResolvedProfile): { vcpu: number; memoryMiB: number; memoryGiBPerVcpu: number } {
  const memoryMiB = Math.max(MANAGED_INSTANCES_LIMITS.minMemoryMiB, managedEnvironmentMemoryMiB(p));
  let vcpu = Math.max(1, Math.ceil(round6(p.vcpus)));
  const ratios = MANAGED_INSTANCES_LIMITS.memoryGiBPerVcpu;
  let ratio = ratios.find(r => vcpu * r * 1024 >= memoryMiB);
  if (ratio === undefined) {
    ratio = ratios[ratios.length - 1];
    vcpu = Math.ceil(memoryMiB / (ratio * 1024));
  }
  return { vcpu, memoryMiB: vcpu * ratio * 1024, memoryGiBPerVcpu: ratio };
}

/**
 * Execution environments the warm floor keeps so that a peak arriving within 5 minutes at most
 * doubles the load it meets: at least 3 for a CPU function (Lambda's default for AZ resilience); for
 * a GPU function at least 1, or 0 when it scales to zero (`MinExecutionEnvironments` may be 0 for GPU
 * functions: docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-gpu-scaling.html), so that a
 * GPU model is not priced three GPU instances a Kubernetes Deployment would not keep.
 */
export function managedInstancesBurstFloor(p: ResolvedProfile): number {
  if (gpuScalesToZero(p)) {
    return 0;
  }
  const c = Math.min(MANAGED_INSTANCES_LIMITS.maxConcurrencyPerEnvironment, p.concurrencyPerReplica);
  const burst = Math.ceil(round6(peakConcurrency(p) / MANAGED_INSTANCES_LIMITS.burstGrowthFactor / c));
  return Math.max(p.gpuCount > 0 ? 1 : MANAGED_INSTANCES_LIMITS.minEnvironments, burst);
}

/** One instance type the environments could run on, before pricing. */
interface Candidate {
  readonly instanceType: string;
  readonly hourlyUsd: number;
  readonly architecture: CpuArchitecture;
  readonly vcpu: number;
  readonly memoryGiB: number;
  /** GPUs of the instance (0 for CPU instances). */
  readonly gpus: number;
  readonly gpuModel?: string;
}

/**
 * The accelerator memory a GPU function asks for: the smallest `AcceleratorMemorySize` that holds the
 * profile's GPU memory per device, or undefined when none does (over 48 GiB).
 */
export function acceleratorMemoryFor(p: ResolvedProfile): number | undefined {
  return MANAGED_INSTANCES_GPU_LIMITS.acceleratorMemorySizesGiB.find(g => g >= p.gpuMemoryGiB);
}

/** Whether a GPU profile's warm floor may be 0: it allows scale to zero and tolerates GPU instances starting (minutes). */
export function gpuScalesToZero(p: ResolvedProfile): boolean {
  return p.gpuCount > 0 && p.allowScaleToZero && p.coldStartToleranceMs >= MANAGED_INSTANCES_GPU_LIMITS.scaleFromZeroMs;
}

/** The instance types that can run the profile's environments: CPU rows for CPU models, x86_64 GPU rows with a fitting device for GPU models. */
function candidatesFor(p: ResolvedProfile, t: PriceTable): Candidate[] {
  if (p.gpuCount === 0) {
    return t.props.cpuInstances.filter(n => archFits(p.architecture, n.architecture)).map(n => ({ ...n, gpus: 0 }));
  }
  const device = acceleratorMemoryFor(p);
  const family = p.gpuFamily?.toLowerCase();
  if (device === undefined || p.gpuCount > MANAGED_INSTANCES_GPU_LIMITS.devicesPerEnvironment || !archFits(p.architecture, CpuArchitecture.X86_64)) {
    return [];
  }
  return t.props.gpuInstances
    .filter(g => (g.architecture ?? CpuArchitecture.X86_64) === CpuArchitecture.X86_64 && g.gpuMemoryGiB >= device)
    .filter(g => family === undefined || g.gpuModel.toLowerCase() === family || g.gpuName.toLowerCase() === family)
    .map(g => ({
      instanceType: g.instanceType,
      hourlyUsd: g.hourlyUsd,
      architecture: CpuArchitecture.X86_64,
      vcpu: g.vcpu,
      memoryGiB: g.memoryGiB,
      gpus: g.gpuCount,
      gpuModel: g.gpuModel,
    }));
}

/**
 * The instance type for the environments: among the price table's instances that can run them (CPU
 * rows of a fitting architecture; for a GPU model, x86_64 GPU rows whose device holds its GPU memory),
 * the one with the lowest monthly cost at the workload's load (ties: the cheaper instance), with its
 * price at that load, and the next cheapest as the other instance types the capacity provider may
 * launch. An instance holds as many environments as its vCPUs, its memory after the OS and agent's
 * share, and (GPU) its devices allow. Undefined when no instance holds one environment.
 */
export function chooseManagedInstance(
  p: ResolvedProfile, t: PriceTable, load: Load, floorEnvironments: number, cpuTarget: number,
): { input: ManagedInstancesInput; plan: ManagedInstancesPlan } | undefined {
  const shape = managedEnvironmentShape(p);
  const concurrency = Math.min(MANAGED_INSTANCES_LIMITS.maxConcurrencyPerEnvironment, p.concurrencyPerReplica);
  const gpu = p.gpuCount > 0;
  const device = acceleratorMemoryFor(p);
  const gpuTarget = gpu ? gpuUtilizationTargetFor(p) : undefined;
  // a GPU function's floor is its own (no three-environment default); a CPU function's is the rule table's
  const floor = gpu ? managedInstancesBurstFloor(p) : floorEnvironments;
  const fits: Array<{ input: ManagedInstancesInput; usd: number }> = [];
  for (const n of candidatesFor(p, t)) {
    const perInstance = Math.floor(Math.min(
      n.vcpu / shape.vcpu,
      environmentMemoryOf(n.memoryGiB) / shape.memoryMiB,
      gpu ? n.gpus / MANAGED_INSTANCES_GPU_LIMITS.devicesPerEnvironment : Infinity,
    ));
    if (perInstance < 1) {
      continue;
    }
    const input: ManagedInstancesInput = {
      instance: {
        instanceType: n.instanceType,
        hourlyUsd: n.hourlyUsd,
        architecture: n.architecture,
        instanceVcpu: n.vcpu,
        ...shape,
        perInstance,
        concurrency,
        instanceTypes: [n.instanceType],
        ...(gpu ? { accelerator: { acceleratorMemoryGiB: device!, gpuModel: n.gpuModel!, instanceGpus: n.gpus } } : {}),
      },
      floorEnvironments: floor,
      cpuTarget,
      ...(gpuTarget ? { gpuTarget: gpuTarget.target, gpuTargetBasis: gpuTarget.basis } : {}),
    };
    fits.push({ input, usd: managedInstancesBill(t, load, input).monthlyUsd });
  }
  fits.sort((a, b) => (Math.abs(a.usd - b.usd) <= 1e-9 ? a.input.instance.hourlyUsd - b.input.instance.hourlyUsd : a.usd - b.usd)
    || a.input.instance.instanceType.localeCompare(b.input.instance.instanceType));
  if (fits.length === 0) {
    return undefined;
  }
  const best = fits[0].input;
  const input: ManagedInstancesInput = {
    ...best,
    instance: { ...best.instance, instanceTypes: fits.slice(0, MAX_INSTANCE_TYPES).map(f => f.input.instance.instanceType) },
  };
  return { input, plan: managedInstancesCost(t, load, input) };
}

/** Lambda Managed Instances, numbers only: the warm floor, instances above it, the management fee, requests. */
export interface ManagedInstancesBill extends Bill {
  readonly floorEnvironments: number;
  readonly peakEnvironments: number;
  readonly floorInstances: number;
  readonly peakInstances: number;
  readonly aboveInstances: number;
  readonly requests: number;
}

/** Lambda Managed Instances at one load, numbers only. */
export function managedInstancesBill(t: PriceTable, load: Load, m: ManagedInstancesInput): ManagedInstancesBill {
  const prices = t.managedInstancesPrices;
  const i = m.instance;
  const peakEnvironmentsExact = load.peakConcurrency / i.concurrency / (m.gpuTarget ?? m.cpuTarget);
  const peakEnvironments = Math.max(m.floorEnvironments, Math.ceil(round6(peakEnvironmentsExact)));
  // a CPU function keeps Lambda's three instances for AZ resilience; a GPU function the instances its floor needs (0 when it scales to zero)
  const floorInstances = Math.max(i.accelerator ? 0 : MANAGED_INSTANCES_LIMITS.minInstances, Math.ceil(m.floorEnvironments / i.perInstance));
  const peakInstancesExact = peakEnvironmentsExact / i.perInstance;
  const peakInstances = Math.max(floorInstances, Math.ceil(round6(peakInstancesExact)));
  // instances above the floor follow the load: on average peak x (share of the peak volume above the floor)
  const f = peakInstancesExact > 0 ? Math.min(1, floorInstances / peakInstancesExact) : 1;
  const aboveInstances = peakInstancesExact * volumeAbove(load.u, f);
  const floorUsd = floorInstances * i.hourlyUsd * HOURS_PER_MONTH;
  const aboveUsd = aboveInstances * i.hourlyUsd * HOURS_PER_MONTH;
  // the fee is a share of the instances' amounts as billed (in cents)
  const feeUsd = (round2(floorUsd) + round2(aboveUsd)) * prices.managementFeeRate;
  const requests = load.avgRps * SECONDS_PER_MONTH;
  const amounts = inCents([floorUsd, aboveUsd, feeUsd, requests * prices.requestUsd]);
  return {
    amounts,
    monthlyUsd: sumOf(amounts),
    coldExposure: 0,
    floorEnvironments: m.floorEnvironments,
    peakEnvironments,
    floorInstances,
    peakInstances,
    aboveInstances,
    requests,
  };
}

/** Lambda Managed Instances at one load, with the line items written from the bill. */
export function managedInstancesCost(t: PriceTable, load: Load, m: ManagedInstancesInput): ManagedInstancesPlan {
  const b = managedInstancesBill(t, load, m);
  const prices = t.managedInstancesPrices;
  const i = m.instance;
  const device = i.accelerator ? ` + 1 GPU (${i.accelerator.acceleratorMemoryGiB} GiB or more, ${i.accelerator.gpuModel})` : '';
  const env = `environment(s) of ${i.memoryMiB / 1024} GiB / ${i.vcpu} vCPU${device}, ${i.perInstance} per instance`;
  const target = m.gpuTarget !== undefined
    ? `GPU target ${Math.round(m.gpuTarget * 100)}%${m.gpuTargetBasis ? `: ${m.gpuTargetBasis}` : ''}` : `CPU target ${Math.round(m.cpuTarget * 100)}%`;
  return {
    monthlyUsd: b.monthlyUsd,
    lineItems: itemsOf(b, [
      ['instances for the warm floor', `${b.floorInstances} x ${i.instanceType} (${m.floorEnvironments} ${env}) x ${HOURS_PER_MONTH} h x $${i.hourlyUsd}/h`],
      ['instances above the floor', `${num(b.aboveInstances, 3)} ${i.instanceType} on average (up to ${b.peakInstances} at the peak, ${target}) x ${HOURS_PER_MONTH} h x $${i.hourlyUsd}/h`],
      ['management fee', `${Math.round(prices.managementFeeRate * 1000) / 10}% of the instances' on-demand price`],
      ['requests', `${num(b.requests / 1e6, 3)} M requests x $${prices.requestUsd}/request (no duration charge)`],
    ]),
    coldExposure: 0,
    floorEnvironments: b.floorEnvironments,
    peakEnvironments: b.peakEnvironments,
    floorInstances: b.floorInstances,
    peakInstances: b.peakInstances,
  };
}
