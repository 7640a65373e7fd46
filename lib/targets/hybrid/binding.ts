import { CfnOutput, Stack } from 'aws-cdk-lib';
import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { InferenceWorkloadValidationError } from '../../errors';
import { LoadBalancerIntegration, ResolvedClusterFlavor } from '../kubernetes/cluster';

/**
 * The oldest AWS Load Balancer Controller whose published TargetGroupBinding CRD is an
 * `apiextensions.k8s.io/v1` CRD (served by Kubernetes 1.22 and later) with every field the hybrid
 * writes: `targetGroupARN` (required), `targetType`, `serviceRef`, `networking.ingress[].from[].securityGroup`
 * (kubernetes-sigs/aws-load-balancer-controller docs/install/v2_2_4_full.yaml; the v2.1 manifests
 * still use apiextensions.k8s.io/v1beta1). `targetGroupName` is not used: the CRD has it from v2.11 only
 * (helm/aws-load-balancer-controller/crds/crds.yaml of release-2.11; aws/containers-roadmap#2621).
 * @internal
 */
export const MIN_CONTROLLER_VERSION: readonly number[] = [2, 2, 4];

/**
 * What the GitOps manifest carries in place of the target group's ARN (known only at deploy): a
 * pipeline substitutes it (envsubst), or applies the stack output `DataPlaneTargetGroupBindingPatch`.
 * Left in place, the controller rejects the binding (not an ARN), so a forgotten step fails loudly.
 * @internal
 */
export const TARGET_GROUP_ARN_PLACEHOLDER = '${DATA_PLANE_TARGET_GROUP_ARN}';

/** The TargetGroupBinding's API per load-balancer integration. */
interface BindingApi {
  readonly apiVersion: string;
  /** Whether `spec.networking` (the controller opens the pods' security group) is supported. */
  readonly networking: boolean;
  readonly describe: string;
}

/**
 * The API of the integration: the open-source controller's `elbv2.k8s.aws/v1beta1`, or EKS Auto
 * Mode's `eks.amazonaws.com/v1`, where `spec.targetType` is required and `spec.networking.ingress.from`
 * is not supported (https://docs.aws.amazon.com/eks/latest/userguide/auto-configure-nlb.html#_targetgroupbinding).
 * Refuses an integration that cannot bind an external target group.
 */
function bindingApiOf(integration: LoadBalancerIntegration): BindingApi {
  switch (integration._kind) {
    case 'aws-load-balancer-controller': {
      const version = integration._version ?? MIN_CONTROLLER_VERSION;
      if (compareVersions(version, MIN_CONTROLLER_VERSION) < 0) {
        throw new InferenceWorkloadValidationError(
          `'kubernetes.flavor.loadBalancer' must be the AWS Load Balancer Controller v${MIN_CONTROLLER_VERSION.join('.')} or later for a hybrid placement `
          + `(its TargetGroupBinding CRD with targetGroupARN, targetType and networking), got v${version.join('.')}`);
      }
      return { apiVersion: 'elbv2.k8s.aws/v1beta1', networking: true, describe: `the AWS Load Balancer Controller v${MIN_CONTROLLER_VERSION.join('.')} or later (kubernetes.flavor declares v${version.join('.')})` };
    }
    case 'eks-auto-mode':
      return { apiVersion: 'eks.amazonaws.com/v1', networking: false, describe: 'EKS Auto Mode\'s load balancing' };
    default:
      throw new InferenceWorkloadValidationError(
        '\'kubernetes.flavor.loadBalancer\' must be LoadBalancerIntegration.awsLoadBalancerController() or .eksAutoMode() for a hybrid placement '
        + '(a TargetGroupBinding registers the data plane\'s pods in the internal NLB), got LoadBalancerIntegration.none()');
  }
}

function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Inputs of the binding. @internal */
export interface TargetGroupBindingInput {
  readonly chart: Chart;
  /** Where the stack output of the GitOps patch goes. */
  readonly scope: Construct;
  readonly workloadName: string;
  readonly namespace: string;
  readonly serviceName: string;
  readonly port: number;
  readonly targetGroupArn: string;
  readonly loadBalancerSecurityGroupId: string;
  readonly flavor: ResolvedClusterFlavor;
  /** Whether the chart is applied by CloudFormation (an EKS cluster given to the library): tokens resolve at deploy. */
  readonly onCluster: boolean;
}

/** The binding and what the cluster must provide for it. @internal */
export interface RenderedBinding {
  readonly binding: ApiObject;
  readonly prerequisites: string[];
}

/**
 * The TargetGroupBinding that registers the data plane's pods in the target group, by the target
 * group's ARN (the field every controller version accepts). On an EKS cluster given to the library
 * the manifest is applied by CloudFormation, so the ARN (and the NLB's security group) resolve at
 * deploy. For a GitOps tool the manifest carries `${DATA_PLANE_TARGET_GROUP_ARN}` and the stack output
 * `DataPlaneTargetGroupBindingPatch` is the whole spec a pipeline patches in (JSON, which is YAML:
 * list it under `patches:` in a kustomization).
 * @internal
 */
export function renderTargetGroupBinding(input: TargetGroupBindingInput): RenderedBinding {
  const api = bindingApiOf(input.flavor.loadBalancer);
  const name = `${input.workloadName}-internal`;
  const prerequisites = prerequisitesOf(input, api);
  const networking = api.networking ? {
    // the controller opens the pods' security group to the NLB's, on the pod port
    networking: { ingress: [{ from: [{ securityGroup: { groupID: input.loadBalancerSecurityGroupId } }], ports: [{ protocol: 'TCP', port: input.port }] }] },
  } : {};
  const binding = new ApiObject(input.chart, 'TargetGroupBinding', {
    apiVersion: api.apiVersion,
    kind: 'TargetGroupBinding',
    metadata: {
      name,
      annotations: { 'inference-workload/prerequisites': prerequisites.join(' ') },
    },
    spec: {
      serviceRef: { name: input.serviceName, port: input.port },
      targetType: 'ip',
      targetGroupARN: input.onCluster ? input.targetGroupArn : TARGET_GROUP_ARN_PLACEHOLDER,
      ...(input.onCluster ? networking : {}),
    },
  });
  if (!input.onCluster) {
    const patch = {
      apiVersion: api.apiVersion,
      kind: 'TargetGroupBinding',
      metadata: { name, namespace: input.namespace },
      spec: { targetGroupARN: input.targetGroupArn, ...networking },
    };
    new CfnOutput(input.scope, 'DataPlaneTargetGroupBindingPatch', {
      value: Stack.of(input.scope).toJsonString(patch),
      description: `${input.workloadName}: a kustomize patch (JSON) that sets the TargetGroupBinding ${input.namespace}/${name}'s target group ARN`
        + (api.networking ? ' and opens the pods to the NLB' : ''),
    });
  }
  return { binding, prerequisites };
}

/** What the cluster must provide, in the order an operator checks it. */
function prerequisitesOf(input: TargetGroupBindingInput, api: BindingApi): string[] {
  const autoMode = !api.networking;
  return [
    `(1) ${api.describe} with the TargetGroupBinding CRD ${api.apiVersion}, to register the pods in the target group`
      + (autoMode ? ', which must carry the tag eks:eks-cluster-name=<cluster> (set when the cluster is given to the library);' : ';'),
    api.networking && input.onCluster
      ? '(2) exactly one security group tagged kubernetes.io/cluster/<cluster> on the pods\' network interfaces, which the controller opens to the NLB\'s security group;'
      : `(2) the pods' security group admitting the NLB's security group (stack output DataPlaneLoadBalancerSecurityGroupId) on TCP ${input.port}`
        + (input.onCluster ? ';' : `, and the manifest applied to namespace ${input.namespace} with the target group's ARN in place of ${TARGET_GROUP_ARN_PLACEHOLDER} (stack output DataPlaneTargetGroupBindingPatch);`),
    '(3) NetworkPolicy enforcement (VPC CNI v1.14+ with enableNetworkPolicy=true), or the data plane admits every source in the cluster.',
  ];
}

