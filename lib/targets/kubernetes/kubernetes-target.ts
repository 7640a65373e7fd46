import { Construct } from 'constructs';
import { checkKubernetesOptions } from './check-options';
import { CheckedKubernetesOptions } from './options';
import { KubernetesRendering, renderKubernetes } from './render';
import { PlacementDecision } from '../../policy';
import { WorkloadIdentity } from '../render-context';

/**
 * The Kubernetes target: `check` validates its options once; `render` builds the chart (Deployment,
 * Service, ServiceAccount, autoscaler, disruption budget) from the decision. Delivery (to a cluster
 * or to the cloud assembly) is the registry's job, the same for every target with a Kubernetes half.
 * @internal
 */
export const KUBERNETES_TARGET = {
  check: checkKubernetesOptions,
  render(
    _scope: Construct, workload: WorkloadIdentity, decision: PlacementDecision, checked: { readonly kubernetes: CheckedKubernetesOptions },
  ): { kubernetes: KubernetesRendering } {
    return {
      kubernetes: renderKubernetes({
        workloadName: workload.workloadName,
        image: workload.image,
        decision,
        options: checked.kubernetes,
      }),
    };
  },
};
