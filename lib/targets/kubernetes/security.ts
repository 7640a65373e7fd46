import * as kplus from 'cdk8s-plus-28';

/**
 * A container security context that meets the Pod Security Standard "restricted": non-root user,
 * no privilege escalation, every capability dropped, the runtime's default seccomp profile and
 * a read-only root filesystem. cdk8s-plus' defaults cover the first two only.
 * @internal
 */
export function restrictedContainerSecurity(user: number): kplus.ContainerSecurityContextProps {
  return {
    ensureNonRoot: true,
    user,
    group: user,
    privileged: false,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: [kplus.Capability.ALL] },
    seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
  };
}

/**
 * The pod security context: non-root, with `fsGroup` so that every container can share the
 * cache volumes. (The pod-level seccomp profile, which cdk8s-plus-28 lacks, is patched in by
 * the renderer.)
 * @internal
 */
export function restrictedPodSecurity(user: number): kplus.PodSecurityContextProps {
  return {
    ensureNonRoot: true,
    user,
    group: user,
    fsGroup: user,
    fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
  };
}
