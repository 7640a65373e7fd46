import { Annotations } from 'aws-cdk-lib';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { SKIP_CONTAINERS_ANNOTATION } from './credentials';
import { ModelCredentials } from './pod-options';

/*
 * What a pod can reach after its weights are fetched. NetworkPolicy egress selects pods, not
 * containers, and holds for the pod's whole life
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/): a rule the fetch
 * init container needs stays open to the model server and the sidecars once the fetch is done.
 * Synth names that exposure instead of claiming the server is closed off.
 */

/** Warning id: the pod may open HTTPS connections to any address. */
const OPEN_HTTPS_EGRESS_WARNING = 'inference-workload:open-https-egress';

/** Warning id: `ModelCredentials.NODE_ROLE` lets every container of the pod read the node role. */
const NODE_ROLE_WARNING = 'inference-workload:node-role-credentials';

type EgressRule = { to?: Array<{ ipBlock?: { cidr: string } }>; ports?: Array<{ port?: number; protocol?: string }> };

/**
 * The CIDR blocks of every address (`0.0.0.0/0`, `::/0`, with or without `except`) an egress rule
 * admits on TCP 443; a rule without `to` admits every address.
 * @internal
 */
export function openHttpsEgress(spec: { egress?: EgressRule[] } | undefined): string[] {
  const open: string[] = [];
  for (const rule of spec?.egress ?? []) {
    const https = rule.ports === undefined || rule.ports.some(p => (p.protocol ?? 'TCP') === 'TCP' && (p.port === undefined || p.port === 443));
    if (!https) {
      continue;
    }
    if (rule.to === undefined) {
      open.push('every address');
    }
    for (const peer of rule.to ?? []) {
      const cidr = peer.ipBlock?.cidr;
      if (cidr !== undefined && /\/0$/.test(cidr.trim())) {
        open.push(cidr);
      }
    }
  }
  return [...new Set(open)];
}

/**
 * Warns at synth, naming the workload:
 * - when the NetworkPolicy lets the pod open TCP 443 connections to any address (the model cache's
 *   default, or an `allowedEgress` block `/0`): every container can, for the pod's life; says
 *   whether the AWS credentials reach the fetch containers only;
 * - when the node role supplies the credentials (`ModelCredentials.NODE_ROLE`): the policy admits
 *   the instance metadata service for the whole pod, and the IMDSv2 hop limit of 2 it needs lets
 *   any container get a token, so the model server and sidecars can read the node role (EKS best
 *   practices, "Restrict access to the instance profile assigned to the worker node",
 *   https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html;
 *   EKS Pod Identity and IRSA give credentials per service account, and the pod identity webhook
 *   can hold them back from containers: credentials.ts).
 * @internal
 */
export function warnEgressExposure(
  scope: IConstruct, workloadName: string, networkPolicy: kplus.k8s.KubeNetworkPolicy, deployment: kplus.Deployment,
  modelCredentials: ModelCredentials | undefined,
): void {
  const spec = (networkPolicy.toJson() as { spec?: { egress?: EgressRule[] } }).spec;
  const open = openHttpsEgress(spec);
  if (open.length > 0) {
    const annotations = (deployment.podMetadata.toJson() as { annotations?: Record<string, unknown> }).annotations;
    const fetchOnly = annotations?.[SKIP_CONTAINERS_ANNOTATION] !== undefined;
    const credentials = modelCredentials === ModelCredentials.NODE_ROLE ? 'and every container can read the node role (ModelCredentials.NODE_ROLE)'
      : fetchOnly ? 'though the AWS credentials reach the fetch containers only (eks.amazonaws.com/skip-containers)'
        : modelCredentials !== undefined ? 'and the model server holds the pod\'s AWS role'
          : 'with no AWS role in the pod';
    Annotations.of(scope).addWarningV2(OPEN_HTTPS_EGRESS_WARNING,
      `${workloadName}: the NetworkPolicy lets every container of the pod, the model server included, open TCP 443 connections to `
      + `${open.join(' and ')} for the pod's whole life (NetworkPolicy egress applies to the pod, not to the fetch step alone), ${credentials}. `
      + 'Narrow it with \'cacheSidecars.modelCache.egressCidrs\' (for s3:// weights, the CIDRs of the region\'s S3 prefix list reached through '
      + 'the VPC\'s S3 gateway endpoint) and \'kubernetes.allowedEgress\', or acknowledge this warning.');
  }
  if (modelCredentials === ModelCredentials.NODE_ROLE) {
    Annotations.of(scope).addWarningV2(NODE_ROLE_WARNING,
      `${workloadName}: ModelCredentials.NODE_ROLE admits the instance metadata service on TCP 80 for the whole pod, and the IMDSv2 hop limit of 2 `
      + 'it needs lets any container get a token: the model server and sidecars can read the node role too, not only the weight fetch. '
      + 'Use a role of the workload instead (\'kubernetes.serviceAccountRoleArn\', \'kubernetes.modelBucket\' or ModelCredentials.POD_IDENTITY: '
      + 'only the fetch containers receive it), or acknowledge this warning.');
  }
}
