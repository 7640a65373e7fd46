import { PlacementTarget } from './decision';
import { PriceTable } from './pricing';
import type { PolicyRule } from './rules';

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
  /** A fixed target (`PlacementPolicy.fixed`). */
  readonly forced?: PlacementTarget;
  /** The rule table. @default RULES */
  readonly rules?: readonly PolicyRule[];
}
