import { rule } from './helpers';
import { PlacementPolicy, PlacementTarget, PriceTable } from '../../lib/policy';
import { environmentMemoryOf } from '../../lib/policy/cost';
import { MANAGED_INSTANCES_PROFILE } from '../helpers/fixtures';

const onManaged = PlacementPolicy.fixed(PlacementTarget.LAMBDA_MANAGED_INSTANCES);
/** A Python model server of 2 GiB serving 4 requests at once per environment. */
const PYTHON = { ...MANAGED_INSTANCES_PROFILE, memoryMiB: 2048, concurrencyPerReplica: 4 };

describe('Lambda Managed Instances sized as the runtime runs', () => {
  test('a process per request (Python): the environment holds four model copies, and its instance keeps memory for the OS and agent', () => {
    const d = onManaged.decide({ ...PYTHON, processPerRequest: true });
    const m = d.managedInstances!;
    expect(m.perEnvironmentMaxConcurrency).toBe(4);
    expect(m.memoryMiB).toBeGreaterThanOrEqual(4 * 2048);
    const instance = PriceTable.awsUsEast1().props.cpuInstances.find(i => i.instanceType === m.instanceType)!;
    const perInstance = Math.floor(Math.min(instance.vcpu / m.vcpuPerEnvironment, environmentMemoryOf(instance.memoryGiB) / m.memoryMiB));
    expect(perInstance).toBeGreaterThanOrEqual(1);
    // headroom: the environments on an instance leave its OS and agent at least 1 GiB
    expect(instance.memoryGiB * 1024 - perInstance * m.memoryMiB).toBeGreaterThanOrEqual(1024);
    expect(rule(d, 'constraint.managed-instances-memory').reason).toMatch(/^8,192 MiB \(4 processes\) fits/);
  });

  test('one shared process (Node.js, Java, .NET): one model copy per environment', () => {
    const d = onManaged.decide(PYTHON);
    expect(d.managedInstances!.memoryMiB).toBeLessThan(4 * 2048);
  });

  test('a process per request that needs more than 10,240 MiB per environment excludes Managed Instances, naming the arithmetic', () => {
    const d = PlacementPolicy.default().decide({ ...PYTHON, memoryMiB: 3072, processPerRequest: true });
    const r = rule(d, 'constraint.managed-instances-memory');
    expect(r.verdict).toBe('fired');
    expect(r.reason).toBe('needs 12,288 MiB per execution environment (3,072 MiB x 4 processes, one per concurrent request); '
      + 'this library places Lambda Managed Instances functions of at most 10,240 MiB');
  });

  test('the capacity provider may launch several instance types, the priced one first, each holding one environment', () => {
    const m = onManaged.decide({ ...PYTHON, processPerRequest: true }).managedInstances!;
    expect(m.instanceTypes!.length).toBeGreaterThan(1);
    expect(m.instanceTypes![0]).toBe(m.instanceType);
    for (const type of m.instanceTypes!) {
      const i = PriceTable.awsUsEast1().props.cpuInstances.find(x => x.instanceType === type)!;
      expect(environmentMemoryOf(i.memoryGiB)).toBeGreaterThanOrEqual(m.memoryMiB);
      expect(i.vcpu).toBeGreaterThanOrEqual(m.vcpuPerEnvironment);
    }
  });
});
