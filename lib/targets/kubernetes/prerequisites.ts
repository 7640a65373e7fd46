import { CheckedKubernetesOptions } from './options';
import { ModelCredentials, PreStopAction } from './pod-options';
import { formatMiB } from './validate';
import { KubernetesSizing } from '../../policy';

/** What the cluster must provide that synth cannot check, for this workload. */
export function clusterPrerequisites(
  name: string, sizing: KubernetesSizing, o: CheckedKubernetesOptions, ephemeralMiB: number, fetches: boolean,
): string[] {
  const out: string[] = [];
  if (sizing.gpuCount > 0) {
    out.push(`${name}: GPU nodes are tainted nvidia.com/gpu:NoSchedule and run the NVIDIA device plugin; `
      + `a node autoscaler may launch ${(sizing.nodeCandidates ?? []).map(c => c.instanceType).join(', ') || sizing.instanceType} `
      + `with a root volume larger than the pod's ${formatMiB(ephemeralMiB)} of node-local disk plus the image (Karpenter's default root volume is 20 GiB).`);
  }
  if (sizing.exclusiveCpu) {
    out.push(`${name}: the nodes' kubelet runs the static CPU manager policy (cpuManagerPolicy: static) so the whole-core pod gets exclusive cores.`);
  }
  if (o.preStopAction !== PreStopAction.EXEC_SLEEP) {
    out.push(`${name}: Kubernetes 1.30 or later (lifecycle.preStop.sleep).`);
  }
  if (fetches && o.modelCredentials === ModelCredentials.POD_IDENTITY && !(o.modelBucket && o.cluster)) {
    out.push(`${name}: an EKS Pod Identity association for ServiceAccount ${o.namespace}/${name} with a role that reads the model, and the Pod Identity Agent add-on.`);
  }
  if (fetches && o.modelCredentials === ModelCredentials.NODE_ROLE) {
    out.push(`${name}: the node role reads the model bucket (acknowledged with ModelCredentials.NODE_ROLE).`);
  }
  if (!o.createNamespace) {
    out.push(`${name}: namespace ${o.namespace} exists; behind an AWS load balancer it carries elbv2.k8s.aws/pod-readiness-gate-inject=enabled.`);
  }
  return out;
}
