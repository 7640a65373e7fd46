/**
 * Plays the EKS Pod Identity webhook's part on a rendered pod template: which containers receive
 * AWS credentials at admission. The rules follow github.com/aws/amazon-eks-pod-identity-webhook
 * (pkg/handler/handler.go): the pod is mutated when its ServiceAccount has an
 * `eks.amazonaws.com/role-arn` annotation (IRSA) or a Pod Identity association (container
 * credentials); every init container and container is given the credential variables and the
 * token volume mount, except those named in the pod annotation `eks.amazonaws.com/skip-containers`
 * (comma-separated, read as one CSV record: `getContainersToSkip`).
 */
import { Manifest } from './kubernetes';

/** How the pod gets its role. */
export type CredentialMode = 'irsa' | 'pod-identity';

/** The variables the webhook writes, by mode (pkg/handler/handler.go, `addEnvToContainer`; pkg/constants.go). */
export const INJECTED_VARIABLES: Record<CredentialMode, string[]> = {
  'irsa': ['AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE'],
  'pod-identity': ['AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE'],
};

/** The volume the webhook mounts into each mutated container (the projected token). */
const TOKEN_VOLUME = 'aws-iam-token';
/** Pod Identity's agent endpoint (EKS user guide, "Understand how EKS Pod Identity works"). */
const POD_IDENTITY_URI = 'http://169.254.170.23/v1/credentials';

/** Reads the skip annotation as the webhook does: one CSV record; a malformed one skips nothing. */
function containersToSkip(annotations: Record<string, string> | undefined): Set<string> {
  const value = annotations?.['eks.amazonaws.com/skip-containers'];
  if (value === undefined) {
    return new Set();
  }
  if (value.includes('"') || value.includes('\n')) {
    return new Set();
  }
  return new Set(value.split(','));
}

/**
 * The Deployment's pod template after admission, for a ServiceAccount with a role in `mode`
 * (`roleArn` for IRSA): containers and init containers with what the webhook added.
 */
export function admitPod(deployment: Manifest, mode: CredentialMode, roleArn = 'arn:aws:iam::123456789012:role/model-reader'): any {
  const template = JSON.parse(JSON.stringify(deployment.spec.template));
  const skip = containersToSkip(template.metadata?.annotations);
  const mutate = (c: any) => {
    if (skip.has(c.name)) {
      return;
    }
    const env = c.env ?? [];
    const values: Record<string, string> = mode === 'irsa'
      ? { AWS_ROLE_ARN: roleArn, AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token' }
      : { AWS_CONTAINER_CREDENTIALS_FULL_URI: POD_IDENTITY_URI, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: '/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token' };
    for (const [name, value] of Object.entries(values)) {
      if (!env.some((e: any) => e.name === name)) {
        env.push({ name, value });
      }
    }
    c.env = env;
    c.volumeMounts = [...c.volumeMounts ?? [], { name: TOKEN_VOLUME, mountPath: '/var/run/secrets/eks.amazonaws.com/serviceaccount', readOnly: true }];
  };
  (template.spec.initContainers ?? []).forEach(mutate);
  template.spec.containers.forEach(mutate);
  template.spec.volumes = [{ name: TOKEN_VOLUME, projected: { sources: [{ serviceAccountToken: { audience: 'sts.amazonaws.com', path: 'token' } }] } },
    ...template.spec.volumes ?? []];
  return template;
}

/** Names of the containers (init containers included) of an admitted pod that hold AWS credentials. */
export function containersWithCredentials(admitted: any, mode: CredentialMode): string[] {
  return [...admitted.spec.initContainers ?? [], ...admitted.spec.containers]
    .filter((c: any) => (c.env ?? []).some((e: any) => INJECTED_VARIABLES[mode].includes(e.name))
      || (c.volumeMounts ?? []).some((m: any) => m.name === TOKEN_VOLUME))
    .map((c: any) => c.name);
}
