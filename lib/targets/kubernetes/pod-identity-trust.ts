import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';

/** The service principal EKS Pod Identity assumes roles as. @internal */
export const POD_IDENTITY_SERVICE = 'pods.eks.amazonaws.com';

/**
 * The principal of a role for EKS Pod Identity, usable by one ServiceAccount of one cluster only.
 * EKS Pod Identity assumes the role with `sts:AssumeRole` and tags the session (`sts:TagSession`,
 * both required: https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html). The session
 * tags it adds by default (`eks-cluster-arn`, `eks-cluster-name`, `kubernetes-namespace`,
 * `kubernetes-service-account`, `kubernetes-pod-name`, `kubernetes-pod-uid`:
 * https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html) are request tags of that call,
 * and the trust policy conditions both actions on them ("Setting Conditions", pod-id-role.html): the
 * cluster's ARN (which names the account and Region too), the namespace and the ServiceAccount. An
 * association of another ServiceAccount, namespace or cluster, in this account or another, cannot
 * use the role. The library's association (`AWS::EKS::PodIdentityAssociation`) leaves the session
 * tags on (`disableSessionTags` unset); an association that disables them cannot assume the role.
 * @internal
 */
export function podIdentityPrincipal(cluster: eks.ICluster, namespace: string, serviceAccountName: string): iam.IPrincipal {
  return new iam.SessionTagsPrincipal(new iam.ServicePrincipal(POD_IDENTITY_SERVICE).withConditions({
    StringEquals: {
      'aws:RequestTag/eks-cluster-arn': cluster.clusterArn,
      'aws:RequestTag/kubernetes-namespace': namespace,
      'aws:RequestTag/kubernetes-service-account': serviceAccountName,
    },
  }));
}
