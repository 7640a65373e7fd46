/**
 * The renderer registry: the one place that maps a placement target to the object that renders
 * it, checks every target's options once, and delivers the Kubernetes half of any target that has
 * one. Internal: not exported from the package barrel.
 */
import { Construct } from 'constructs';
import { CheckedOptionsOfAllTargets, HYBRID_TARGET, HybridRendering, HybridTargetOptions } from './hybrid/hybrid-target';
import { deliverKubernetes } from './kubernetes/delivery';
import { KUBERNETES_TARGET } from './kubernetes/kubernetes-target';
import { KubernetesTargetOptions } from './kubernetes/options';
import { KubernetesRendering } from './kubernetes/render';
import { LAMBDA_TARGET, LambdaRendering } from './lambda/lambda-target';
import { LambdaTargetOptions } from './lambda/options';
import {
  CheckedManagedInstancesOptions, MANAGED_INSTANCES_TARGET, ManagedInstancesRendering, ManagedInstancesTargetOptions,
} from './lambda-managed-instances/managed-instances-target';
import { WorkloadIdentity } from './render-context';
import { InferenceWorkloadValidationError } from '../errors';
import { PlacementDecision, PlacementTarget } from '../policy';

/** The options a workload gives for each target, as the user wrote them. @internal */
export interface TargetOptions {
  readonly lambda?: LambdaTargetOptions;
  readonly kubernetes?: KubernetesTargetOptions;
  readonly hybrid?: HybridTargetOptions;
  readonly managedInstances?: ManagedInstancesTargetOptions;
}

/** Every target's options after its renderer's `check`. @internal */
export type CheckedTargetOptions = CheckedOptionsOfAllTargets & { readonly managedInstances: CheckedManagedInstancesOptions };

/** What any renderer returns; each half is present when that platform was rendered. @internal */
export interface RenderOutput {
  readonly lambda?: LambdaRendering;
  readonly kubernetes?: KubernetesRendering;
  /** Both halves and their wiring, when placed as hybrid. */
  readonly hybrid?: HybridRendering;
  /** The function on its capacity provider, when placed on Lambda Managed Instances. */
  readonly managedInstances?: ManagedInstancesRendering;
}

/** A rendered placement, its Kubernetes half with where it was delivered. @internal */
export interface RenderedPlacement extends RenderOutput {
  /** Path of the manifest file inside the cloud assembly, when the chart was written there. */
  readonly manifestPath?: string;
}

/**
 * One target's renderer: `check` validates that target's options (once, whatever the placement);
 * `render` builds the placement from the decision and the checked options, and never decides again.
 * @internal
 */
export interface TargetRenderer {
  render(scope: Construct, workload: WorkloadIdentity, decision: PlacementDecision, checked: CheckedTargetOptions): RenderOutput;
}

/**
 * The one place that maps a target to its renderer (a new target cannot be forgotten).
 * @internal
 */
export const RENDERERS: Record<PlacementTarget, TargetRenderer> = {
  [PlacementTarget.LAMBDA]: LAMBDA_TARGET,
  [PlacementTarget.KUBERNETES]: KUBERNETES_TARGET,
  [PlacementTarget.HYBRID]: HYBRID_TARGET,
  [PlacementTarget.LAMBDA_MANAGED_INSTANCES]: MANAGED_INSTANCES_TARGET,
};

/** How a target is named in a message. */
const TARGET_NAMES: Record<PlacementTarget, string> = {
  [PlacementTarget.LAMBDA]: 'Lambda',
  [PlacementTarget.KUBERNETES]: 'Kubernetes',
  [PlacementTarget.HYBRID]: 'hybrid',
  [PlacementTarget.LAMBDA_MANAGED_INSTANCES]: 'Lambda Managed Instances',
};

/**
 * Refuses a decision whose target a fired hard constraint excludes. Not a second decision: a guard
 * against a custom policy that places a workload where the constraint says it cannot run.
 * @internal
 */
export function checkNotExcluded(decision: PlacementDecision): void {
  const violated = decision.firedRules.filter(r => (r.excludes ?? []).includes(decision.target));
  if (violated.length > 0) {
    throw new InferenceWorkloadValidationError(
      `'policy' ${decision.policyName} placed the workload on ${TARGET_NAMES[decision.target]} despite hard constraint `
      + `${violated.map(r => `${r.ruleId} (${r.reason})`).join('; ')}`);
  }
}

/**
 * Checks the options of every target, whatever the placement: a mistake in the options of a
 * target the workload is not placed on must not wait for the placement to change.
 * @internal
 */
export function checkTargetOptions(options: TargetOptions): CheckedTargetOptions {
  return {
    lambda: LAMBDA_TARGET.check(options.lambda),
    kubernetes: KUBERNETES_TARGET.check(options.kubernetes),
    hybrid: HYBRID_TARGET.check(options.hybrid),
    managedInstances: MANAGED_INSTANCES_TARGET.check(options.managedInstances),
  };
}

/**
 * Renders the decision's target, then delivers its Kubernetes half (to `kubernetes.cluster`, or
 * as a YAML file in the cloud assembly): the same delivery for every target that has one.
 * @internal
 */
export function renderPlacement(
  scope: Construct, workload: WorkloadIdentity, decision: PlacementDecision, checked: CheckedTargetOptions,
): RenderedPlacement {
  checkNotExcluded(decision);
  const out = RENDERERS[decision.target].render(scope, workload, decision, checked);
  if (!out.kubernetes) {
    return out;
  }
  const delivery = deliverKubernetes(scope, workload.workloadName, out.kubernetes, checked.kubernetes);
  return {
    ...out,
    kubernetes: { ...out.kubernetes, manifest: delivery.manifest, serviceAccountRole: delivery.serviceAccountRole },
    manifestPath: delivery.manifestPath,
  };
}
