import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CacheImplementation, CacheRenderContext, checkImage } from './cache-context';
import { DEFAULT_IMAGES, defaultImage, pullPolicy } from './images';
import { restrictedContainerSecurity } from './security';
import { formatMiB } from './validate';
import { InferenceWorkloadValidationError } from '../../errors';
import { checkOptionalNumber } from '../../private/validate';

/** Options of `CacheSidecar.redis()`. */
export interface RedisCacheOptions {
  /**
   * Redis image. Pin it by digest (`...@sha256:<64 hex>`) to run exactly the image you reviewed
   * (it is then pulled only when missing).
   * @default - Redis 7.2.16 on Alpine from ECR Public, pinned by digest (under `kubernetes.imageRegistry` when given)
   */
  readonly image?: string;

  /**
   * Port Redis listens on, on 127.0.0.1 only. The server gets `KV_CACHE_URL=redis://127.0.0.1:<port>`,
   * and `KV_CACHE_SOCKET`, a unix socket in a volume both containers mount (faster than TCP).
   * @default 6379
   */
  readonly port?: number;

  /**
   * Redis `maxmemory`, MiB (least-recently-used keys are evicted above it). The container's
   * memory limit is 1.25 x this plus 64 MiB.
   * @default 1024
   */
  readonly maxMemoryMiB?: number;

  /**
   * CPU of the sidecar, millicores (request and limit).
   * @default 500
   */
  readonly cpuMillis?: number;
}

/** Where the key-value cache's unix socket lives, in both containers. */
const KV_SOCKET_DIR = '/var/run/kv-cache';

/**
 * A Redis container bound to 127.0.0.1 and to a unix socket it shares with the model server
 * (`CacheSidecar.redis()`). No AUTH password: what reaches it is the pod alone. Containers of a pod
 * share one network namespace, so 127.0.0.1 is the pod's own loopback, not reachable over the pod
 * IP (https://kubernetes.io/docs/concepts/workloads/pods/#pod-networking); protected mode, while the
 * default user has no password, refuses any client but loopback and unix socket ones even if the
 * bind widens (Redis 7: https://redis.io/docs/latest/develop/reference/errors/common/denied/);
 * the socket (mode 770) lives in a memory volume only Redis and the model server mount; and no
 * NetworkPolicy rule admits the Redis port (ingress.ts). A container the user adds to the pod
 * reaches it too.
 * @internal
 */
export class RedisCache implements CacheImplementation {
  /** Checks the options of `CacheSidecar.redis()`. */
  public static of(options: RedisCacheOptions): RedisCache {
    if (options.image !== undefined) {
      checkImage('cacheSidecars.redis.image', options.image);
    }
    checkOptionalNumber('cacheSidecars.redis.port', options.port, { min: 1024, max: 65535, integer: true });
    checkOptionalNumber('cacheSidecars.redis.maxMemoryMiB', options.maxMemoryMiB, { min: 16, max: 1_048_576, integer: true });
    checkOptionalNumber('cacheSidecars.redis.cpuMillis', options.cpuMillis, { min: 10, max: 64_000, integer: true });
    return new RedisCache(options);
  }

  private constructor(private readonly options: RedisCacheOptions) {}

  public _cpuMillis(stateCpuMillis?: number): number {
    return this.options.cpuMillis ?? stateCpuMillis ?? 500;
  }

  /**
   * The container's memory: sized to the node-local state the decision priced when `maxMemoryMiB`
   * is not given (the store then holds exactly what was priced), else 1.25 x `maxMemoryMiB` + 64 MiB.
   */
  public _memoryMiB(stateMiB: number): number {
    if (this.options.maxMemoryMiB === undefined && stateMiB > 0) {
      return stateMiB;
    }
    return Math.ceil((this.options.maxMemoryMiB ?? 1024) * 1.25) + 64;
  }

  private maxMemoryMiB(stateMiB: number): number {
    if (this.options.maxMemoryMiB === undefined && stateMiB > 0) {
      return Math.max(16, Math.floor((stateMiB - 64) / 1.25));
    }
    return this.options.maxMemoryMiB ?? 1024;
  }

  public _render(ctx: CacheRenderContext): void {
    const port = this.options.port ?? 6379;
    if (ctx.stateMiB > 0 && this._memoryMiB(ctx.stateMiB) > ctx.stateMiB) {
      throw new InferenceWorkloadValidationError(
        `'cacheSidecars.redis.maxMemoryMiB' must keep the store within the node-local state the pod was priced with (${formatMiB(ctx.stateMiB)}: `
        + `at most ${Math.floor((ctx.stateMiB - 64) / 1.25)} MiB, the container taking 1.25 x + 64 MiB), got ${this.options.maxMemoryMiB}; `
        + 'omit it to size the store from the profile\'s nodeLocalStateGiB');
    }
    if (port === ctx.serverPort) {
      throw new InferenceWorkloadValidationError(
        `'cacheSidecars.redis.port' must differ from 'kubernetes.containerPort' (${ctx.serverPort}), got ${port}`);
    }
    // the unix socket lives in a small memory-backed volume both containers mount: the fastest local path
    const socketVolume = kplus.Volume.fromEmptyDir(ctx.chart, 'KvCacheVolume', 'kv-cache', {
      medium: kplus.EmptyDirMedium.MEMORY,
      sizeLimit: cdk8s.Size.mebibytes(16),
    });
    const socket = `${KV_SOCKET_DIR}/redis.sock`;
    const maxMemory = this.maxMemoryMiB(ctx.stateMiB);
    const limit = this._memoryMiB(ctx.stateMiB);
    const cpu = this._cpuMillis(ctx.stateCpuMillis);
    const image = this.options.image ?? defaultImage(DEFAULT_IMAGES.redis, ctx.imageRegistry);
    ctx.deployment.addContainer({
      name: 'kv-cache',
      image,
      imagePullPolicy: pullPolicy(image, ctx.immutableImageTags),
      command: ['redis-server'],
      args: [
        '--bind', '127.0.0.1', '--port', String(port), '--protected-mode', 'yes',
        '--unixsocket', socket, '--unixsocketperm', '770',
        '--save', '', '--appendonly', 'no',
        '--maxmemory', `${maxMemory}mb`, '--maxmemory-policy', 'allkeys-lru',
      ],
      resources: {
        cpu: { request: kplus.Cpu.millis(cpu), limit: kplus.Cpu.millis(cpu) },
        memory: { request: cdk8s.Size.mebibytes(limit), limit: cdk8s.Size.mebibytes(limit) },
      },
      // bound to 127.0.0.1, so the kubelet cannot reach it over the pod IP: probe from inside
      readiness: kplus.Probe.fromCommand(['redis-cli', '-h', '127.0.0.1', '-p', String(port), 'ping'], {
        periodSeconds: cdk8s.Duration.seconds(10),
      }),
      securityContext: restrictedContainerSecurity(ctx.user),
      volumeMounts: [{ path: KV_SOCKET_DIR, volume: socketVolume }],
    });
    ctx.server.mount(KV_SOCKET_DIR, socketVolume);
    ctx.server.env.addVariable('KV_CACHE_URL', kplus.EnvValue.fromValue(`redis://127.0.0.1:${port}`));
    ctx.server.env.addVariable('KV_CACHE_SOCKET', kplus.EnvValue.fromValue(socket));
  }
}
