import { CacheImplementation, CacheRenderContext } from './cache-context';
import { FetchPlan } from './fetch-plan';
import { ModelCache, ModelCacheOptions } from './model-cache';
import { RedisCache, RedisCacheOptions } from './redis-cache';

/** Kinds of cache sidecar. */
export enum CacheSidecarType {
  /** An init step that fetches the weights into a shared volume. */
  MODEL_CACHE = 'model-cache',
  /** A key-value store bound to localhost. */
  KEY_VALUE = 'key-value',
}

/**
 * A local cache next to the model server, declared with one API:
 * `CacheSidecar.modelCache()` fetches the weights into a volume the server reads from local
 * disk; `CacheSidecar.redis()` runs a key-value store on 127.0.0.1 for node-local state.
 */
export class CacheSidecar {
  /**
   * An init container that fetches the weights (from S3, HTTP(S) or an OCI registry) into a
   * volume shared with the model server, which mounts it read-only and starts from local disk.
   * A volume that already holds a complete copy (marker file `.complete`) is not fetched again.
   */
  public static modelCache(options: ModelCacheOptions = {}): CacheSidecar {
    return new CacheSidecar(CacheSidecarType.MODEL_CACHE, ModelCache.of(options));
  }

  /**
   * A Redis sidecar bound to 127.0.0.1 and to a unix socket in a volume it shares with the model
   * server: node-local shared state a request reaches in microseconds, with its own resource
   * limits, no persistence and no Service.
   */
  public static redis(options: RedisCacheOptions = {}): CacheSidecar {
    return new CacheSidecar(CacheSidecarType.KEY_VALUE, RedisCache.of(options));
  }

  /** The kind of cache. */
  public readonly type: CacheSidecarType;

  private constructor(type: CacheSidecarType, private readonly cache: CacheImplementation) {
    this.type = type;
  }

  /**
   * CPU the cache's long-running container requests next to the server, millicores (0 for an init
   * step), given the CPU the decision priced for the node-local state's store.
   * @internal
   */
  public _cpuMillis(stateCpuMillis?: number): number {
    return this.cache._cpuMillis(stateCpuMillis);
  }

  /** Memory the cache's long-running container requests, MiB (0 for an init step). @internal */
  public _memoryMiB(stateMiB: number): number {
    return this.cache._memoryMiB(stateMiB);
  }

  /** The source URI, when the cache fetches one. @internal */
  public _uri(targetUri: string | undefined): string | undefined {
    return this.cache._uri?.(targetUri);
  }

  /** The directory the server reads the weights from, when the cache fetches them. @internal */
  public _modelDir(targetUri: string | undefined): string | undefined {
    return this.cache._modelDir?.(targetUri);
  }

  /**
   * The HTTPS destinations of the cache's fetch (empty: anywhere but the instance metadata
   * service); undefined when the cache fetches nothing.
   * @internal
   */
  public _fetchEgressCidrs(): string[] | undefined {
    return this.cache._egressCidrs?.();
  }

  /** The fetch step's size and rate, when the cache fetches the weights. @internal */
  public _fetchPlan(targetUri: string | undefined, modelSizeGiB: number, diskThroughputMiBps: number): FetchPlan | undefined {
    return this.cache._fetchPlan?.(targetUri, modelSizeGiB, diskThroughputMiBps);
  }

  /**
   * Adds the cache's containers and volumes to the pod.
   * @internal
   */
  public _render(ctx: CacheRenderContext): void {
    this.cache._render(ctx);
  }
}
