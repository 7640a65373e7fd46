import { PlacementDecision, PlacementTarget } from './decision';
import { decideByHardRules } from './engine';
import { InferenceWorkloadValidationError } from './errors';
import { resolveProfile, WorkloadProfile } from './profile';

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

/**
 * The built-in placement policies.
 */
export class PlacementPolicy implements IPlacementPolicy {
  /**
   * The default policy: hard constraints first, then costs, then the seed article's bands.
   */
  public static default(): PlacementPolicy {
    return new PlacementPolicy('default');
  }

  /**
   * Places every workload on `target`, but still checks hard constraints: forcing a GPU
   * workload onto Lambda is an error naming the violated constraint.
   */
  public static fixed(target: PlacementTarget): PlacementPolicy {
    if (!Object.values(PlacementTarget).includes(target)) {
      throw new InferenceWorkloadValidationError(`'target' must be one of ${Object.values(PlacementTarget).join(', ')}, got ${JSON.stringify(target)}`);
    }
    return new PlacementPolicy(`fixed(${target})`, target);
  }

  /** @internal */
  private constructor(public readonly name: string, private readonly forced?: PlacementTarget) {}

  /** Decides the placement of one workload. */
  public decide(profile: WorkloadProfile): PlacementDecision {
    const resolved = resolveProfile(profile);
    const decision = decideByHardRules(resolved, this.name, this.forced);
    if (this.forced !== undefined) {
      const violated = decision.firedRules.filter(r => (r.excludes ?? []).includes(this.forced!));
      if (violated.length > 0) {
        throw new InferenceWorkloadValidationError(
          `'policy' PlacementPolicy.fixed(${this.forced}) violates hard constraint ${violated.map(r => `${r.ruleId} (${r.reason})`).join('; ')}`);
      }
    }
    return decision;
  }
}
