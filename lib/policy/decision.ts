import {
  BreakEven, CostCurvePoint, HybridSizing, KubernetesSizing, LambdaSizing, ManagedInstancesSizing, OptionCost,
  PlacementTarget, PriceTableReference, RuleOutcome, RuleVerdict, Verdict,
} from './decision-parts';
import { explanation, summaryLine } from './explain';
import { WorkloadProfile } from './profile';
import { DEFAULT_TERMINATION_GRACE_SECONDS, defaultSharedMemoryMiB } from './sizing-defaults';
import { hybridTimeBudget } from './time-budget';
import { verdictOf } from './verdict';
import { InferenceWorkloadValidationError } from '../errors';
import { describeValue } from '../private/validate';

export * from './decision-parts';
export { formatPercent, formatUsd } from './explain';

/** Everything a placement decision carries. */
export interface PlacementDecisionProps {
  /** The chosen target. */
  readonly target: PlacementTarget;
  /** The policy that decided. */
  readonly policyName: string;
  /**
   * The seed article's verdict for the chosen target (stay, jump, wait, avoid).
   * @default - the verdict named by the first `verdict.*` rule that fired; else `Verdict.STAY` for
   * Lambda and Lambda Managed Instances, `Verdict.JUMP` for Kubernetes and hybrid
   */
  readonly verdict?: Verdict;
  /**
   * The cost option the target is rendered as (`lambda-provisioned`, `kubernetes` or `hybrid`).
   * @default - the cheapest feasible option of the target
   */
  readonly chosenOption?: string;
  /** Every rule evaluated, in evaluation order. */
  readonly rules: RuleOutcome[];
  /** The monthly cost of every option, feasible or not. */
  readonly costs: OptionCost[];
  /**
   * Sustained utilization (0–1) at which the cheapest serverless option and the cheapest
   * dedicated option cost the same. @default - no break-even (one side is infeasible, or one always wins)
   */
  readonly breakEvenUtilization?: number;
  /**
   * The chosen option's break-even against each feasible alternative (one per other target), as
   * the report, the summary line and the CLI print it.
   * @default - not computed (a custom policy)
   */
  readonly breakEvens?: BreakEven[];
  /** The workload's sustained utilization, 0–1. */
  readonly sustainedUtilization: number;
  /** The price table used. */
  readonly priceTable: PriceTableReference;
  /** Lambda sizing, when the target is Lambda or hybrid. @default - not placed on Lambda */
  readonly lambda?: LambdaSizing;
  /** Kubernetes sizing, when the target is Kubernetes or hybrid. @default - not placed on Kubernetes */
  readonly kubernetes?: KubernetesSizing;
  /** Hybrid sizing, when the target is hybrid. @default - not hybrid */
  readonly hybrid?: HybridSizing;
  /** Lambda Managed Instances sizing, when the target is Lambda Managed Instances. @default - not placed there */
  readonly managedInstances?: ManagedInstancesSizing;
  /**
   * Monthly cost of each option across sustained utilization 0–100% (same peak, varying average),
   * for charts. @default - not computed
   */
  readonly costCurve?: CostCurvePoint[];
  /**
   * The profile the policy decided on, every default applied (resolved).
   * @default - not recorded (a custom policy)
   */
  readonly profile?: WorkloadProfile;
  /**
   * The fields of `profile` the user did not give, whose value is the policy's default.
   * @default - none recorded
   */
  readonly assumedProfileFields?: string[];
  /**
   * Concurrent requests at the peak: peak requests per second x the p50 duration (Little's law).
   * @default - not recorded (a custom policy)
   */
  readonly peakConcurrency?: number;
}

/**
 * A placement decision: a complete, plain, deterministic value, built once by the policy. Renderers,
 * the report and the CLI read the sizing, costs and break-evens from it and never decide again.
 */
export class PlacementDecision {
  /** The chosen target. */
  public readonly target: PlacementTarget;
  /** The policy that decided. */
  public readonly policyName: string;
  /** The seed article's verdict for the chosen target: stay, jump, wait or avoid. */
  public readonly verdict: Verdict;
  /** The cost option the target is rendered as, if the policy priced it. */
  public readonly chosenOption?: string;
  /** Every rule evaluated, in order. */
  public readonly rules: RuleOutcome[];
  /** Monthly cost of every option, each with the line items it is the sum of. */
  public readonly costs: OptionCost[];
  /** Break-even sustained utilization (0–1) of Lambda against Kubernetes, if there is one. */
  public readonly breakEvenUtilization?: number;
  /** The chosen option's break-even against each feasible alternative, if the policy computed them. */
  public readonly breakEvens?: BreakEven[];
  /** The workload's sustained utilization (0–1). */
  public readonly sustainedUtilization: number;
  /** The price table used. */
  public readonly priceTable: PriceTableReference;
  /** Lambda sizing (Lambda and hybrid targets). */
  public readonly lambda?: LambdaSizing;
  /** Kubernetes sizing (Kubernetes and hybrid targets), every optional fact filled in. */
  public readonly kubernetes?: KubernetesSizing;
  /** Hybrid sizing (hybrid target), its time budget filled in. */
  public readonly hybrid?: HybridSizing;
  /** Lambda Managed Instances sizing (that target). */
  public readonly managedInstances?: ManagedInstancesSizing;
  /** Monthly cost of each option across sustained utilization 0–100% (same peak), for charts. */
  public readonly costCurve?: CostCurvePoint[];
  /** The profile the policy decided on, every default applied (undefined for a custom policy that does not record it). */
  public readonly profile?: WorkloadProfile;
  /** The fields of `profile` the user did not give (their value is the policy's default). */
  public readonly assumedProfileFields: string[];
  /** Concurrent requests at the peak (peak requests per second x p50), if the policy recorded it. */
  public readonly peakConcurrency?: number;

  constructor(props: PlacementDecisionProps) {
    for (const key of ['rules', 'costs'] as const) {
      if (!Array.isArray(props?.[key])) {
        throw new InferenceWorkloadValidationError(`'${key}' must be an array of the decision's ${key === 'rules' ? 'rule outcomes' : 'option costs'}, got `
          + `${describeValue(props?.[key])}; to copy a decision, pass its parts: { ...decision.toJson(), ... } or rules: decision.rules, costs: decision.costs`);
      }
    }
    this.target = props.target;
    this.policyName = props.policyName;
    this.verdict = props.verdict ?? verdictOf(props.rules, props.target);
    this.chosenOption = props.chosenOption;
    this.rules = props.rules;
    this.costs = props.costs;
    this.breakEvenUtilization = props.breakEvenUtilization;
    this.breakEvens = props.breakEvens;
    this.sustainedUtilization = props.sustainedUtilization;
    this.priceTable = props.priceTable;
    this.lambda = props.lambda;
    this.kubernetes = completeKubernetesSizing(props.kubernetes);
    this.hybrid = completeHybridSizing(props.hybrid, this.lambda);
    this.managedInstances = props.managedInstances;
    this.costCurve = props.costCurve;
    this.profile = props.profile;
    this.assumedProfileFields = props.assumedProfileFields ?? [];
    this.peakConcurrency = props.peakConcurrency;
  }

  /** Rules that fired, in order. */
  public get firedRules(): RuleOutcome[] {
    return this.rules.filter(r => r.verdict === RuleVerdict.FIRED);
  }

  /** The cost of the option the decision chose, if priced. */
  public get chosenCost(): OptionCost | undefined {
    if (this.chosenOption !== undefined) {
      return this.costs.find(c => c.option === this.chosenOption);
    }
    const feasible = this.costs.filter(c => c.target === this.target && c.feasible);
    return feasible.sort((a, b) => a.monthlyUsd - b.monthlyUsd)[0];
  }

  /**
   * One line: target, the rules that fired, the monthly cost of each option and the break-even.
   */
  public summary(): string {
    return summaryLine(this);
  }

  /**
   * A short human-readable table: the rules with verdicts and reasons, then the costs compared.
   */
  public explain(): string {
    return explanation(this);
  }

  /**
   * What `JSON.stringify(decision)` writes: `toJson()`.
   * @jsii ignore
   */
  public toJSON(): any {
    return this.toJson();
  }

  /** A JSON-ready copy of the decision (no methods, stable key order). */
  public toJson(): any {
    return JSON.parse(JSON.stringify({
      target: this.target,
      policyName: this.policyName,
      verdict: this.verdict,
      chosenOption: this.chosenOption,
      sustainedUtilization: this.sustainedUtilization,
      breakEvenUtilization: this.breakEvenUtilization,
      breakEvens: this.breakEvens,
      priceTable: this.priceTable,
      rules: this.rules,
      costs: this.costs,
      lambda: this.lambda,
      kubernetes: this.kubernetes,
      hybrid: this.hybrid,
      managedInstances: this.managedInstances,
      costCurve: this.costCurve,
      profile: this.profile,
      assumedProfileFields: this.assumedProfileFields,
      peakConcurrency: this.peakConcurrency,
    }));
  }
}

/**
 * The Kubernetes sizing with every fact the renderer reads filled in: a custom policy may leave out
 * the model size, the node-local state, the shared memory and the grace period (the built-in policy
 * sets them all).
 */
function completeKubernetesSizing(k: KubernetesSizing | undefined): KubernetesSizing | undefined {
  if (k === undefined || (k.modelSizeGiB !== undefined && k.nodeLocalStateGiB !== undefined
    && k.sharedMemoryMiB !== undefined && k.terminationGracePeriodSeconds !== undefined)) {
    return k;
  }
  return {
    ...k,
    modelSizeGiB: k.modelSizeGiB ?? k.memoryMiB / 2048,
    nodeLocalStateGiB: k.nodeLocalStateGiB ?? 0,
    sharedMemoryMiB: k.sharedMemoryMiB ?? defaultSharedMemoryMiB(k.memoryMiB),
    terminationGracePeriodSeconds: k.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_SECONDS,
  };
}

/**
 * The hybrid sizing with its time budget: a custom policy may leave it out; it is then derived from
 * the control plane's timeout (the data-plane deadline) and the overflow function's timeout.
 */
function completeHybridSizing(h: HybridSizing | undefined, lambda: LambdaSizing | undefined): HybridSizing | undefined {
  if (h === undefined || h.timeBudget !== undefined || lambda === undefined || !Number.isFinite(lambda.timeoutSeconds)) {
    return h;
  }
  return {
    ...h,
    timeBudget: hybridTimeBudget({
      dataPlaneDeadlineMs: lambda.timeoutSeconds * 1000,
      overflowFunctionTimeoutMs: h.overflowToLambda && h.overflowTimeoutSeconds !== undefined ? h.overflowTimeoutSeconds * 1000 : undefined,
    }),
  };
}
