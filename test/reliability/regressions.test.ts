/**
 * Inputs that once crashed inside aws-cdk-lib or constructs, blamed the wrong prop, or were
 * silently ignored: each is now refused at construction with InferenceWorkloadValidationError
 * naming the prop and the value, or accepted and synthesized.
 */
import { App, Duration, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  InferenceWorkload, InferenceWorkloadProps, InferenceWorkloadValidationError, IPlacementPolicy, ModelImage, PlacementDecision, PlacementPolicy,
  PlacementTarget,
} from '../../lib';
import { KUBERNETES_LIMITS, LAMBDA_LIMITS } from '../../lib/policy/limits';
import { HYBRID_OPTION_KEYS, KUBERNETES_OPTION_KEYS, LAMBDA_OPTION_KEYS, MANAGED_INSTANCES_OPTION_KEYS } from '../../lib/targets/option-keys';
import { CPU_PROFILE, GPU_PROFILE, importedVpc } from '../helpers/fixtures';

const IMAGE = ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1.0.0');

function build(props: Partial<InferenceWorkloadProps>, id = 'Workload', setup?: (stack: Stack) => Partial<InferenceWorkloadProps>): Stack {
  const stack = new Stack(new App(), 'Regressions');
  new InferenceWorkload(stack, id, { image: IMAGE, profile: CPU_PROFILE, ...props, ...setup?.(stack) });
  return stack;
}

function expectRefused(run: () => unknown, prop: string, value: RegExp | string): void {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(InferenceWorkloadValidationError);
  const message = (error as Error).message;
  expect(message).toContain(`'${prop}'`);
  if (typeof value === 'string') {
    expect(message).toContain(value);
  } else {
    expect(message).toMatch(value);
  }
}

describe('refused at construction, naming the prop', () => {
  test.each([
    ['lambda.vpc: null', { lambda: { vpc: null as any } }, 'lambda.vpc', 'got null'],
    ['lambda.environmentEncryption: null', { lambda: { environmentEncryption: null as any } }, 'lambda.environmentEncryption', 'got null'],
    ['hybrid.vpc: null', { hybrid: { vpc: null as any } }, 'hybrid.vpc', 'got null'],
    ['kubernetes.cluster: null', { kubernetes: { cluster: null as any } }, 'kubernetes.cluster', 'got null'],
    ['lambda.latencyBudget: 30', { lambda: { latencyBudget: 30 as any } }, 'lambda.latencyBudget', 'got 30'],
    ['lambda.latencyBudget: {}', { lambda: { latencyBudget: {} as any } }, 'lambda.latencyBudget', 'got {}'],
    ['lambda.latencyBudget: Infinity', { lambda: { latencyBudget: Duration.seconds(Infinity) } }, 'lambda.latencyBudget', 'got Infinity ms'],
    ['kubernetes: "x"', { kubernetes: 'x' as any }, 'kubernetes', 'got "x"'],
    ['lambda: 42', { lambda: 42 as any }, 'lambda', 'got 42'],
    ['hybrid: []', { hybrid: [] as any }, 'hybrid', 'got []'],
    ['lambda.environment: "x"', { lambda: { environment: 'x' as any } }, 'lambda.environment', 'got "x"'],
    ['workloadName "constructor"', { workloadName: 'constructor' }, 'workloadName', 'got "constructor"'],
    ['a number above 1e280 is a number, not a token', { profile: { ...CPU_PROFILE, memoryMiB: 1e281 } }, 'profile.memoryMiB', 'got 1e+281'],
  ] as Array<[string, Partial<InferenceWorkloadProps>, string, string]>)('%s', (_name, props, prop, value) => {
    expectRefused(() => build(props), prop, value);
  });

  test.each([
    ['constructor', 'got "constructor"'],
    ['__proto__', 'got "__proto__"'],
    ['', 'got ""'],
  ])('construct id %j', (id, value) => {
    expectRefused(() => build({}, id), 'id', value);
  });

  test('a token as construct id', () => {
    expectRefused(() => build({}, Token.asString({ resolve: () => 'x' })), 'id', 'unresolved token');
  });

  test('a custom policy returning a plain object instead of a PlacementDecision', () => {
    const policy = { name: 'plain', decide: () => ({ target: 'lambda' }) } as unknown as IPlacementPolicy;
    expectRefused(() => build({ policy }), 'policy', 'a plain object {"target":"lambda"}');
  });

  test('a custom policy returning a decision with a sustained utilization that is not a number in 0-1', () => {
    const good = PlacementPolicy.default().decide(CPU_PROFILE).toJson();
    const policy: IPlacementPolicy = { name: 'nan', decide: () => new PlacementDecision({ ...good, sustainedUtilization: NaN }) };
    expectRefused(() => build({ policy }), 'policy', 'sustainedUtilization is between 0 and 1, got NaN');
  });

  test('a Lambda VPC with only public subnets', () => {
    expectRefused(() => build({}, 'Workload', stack => ({
      lambda: { vpc: new ec2.Vpc(stack, 'Public', { subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }] }) },
    })), 'lambda.vpcSubnets', 'private subnets');
  });

  test('the 501st resource of a stack is refused at construction, naming the workload that crosses the limit', () => {
    const stack = new Stack(new App(), 'Crowded');
    let error: unknown;
    let placed = 0;
    try {
      for (let i = 0; i < 200; i++) {
        new InferenceWorkload(stack, `W${i}`, { image: IMAGE, profile: CPU_PROFILE, policy: PlacementPolicy.fixed(PlacementTarget.LAMBDA) });
        placed++;
      }
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InferenceWorkloadValidationError);
    expect((error as Error).message).toMatch(new RegExp(`^'w${placed}' would bring stack Crowded to \\d+ CloudFormation resources`));
    expect(placed).toBeGreaterThan(10);
    expect(stack.node.tryFindChild(`W${placed}`)).toBeUndefined();
  });
});

describe('null for an option', () => {
  // `undefined` is the documented way to omit an option; a JSON or JavaScript caller's `null` is
  // refused by the option's own check, never taken for a default nor passed on to aws-cdk-lib
  const targets: Array<[string, { readonly keys: Record<string, unknown> }, PlacementTarget[]]> = [
    ['lambda', LAMBDA_OPTION_KEYS as any, [PlacementTarget.LAMBDA]],
    ['kubernetes', KUBERNETES_OPTION_KEYS as any, [PlacementTarget.KUBERNETES, PlacementTarget.HYBRID]],
    ['hybrid', HYBRID_OPTION_KEYS as any, [PlacementTarget.HYBRID]],
    ['managedInstances', MANAGED_INSTANCES_OPTION_KEYS as any, [PlacementTarget.LAMBDA_MANAGED_INSTANCES]],
  ];
  const rows = targets.flatMap(([option, table, placements]) =>
    Object.keys(table.keys).flatMap(key => placements.map(placement => [`${option}.${key}`, placement] as [string, PlacementTarget])));

  test('every target option is covered', () => {
    expect(rows.map(([prop]) => prop)).toEqual(expect.arrayContaining(['hybrid.vpcSubnets', 'lambda.vpcSubnets', 'managedInstances.vpcSubnets', 'kubernetes.tolerations']));
  });

  test.each(rows)('%s: null is refused by name on the %s target, never a TypeError, even with a VPC given', (prop, placement) => {
    const [option, key] = prop.split('.');
    expectRefused(() => build({ policy: PlacementPolicy.fixed(placement) }, 'Workload', stack => {
      // the VPC each target needs, so that the null reaches the option's own check
      const vpc = importedVpc(stack);
      const given: Record<string, Record<string, unknown>> = {
        hybrid: { vpc },
        managedInstances: { vpc },
        lambda: key === 'securityGroups' || key === 'vpcSubnets' ? { vpc } : {},
      };
      return { ...given, [option]: { ...given[option], [key]: null } } as Partial<InferenceWorkloadProps>;
    }), prop, /got null|^Cannot configure '[^']+' without/);
  });
});

describe('lambda.reservedConcurrentExecutions is bounded by Lambda\'s limits at construction, not at deploy', () => {
  const onLambda = (reservedConcurrentExecutions: number) =>
    build({ policy: PlacementPolicy.fixed(PlacementTarget.LAMBDA), lambda: { reservedConcurrentExecutions } });

  test.each([
    ['1e308', 1e308],
    ['one past the ceiling', LAMBDA_LIMITS.maxReservedConcurrency + 1],
    ['0, which would throttle every invocation', LAMBDA_LIMITS.minReservedConcurrency - 1],
  ])('%s is refused', (_name, value) => {
    expectRefused(() => onLambda(value), 'lambda.reservedConcurrentExecutions',
      `must be between ${LAMBDA_LIMITS.minReservedConcurrency.toLocaleString('en-US')} and ${LAMBDA_LIMITS.maxReservedConcurrency.toLocaleString('en-US')}`);
  });

  test('the ceiling itself is accepted and rendered', () => {
    Template.fromStack(onLambda(LAMBDA_LIMITS.maxReservedConcurrency)).hasResourceProperties('AWS::Lambda::Function',
      { ReservedConcurrentExecutions: LAMBDA_LIMITS.maxReservedConcurrency });
  });
});

describe('a profile needing more replicas than the Kubernetes target sizes is refused at construction, before the renderer, naming the profile fields', () => {
  // one GPU pod of 4 concurrent requests: the peak replicas are peakRequestsPerSecond x 4 s / 4
  const gpuAtPeak = (peakRequestsPerSecond: number) => ({
    memoryMiB: 30720,
    gpuCount: 1,
    gpuMemoryGiB: 24,
    requestDurationP50Ms: 4000,
    concurrencyPerReplica: 4,
    averageRequestsPerSecond: 1000,
    peakRequestsPerSecond,
  });
  const ceiling = KUBERNETES_LIMITS.maxReplicas;

  test.each([PlacementTarget.KUBERNETES, PlacementTarget.HYBRID])('at the ceiling, %s is sized for exactly that many replicas', (target) => {
    const stack = build({ profile: gpuAtPeak(ceiling), policy: PlacementPolicy.fixed(target) }, 'Workload', s => ({ hybrid: { vpc: importedVpc(s) } }));
    const workload = stack.node.findAll().find((c): c is InferenceWorkload => c instanceof InferenceWorkload)!;
    expect(workload.decision.kubernetes?.replicasMax).toBe(ceiling);
  });

  test.each([PlacementTarget.KUBERNETES, PlacementTarget.HYBRID])('one replica past the ceiling, %s is refused with the arithmetic', (target) => {
    expect(() => build({ profile: gpuAtPeak(ceiling + 1), policy: PlacementPolicy.fixed(target) }, 'Workload', s => ({ hybrid: { vpc: importedVpc(s) } }))).toThrow(
      new InferenceWorkloadValidationError(`'profile' must need at most ${ceiling.toLocaleString('en-US')} replicas at peak for the ${target} target, got ${(ceiling + 1).toLocaleString('en-US')} `
        + `(peakRequestsPerSecond ${(ceiling + 1).toLocaleString('en-US')} x requestDurationP50Ms 4,000 ms / 1,000 = ${(4 * (ceiling + 1)).toLocaleString('en-US')} concurrent requests / concurrencyPerReplica 4); `
        + 'lower peakRequestsPerSecond or requestDurationP50Ms, or raise concurrencyPerReplica (in Regressions/Workload)'));
  });

  test('the outside fuzz\'s profile is refused naming the profile, before the renderer checks the decision', () => {
    const profile = {
      memoryMiB: 30720, gpuCount: 1, gpuMemoryGiB: 24, requestDurationP50Ms: 60000, averageRequestsPerSecond: 1000, peakRequestsPerSecond: 7125,
    };
    expect(() => build({ profile })).toThrow(new RegExp('^\'profile\' must need at most 10,000 replicas at peak for the (kubernetes|hybrid) target, got 106,875 '
      + '\\(peakRequestsPerSecond 7,125 x requestDurationP50Ms 60,000 ms'));
  });
});

describe('accepted', () => {
  test('memoryMiB 1024 on Kubernetes (no /dev/shm complaint about an option the user never set)', () => {
    const profile = { ...GPU_PROFILE, memoryMiB: 1024, gpuCount: 0, gpuMemoryGiB: undefined };
    const stack = build({ profile, policy: PlacementPolicy.fixed(PlacementTarget.KUBERNETES) });
    expect(stack.node.findAll().some(c => c instanceof InferenceWorkload)).toBe(true);
  });
});

describe('least access options', () => {
  test('lambda.logEncryptionKey encrypts the log group, and a key of the app lets CloudWatch Logs use it', () => {
    const stack = new Stack(new App(), 'Keys');
    const key = new kms.Key(stack, 'LogKey', { enableKeyRotation: true });
    new InferenceWorkload(stack, 'Workload', { image: IMAGE, profile: CPU_PROFILE, lambda: { logEncryptionKey: key } });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] } });
    const keyPolicy = JSON.stringify(t.findResources('AWS::KMS::Key'));
    expect(keyPolicy).toContain('logs.');
    expect(keyPolicy).toContain('kms:Encrypt');
  });

  test('a literal value under a credential-like variable name is warned about, naming the variable and not the value', () => {
    const stack = build({ lambda: { environment: { HF_TOKEN: 'hf_abcdef', MODEL_NAME: 'ranker', DB_PASSWORD: '' } } });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('secret'));
    expect(warnings).toHaveLength(1);
    const text = JSON.stringify(warnings[0].entry.data);
    expect(text).toContain('HF_TOKEN');
    expect(text).not.toContain('hf_abcdef');
    expect(text).not.toContain('MODEL_NAME');
    expect(text).not.toContain('DB_PASSWORD'); // empty: nothing to leak
  });
});
