export { CacheVolumeType, CacheVolume, CacheSidecarType, CacheSidecar } from './cache-sidecar';
export type { EmptyDirCacheOptions, EphemeralCacheOptions, ModelCacheOptions, RedisCacheOptions } from './cache-sidecar';
export { GpuNodeLabels } from './gpu';
export type { GpuFeatureDiscoveryOptions, KarpenterGpuOptions, NodeToleration } from './gpu';
export type { KubernetesTargetOptions, KubernetesRendering } from './kubernetes-target';
export { ScalingMetric, ZoneSpread } from './scaling';
