import { Bill, inCents, itemsOf, Load, num, peakConcurrency, PricedOption, round2, round6, sumOf, volumeAbove } from './load';
import { archFits } from './node-choice';
import { MANAGED_INSTANCES_LIMITS } from '../limits';
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
 */

/** How Lambda Managed Instances are priced for one workload: the instance and the warm floor. */
export interface ManagedInstancesInput {
  readonly instance: ManagedInstanceChoice;
  /** Execution environments always running (the rule table's burst floor, at least 3). */
  readonly floorEnvironments: number;
  /** Target CPU utilization the capacity provider scales at (the policy's utilization target). */
  readonly cpuTarget: number;
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
}

/** The result of pricing Lambda Managed Instances. */
export interface ManagedInstancesPlan extends PricedOption {
  readonly floorEnvironments: number;
  readonly peakEnvironments: number;
  readonly floorInstances: number;
  readonly peakInstances: number;
}

/** The environment shape for a profile: whole vCPUs for its latency, then the smallest memory ratio that holds its memory. */
export function managedEnvironmentShape(p: ResolvedProfile): { vcpu: number; memoryMiB: number; memoryGiBPerVcpu: number } {
  const memoryMiB = Math.max(MANAGED_INSTANCES_LIMITS.minMemoryMiB, p.memoryMiB);
  let vcpu = Math.max(1, Math.ceil(round6(p.vcpus)));
  const ratios = MANAGED_INSTANCES_LIMITS.memoryGiBPerVcpu;
  let ratio = ratios.find(r => vcpu * r * 1024 >= memoryMiB);
  if (ratio === undefined) {
    ratio = ratios[ratios.length - 1];
    vcpu = Math.ceil(memoryMiB / (ratio * 1024));
  }
  return { vcpu, memoryMiB: vcpu * ratio * 1024, memoryGiBPerVcpu: ratio };
}

/** Execution environments the warm floor keeps so that a peak arriving within 5 minutes at most doubles the load it meets. */
export function managedInstancesBurstFloor(p: ResolvedProfile): number {
  const c = Math.min(MANAGED_INSTANCES_LIMITS.maxConcurrencyPerEnvironment, p.concurrencyPerReplica);
  const burst = Math.ceil(round6(peakConcurrency(p) / MANAGED_INSTANCES_LIMITS.burstGrowthFactor / c));
  return Math.max(MANAGED_INSTANCES_LIMITS.minEnvironments, burst);
}

/**
 * The instance type for the environments: among the table's CPU instances of a fitting
 * architecture, the one with the lowest monthly cost at the workload's load (ties: the cheaper
 * instance), with its price at that load. Undefined when no instance holds one environment.
 */
export function chooseManagedInstance(
  p: ResolvedProfile, t: PriceTable, load: Load, floorEnvironments: number, cpuTarget: number,
): { input: ManagedInstancesInput; plan: ManagedInstancesPlan } | undefined {
  const shape = managedEnvironmentShape(p);
  const concurrency = Math.min(MANAGED_INSTANCES_LIMITS.maxConcurrencyPerEnvironment, p.concurrencyPerReplica);
  let best: { input: ManagedInstancesInput; usd: number } | undefined;
  for (const n of t.props.cpuInstances) {
    if (!archFits(p.architecture, n.architecture)) {
      continue;
    }
    const perInstance = Math.floor(Math.min(n.vcpu / shape.vcpu, n.memoryGiB * 1024 / shape.memoryMiB));
    if (perInstance < 1) {
      continue;
    }
    const input: ManagedInstancesInput = {
      instance: {
        instanceType: n.instanceType, hourlyUsd: n.hourlyUsd, architecture: n.architecture, instanceVcpu: n.vcpu, ...shape, perInstance, concurrency,
      },
      floorEnvironments,
      cpuTarget,
    };
    const usd = managedInstancesBill(t, load, input).monthlyUsd;
    if (best === undefined || usd < best.usd - 1e-9 || (Math.abs(usd - best.usd) <= 1e-9 && n.hourlyUsd < best.input.instance.hourlyUsd)) {
      best = { input, usd };
    }
  }
  return best && { input: best.input, plan: managedInstancesCost(t, load, best.input) };
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
  const peakEnvironmentsExact = load.peakConcurrency / i.concurrency / m.cpuTarget;
  const peakEnvironments = Math.max(m.floorEnvironments, Math.ceil(round6(peakEnvironmentsExact)));
  const floorInstances = Math.max(MANAGED_INSTANCES_LIMITS.minInstances, Math.ceil(m.floorEnvironments / i.perInstance));
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
  const env = `environment(s) of ${i.memoryMiB / 1024} GiB / ${i.vcpu} vCPU, ${i.perInstance} per instance`;
  return {
    monthlyUsd: b.monthlyUsd,
    lineItems: itemsOf(b, [
      ['instances for the warm floor', `${b.floorInstances} x ${i.instanceType} (${m.floorEnvironments} ${env}) x ${HOURS_PER_MONTH} h x $${i.hourlyUsd}/h`],
      ['instances above the floor', `${num(b.aboveInstances, 3)} ${i.instanceType} on average (up to ${b.peakInstances} at the peak, CPU target ${Math.round(m.cpuTarget * 100)}%) x ${HOURS_PER_MONTH} h x $${i.hourlyUsd}/h`],
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
