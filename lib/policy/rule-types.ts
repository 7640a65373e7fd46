/**
 * The engine's settings and the shape of a rule: what the policies fill in, and what every row of
 * the rule table (rules.ts) implements.
 */
import { ManagedInstancesBreakEven } from './analytics';
import { NodeChoice } from './cost';
import { OptionCost, PlacementTarget, RuleKind, RuleOutcome, RuleVerdict } from './decision';
import { PriceTable } from './pricing';
import { ResolvedProfile } from './profile';

/** How the default rule pipeline picks among feasible targets. */
export enum EngineMode {
  /** Constraints, then economics (serverless vs dedicated), then the article's bands. */
  RULES = 'rules',
  /** Constraints, then the cheapest feasible option weighted by cold-start exposure. */
  COST = 'cost',
}

/** Engine settings, filled by the policies. */
export interface EngineOptions {
  readonly policyName: string;
  readonly priceTable: PriceTable;
  readonly mode: EngineMode;
  /** Share a band may cost more than the economic choice and still move the decision (spiky band). */
  readonly bandCostTolerance: number;
  /** Cost-optimized: weight of cold-start exposure against cost, 0-1. */
  readonly latencyWeight: number;
  /** Cost-optimized: whether hybrid is a candidate. */
  readonly includeHybrid: boolean;
  /** Target value for provisioned concurrency utilization. */
  readonly utilizationTarget: number;
  /** A fixed target (`PlacementPolicy.fixed`, or a placement kept by the placement lock). */
  readonly forced?: PlacementTarget;
  /** Why the target is fixed, when not by the user's policy (e.g. the placement lock's hysteresis). */
  readonly forcedBy?: string;
  /** The rule table. @default RULES */
  readonly rules?: readonly PolicyRule[];
}

/** What a constraint sees. */
export interface ConstraintContext {
  readonly p: ResolvedProfile;
  /** Environments needed to hold the peak warm (peak rps x p99). */
  readonly warmPeakEnvironments: number;
  /** The cheapest node that fits one pod, if any. */
  readonly node?: NodeChoice;
}

/**
 * A rule's sentence, or a function that writes it from the numbers the rule saw: written when the
 * decision is built, once every rule has been evaluated.
 */
export type Reason = string | (() => string);

/** The text of a reason. */
export function reasonText(r: Reason): string {
  return typeof r === 'string' ? r : r();
}

/** What a constraint found. */
export interface ConstraintResult {
  readonly fired: boolean;
  readonly reason: Reason;
  /** Overrides the rule's `excludes` when it fired (e.g. a partial exclusion). */
  readonly excludes?: PlacementTarget[];
  /** Cost options (not whole targets) excluded when it fired. */
  readonly excludesOptions?: string[];
  /** Provisioned concurrency every Lambda price must keep warm (no spillover allowed). */
  readonly pinProvisionedConcurrency?: number;
  /** Execution environments every Lambda Managed Instances price must keep warm. */
  readonly floorExecutionEnvironments?: number;
}

/** What an economics rule, a band or the override sees: the costs, and the target chosen so far. */
export interface ChoiceContext {
  readonly p: ResolvedProfile;
  readonly o: EngineOptions;
  /** The target chosen by the rules evaluated so far. */
  readonly current?: PlacementTarget;
  /** The outcomes of the rules evaluated so far, in order. */
  readonly outcomes: readonly PendingOutcome[];
  /** Share of requests that may land on a cold Lambda environment (0-1) on a target. */
  coldExposure(target: PlacementTarget): number;
  /** Break-even sustained utilization between the deployed Lambda shape and Kubernetes, if any. */
  breakEven(): number | undefined;
  /** Break-evens of Lambda Managed Instances against Lambda and Kubernetes, when it is feasible. */
  managedBreakEven(): ManagedInstancesBreakEven | undefined;
  /** The cost of the option a target renders as, if priced (its line items are not read by the rules). */
  cost(target: PlacementTarget): OptionPrice | undefined;
  /** Whether the option a target renders as is priced and allowed by every constraint. */
  feasible(target: PlacementTarget): boolean;
  /** Monthly cost of the option a target renders as (call only for priced targets). */
  usd(target: PlacementTarget): number;
}

/** What an economics rule, a band or the override found. */
export interface ChoiceResult {
  readonly verdict: RuleVerdict;
  readonly reason: Reason;
  /** The target the rule favours, if any. */
  readonly favours?: PlacementTarget;
  /** The target chosen from here on. @default - the current choice stands */
  readonly choose?: PlacementTarget;
  /** The threshold as reported for this workload (text, or a function that writes it); `null` reports none. @default - the row's threshold */
  readonly threshold?: Reason | null;
}

interface RuleRow {
  /** Stable id, never renamed: users acknowledge and grep for it. */
  readonly id: string;
  /** The threshold, with unit. */
  readonly threshold: string;
  /** Where the number comes from. */
  readonly source: string;
  /** The condition in words (for docs). */
  readonly condition: string;
}

/** A hard constraint: removes targets (or options) that cannot run the workload. */
export interface ConstraintRule extends RuleRow {
  readonly kind: RuleKind.CONSTRAINT;
  /** Targets excluded when the rule fires. */
  readonly excludes: PlacementTarget[];
  /** Whether a firing also rules out the hybrid's Lambda overflow function (the model on CPU in Lambda). */
  readonly blocksLambdaOverflow: boolean;
  evaluate(ctx: ConstraintContext): ConstraintResult;
}

/** An economics rule, a band or the override: chooses among the feasible targets. */
export interface ChoiceRule extends RuleRow {
  readonly kind: RuleKind.ECONOMICS | RuleKind.BAND | RuleKind.OVERRIDE | RuleKind.VERDICT;
  /** Engine modes the rule is evaluated in. */
  readonly modes: readonly EngineMode[];
  /** Reason recorded (as skipped) in the other modes. @default - not recorded in the other modes */
  readonly skippedReason?: string;
  /** Returns undefined when the rule does not apply to this decision (it is then not recorded). */
  evaluate(ctx: ChoiceContext): ChoiceResult | undefined;
}

/** An option's monthly cost and feasibility, as the choice rules see it (no line items). */
export type OptionPrice = Omit<OptionCost, 'lineItems'>;

/** A rule's outcome while the decision is made: its reason and threshold are written when the decision is built. */
export interface PendingOutcome extends Omit<RuleOutcome, 'reason' | 'threshold'> {
  readonly reason: Reason;
  readonly threshold?: Reason;
}

/** The outcome as the decision reports it, with its text written (keys in the reported order). */
export function writeOutcome(o: PendingOutcome): RuleOutcome {
  // spreading keeps each key where it was; reason and threshold are overwritten in place
  const out = { ...o, reason: reasonText(o.reason) } as { -readonly [K in keyof RuleOutcome]: RuleOutcome[K] };
  if (o.threshold !== undefined) {
    out.threshold = reasonText(o.threshold);
  }
  return out;
}

/** One row of the rule table. */
export type PolicyRule = ConstraintRule | ChoiceRule;
