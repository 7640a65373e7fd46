/*
 * Concurrency caps on every function the library creates, and the alarm when a cap throttles:
 * reserved concurrency on the Lambda target, the hybrid's control plane and overflow; execution
 * environments x per-environment concurrency under the vCPU ceiling on Lambda Managed Instances
 * (which never get reserved concurrency). Checked over the example app's whole template, with a
 * planted uncapped function to show the check can fail.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { STRICT_CONTEXT } from './lambda/helpers';
import { buildExampleApp } from '../../examples/app';
import { InferenceWorkload, InferenceWorkloadProps, ModelImage, PlacementPolicy, PlacementTarget, WorkloadProfile } from '../../lib';
import { LAMBDA_LIMITS } from '../../lib/policy/limits';
import { CONCURRENCY_QUOTA_CONTEXT_KEY, DEFAULT_CAP_HEADROOM } from '../../lib/targets/lambda/concurrency-cap';
import { HYBRID_PROFILE, importedVpc, MANAGED_INSTANCES_PROFILE } from '../helpers/fixtures';

type Resources = Record<string, { Type: string; Properties: any }>;

const IMAGE = ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1');

/** The logical ids of `type` in a template. */
const idsOf = (resources: Resources, type: string) => Object.keys(resources).filter(id => resources[id].Type === type);
const refTo = (value: unknown): string | undefined => (value as { Ref?: string } | undefined)?.Ref;

/**
 * Why a function is not capped, or undefined when it is. A function is capped by its reserved
 * concurrency, or, on a capacity provider, by the execution environments its version may grow to
 * (each serving at most its per-environment concurrency) under the provider's vCPU ceiling; a
 * function on a capacity provider never carries reserved concurrency (undocumented there).
 */
function whyUncapped(resources: Resources, fnId: string): string | undefined {
  const p = resources[fnId].Properties;
  const onProvider = p.CapacityProviderConfig?.LambdaManagedInstancesCapacityProviderConfig;
  if (onProvider === undefined) {
    return Number.isInteger(p.ReservedConcurrentExecutions) && p.ReservedConcurrentExecutions >= 1 ? undefined : 'no ReservedConcurrentExecutions';
  }
  if (p.ReservedConcurrentExecutions !== undefined) {
    return 'reserved concurrency on a capacity provider';
  }
  if (!Number.isInteger(onProvider.PerExecutionEnvironmentMaxConcurrency)) {
    return 'no PerExecutionEnvironmentMaxConcurrency';
  }
  const versions = idsOf(resources, 'AWS::Lambda::Version').filter(v => refTo(resources[v].Properties.FunctionName) === fnId);
  if (versions.length === 0 || !versions.every(v => Number.isInteger(resources[v].Properties.FunctionScalingConfig?.MaxExecutionEnvironments))) {
    return 'a version without FunctionScalingConfig.MaxExecutionEnvironments';
  }
  const provider = resources[onProvider.CapacityProviderArn?.['Fn::GetAtt']?.[0]];
  return Number.isInteger(provider?.Properties.CapacityProviderScalingConfig?.MaxVCpuCount) ? undefined : 'a capacity provider without MaxVCpuCount';
}

/** Every function of a template that is not capped, with why. */
function uncapped(resources: Resources): Record<string, string> {
  return Object.fromEntries(idsOf(resources, 'AWS::Lambda::Function')
    .map(id => [id, whyUncapped(resources, id)] as const)
    .filter((e): e is readonly [string, string] => e[1] !== undefined));
}

/** The alarm on the throttles of a function's `live` alias, firing at the first throttle. */
function throttleAlarmOf(resources: Resources, fnId: string): string | undefined {
  return idsOf(resources, 'AWS::CloudWatch::Alarm').find(id => {
    const a = resources[id].Properties;
    return a.MetricName === 'Throttles' && a.Namespace === 'AWS/Lambda'
      && a.Threshold === 0 && a.ComparisonOperator === 'GreaterThanThreshold' && a.EvaluationPeriods === 1
      && a.Dimensions.some((d: any) => d.Name === 'FunctionName' && refTo(d.Value) === fnId)
      && a.Dimensions.some((d: any) => d.Name === 'Resource' && JSON.stringify(d.Value).includes(':live'));
  });
}

function exampleResources(): { stacks: Stack[]; resources: Resources[] } {
  const app = buildExampleApp(new App({ context: STRICT_CONTEXT }));
  const stacks = app.node.children.filter((c): c is Stack => c instanceof Stack);
  return { stacks, resources: stacks.map(s => Template.fromStack(s).toJSON().Resources as Resources) };
}

describe('every function of the example app is capped', () => {
  const { resources } = exampleResources();
  const all = resources.flatMap(r => idsOf(r, 'AWS::Lambda::Function'));

  test('S18: over all AWS::Lambda::Function resources of every stack: reserved concurrency, or environments x concurrency on a capacity provider', () => {
    // the example places workloads on Lambda, hybrid (control plane + overflow) and Managed Instances
    expect(all.length).toBeGreaterThanOrEqual(7);
    expect(resources.some(r => idsOf(r, 'AWS::Lambda::Function').some(id => r[id].Properties.CapacityProviderConfig))).toBe(true);
    expect(resources.map(uncapped)).toEqual(resources.map(() => ({})));
  });

  test('S19: every function has an alarm on its live alias that fires at the first throttle', () => {
    for (const r of resources) {
      const missing = idsOf(r, 'AWS::Lambda::Function').filter(id => throttleAlarmOf(r, id) === undefined);
      expect(missing).toEqual([]);
    }
  });

  // the check fails: each function in turn loses its cap (planted), and is the one reported
  test.each(all)('a planted uncapped %s is reported', fnId => {
    const r: Resources = JSON.parse(JSON.stringify(resources.find(x => x[fnId] !== undefined)));
    const p = r[fnId].Properties;
    if (p.CapacityProviderConfig) {
      for (const v of idsOf(r, 'AWS::Lambda::Version').filter(id => refTo(r[id].Properties.FunctionName) === fnId)) {
        delete r[v].Properties.FunctionScalingConfig.MaxExecutionEnvironments;
      }
    } else {
      delete p.ReservedConcurrentExecutions;
    }
    expect(uncapped(r)).toEqual({ [fnId]: expect.any(String) });
  });

  test('reserved concurrency planted on a function on a capacity provider is reported', () => {
    const r: Resources = JSON.parse(JSON.stringify(resources.find(x => idsOf(x, 'AWS::Lambda::Function').some(id => x[id].Properties.CapacityProviderConfig))));
    const fnId = idsOf(r, 'AWS::Lambda::Function').find(id => r[id].Properties.CapacityProviderConfig)!;
    r[fnId].Properties.ReservedConcurrentExecutions = 10;
    expect(uncapped(r)).toEqual({ [fnId]: 'reserved concurrency on a capacity provider' });
  });

  test('a throttle alarm planted on another function is not taken for this one', () => {
    const r: Resources = JSON.parse(JSON.stringify(resources[0]));
    const [first, second] = idsOf(r, 'AWS::Lambda::Function');
    const alarm = throttleAlarmOf(r, first)!;
    for (const d of r[alarm].Properties.Dimensions) {
      if (d.Name === 'FunctionName') d.Value = { Ref: second };
    }
    expect(throttleAlarmOf(r, first)).toBeUndefined();
  });
});

/** A hybrid workload (the fixture's embeddings model, overflowing to Lambda through the web adapter). */
function hybrid(profile: WorkloadProfile = HYBRID_PROFILE, hybridOptions: Record<string, unknown> = {}, extra: Partial<InferenceWorkloadProps> = {},
  context: Record<string, unknown> = {}) {
  const stack = new Stack(new App({ context: { ...STRICT_CONTEXT, ...context } }), 'Hybrid', { env: { account: '123456789012', region: 'us-east-1' } });
  const w = new InferenceWorkload(stack, 'Embeddings', {
    image: IMAGE, profile, hybrid: { vpc: importedVpc(stack), overflowWebAdapter: { port: 8080 }, ...hybridOptions }, ...extra,
  });
  return { stack, w, t: Template.fromStack(stack) };
}

/** The control plane's function: the one without INFERENCE_ROLE overflow. */
const controlPlaneOf = (t: Template) => Object.values(t.findResources('AWS::Lambda::Function', {
  Properties: { Environment: { Variables: Match.objectLike({ DATA_PLANE_URL: Match.anyValue() }) } },
}))[0] as { Properties: { ReservedConcurrentExecutions?: number } };

describe('the hybrid control plane\'s cap', () => {
  test('covers the whole workload\'s peak: twice (every request at the data plane\'s p99 + what the overflow may hold), from the decision', () => {
    const { w, t } = hybrid();
    const d = w.decision;
    expect(d.target).toBe(PlacementTarget.HYBRID);
    const overflow = w.hybrid!.overflowReservedConcurrency!;
    const expected = Math.max(d.lambda!.provisionedConcurrencyMax, Math.ceil((d.lambda!.peakConcurrency + overflow) * DEFAULT_CAP_HEADROOM));
    // the decision's peak concurrency for the control plane is peak req/s x p99 (every request, at the data plane's speed)
    expect(d.lambda!.peakConcurrency).toBe(Math.ceil(d.profile!.peakRequestsPerSecond! * d.profile!.requestDurationP99Ms! / 1000));
    expect(w.hybrid!.controlPlaneReservedConcurrency).toBe(expected);
    expect(controlPlaneOf(t).Properties.ReservedConcurrentExecutions).toBe(expected);
    expect(expected).toBeGreaterThan(overflow);
  });

  test('moves with the profile: a doubled peak raises it', () => {
    const base = hybrid().w;
    const doubled = hybrid({
      ...HYBRID_PROFILE,
      peakRequestsPerSecond: HYBRID_PROFILE.peakRequestsPerSecond! * 2,
      averageRequestsPerSecond: HYBRID_PROFILE.averageRequestsPerSecond * 2,
    }).w;
    expect(doubled.decision.target).toBe(PlacementTarget.HYBRID);
    expect(doubled.hybrid!.controlPlaneReservedConcurrency).toBeGreaterThan(base.hybrid!.controlPlaneReservedConcurrency);
  });

  test('moves with the overflow\'s cap, and the option overrides it', () => {
    const base = hybrid().w.hybrid!;
    const wider = hybrid(HYBRID_PROFILE, { overflowReservedConcurrency: base.overflowReservedConcurrency! + 10 }).w.hybrid!;
    expect(wider.controlPlaneReservedConcurrency).toBe(base.controlPlaneReservedConcurrency + 10 * DEFAULT_CAP_HEADROOM);
    const { w, t } = hybrid(HYBRID_PROFILE, { controlPlaneReservedConcurrency: 300 });
    expect(w.hybrid!.controlPlaneReservedConcurrency).toBe(300);
    expect(controlPlaneOf(t).Properties.ReservedConcurrentExecutions).toBe(300);
  });

  test('the control plane\'s throttle alarm names its cap', () => {
    const { w, t } = hybrid();
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Throttles',
      AlarmDescription: Match.stringLikeRegexp(`concurrency cap, ${w.hybrid!.controlPlaneReservedConcurrency} reserved concurrent executions, was reached`),
      Dimensions: Match.arrayWith([{ Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^EmbeddingsControlPlaneFunction') } }]),
    });
  });

  test('throws naming the option when it is below the control plane\'s provisioned maximum', () => {
    const max = hybrid().w.decision.lambda!.provisionedConcurrencyMax;
    expect(max).toBeGreaterThan(1);
    expect(() => hybrid(HYBRID_PROFILE, { controlPlaneReservedConcurrency: max - 1 }))
      .toThrow(`'hybrid.controlPlaneReservedConcurrency' must be at least the provisioned concurrency maximum (${max}), got ${max - 1}`);
  });

  test('throws on lambda.reservedConcurrentExecutions for a hybrid placement, naming the control plane\'s option', () => {
    expect(() => hybrid(HYBRID_PROFILE, {}, { lambda: { reservedConcurrentExecutions: 20 } }))
      .toThrow(/^Cannot configure 'lambda\.reservedConcurrentExecutions' for a hybrid placement, got 20: .*'hybrid\.controlPlaneReservedConcurrency'/);
  });
});

/** A workload on Lambda Managed Instances (the example's image tagger). */
function managed(profile: WorkloadProfile = MANAGED_INSTANCES_PROFILE, miOptions: Record<string, unknown> = {},
  extra: Partial<InferenceWorkloadProps> = {}, context: Record<string, unknown> = {}) {
  const stack = new Stack(new App({ context: { ...STRICT_CONTEXT, ...context } }), 'Managed', { env: { account: '123456789012', region: 'us-east-1' } });
  const w = new InferenceWorkload(stack, 'Tagger', { image: IMAGE, profile, managedInstances: { vpc: importedVpc(stack), ...miOptions }, ...extra });
  return { stack, w, t: Template.fromStack(stack) };
}

describe('the Managed Instances function\'s cap', () => {
  test('is the decision\'s peak environments x per-environment concurrency, without reserved concurrency', () => {
    const { w, t } = managed();
    const m = w.decision.managedInstances!;
    expect(w.decision.target).toBe(PlacementTarget.LAMBDA_MANAGED_INSTANCES);
    expect(w.managedInstances!.maxExecutionEnvironments).toBe(m.maxExecutionEnvironments);
    t.hasResourceProperties('AWS::Lambda::Version', { FunctionScalingConfig: { MaxExecutionEnvironments: m.maxExecutionEnvironments } });
    t.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: Match.absent() });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Throttles',
      AlarmDescription: Match.stringLikeRegexp(`cap of ${m.maxExecutionEnvironments} environments x ${m.perEnvironmentMaxConcurrency} concurrent requests`),
    });
  });

  test('moves with the profile: a higher peak raises it', () => {
    const base = managed().w;
    const busier = managed({ ...MANAGED_INSTANCES_PROFILE, peakRequestsPerSecond: 300, averageRequestsPerSecond: 120 }).w;
    expect(busier.decision.target).toBe(PlacementTarget.LAMBDA_MANAGED_INSTANCES);
    expect(busier.managedInstances!.maxExecutionEnvironments).toBeGreaterThan(base.managedInstances!.maxExecutionEnvironments);
  });

  test('managedInstances.maxExecutionEnvironments lowers it, between the decision\'s floor and priced peak', () => {
    const m = managed().w.decision.managedInstances!;
    const lowered = m.minExecutionEnvironments + 1;
    expect(lowered).toBeLessThan(m.maxExecutionEnvironments);
    managed(MANAGED_INSTANCES_PROFILE, { maxExecutionEnvironments: lowered }).t
      .hasResourceProperties('AWS::Lambda::Version', { FunctionScalingConfig: { MinExecutionEnvironments: m.minExecutionEnvironments, MaxExecutionEnvironments: lowered } });
    for (const bad of [m.minExecutionEnvironments - 1, m.maxExecutionEnvironments + 1]) {
      expect(() => managed(MANAGED_INSTANCES_PROFILE, { maxExecutionEnvironments: bad }))
        .toThrow(`'managedInstances.maxExecutionEnvironments' must be between ${m.minExecutionEnvironments} and ${m.maxExecutionEnvironments} `
          + `(the decision's warm floor and priced peak environments; raise the profile's peak to go higher), got ${bad}`);
    }
  });

  test('throws on lambda.reservedConcurrentExecutions, which Lambda does not document for a function on a capacity provider', () => {
    expect(() => managed(MANAGED_INSTANCES_PROFILE, {}, { lambda: { reservedConcurrentExecutions: 20 } }))
      .toThrow(/^Cannot configure 'lambda\.reservedConcurrentExecutions' for a placement on Lambda Managed Instances, got 20: .*'managedInstances\.maxExecutionEnvironments'/);
  });
});

describe('the account quota counts every reserved cap of the stack', () => {
  const warnings = (stack: Stack) => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('concurrency-quota'));

  test('the hybrid\'s control plane and overflow both count: at their sum nothing is said, one below it the function that crosses is named with its option', () => {
    const { w } = hybrid();
    const total = w.hybrid!.controlPlaneReservedConcurrency + w.hybrid!.overflowReservedConcurrency!;
    expect(warnings(hybrid(HYBRID_PROFILE, {}, {}, { [CONCURRENCY_QUOTA_CONTEXT_KEY]: 100 + total }).stack)).toEqual([]);
    const crossed = warnings(hybrid(HYBRID_PROFILE, {}, {}, { [CONCURRENCY_QUOTA_CONTEXT_KEY]: 100 + total - 1 }).stack);
    expect(crossed).toHaveLength(1);
    expect(crossed[0].id).toBe('/Hybrid/Embeddings/ControlPlane');
    expect(JSON.stringify(crossed[0].entry.data)).toContain(`reserve ${total} concurrent executions`);
    expect(JSON.stringify(crossed[0].entry.data)).toContain('hybrid.controlPlaneReservedConcurrency');
  });

  test('a function on a capacity provider reserves nothing, so it never counts', () => {
    expect(warnings(managed(MANAGED_INSTANCES_PROFILE, {}, {}, { [CONCURRENCY_QUOTA_CONTEXT_KEY]: 100 }).stack)).toEqual([]);
  });
});

describe('the cap options are checked at construction, whatever the placement', () => {
  test.each([
    ['hybrid', 'controlPlaneReservedConcurrency', 0, 'got 0'],
    ['hybrid', 'controlPlaneReservedConcurrency', 1.5, 'got 1.5'],
    ['hybrid', 'controlPlaneReservedConcurrency', LAMBDA_LIMITS.maxReservedConcurrency + 1, 'got 100,001'],
    ['hybrid', 'controlPlaneReservedConcurrency', 'many', 'got "many"'],
    ['managedInstances', 'maxExecutionEnvironments', 0, 'got 0'],
    ['managedInstances', 'maxExecutionEnvironments', 2.5, 'got 2.5'],
    ['managedInstances', 'maxExecutionEnvironments', 'nine', 'got "nine"'],
  ])('throws on %s.%s %p on a workload placed on Kubernetes', (target, option, value, got) => {
    expect(() => new InferenceWorkload(new Stack(new App(), 'Bad'), 'W', {
      image: IMAGE,
      profile: MANAGED_INSTANCES_PROFILE,
      policy: PlacementPolicy.fixed(PlacementTarget.KUBERNETES),
      [target]: { [option]: value },
    })).toThrow(new RegExp(`^'${target}\\.${option}' .*${String(got).replace(/[.()]/g, '\\$&')}`));
  });
});
