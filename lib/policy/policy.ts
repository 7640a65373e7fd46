import { PlacementDecision, PlacementTarget } from './decision';
import { decide } from './engine';
import { EngineMode, EngineOptions } from './rule-types';
import { InferenceWorkloadValidationError } from '../errors';
import { PriceTable, validatePriceTable } from './pricing';
import { assumedProfileFields, resolveProfile, WorkloadProfile } from './profile';
import { checkBoolean, checkNumber, checkOneOf, describeValue } from '../private/validate';

/**
 * Decides where a workload runs. Implement it to plug in an organisation's own policy;
 * an implementation must be deterministic and free of I/O.
 */
export interface IPlacementPolicy {
  /** A short name printed with every decision. */
  readonly name: string;
  /** Decides the placement of one workload. */
  decide(profile: WorkloadProfile): PlacementDecision;
}

/** Options every built-in policy accepts. */
export interface PlacementPolicyOptions {
  /**
   * The prices to compare options with.
   * @default PriceTable.awsUsEast1()
   */
  readonly priceTable?: PriceTable;

  /**
   * How much dearer (a share, 0-1) Lambda may be than the economic choice and still be chosen for
   * spiky traffic (under 10% sustained utilization). 0 makes the spiky band purely confirmatory.
   * @default 0.2
   */
  readonly bandCostTolerance?: number;

  /**
   * Target value of provisioned concurrency utilization for Lambda placements (0.1-0.9); also the
   * headroom of the Kubernetes HPA floor.
   * @default 0.7
   */
  readonly utilizationTarget?: number;
}

/** Options of `PlacementPolicy.costOptimized()`. */
export interface CostOptimizedPolicyOptions extends PlacementPolicyOptions {
  /**
   * Weight of latency against cost, 0-1. Each option's monthly cost is multiplied by
   * `1 + latencyWeight x coldStartExposure`, where the exposure is the share of requests that may
   * land on a cold Lambda environment (spillover past provisioned concurrency, hybrid overflow).
   * 0 minimises cost alone.
   * @default 0
   */
  readonly latencyWeight?: number;

  /**
   * Whether hybrid is a candidate.
   * @default true
   */
  readonly includeHybrid?: boolean;
}

const DEFAULTS = { bandCostTolerance: 0.2, utilizationTarget: 0.7 } as const;

/**
 * The built-in placement policies.
 *
 * - `default()`: hard constraints first, then economics (serverless against dedicated at the
 *   workload's utilization), then the seed article's utilization bands.
 * - `costOptimized()`: hard constraints, then the cheapest feasible option (optionally weighted by
 *   cold-start exposure).
 * - `fixed(target)`: a user override that still checks hard constraints.
 * - `fromConfig()`: one of the above from CDK context (`cdk.json`).
 */
export class PlacementPolicy implements IPlacementPolicy {
  /** CDK context key holding the organisation's policy (`cdk.json` → `context`). */
  public static readonly CONTEXT_KEY_POLICY = 'inference-workload:policy';
  /** CDK context key holding the organisation's price table (`cdk.json` → `context`). */
  public static readonly CONTEXT_KEY_PRICE_TABLE = 'inference-workload:priceTable';

  /**
   * The default policy: hard constraints first, then costs, then the seed article's bands.
   */
  public static default(options: PlacementPolicyOptions = {}): PlacementPolicy {
    return new PlacementPolicy('default', engineOptions('default', EngineMode.RULES, options, 'options'));
  }

  /**
   * Places every workload on its cheapest feasible option, optionally weighting cold-start exposure.
   * The utilization bands are not applied.
   */
  public static costOptimized(options: CostOptimizedPolicyOptions = {}): PlacementPolicy {
    const base = engineOptions('cost-optimized', EngineMode.COST, options, 'options');
    const latencyWeight = options.latencyWeight === undefined ? 0 : checkNumber('options.latencyWeight', options.latencyWeight, { min: 0, max: 1 });
    const includeHybrid = checkBoolean('options.includeHybrid', options.includeHybrid, true);
    const name = latencyWeight > 0 ? `cost-optimized(latencyWeight=${latencyWeight})` : 'cost-optimized';
    return new PlacementPolicy(name, { ...base, policyName: name, latencyWeight, includeHybrid });
  }

  /**
   * Places every workload on `target`, but still checks hard constraints: forcing a GPU
   * workload onto Lambda is an error naming the violated constraint.
   */
  public static fixed(target: PlacementTarget, options: PlacementPolicyOptions = {}): PlacementPolicy {
    checkOneOf('target', target, Object.values(PlacementTarget));
    const name = `fixed(${target})`;
    return new PlacementPolicy(name, { ...engineOptions(name, EngineMode.RULES, options, 'options'), forced: target });
  }

  /**
   * A policy from configuration, e.g. the CDK context values `inference-workload:policy` and
   * `inference-workload:priceTable` in `cdk.json`, so a platform team sets them once.
   *
   * `policy` is `undefined` (the default policy), a string (`"default"`, `"cost-optimized"`,
   * `"fixed:kubernetes"`), or an object `{ "kind": "default" | "cost-optimized" | "fixed", "target",
   * "latencyWeight", "includeHybrid", "bandCostTolerance", "utilizationTarget" }`.
   * `priceTable` is `undefined` (the built-in table) or a price table in the shape of
   * `PriceTableProps`, as an object or a JSON string.
   */
  public static fromConfig(policy?: any, priceTable?: any): PlacementPolicy {
    const P = PlacementPolicy.CONTEXT_KEY_POLICY;
    const T = PlacementPolicy.CONTEXT_KEY_PRICE_TABLE;
    const table = priceTable === undefined || priceTable === null ? undefined : parsePriceTable(T, priceTable);
    if (policy === undefined || policy === null) {
      return PlacementPolicy.default({ priceTable: table });
    }
    let config: Record<string, any>;
    if (typeof policy === 'string') {
      const [kind, target, ...rest] = policy.split(':');
      if (rest.length > 0) {
        throw new InferenceWorkloadValidationError(`'${P}' must be "default", "cost-optimized" or "fixed:<target>", got ${JSON.stringify(policy)}`);
      }
      config = target === undefined ? { kind } : { kind, target };
    } else if (typeof policy === 'object' && !Array.isArray(policy)) {
      config = policy;
    } else {
      throw new InferenceWorkloadValidationError(`'${P}' must be a string or an object, got ${describeValue(policy)}`);
    }
    const allowed: Record<string, string[]> = {
      'default': ['kind', 'bandCostTolerance', 'utilizationTarget'],
      'cost-optimized': ['kind', 'bandCostTolerance', 'utilizationTarget', 'latencyWeight', 'includeHybrid'],
      'fixed': ['kind', 'target', 'bandCostTolerance', 'utilizationTarget'],
    };
    // Object.keys, not `in`: `'toString' in allowed` is true
    const kind = checkOneOf(`${P}.kind`, config.kind ?? 'default', Object.keys(allowed));
    for (const key of Object.keys(config)) {
      if (!allowed[kind].includes(key)) {
        throw new InferenceWorkloadValidationError(`'${P}.${key}' is not an option of the ${kind} policy (expected ${allowed[kind].join(', ')}), got ${describeValue(config[key])}`);
      }
    }
    const common: PlacementPolicyOptions = {
      priceTable: table,
      bandCostTolerance: config.bandCostTolerance === undefined ? undefined : checkNumber(`${P}.bandCostTolerance`, config.bandCostTolerance, { min: 0, max: 1 }),
      utilizationTarget: config.utilizationTarget === undefined ? undefined : checkNumber(`${P}.utilizationTarget`, config.utilizationTarget, { min: 0.1, max: 0.9 }),
    };
    if (kind === 'cost-optimized') {
      return PlacementPolicy.costOptimized({
        ...common,
        latencyWeight: config.latencyWeight === undefined ? undefined : checkNumber(`${P}.latencyWeight`, config.latencyWeight, { min: 0, max: 1 }),
        includeHybrid: checkBoolean(`${P}.includeHybrid`, config.includeHybrid),
      });
    }
    if (kind === 'fixed') {
      checkOneOf(`${P}.target`, config.target, Object.values(PlacementTarget), ' for the fixed policy');
      return PlacementPolicy.fixed(config.target, common);
    }
    return PlacementPolicy.default(common);
  }

  /** A short name printed with every decision. */
  public readonly name: string;
  /** The price table the policy compares options with. */
  public readonly priceTable: PriceTable;

  private readonly engine: EngineOptions;

  private constructor(name: string, engine: EngineOptions) {
    this.name = name;
    this.engine = { ...engine, policyName: name };
    this.priceTable = engine.priceTable;
  }

  /** Decides the placement of one workload. */
  public decide(profile: WorkloadProfile): PlacementDecision {
    const resolved = resolveProfile(profile);
    return decide(resolved, this.engine, assumedProfileFields(profile, resolved));
  }

  /**
   * The same policy with its target fixed, `why` naming what keeps it there (the placement lock).
   * @internal
   */
  public _keepOn(target: PlacementTarget, why: string): PlacementPolicy {
    return new PlacementPolicy(this.name, { ...this.engine, forced: target, forcedBy: why });
  }
}

function engineOptions(name: string, mode: EngineMode, options: PlacementPolicyOptions, prefix: string): EngineOptions {
  if (options === null || typeof options !== 'object') {
    throw new InferenceWorkloadValidationError(`'${prefix}' must be an object, got ${describeValue(options)}`);
  }
  if (options.priceTable !== undefined && !(options.priceTable instanceof PriceTable)) {
    throw new InferenceWorkloadValidationError(`'${prefix}.priceTable' must be a PriceTable (PriceTable.custom(...) or PriceTable.fromJson(...)), got ${describeValue(options.priceTable)}`);
  }
  return {
    policyName: name,
    mode,
    priceTable: options.priceTable ?? PriceTable.awsUsEast1(),
    bandCostTolerance: options.bandCostTolerance === undefined ? DEFAULTS.bandCostTolerance
      : checkNumber(`${prefix}.bandCostTolerance`, options.bandCostTolerance, { min: 0, max: 1 }),
    utilizationTarget: options.utilizationTarget === undefined ? DEFAULTS.utilizationTarget
      : checkNumber(`${prefix}.utilizationTarget`, options.utilizationTarget, { min: 0.1, max: 0.9 }),
    latencyWeight: 0,
    includeHybrid: false,
  };
}

function parsePriceTable(prop: string, value: any): PriceTable {
  let json = value;
  if (typeof json === 'string') {
    try {
      json = JSON.parse(json);
    } catch (e) {
      throw new InferenceWorkloadValidationError(`'${prop}' must be a price table object or its JSON, got a string that does not parse (${(e as Error).message})`);
    }
  }
  return PriceTable.custom(validatePriceTable(json, prop));
}
