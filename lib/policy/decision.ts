import { CpuArchitecture, WarmSchedule } from './profile';
import { HybridTimeBudget } from './time-budget';
import { InferenceWorkloadValidationError } from '../errors';
import { groupThousands } from '../private/numbers';
import { describeValue } from '../private/validate';

/**
 * Where a workload runs.
 */
export enum PlacementTarget {
  /** AWS Lambda with provisioned concurrency on an alias. */
  LAMBDA = 'lambda',
  /** A Kubernetes (GPU) Deployment. */
  KUBERNETES = 'kubernetes',
  /** A serverless control plane in front of a Kubernetes GPU data plane. */
  HYBRID = 'hybrid',
  /**
   * AWS Lambda Managed Instances: the function runs on EC2 instances of a capacity provider in the
   * account, several requests per execution environment, billed per instance-hour plus a
   * management fee and per request (the article's predicted "Reserved Lambda").
   */
  LAMBDA_MANAGED_INSTANCES = 'lambda-managed-instances',
}

/** What a rule did for one workload. */
export enum RuleVerdict {
  /** The rule's condition held and it constrained or chose the target. */
  FIRED = 'fired',
  /** The rule was evaluated and its condition did not hold. */
  PASSED = 'passed',
  /** The rule was not evaluated because an earlier rule already decided. */
  SKIPPED = 'skipped',
}

/** The family a rule belongs to; families are evaluated in this order. */
export enum RuleKind {
  /** A hard limit of a platform: it removes targets that cannot run the workload. */
  CONSTRAINT = 'constraint',
  /** A comparison of monthly costs. */
  ECONOMICS = 'economics',
  /** One of the article's utilization bands. */
  BAND = 'band',
  /** A user override (`PlacementPolicy.fixed`). */
  OVERRIDE = 'override',
}

/** One rule's outcome, with a sentence that carries the numbers. */
export interface RuleOutcome {
  /** Stable rule id, e.g. `constraint.gpu`. Never renamed: users acknowledge and grep for it. */
  readonly ruleId: string;
  /** The rule family. */
  readonly kind: RuleKind;
  /** What the rule did. */
  readonly verdict: RuleVerdict;
  /** One sentence with the numbers, e.g. "needs 1 GPU; Lambda has none". */
  readonly reason: string;
  /** Targets this rule made infeasible (constraints only). @default - none */
  readonly excludes?: PlacementTarget[];
  /** The target this rule chose or favoured, if any. @default - none */
  readonly favours?: PlacementTarget;
  /**
   * Cost options (not whole targets) this rule made infeasible, e.g. `lambda-on-demand` when
   * cold starts are not tolerated. @default - none
   */
  readonly excludesOptions?: string[];
  /** The threshold the rule compares against, with its unit, e.g. `10,240 MiB`. @default - none */
  readonly threshold?: string;
}

/** One line of a monthly cost. */
export interface CostLineItem {
  /** What is charged, e.g. "provisioned concurrency standby". */
  readonly label: string;
  /** Monthly cost of this line, USD. */
  readonly monthlyUsd: number;
  /** How the figure was computed, e.g. "2 x g5.xlarge x 730 h x $1.006/h". */
  readonly basis: string;
}

/** The monthly cost of one way of running the workload. */
export interface OptionCost {
  /** Stable option id: `lambda-on-demand`, `lambda-provisioned`, `kubernetes`, `hybrid`, `lambda-managed-instances`. */
  readonly option: string;
  /** The target this option renders to. */
  readonly target: PlacementTarget;
  /** Total monthly cost, USD. */
  readonly monthlyUsd: number;
  /** The lines that add up to `monthlyUsd`. */
  readonly lineItems: CostLineItem[];
  /** Whether every hard constraint allows this option. */
  readonly feasible: boolean;
  /** Ids of the constraint rules that exclude this option. @default - none */
  readonly excludedBy?: string[];
}

/** The price table a decision was priced with. */
export interface PriceTableReference {
  /** Name of the table, e.g. `aws-us-east-1-on-demand`. */
  readonly name: string;
  /** Region the prices are for. */
  readonly region: string;
  /** Date the prices were read, ISO 8601 (`2026-11-01`). */
  readonly effectiveDate: string;
  /** Where the prices come from. */
  readonly source: string;
  /** Currency of every figure. */
  readonly currency: string;
}

/** What the Lambda renderer needs. */
export interface LambdaSizing {
  /** Function memory, MiB (128–10,240). */
  readonly memoryMiB: number;
  /** Function timeout, seconds (at most 900). */
  readonly timeoutSeconds: number;
  /** Ephemeral storage (`/tmp`), MiB (512–10,240). */
  readonly ephemeralStorageMiB: number;
  /** Architecture to deploy (`x86_64` or `arm64`). */
  readonly architecture: CpuArchitecture;
  /**
   * Provisioned concurrency floor on the `live` alias. 0 with `allowScaleToZero`: the warm windows
   * then hold the only provisioned concurrency, and the alias declares none of its own.
   */
  readonly provisionedConcurrencyMin: number;
  /** Provisioned concurrency ceiling on the `live` alias. */
  readonly provisionedConcurrencyMax: number;
  /** Target tracking value for `LambdaProvisionedConcurrencyUtilization`, 0.1–0.9. */
  readonly utilizationTarget: number;
  /** Concurrent executions at peak (for alarms and reserved concurrency). */
  readonly peakConcurrency: number;
  /**
   * Scheduled warm windows, validated by the policy (never below 1 unless the profile allows scale
   * to zero). The renderer never schedules a window below `provisionedConcurrencyMin`.
   * @default - none
   */
  readonly warmSchedules?: WarmSchedule[];
  /**
   * End-to-end p99 latency budget, ms (the profile's `latencyBudgetP99Ms`): the threshold of the
   * p99 duration alarm.
   * @default - no latency budget
   */
  readonly latencyBudgetMs?: number;
}

/** What the Kubernetes renderer needs. */
export interface KubernetesSizing {
  /** Replicas that are always warm (never below 1). */
  readonly replicasMin: number;
  /** Replicas at peak. */
  readonly replicasMax: number;
  /** GPUs per pod (`nvidia.com/gpu` limit); 0 for CPU pods. */
  readonly gpuCount: number;
  /** Minimum memory per GPU, GiB (0 for CPU pods). */
  readonly gpuMemoryGiB: number;
  /** GPU product of the chosen instance type, e.g. `NVIDIA-A10G` (GPU Feature Discovery spelling). @default - none (CPU pods) */
  readonly gpuProduct?: string;
  /** Short GPU name of the chosen instance type, e.g. `a10g` (Karpenter spelling). @default - none (CPU pods) */
  readonly gpuName?: string;
  /** The cheapest instance type that fits one pod. */
  readonly instanceType: string;
  /** CPU request per pod, millicores. */
  readonly cpuMillis: number;
  /** Memory request and limit per pod, MiB. */
  readonly memoryMiB: number;
  /** Concurrent requests per pod the sizing assumed. */
  readonly concurrencyPerReplica: number;
  /**
   * Size of the model weights, GiB, as resolved by the policy (the profile's `modelSizeGiB`, or its
   * default of memoryMiB / 2048): sizes the model cache and the startup probe.
   * @default - memoryMiB / 2048
   */
  readonly modelSizeGiB?: number;
  /**
   * Node-local state (cache, feature shard, KV store) kept in the pod next to the model server,
   * GiB. The pod was priced with `memoryMiB` plus this state on the same node.
   * @default 0
   */
  readonly nodeLocalStateGiB?: number;
  /**
   * Of `cpuMillis`, the CPU priced for the in-pod store that keeps the node-local state, millicores.
   * @default - none priced (the store's CPU comes out of the model server's share)
   */
  readonly nodeLocalStateCpuMillis?: number;
  /**
   * Whether the pod gets whole, exclusive cores: the CPU request is an integer number of cores and
   * equals the limit (a Guaranteed pod), which the kubelet's static CPU manager pins to dedicated
   * cores. Set for jitter budgets under the `constraint.jitter` threshold; priced as whole cores.
   * @default false
   */
  readonly exclusiveCpu?: boolean;
  /**
   * Seconds a new replica takes to serve: node provisioning (GPU pods), image pull and weight load.
   * An estimate; when it exceeds the cold-start tolerance the floor (`replicasMin`) holds the peak.
   * @default - not estimated
   */
  readonly estimatedScaleOutSeconds?: number;
  /**
   * Seconds a pod has to finish in-flight requests when it is stopped (`terminationGracePeriodSeconds`):
   * the preStop delay, the p99 request duration and a drain margin.
   * @default 30
   */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Instance types of the price table one pod fits on (GPU count, GPU memory, host memory and the
   * pod's CPU request), the chosen `instanceType` first, then cheapest first: what a node autoscaler
   * may launch for the pod.
   * @default - the chosen `instanceType` only
   */
  readonly nodeCandidates?: KubernetesNodeCandidate[];
}

/** An instance type a pod fits on, with the GPU facts a node autoscaler knows before launch. */
export interface KubernetesNodeCandidate {
  /** EC2 instance type (`node.kubernetes.io/instance-type`), e.g. `g5.xlarge`. */
  readonly instanceType: string;
  /** On-demand price, USD per hour. */
  readonly hourlyUsd: number;
  /** GPUs on the instance. @default 0 */
  readonly gpuCount?: number;
  /** GPU name as Karpenter and EKS Auto Mode label it (lowercase), e.g. `a10g`. @default - none (CPU node) */
  readonly gpuName?: string;
  /** GPU product as GPU Feature Discovery labels it, e.g. `NVIDIA-A10G`. @default - none (CPU node) */
  readonly gpuProduct?: string;
  /** Memory of each GPU, GiB, as the price table lists it. @default 0 */
  readonly gpuMemoryGiB?: number;
}

/** What the Lambda Managed Instances renderer needs: the capacity provider and the function on it. */
export interface ManagedInstancesSizing {
  /** The EC2 instance type the capacity provider may launch (the one priced), e.g. `m7g.large`. */
  readonly instanceType: string;
  /** vCPUs of that instance type. */
  readonly instanceVcpu: number;
  /** Architecture of the capacity provider and the function (`x86_64` or `arm64`). */
  readonly architecture: CpuArchitecture;
  /** Function memory: the memory of one execution environment, MiB (at least 2,048). */
  readonly memoryMiB: number;
  /** vCPUs of one execution environment (memory / `memoryGiBPerVcpu`). */
  readonly vcpuPerEnvironment: number;
  /** Memory per vCPU of an execution environment, GiB: 2, 4 or 8. */
  readonly memoryGiBPerVcpu: number;
  /** Requests one execution environment serves at once (`PerExecutionEnvironmentMaxConcurrency`). */
  readonly perEnvironmentMaxConcurrency: number;
  /** Execution environments always running (the warm floor, at least 3 for AZ resilience). */
  readonly minExecutionEnvironments: number;
  /** Execution environments at the peak, with the CPU target's headroom. */
  readonly maxExecutionEnvironments: number;
  /** Ceiling of the capacity provider's vCPUs (`MaxVCpuCount`, 12-15,000). */
  readonly maxVCpuCount: number;
  /** Target CPU utilization of the capacity provider's scaling policy, 0.1-0.9. */
  readonly cpuUtilizationTarget: number;
  /** Function timeout, seconds (at most 900). */
  readonly timeoutSeconds: number;
  /** Concurrent requests at the peak (peak rps x p50). */
  readonly peakConcurrency: number;
  /**
   * End-to-end p99 latency budget, ms: the threshold of the p99 duration alarm.
   * @default - no latency budget
   */
  readonly latencyBudgetMs?: number;
}

/**
 * Where Lambda Managed Instances break even with the other targets, as sustained utilization
 * (0-1) at the workload's peak.
 */
export interface ManagedInstancesBreakEven {
  /**
   * Above this utilization Managed Instances cost less than Lambda with provisioned concurrency.
   * @default - no break-even (one of the two is cheaper at every utilization, or Lambda is infeasible)
   */
  readonly versusLambda?: number;
  /**
   * Below this utilization Managed Instances cost less than Kubernetes.
   * @default - no break-even (one of the two is cheaper at every utilization, or Kubernetes is infeasible)
   */
  readonly versusKubernetes?: number;
}

/** What the hybrid renderer needs, in addition to the Kubernetes and Lambda sizing. */
export interface HybridSizing {
  /** Warm data-plane replicas that carry the sustained load (never 0). */
  readonly dataPlaneFloorReplicas: number;
  /** Requests per second above which traffic is tail (served by scale-up or overflow). */
  readonly overflowThresholdRequestsPerSecond: number;
  /** Whether a Lambda overflow function serves the tail (only for CPU-capable models). */
  readonly overflowToLambda: boolean;
  /** Provisioned concurrency of the control-plane entry function. */
  readonly controlPlaneProvisionedConcurrency: number;
  /** Memory of the Lambda overflow function (the model on CPU), MiB. @default - no overflow function */
  readonly overflowMemoryMiB?: number;
  /** Timeout of the Lambda overflow function, seconds. @default - no overflow function */
  readonly overflowTimeoutSeconds?: number;
  /**
   * The router's time budget: connect and response timeouts, the data-plane deadline, what the
   * overflow may take, and the control plane's timeout (`lambda.timeoutSeconds` of a hybrid), so
   * that a request that overflows still finishes.
   * @default - derived by the hybrid renderer from `lambda.timeoutSeconds` and the overflow timeout
   */
  readonly timeBudget?: HybridTimeBudget;
}

/** The monthly cost of one option at one sustained utilization (for the report's chart). */
export interface CostCurvePoint {
  /** Option id, as in `OptionCost.option`. */
  readonly option: string;
  /** Sustained utilization, 0–1. */
  readonly utilization: number;
  /** Monthly cost at that utilization, USD. */
  readonly monthlyUsd: number;
}

/** Everything a placement decision carries. */
export interface PlacementDecisionProps {
  /** The chosen target. */
  readonly target: PlacementTarget;
  /** The policy that decided. */
  readonly policyName: string;
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
   * Break-even utilizations of Lambda Managed Instances against Lambda and Kubernetes.
   * @default - not computed (Managed Instances are infeasible or not priced)
   */
  readonly managedInstancesBreakEven?: ManagedInstancesBreakEven;
  /**
   * Monthly cost of each option across sustained utilization 0–100% (same peak, varying average),
   * for charts. @default - not computed
   */
  readonly costCurve?: CostCurvePoint[];
}

/**
 * The parts of a decision that may be computed on first read.
 * @internal
 */
export interface DecisionParts {
  rules: RuleOutcome[];
  costs: OptionCost[];
  breakEvenUtilization?: number;
  managedInstancesBreakEven?: ManagedInstancesBreakEven;
  costCurve?: CostCurvePoint[];
}

/**
 * How each of those parts is computed, when it is.
 * @internal
 */
export type LazyDecisionParts = { [K in keyof DecisionParts]?: () => DecisionParts[K] };

/** The parts of a decision and those still to be computed. */
interface DecisionState {
  readonly parts: DecisionParts;
  pending?: LazyDecisionParts;
}

/** A part of a decision, computed now if it was left for its first read. */
function part<K extends keyof DecisionParts>(state: DecisionState, key: K): DecisionParts[K] {
  const compute = state.pending?.[key];
  if (compute !== undefined) {
    state.parts[key] = compute() as DecisionParts[K];
    state.pending![key] = undefined;
  }
  return state.parts[key];
}

/**
 * A placement decision: a plain, deterministic value. Renderers read the sizing from it
 * and never decide again.
 */
export class PlacementDecision {
  /** The chosen target. */
  public readonly target: PlacementTarget;
  /** The policy that decided. */
  public readonly policyName: string;
  /** The cost option the target is rendered as, if the policy priced it. */
  public readonly chosenOption?: string;
  /** The workload's sustained utilization (0–1). */
  public readonly sustainedUtilization: number;
  /** The price table used. */
  public readonly priceTable: PriceTableReference;
  /** Lambda sizing (Lambda and hybrid targets). */
  public readonly lambda?: LambdaSizing;
  /** Kubernetes sizing (Kubernetes and hybrid targets). */
  public readonly kubernetes?: KubernetesSizing;
  /** Hybrid sizing (hybrid target). */
  public readonly hybrid?: HybridSizing;
  /** Lambda Managed Instances sizing (that target). */
  public readonly managedInstances?: ManagedInstancesSizing;
  private readonly _state: DecisionState;

  constructor(props: PlacementDecisionProps) {
    // a spread copy of a decision (`{ ...decision }`) carries no rules or costs: they are computed
    // on first read, not own properties of the object
    for (const key of ['rules', 'costs'] as const) {
      if (!Array.isArray(props?.[key])) {
        throw new InferenceWorkloadValidationError(`'${key}' must be an array of the decision's ${key === 'rules' ? 'rule outcomes' : 'option costs'}, got `
          + `${describeValue(props?.[key])}; to copy a decision, pass its parts: { ...decision.toJson(), ... } or rules: decision.rules, costs: decision.costs`);
      }
    }
    this.target = props.target;
    this.policyName = props.policyName;
    this.chosenOption = props.chosenOption;
    this.sustainedUtilization = props.sustainedUtilization;
    this.priceTable = props.priceTable;
    this.lambda = props.lambda;
    this.kubernetes = props.kubernetes;
    this.hybrid = props.hybrid;
    this.managedInstances = props.managedInstances;
    this._state = {
      parts: {
        rules: props.rules,
        costs: props.costs,
        breakEvenUtilization: props.breakEvenUtilization,
        managedInstancesBreakEven: props.managedInstancesBreakEven,
        costCurve: props.costCurve,
      },
    };
  }

  /**
   * Attaches the parts of the decision that explain it, each computed on first read (a decision is
   * made far more often than it is explained). Deterministic: the same functions of the same inputs.
   * @internal
   */
  public _lazy(parts: LazyDecisionParts): PlacementDecision {
    this._state.pending = { ...parts };
    return this;
  }

  /** Every rule evaluated, in order. */
  public get rules(): RuleOutcome[] {
    return part(this._state, 'rules');
  }

  /** Monthly cost of every option. */
  public get costs(): OptionCost[] {
    return part(this._state, 'costs');
  }

  /** Break-even sustained utilization (0–1), if there is one. */
  public get breakEvenUtilization(): number | undefined {
    return part(this._state, 'breakEvenUtilization');
  }

  /** Break-even utilizations of Lambda Managed Instances against Lambda and Kubernetes, when they are feasible. */
  public get managedInstancesBreakEven(): ManagedInstancesBreakEven | undefined {
    return part(this._state, 'managedInstancesBreakEven');
  }

  /** Monthly cost of each option across sustained utilization 0–100% (same peak), for charts. */
  public get costCurve(): CostCurvePoint[] | undefined {
    return part(this._state, 'costCurve');
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
    const fired = this.firedRules.map(r => r.ruleId).join(', ') || 'none';
    const costs = this.costs
      .map(c => `${c.option} ${formatUsd(c.monthlyUsd)}/mo${c.feasible ? '' : ' (infeasible)'}`)
      .join(', ');
    const be = this.breakEvenUtilization === undefined ? 'n/a' : formatPercent(this.breakEvenUtilization);
    return `placed on ${this.target} by ${this.policyName} [rules: ${fired}] [costs: ${costs || 'not priced'}] `
      + `[utilization ${formatPercent(this.sustainedUtilization)}, break-even ${be}]`;
  }

  /**
   * A short human-readable table: the rules with verdicts and reasons, then the costs compared.
   */
  public explain(): string {
    const lines: string[] = [];
    const chosen = this.chosenCost;
    lines.push(`Target: ${this.target} (policy: ${this.policyName})${chosen ? `, rendered as ${chosen.option} at ${formatUsd(chosen.monthlyUsd)}/mo` : ''}`);
    lines.push(`Sustained utilization: ${formatPercent(this.sustainedUtilization)}; break-even: ${this.breakEvenUtilization === undefined ? 'n/a' : formatPercent(this.breakEvenUtilization)}`);
    if (this.managedInstancesBreakEven !== undefined) {
      const b = this.managedInstancesBreakEven;
      const f = (x?: number) => (x === undefined ? 'n/a' : formatPercent(x));
      lines.push(`Lambda Managed Instances break even: with Lambda at ${f(b.versusLambda)}, with Kubernetes at ${f(b.versusKubernetes)}`);
    }
    lines.push(`Prices: ${this.priceTable.name} (${this.priceTable.region}, ${this.priceTable.effectiveDate}, ${this.priceTable.currency})`);
    for (const s of this.sizingLines()) {
      lines.push(s);
    }
    lines.push('');
    lines.push(table(['rule', 'kind', 'verdict', 'reason'], this.rules.map(r => [r.ruleId, r.kind, r.verdict, r.reason])));
    if (this.costs.length > 0) {
      lines.push('');
      lines.push(table(['option', 'target', 'monthly', 'feasible'], this.costs.map(c => [
        c.option, c.target, formatUsd(c.monthlyUsd), c.feasible ? 'yes' : `no (${(c.excludedBy ?? []).join(', ')})`,
      ])));
    }
    if (chosen && chosen.lineItems.length > 0) {
      lines.push('');
      lines.push(`${chosen.option}, line by line:`);
      lines.push(table(['item', 'monthly', 'basis'], chosen.lineItems.map(i => [i.label, formatUsd(i.monthlyUsd), i.basis])));
    }
    return lines.join('\n');
  }

  private sizingLines(): string[] {
    const out: string[] = [];
    if (this.lambda) {
      const l = this.lambda;
      out.push(`Lambda${this.hybrid ? ' (control plane)' : ''}: ${l.memoryMiB} MiB ${l.architecture}, timeout ${l.timeoutSeconds} s, `
        + `provisioned concurrency ${l.provisionedConcurrencyMin}-${l.provisionedConcurrencyMax} at ${l.utilizationTarget} utilization`);
    }
    if (this.kubernetes) {
      const k = this.kubernetes;
      out.push(`Kubernetes${this.hybrid ? ' (data plane)' : ''}: ${k.replicasMin}-${k.replicasMax} replica(s) on ${k.instanceType}`
        + `${k.gpuProduct ? ` (${k.gpuCount} x ${k.gpuProduct})` : ''}, ${k.cpuMillis}m CPU, ${k.memoryMiB} MiB`);
    }
    if (this.managedInstances) {
      const m = this.managedInstances;
      out.push(`Lambda Managed Instances: ${m.minExecutionEnvironments}-${m.maxExecutionEnvironments} environment(s) of ${m.memoryMiB} MiB / `
        + `${m.vcpuPerEnvironment} vCPU x ${m.perEnvironmentMaxConcurrency} request(s) on ${m.instanceType} (${m.architecture}), `
        + `CPU target ${Math.round(m.cpuUtilizationTarget * 100)}%`);
    }
    if (this.hybrid) {
      const h = this.hybrid;
      out.push(`Hybrid: warm floor ${h.dataPlaneFloorReplicas} replica(s), tail above ${h.overflowThresholdRequestsPerSecond} req/s `
        + `${h.overflowToLambda ? 'overflows to Lambda' : 'scales the data plane'}`);
    }
    return out;
  }

  /**
   * What `JSON.stringify(decision)` writes: `toJson()`, the parts computed on first read included.
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
      chosenOption: this.chosenOption,
      sustainedUtilization: this.sustainedUtilization,
      breakEvenUtilization: this.breakEvenUtilization,
      priceTable: this.priceTable,
      rules: this.rules,
      costs: this.costs,
      lambda: this.lambda,
      kubernetes: this.kubernetes,
      hybrid: this.hybrid,
      managedInstances: this.managedInstances,
      managedInstancesBreakEven: this.managedInstancesBreakEven,
      costCurve: this.costCurve,
    }));
  }
}

/** Formats USD with two decimals and thousands separators, deterministic across locales. */
export function formatUsd(x: number): string {
  const [whole, cents] = x.toFixed(2).split('.');
  return `$${groupThousands(whole)}.${cents}`;
}

/** Formats a 0–1 ratio as a percentage with one decimal. */
export function formatPercent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [fmt(header), widths.map(w => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}
