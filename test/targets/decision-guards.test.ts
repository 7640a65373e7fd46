/**
 * The renderers' own guards on a decision's numbers. The built-in policies produce finite numbers,
 * but a custom `IPlacementPolicy` may return any `PlacementDecision`: every figure a renderer writes
 * into a template or a manifest must be refused when it is NaN, an infinity, not a number, or an
 * unresolved token, with a message that names the decision's field and the value. (A NaN that
 * passes a range check synthesizes `null` in the template and fails only at deploy.)
 */
import { App, Lazy, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  InferenceWorkload, InferenceWorkloadProps, IPlacementPolicy, LambdaSizing, ManagedInstancesSizing, ModelImage,
  PlacementDecision, PlacementDecisionProps, PlacementPolicy, PlacementTarget, RuleKind, RuleVerdict, WorkloadProfile,
} from '../../lib';
import { CPU_PROFILE, GPU_PROFILE, HYBRID_PROFILE, importedVpc, MANAGED_INSTANCES_PROFILE } from '../helpers/fixtures';

const IMAGE = ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1.0.0');

/** A user's policy: returns the decision it was built with, whatever the profile. */
class CustomPolicy implements IPlacementPolicy {
  public readonly name = 'custom';
  constructor(private readonly decision: PlacementDecision) {}
  public decide(_profile: WorkloadProfile): PlacementDecision {
    return this.decision;
  }
}

/** The default policy's decision for `profile`, rebuilt as a custom policy would, with some parts (sizing, rules) replaced. */
function customDecision(
  profile: WorkloadProfile, target: PlacementTarget, change: (d: PlacementDecision) => Partial<PlacementDecisionProps> = () => ({}),
): PlacementDecision {
  const d = PlacementPolicy.default().decide(profile);
  expect(d.target).toBe(target);
  return new PlacementDecision({
    target: d.target,
    policyName: 'custom',
    chosenOption: d.chosenOption,
    rules: d.rules,
    costs: d.costs,
    sustainedUtilization: d.sustainedUtilization,
    priceTable: d.priceTable,
    lambda: d.lambda,
    kubernetes: d.kubernetes,
    hybrid: d.hybrid,
    managedInstances: d.managedInstances,
    ...change(d),
  });
}

/** Places the workload with the custom decision (and the options its target needs). */
function place(profile: WorkloadProfile, decision: PlacementDecision): { stack: Stack; workload: InferenceWorkload } {
  const stack = new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
  const props: InferenceWorkloadProps = {
    image: IMAGE,
    profile,
    policy: new CustomPolicy(decision),
    managedInstances: decision.target === PlacementTarget.LAMBDA_MANAGED_INSTANCES ? { vpc: importedVpc(stack) } : undefined,
    // a custom decision records no profile to derive the overflow's concurrency cap from
    hybrid: decision.target === PlacementTarget.HYBRID
      ? { vpc: importedVpc(stack), overflowWebAdapter: { port: 8080 }, overflowReservedConcurrency: 10 }
      : undefined,
  };
  return { stack, workload: new InferenceWorkload(stack, 'Model', props) };
}

/** The values no renderer may write, and what the message says of each. */
const BAD_VALUES: Array<[string, () => unknown, string]> = [
  ['NaN', () => NaN, 'must be a finite number, got NaN'],
  ['Infinity', () => Infinity, 'must be a finite number, got Infinity'],
  ['-Infinity', () => -Infinity, 'must be a finite number, got -Infinity'],
  ['a string', () => '3', 'must be a number, got "3"'],
  ['a token', () => Token.asNumber(Lazy.number({ produce: () => 3 })), 'must be a concrete number at synth time (the placement is decided at synth), got an unresolved token'],
];

/** Every (field, bad value) pair of a target, as `test.each` rows. */
function rows(fields: string[]): Array<[string, string, () => unknown, string]> {
  return fields.flatMap(field => BAD_VALUES.map(([name, value, message]) =>
    [field, name, value, message] as [string, string, () => unknown, string]));
}

/** `sizing` with `path` (`a`, `a[0].b`) set to `value`. */
function replaced<T>(sizing: T, path: string, value: unknown): T {
  const m = /^(\w+)(?:\[(\d+)\]\.(\w+))?$/.exec(path)!;
  if (m[2] === undefined) {
    return { ...sizing, [m[1]]: value };
  }
  const list = [...(sizing as Record<string, Array<Record<string, unknown>>>)[m[1]]];
  list[Number(m[2])] = { ...list[Number(m[2])], [m[3]]: value };
  return { ...sizing, [m[1]]: list };
}

describe('Lambda renderer', () => {
  const WINDOW = { name: 'business-hours', startCron: 'cron(0 8 ? * MON-FRI *)', endCron: 'cron(0 18 ? * MON-FRI *)', minCapacity: 4 };
  const decision = (field?: string, value?: unknown) => customDecision(CPU_PROFILE, PlacementTarget.LAMBDA, d => {
    const sizing: LambdaSizing = { ...d.lambda!, latencyBudgetMs: 500, warmSchedules: [WINDOW] };
    return { lambda: field === undefined ? sizing : replaced(sizing, field, value) };
  });

  test('renders a custom policy\'s Lambda decision with finite numbers', () => {
    const { stack } = place(CPU_PROFILE, decision());
    Template.fromStack(stack).hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 0.7 },
    });
  });

  test.each(rows([
    'memoryMiB', 'timeoutSeconds', 'ephemeralStorageMiB', 'provisionedConcurrencyMin', 'provisionedConcurrencyMax',
    'utilizationTarget', 'latencyBudgetMs', 'warmSchedules[0].minCapacity',
  ]))('throws when a custom policy\'s Lambda %s is %s', (field, _name, value, message) => {
    expect(() => place(CPU_PROFILE, decision(field, value()))).toThrow(`'decision.lambda.${field}' ${message}`);
  });
});

describe('Lambda Managed Instances renderer', () => {
  const decision = (field?: string, value?: unknown) => customDecision(MANAGED_INSTANCES_PROFILE, PlacementTarget.LAMBDA_MANAGED_INSTANCES, d => {
    const sizing: ManagedInstancesSizing = { ...d.managedInstances!, latencyBudgetMs: 500 };
    return { managedInstances: field === undefined ? sizing : replaced(sizing, field, value) };
  });

  test('renders a custom policy\'s Managed Instances decision with finite numbers', () => {
    const { stack } = place(MANAGED_INSTANCES_PROFILE, decision());
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::CapacityProvider', {
      CapacityProviderScalingConfig: { ScalingPolicies: [{ PredefinedMetricType: 'LambdaCapacityProviderAverageCPUUtilization', TargetValue: 70 }] },
    });
  });

  test.each(rows([
    'memoryMiB', 'timeoutSeconds', 'memoryGiBPerVcpu', 'perEnvironmentMaxConcurrency', 'minExecutionEnvironments',
    'maxExecutionEnvironments', 'maxVCpuCount', 'cpuUtilizationTarget', 'latencyBudgetMs',
  ]))('throws when a custom policy\'s Managed Instances %s is %s', (field, _name, value, message) => {
    expect(() => place(MANAGED_INSTANCES_PROFILE, decision(field, value()))).toThrow(`'decision.managedInstances.${field}' ${message}`);
  });

  test('throws when a custom policy\'s Managed Instances memory per vCPU is not a ratio Lambda offers', () => {
    expect(() => place(MANAGED_INSTANCES_PROFILE, decision('memoryGiBPerVcpu', 3)))
      .toThrow('\'decision.managedInstances.memoryGiBPerVcpu\' must be one of 2, 4, 8 for Lambda Managed Instances, got 3');
  });

  test('throws when a custom policy\'s Managed Instances lists more instance types than the capacity alarm can sum', () => {
    const six = ['m7i.large', 'r7i.large', 'm7i.xlarge', 'c7i.xlarge', 'r7i.xlarge', 'c7i.2xlarge'];
    expect(() => place(MANAGED_INSTANCES_PROFILE, decision('instanceTypes', six)))
      .toThrow(`'decision.managedInstances.instanceTypes' must be an array of 1 to 5 EC2 instance types, got ${JSON.stringify(six)}`);
    expect(() => place(MANAGED_INSTANCES_PROFILE, decision('instanceTypes', six.slice(0, 5)))).not.toThrow();
  });

  test('throws when a custom policy\'s Managed Instances CPU target is above 100%', () => {
    expect(() => place(MANAGED_INSTANCES_PROFILE, decision('cpuUtilizationTarget', 1.5)))
      .toThrow('\'decision.managedInstances.cpuUtilizationTarget\' must be greater than 0 and at most 1, got 1.5');
  });
});

describe('hybrid renderer', () => {
  const decision = (part?: 'lambda' | 'hybrid', field?: string, value?: unknown) => customDecision(HYBRID_PROFILE, PlacementTarget.HYBRID, d => (
    part === undefined ? {} : { [part]: replaced(d[part]!, field!, value) }
  ));

  test('renders a custom policy\'s hybrid decision with finite numbers', () => {
    const { workload } = place(HYBRID_PROFILE, decision());
    expect(workload.hybrid!.timeBudget).toEqual(workload.decision.hybrid!.timeBudget);
  });

  test.each(rows(['memoryMiB', 'timeoutSeconds', 'utilizationTarget']))(
    'throws when a custom policy\'s hybrid control-plane (decision.lambda) %s is %s', (field, _name, value, message) => {
      expect(() => place(HYBRID_PROFILE, decision('lambda', field, value()))).toThrow(`'decision.lambda.${field}' ${message}`);
    });

  test.each(rows(['dataPlaneFloorReplicas', 'overflowThresholdRequestsPerSecond', 'overflowMemoryMiB', 'overflowTimeoutSeconds']))(
    'throws when a custom policy\'s hybrid %s is %s', (field, _name, value, message) => {
      expect(() => place(HYBRID_PROFILE, decision('hybrid', field, value()))).toThrow(`'decision.hybrid.${field}' ${message}`);
    });

  test.each(rows([
    'connectTimeoutMs', 'responseTimeoutMs', 'dataPlaneDeadlineMs', 'overflowTimeoutMs', 'overflowNeedMs', 'marginMs', 'controlPlaneTimeoutSeconds',
    'streamMaxDurationSeconds',
  ]))('throws when a custom policy\'s hybrid time budget %s is %s', (field, _name, value, message) => {
    const d = customDecision(HYBRID_PROFILE, PlacementTarget.HYBRID, base => ({
      hybrid: { ...base.hybrid!, timeBudget: replaced(base.hybrid!.timeBudget!, field, value()) },
    }));
    expect(() => place(HYBRID_PROFILE, d)).toThrow(`'decision.hybrid.timeBudget.${field}' ${message}`);
  });

  test('throws when a custom policy\'s hybrid time budget gives the control plane more than Lambda\'s 900 s', () => {
    const d = customDecision(HYBRID_PROFILE, PlacementTarget.HYBRID, base => ({
      hybrid: { ...base.hybrid!, timeBudget: { ...base.hybrid!.timeBudget!, controlPlaneTimeoutSeconds: 901 } },
    }));
    expect(() => place(HYBRID_PROFILE, d)).toThrow('\'decision.hybrid.timeBudget.controlPlaneTimeoutSeconds\' must be between 1 and 900 for the Lambda target, got 901');
  });

  test('throws when a custom policy\'s hybrid time budget lets a stream outlive Lambda\'s 900 s', () => {
    const d = customDecision(HYBRID_PROFILE, PlacementTarget.HYBRID, base => ({
      hybrid: { ...base.hybrid!, timeBudget: { ...base.hybrid!.timeBudget!, streamMaxDurationSeconds: 901 } },
    }));
    expect(() => place(HYBRID_PROFILE, d)).toThrow('\'decision.hybrid.timeBudget.streamMaxDurationSeconds\' must be between 1 and 900 for the Lambda target, got 901');
  });
});

describe('Kubernetes renderer', () => {
  const decision = (field?: string, value?: unknown) => customDecision(GPU_PROFILE, PlacementTarget.KUBERNETES, d => (
    field === undefined ? {} : { kubernetes: replaced(d.kubernetes!, field, value) }
  ));

  test('renders a custom policy\'s Kubernetes decision with finite numbers', () => {
    const { workload } = place(GPU_PROFILE, decision());
    expect(workload.autoscaler).toBeDefined();
  });

  test.each(rows([
    'replicasMin', 'replicasMax', 'gpuCount', 'gpuMemoryGiB', 'cpuMillis', 'memoryMiB', 'concurrencyPerReplica', 'modelSizeGiB',
    'nodeLocalStateGiB', 'nodeLocalStateCpuMillis', 'estimatedScaleOutSeconds', 'terminationGracePeriodSeconds', 'nodeCandidates[0].hourlyUsd',
  ]))('throws when a custom policy\'s Kubernetes %s is %s', (field, _name, value, message) => {
    expect(() => place(GPU_PROFILE, decision(field, value()))).toThrow(`'decision.kubernetes.${field}' ${message}`);
  });
});

describe('hard constraints', () => {
  test.each([
    [PlacementTarget.KUBERNETES, GPU_PROFILE, 'Kubernetes'],
    [PlacementTarget.HYBRID, HYBRID_PROFILE, 'hybrid'],
    [PlacementTarget.LAMBDA_MANAGED_INSTANCES, MANAGED_INSTANCES_PROFILE, 'Lambda Managed Instances'],
    [PlacementTarget.LAMBDA, CPU_PROFILE, 'Lambda'],
  ])('throws when a custom policy places on %s despite a fired constraint that excludes it', (target, profile, name) => {
    const rule = { ruleId: 'constraint.custom', kind: RuleKind.CONSTRAINT, verdict: RuleVerdict.FIRED, reason: 'the user\'s rule', excludes: [target] };
    const d = customDecision(profile, target, b => ({ rules: [...b.rules, rule] }));
    expect(() => place(profile, d)).toThrow(`'policy' custom placed the workload on ${name} despite hard constraint constraint.custom (the user's rule)`);
  });
});
