import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';

/**
 * The pod annotation that keeps the EKS Pod Identity webhook from injecting AWS credentials into
 * the named containers: a comma-separated list of container and init container names. The same
 * webhook injects IRSA (`AWS_ROLE_ARN`, `AWS_WEB_IDENTITY_TOKEN_FILE` and the token volume mount)
 * and EKS Pod Identity (`AWS_CONTAINER_CREDENTIALS_FULL_URI`, `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`
 * and the token volume mount), and skips the listed containers for both
 * (github.com/aws/amazon-eks-pod-identity-webhook: README.md, "eks.amazonaws.com/skip-containers";
 * pkg/handler/handler.go, `getContainersToSkip` and `getPodSpecPatch`;
 * pkg/handler/testdata/containercredentials/rawPodSkip.pod.yaml).
 * @internal
 */
export const SKIP_CONTAINERS_ANNOTATION = 'eks.amazonaws.com/skip-containers';

/**
 * Gives the pod's AWS credentials to the `allowed` containers only: every other container and init
 * container of the pod is listed in the skip annotation. The list is computed when the chart is
 * synthesized, so containers added to the Deployment afterwards (`workload.deployment.addContainer()`)
 * are listed too.
 * @internal
 */
export function restrictCredentialsTo(deployment: kplus.Deployment, allowed: readonly string[]): void {
  const skipped = cdk8s.Lazy.any({
    produce: () => [...deployment.initContainers, ...deployment.containers]
      .map(c => c.name)
      .filter((name): name is string => name !== undefined && !allowed.includes(name))
      .join(','),
  });
  // cdk8s resolves the Lazy when the chart is synthesized (the annotation map is typed as strings)
  deployment.podMetadata.addAnnotation(SKIP_CONTAINERS_ANNOTATION, skipped as unknown as string);
}
