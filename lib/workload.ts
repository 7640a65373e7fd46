import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { InferenceWorkloadValidationError } from './errors';
import { ModelImage } from './image';
import { applyPlacementLock } from './placement-lock';
import { IPlacementPolicy, PlacementDecision, PlacementPolicy, PlacementTarget, WorkloadProfile } from './policy';
import { PROFILE_KEYS } from './policy/profile';
import { checkReplicaCeiling } from './policy/sizing';
import { knownKeysOf } from './private/known-keys';
import { checkResourceLimitNow, guardResourceLimit } from './private/resource-limit';
import { checkDnsLabel, describeValue } from './private/validate';
import { IPlacedWorkload, PlacementReport } from './report';
import {
  HybridRendering, HybridTargetOptions, KubernetesTargetOptions, LambdaAlarms, LambdaRendering, LambdaTargetOptions, ManagedInstancesRendering,
  ManagedInstancesTargetOptions,
} from './targets';
import { grantInvokeLambda } from './targets/lambda/lambda-target';
import { LIVE_ALIAS_METRICS } from './targets/lambda/metrics';
import {
  HYBRID_OPTION_KEYS, KUBERNETES_OPTION_KEYS, LAMBDA_OPTION_KEYS, MANAGED_INSTANCES_OPTION_KEYS, rejectUnknownKeys,
} from './targets/option-keys';
import { checkTargetOptions, renderPlacement } from './targets/registry';
import { CachedCloudFormationValidatePlugin } from './validation';

/**
 * Props of an `InferenceWorkload`.
 */
export interface InferenceWorkloadProps {
  /**
   * What the workload needs: memory, GPUs, request duration, traffic, latency, state.
   */
  readonly profile: WorkloadProfile;

  /**
   * The model server's container image.
   */
  readonly image: ModelImage;

  /**
   * The placement policy.
   * @default - `PlacementPolicy.fromConfig()` of the CDK context keys `inference-workload:policy` and
   * `inference-workload:priceTable`; with neither set, `PlacementPolicy.default()`
   */
  readonly policy?: IPlacementPolicy;

  /**
   * Name of the workload: Kubernetes object names and the manifest file name.
   * Must be a DNS-1123 label.
   * @default - the construct id in kebab case (`LlmChat` becomes `llm-chat`)
   */
  readonly workloadName?: string;

  /**
   * Options that apply when the workload lands on Lambda.
   * @default - defaults of `LambdaTargetOptions`
   */
  readonly lambda?: LambdaTargetOptions;

  /**
   * Options that apply when the workload lands on Kubernetes.
   * @default - defaults of `KubernetesTargetOptions`
   */
  readonly kubernetes?: KubernetesTargetOptions;

  /**
   * Options that apply when the workload is placed as hybrid (a Lambda control plane in front of
   * a Kubernetes GPU data plane). `hybrid.vpc` is required for that placement.
   * @default - defaults of `HybridTargetOptions` (no VPC: a hybrid placement fails at synth, naming 'hybrid.vpc')
   */
  readonly hybrid?: HybridTargetOptions;

  /**
   * Options that apply when the workload is placed on Lambda Managed Instances (a capacity provider
   * of EC2 instances in the account). `managedInstances.vpc` is required for that placement; the
   * function also takes the workload's `lambda` options.
   * @default - defaults of `ManagedInstancesTargetOptions` (no VPC: such a placement fails at construction, naming 'managedInstances.vpc')
   */
  readonly managedInstances?: ManagedInstancesTargetOptions;
}

/**
 * The workload names taken in each stack (name to construct path): two workloads of one stack
 * must not share a name, which names their Kubernetes objects and manifest file. Kept beside the
 * stack, not on it, and dropped with it.
 */
const NAMES = new WeakMap<Stack, Map<string, string>>();

/** The props' keys, the profile's and the options': any other key is refused at construction. */
const PROPS_KEYS = knownKeysOf<InferenceWorkloadProps>('InferenceWorkloadProps', {
  profile: PROFILE_KEYS,
  image: true,
  policy: true,
  workloadName: true,
  lambda: LAMBDA_OPTION_KEYS,
  kubernetes: KUBERNETES_OPTION_KEYS,
  hybrid: HYBRID_OPTION_KEYS,
  managedInstances: MANAGED_INSTANCES_OPTION_KEYS,
});

/**
 * An ML inference workload, placed on AWS Lambda, a Kubernetes GPU Deployment or both by
 * a placement policy that says why.
 *
 * The decision is made in the constructor, from concrete inputs; the renderer for the
 * chosen target then builds the resources under this construct.
 *
 * The workload registers `CachedCloudFormationValidatePlugin` on its app (once per app, and only
 * if the app registers no `CloudFormationValidatePlugin` of its own), so each template content is
 * validated once with the built-in validator's findings; the context key
 * `inference-workload:templateValidation` (`cached`, `off`, `built-in`) changes that.
 */
export class InferenceWorkload extends Construct implements IPlacedWorkload {
  /** The placement decision: target, rules, costs, sizing. */
  public readonly decision: PlacementDecision;
  /** The workload's name (DNS-1123 label). */
  public readonly workloadName: string;
  /** The Lambda function, when placed on Lambda or hybrid. */
  public readonly function?: lambda.Function;
  /** The `live` alias with provisioned concurrency, when placed on Lambda or hybrid. */
  public readonly alias?: lambda.Alias;
  /** The scalable target of the alias' provisioned concurrency. */
  public readonly scalableTarget?: lambda.IScalableFunctionAttribute;
  /** The function URL on the `live` alias, when placed on Lambda with a function URL entry point. */
  public readonly functionUrl?: lambda.FunctionUrl;
  /** The HTTP API in front of the `live` alias, when placed on Lambda with an HTTP API entry point. */
  public readonly httpApi?: apigwv2.HttpApi;
  /** The capacity provider, when placed on Lambda Managed Instances. */
  public readonly capacityProvider?: lambda.CapacityProvider;
  /**
   * The function on its capacity provider, its operator role and security groups, when placed on
   * Lambda Managed Instances (`function`, `alias`, `alarms`... are the same function).
   */
  public readonly managedInstances?: ManagedInstancesRendering;
  /** The function's log group, when placed on Lambda. */
  public readonly logGroup?: logs.LogGroup;
  /** The CloudWatch alarms of the `live` alias, when placed on Lambda. */
  public readonly alarms?: LambdaAlarms;
  /** The cdk8s chart, when placed on Kubernetes or hybrid. */
  public readonly chart?: cdk8s.Chart;
  /** The model server Deployment, when placed on Kubernetes or hybrid. */
  public readonly deployment?: kplus.Deployment;
  /** The Service in front of the Deployment. */
  public readonly service?: kplus.Service;
  /** The pods' ServiceAccount, when placed on Kubernetes or hybrid. */
  public readonly serviceAccount?: kplus.ServiceAccount;
  /** The HorizontalPodAutoscaler (the only scaler of the Deployment), when placed on Kubernetes or hybrid. */
  public readonly autoscaler?: kplus.HorizontalPodAutoscaler;
  /** The manifest custom resource, when the chart is delivered to `kubernetes.cluster`. */
  public readonly kubernetesManifest?: eks.KubernetesManifest;
  /** The IRSA role created for `kubernetes.modelBucket`. */
  public readonly serviceAccountRole?: iam.IRole;
  /**
   * Path of the manifest file inside the cloud assembly, when placed on Kubernetes or hybrid
   * (undefined when the manifests are delivered to `kubernetes.cluster` instead).
   */
  public readonly manifestPath?: string;
  /**
   * Both halves of a hybrid placement and their wiring (control plane, data plane, internal load
   * balancer, security group, overflow function). `function`, `alias`... are the control plane;
   * `chart`, `deployment`... the data plane.
   */
  public readonly hybrid?: HybridRendering;
  private readonly lambdaRendering?: LambdaRendering;

  constructor(scope: Construct, id: string, props: InferenceWorkloadProps) {
    super(scope, checkConstructId(scope, id));
    // nothing half-built: a construct that failed validation or rendering leaves the tree, so an app
    // that catches the error and synthesizes anyway gets none of its resources
    try {
      if (!props || typeof props !== 'object') {
        throw new InferenceWorkloadValidationError(`'props' must be an object, got ${String(props)}`);
      }
      if (!props.profile) {
        throw new InferenceWorkloadValidationError('\'profile\' is required, got undefined');
      }
      if (!(props.image instanceof ModelImage)) {
        throw new InferenceWorkloadValidationError(`'image' must be a ModelImage (ModelImage.fromImageUri(...)), got ${String(props.image)}`);
      }
      rejectTokens(props.profile);
      rejectUnknownKeys(props, PROPS_KEYS);
      this.workloadName = props.workloadName !== undefined
        ? checkNotReserved('workloadName', checkDnsLabel('workloadName', props.workloadName, 50))
        : checkNotReserved('workloadName', defaultName(id));
      reserveName(this, this.workloadName);
      guardResourceLimit(this);

      // every target's options are checked once, whatever the placement; then the policy decides
      const checked = checkTargetOptions({
        lambda: props.lambda,
        kubernetes: props.kubernetes,
        hybrid: props.hybrid,
        managedInstances: props.managedInstances,
      });

      warnOfSecretLookingValues(this, checked.lambda.environment);

      const policy = props.policy ?? PlacementPolicy.fromConfig(
        this.node.tryGetContext(PlacementPolicy.CONTEXT_KEY_POLICY),
        this.node.tryGetContext(PlacementPolicy.CONTEXT_KEY_PRICE_TABLE));
      if (policy === null || typeof policy !== 'object' || typeof policy.decide !== 'function') {
        throw new InferenceWorkloadValidationError(
          `'policy' must be an IPlacementPolicy (PlacementPolicy.default(), or an object with decide(profile)), got ${describeValue(policy)}`);
      }
      const decided = checkDecision(policy, policy.decide(props.profile));
      // the placement lock may keep the workload on its locked target: the policy decides again, told so
      this.decision = checkDecision(policy, applyPlacementLock(this, this.workloadName, policy, props.profile, decided));
      // before the renderer: a profile that needs more replicas than a Deployment is sized for is named as such
      checkReplicaCeiling(props.profile, this.decision);

      const out = renderPlacement(this, { workloadName: this.workloadName, image: props.image }, this.decision, checked);
      // a function on Lambda Managed Instances is reached, granted and alarmed like a Lambda placement's
      const fn: LambdaRendering | undefined = out.lambda ?? out.managedInstances;
      this.function = fn?.function;
      this.alias = fn?.alias;
      this.scalableTarget = fn?.scalableTarget;
      this.functionUrl = fn?.functionUrl;
      this.httpApi = fn?.httpApi;
      this.logGroup = fn?.logGroup;
      this.alarms = fn?.alarms;
      this.lambdaRendering = fn;
      this.capacityProvider = out.managedInstances?.capacityProvider;
      this.managedInstances = out.managedInstances;
      this.chart = out.kubernetes?.chart;
      this.deployment = out.kubernetes?.deployment;
      this.service = out.kubernetes?.service;
      this.serviceAccount = out.kubernetes?.serviceAccount;
      this.autoscaler = out.kubernetes?.autoscaler;
      this.kubernetesManifest = out.kubernetes?.manifest;
      this.serviceAccountRole = out.kubernetes?.serviceAccountRole;
      this.manifestPath = out.manifestPath;
      this.hybrid = out.hybrid;

      checkResourceLimitNow(this, this.workloadName);
      // the decision is printed once per app at synth by the placement report (one line per
      // workload and a summary), not as an info annotation: warnings stay annotations
      warnIfModelExceedsMemory(this, props.profile);
      PlacementReport.of(this).addWorkload(this);
      // each template content is validated once per machine, as for an InferencePlatform's app
      // (once per app; the context key CachedCloudFormationValidatePlugin.CONTEXT_KEY opts out)
      CachedCloudFormationValidatePlugin.register(this);
    } catch (e) {
      scope.node.tryRemoveChild(this.node.id);
      releaseName(this);
      throw withConstructPath(e, this.node.path);
    }
  }

  /**
   * Grants `grantee` the right to invoke the workload's `live` alias, through its function URL
   * or HTTP API too. Lambda placements only.
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return grantInvokeLambda(this.requireLambda('grantInvoke'), grantee);
  }

  /** Invocations that spilled over provisioned concurrency and cold-started (Sum over 5 minutes). Lambda placements only. */
  public metricSpilloverInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return LIVE_ALIAS_METRICS.spilloverInvocations(this.requireLambda('metricSpilloverInvocations').alias, props);
  }

  /** Throttled invocations of the `live` alias (Sum over 5 minutes). Lambda placements only. */
  public metricThrottles(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return LIVE_ALIAS_METRICS.throttles(this.requireLambda('metricThrottles').alias, props);
  }

  /** Failed invocations of the `live` alias (Sum over 5 minutes). Lambda placements only. */
  public metricErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return LIVE_ALIAS_METRICS.errors(this.requireLambda('metricErrors').alias, props);
  }

  /** Duration of the `live` alias' invocations (p99 over 5 minutes). Lambda placements only. */
  public metricDuration(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return LIVE_ALIAS_METRICS.duration(this.requireLambda('metricDuration').alias, props);
  }

  /** Fraction of provisioned concurrency in use (Maximum over 5 minutes). Lambda placements only. */
  public metricProvisionedConcurrencyUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return LIVE_ALIAS_METRICS.provisionedConcurrencyUtilization(this.requireLambda('metricProvisionedConcurrencyUtilization').alias, props);
  }

  private requireLambda(method: string): LambdaRendering {
    if (!this.lambdaRendering) {
      throw new InferenceWorkloadValidationError(`'${method}' needs a Lambda placement, got ${this.decision.target} for ${this.workloadName}`);
    }
    return this.lambdaRendering;
  }
}

/**
 * Weights larger than every memory that could hold them are probably a unit mistake (memoryMiB
 * given in GiB, modelSizeGiB in MiB). A warning, not an error: a memory-mapped CPU model can run
 * (slowly) with less RAM than its weights.
 */
function warnIfModelExceedsMemory(scope: Construct, p: WorkloadProfile): void {
  const gpuCount = p.gpuCount ?? 0;
  if (p.modelSizeGiB === undefined || (gpuCount > 0 && p.gpuMemoryGiB === undefined)) {
    return; // no size given, or any GPU memory: nothing to compare with
  }
  const hostGiB = p.memoryMiB / 1024;
  const gpuGiB = gpuCount > 0 ? gpuCount * p.gpuMemoryGiB! : 0;
  if (p.modelSizeGiB > Math.max(hostGiB, gpuGiB)) {
    const gpu = gpuGiB > 0 ? ` and than the GPU memory ('profile.gpuCount' x 'profile.gpuMemoryGiB' = ${gpuGiB} GiB)` : '';
    Annotations.of(scope).addWarningV2('inference-workload:model-larger-than-memory',
      `'profile.modelSizeGiB' should fit in the memory that loads the weights, got ${p.modelSizeGiB} GiB, more than 'profile.memoryMiB' `
      + `(${p.memoryMiB} MiB = ${Math.round(hostGiB * 100) / 100} GiB)${gpu}; check the units (memoryMiB is in MiB, modelSizeGiB in GiB)`);
  }
}

/** Names of variables that usually hold credentials. */
const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL)/i;

/**
 * Environment values are stored in the function's configuration and visible to anyone who can
 * read it: a literal value under a credential-like name is probably a secret that belongs in
 * Secrets Manager or SSM (read at runtime). A warning, naming the variables, never their values.
 */
function warnOfSecretLookingValues(scope: Construct, environment: Record<string, string> | undefined): void {
  const names = Object.entries(environment ?? {})
    .filter(([key, value]) => SECRET_NAME.test(key) && typeof value === 'string' && value.length > 0 && !Token.isUnresolved(value))
    .map(([key]) => key);
  if (names.length > 0) {
    Annotations.of(scope).addWarningV2('inference-workload:secret-in-environment',
      `'lambda.environment' sets ${names.join(', ')} to a literal value: environment variables are readable by anyone who can read the `
      + 'function\'s configuration. Keep secrets in AWS Secrets Manager or SSM Parameter Store and read them at runtime (pass the secret\'s name instead).');
  }
}

/** A custom policy's decision must name a target the renderers know. */
function checkDecision(policy: IPlacementPolicy, decision: PlacementDecision): PlacementDecision {
  const targets = Object.values(PlacementTarget) as string[];
  if (!(decision instanceof PlacementDecision) || !targets.includes(decision.target)) {
    const got = decision instanceof PlacementDecision ? `a decision with target ${describeValue(decision.target)}`
      : decision !== null && typeof decision === 'object' ? `a plain object ${describeValue(decision).slice(0, 200)} (build it with new PlacementDecision({...}))`
        : describeValue(decision);
    throw new InferenceWorkloadValidationError(
      `'policy' ${describeValue(policy.name)} must return a PlacementDecision whose target is one of ${targets.join(', ')}, got ${got}`);
  }
  const u = decision.sustainedUtilization;
  if (typeof u !== 'number' || !Number.isFinite(u) || u < 0 || u > 1) {
    throw new InferenceWorkloadValidationError(
      `'policy' ${describeValue(policy.name)} must return a decision whose sustainedUtilization is between 0 and 1, got ${describeValue(u)}`);
  }
  return decision;
}

/**
 * Names that are properties of every JavaScript object: `constructs` (and cdk8s) keep children in
 * a plain object, so a child named `constructor` or `__proto__` collides with Object.prototype.
 */
const OBJECT_PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

function checkNotReserved(prop: string, name: string): string {
  if (OBJECT_PROTOTYPE_NAMES.has(name)) {
    throw new InferenceWorkloadValidationError(
      `'${prop}' must not be the name of an Object.prototype property (${[...OBJECT_PROTOTYPE_NAMES].filter(n => /^[a-z_]/i.test(n)).slice(0, 4).join(', ')}...), got ${describeValue(name)}`);
  }
  return name;
}

/** The construct id, checked before `constructs` sees it (its own errors name no prop). */
function checkConstructId(scope: Construct, id: string): string {
  if (scope === null || typeof scope !== 'object' || !Construct.isConstruct(scope)) {
    throw new InferenceWorkloadValidationError(`'scope' must be a construct (a Stack, or a construct inside one), got ${describeValue(scope)}`);
  }
  if (typeof id !== 'string' || id.length === 0) {
    throw new InferenceWorkloadValidationError(`'id' must be a non-empty string, got ${describeValue(id)}`);
  }
  if (Token.isUnresolved(id)) {
    throw new InferenceWorkloadValidationError('\'id\' must be a concrete string (construct ids are fixed at synth), got an unresolved token');
  }
  checkNotReserved('id', id);
  if (scope.node.tryFindChild(id) !== undefined) {
    throw new InferenceWorkloadValidationError(`'id' must be unique within ${scope.node.path || 'the app'}, got ${describeValue(id)} (already used)`);
  }
  return id;
}

/**
 * Names the workload in a validation error, so that the one of forty workloads that is wrong is
 * found from the message alone: `'profile.memoryMiB' must be ..., got 12 (in Platform/LlmChat)`.
 * The message still starts with the prop path.
 */
function withConstructPath(e: unknown, constructPath: string): unknown {
  if (e instanceof InferenceWorkloadValidationError && !e.message.includes(`(in ${constructPath})`)) {
    e.message = `${e.message} (in ${constructPath})`;
  }
  return e;
}

function rejectTokens(profile: WorkloadProfile): void {
  for (const [key, value] of Object.entries(profile)) {
    if ((typeof value === 'number' || typeof value === 'string') && Token.isUnresolved(value)) {
      throw new InferenceWorkloadValidationError(
        `'profile.${key}' must be a concrete value at synth time (the placement is decided at synth), got an unresolved token`);
    }
  }
}

function defaultName(id: string): string {
  const name = id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50).replace(/-+$/, '');
  if (name.length === 0) {
    throw new InferenceWorkloadValidationError(`'workloadName' could not be derived from construct id ${JSON.stringify(id)}; pass 'workloadName' as a DNS-1123 label`);
  }
  return name;
}

function releaseName(workload: InferenceWorkload): void {
  const names = NAMES.get(Stack.of(workload));
  for (const [name, path] of names ?? []) {
    if (path === workload.node.path) {
      names!.delete(name);
    }
  }
}

function reserveName(workload: InferenceWorkload, name: string): void {
  const stack = Stack.of(workload);
  let names = NAMES.get(stack);
  if (names === undefined) {
    names = new Map();
    NAMES.set(stack, names);
  }
  const other = names.get(name);
  if (other !== undefined) {
    throw new InferenceWorkloadValidationError(
      `'workloadName' must be unique in stack ${stack.stackName}, got ${JSON.stringify(name)} (already used by ${other})`);
  }
  names.set(name, workload.node.path);
}
