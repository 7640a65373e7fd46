/**
 * Most provisioned concurrency one function gets: the default regional concurrency quota (1,000)
 * minus the 100 Lambda keeps unreserved. Traffic above it spills on demand.
 */
export const MAX_PROVISIONED_CONCURRENCY = 900;

/** Lambda's documented limits (AWS Lambda quotas page). */
export const LAMBDA_LIMITS = {
  maxMemoryMiB: 10_240,
  minMemoryMiB: 128,
  maxTimeoutSeconds: 900,
  maxEphemeralStorageMiB: 10_240,
  minEphemeralStorageMiB: 512,
  /** Container images: 10 GB uncompressed, layers included. */
  maxImageSizeGiB: 10,
  /** Synchronous invocation payload: 6 MB request and response. */
  maxSyncPayloadKiB: 6_144,
  /** Default regional concurrency quota (1,000) minus the 100 Lambda keeps unreserved. */
  maxProvisionedConcurrency: MAX_PROVISIONED_CONCURRENCY,
} as const;

/** The seed article's numbers. */
export const ARTICLE_THRESHOLDS = {
  /** "Stay with serverless when cold start tolerance is 500ms+" (cold starts: 200 ms-1 s). */
  coldStartToleranceMs: 500,
  /** "Low-latency financial trading (<50μs jitter)" jumps to bare metal. */
  jitterMicros: 50,
  /** "Traffic is spiky (<10% sustained utilization)": stay serverless. */
  spikyUtilization: 0.10,
  /** "20-60% utilization, don't have dedicated DevOps team. Consider hybrid." */
  hybridBandMin: 0.20,
  hybridBandMax: 0.60,
} as const;

/** Option ids, stable. */
export const OPTION = {
  LAMBDA_ON_DEMAND: 'lambda-on-demand',
  LAMBDA_PROVISIONED: 'lambda-provisioned',
  KUBERNETES: 'kubernetes',
  HYBRID: 'hybrid',
} as const;

