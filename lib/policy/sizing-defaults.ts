/*
 * Sizing defaults that a decision fills in when a custom policy leaves them out, and that the
 * policy's own sizing uses: one formula each.
 */

/**
 * Kubernetes' default grace period, seconds (`terminationGracePeriodSeconds`,
 * https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination): the shortest the sizing gives.
 */
export const DEFAULT_TERMINATION_GRACE_SECONDS = 30;

/**
 * The pod's shared memory (`/dev/shm`), MiB: a quarter of the model server's memory, at least 1 GiB and
 * at most 16 GiB, and never more than half of the memory it counts against (small CPU pods).
 */
export function defaultSharedMemoryMiB(memoryMiB: number): number {
  return Math.min(16_384, Math.max(1024, Math.floor(memoryMiB / 4)), Math.floor(memoryMiB / 2));
}
