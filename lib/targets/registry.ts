/**
 * The renderer registry: the one place that maps a placement target to the code that renders it.
 * Internal: not exported from the package barrel.
 */
import { Construct } from 'constructs';
import { InferenceWorkloadValidationError } from '../errors';
import { ModelImage } from '../image';
import { PlacementDecision, PlacementTarget, WorkloadProfile } from '../policy';
import { checkHybridOptions, HybridRendering, HybridTargetOptions, renderHybrid } from './hybrid/hybrid-target';
import { deliverKubernetes } from './kubernetes/delivery';
import { checkKubernetesOptions, KubernetesRendering, KubernetesTargetOptions, renderKubernetes } from './kubernetes/kubernetes-target';
import { checkLambdaOptions, LambdaRendering, LambdaTargetOptions, lambdaSizingOf, renderLambda } from './lambda/lambda-target';

/** What any renderer gets. @internal */
export interface RenderInput {
  readonly workloadName: string;
  readonly image: ModelImage;
  readonly decision: PlacementDecision;
  readonly lambda: LambdaTargetOptions;
  readonly kubernetes: KubernetesTargetOptions;
  /** Options of the hybrid target. */
  readonly hybrid: HybridTargetOptions;
  /** The workload's profile, for facts that are not sizing (e.g. the model size for the startup probe). */
  readonly profile?: WorkloadProfile;
}

/** What any renderer returns; each half is present when that platform was rendered. @internal */
export interface RenderOutput {
  readonly lambda?: LambdaRendering;
  readonly kubernetes?: KubernetesRendering;
  /** Both halves and their wiring, when placed as hybrid. */
  readonly hybrid?: HybridRendering;
  /** Path of the manifest file inside the cloud assembly, when Kubernetes was rendered. */
  readonly manifestPath?: string;
}

type Renderer = (scope: Construct, input: RenderInput) => RenderOutput;

function lambdaRenderer(scope: Construct, input: RenderInput): RenderOutput {
  // options of the targets not chosen are checked too: a mistake must not wait for the placement to change
  checkKubernetesOptions(input.kubernetes);
  checkHybridOptions(input.hybrid);
  const decision = input.decision;
  // not a second decision: a guard against a policy that places on Lambda despite a constraint that excludes it
  const violated = decision.firedRules.filter(r => (r.excludes ?? []).includes(PlacementTarget.LAMBDA));
  if (violated.length > 0) {
    throw new InferenceWorkloadValidationError(
      `'policy' ${decision.policyName} placed the workload on Lambda despite hard constraint ${violated.map(r => `${r.ruleId} (${r.reason})`).join('; ')}`);
  }
  return {
    lambda: renderLambda(scope, {
      workloadName: input.workloadName,
      image: input.image,
      sizing: lambdaSizingOf(decision),
      options: input.lambda,
      description: `Inference workload ${input.workloadName} (placed on Lambda by ${decision.policyName})`,
    }),
  };
}

function kubernetesRenderer(scope: Construct, input: RenderInput): RenderOutput {
  checkLambdaOptions(input.lambda);
  checkHybridOptions(input.hybrid);
  const rendering = renderKubernetes({
    workloadName: input.workloadName,
    image: input.image,
    decision: input.decision,
    options: input.kubernetes,
    modelSizeGiB: input.profile?.modelSizeGiB,
  });
  const delivery = deliverKubernetes(scope, input.workloadName, rendering, input.kubernetes);
  return {
    kubernetes: { ...rendering, manifest: delivery.manifest, serviceAccountRole: delivery.serviceAccountRole },
    manifestPath: delivery.manifestPath,
  };
}

function hybridRenderer(scope: Construct, input: RenderInput): RenderOutput {
  const { rendering, delivery } = renderHybrid(scope, input);
  return {
    // the control plane is the workload's entry point; the data plane its Kubernetes half
    lambda: rendering.controlPlane,
    kubernetes: { ...rendering.dataPlane, manifest: delivery.manifest, serviceAccountRole: delivery.serviceAccountRole },
    hybrid: rendering,
    manifestPath: delivery.manifestPath,
  };
}

/**
 * The one place that maps a target to its renderer.
 * @internal
 */
export const RENDERERS: Record<PlacementTarget, Renderer> = {
  [PlacementTarget.LAMBDA]: lambdaRenderer,
  [PlacementTarget.KUBERNETES]: kubernetesRenderer,
  [PlacementTarget.HYBRID]: hybridRenderer,
};
