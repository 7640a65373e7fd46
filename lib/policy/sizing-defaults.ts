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

/**
 * vCPUs of a GPU model server per GPU when the profile states none: its own work (HTTP, tokenizer,
 * batching loop, feeding the GPU) while the GPU does the math. An assumption of this library, not a
 * measurement: set `vcpus` from your server's profile.
 */
export const DEFAULT_VCPUS_PER_GPU = 2;

/**
 * The profile's `vcpus` when it states none: for GPU work `DEFAULT_VCPUS_PER_GPU` per GPU; for CPU work
 * what Lambda gives `memoryMiB` ("At 1,769 MB, a function has the equivalent of one vCPU", at most 6 at
 * 10,240 MB: https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html), the memory the
 * durations are taken to be measured at.
 */
export function defaultVcpus(memoryMiB: number, gpuCount: number): number {
  return gpuCount > 0 ? DEFAULT_VCPUS_PER_GPU * gpuCount : Math.round(Math.min(6, memoryMiB / 1769) * 1000) / 1000;
}

/**
 * Minutes in which traffic may rise from its average to its peak, by the shape of the traffic, when the
 * profile states no ramp. The article's "Traffic is spiky (<10% sustained utilization)" sets the
 * boundary (`ARTICLE_THRESHOLDS.spikyUtilization`); the minutes are assumptions of this library: a
 * spiky workload (a batch that starts, a campaign) may reach its peak within 5 minutes, a steady one
 * follows its daily curve and takes at least 15.
 */
export const RAMP_MINUTES = { spiky: 5, steady: 15 } as const;

/**
 * The profile's `rampRequestsPerSecondPerMinute` when it states none: the rise from the average
 * (`sustainedUtilization` x peak) to the peak, spread over `RAMP_MINUTES` for the traffic's shape
 * (0 for flat traffic).
 */
export function defaultRampRequestsPerSecondPerMinute(peakRequestsPerSecond: number, sustainedUtilization: number, spikyUtilization: number): number {
  const minutes = sustainedUtilization < spikyUtilization ? RAMP_MINUTES.spiky : RAMP_MINUTES.steady;
  return Math.round(peakRequestsPerSecond * (1 - Math.min(1, sustainedUtilization)) / minutes * 1e6) / 1e6;
}
