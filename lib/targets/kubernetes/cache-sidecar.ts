import { createHash } from 'crypto';
import { Size } from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { restrictedContainerSecurity } from './security';
import { checkDnsSubdomain, formatMiB, sizeMiB } from './validate';
import { InferenceWorkloadValidationError } from '../../errors';
import { checkOptionalNumber, checkString } from '../../private/validate';

/** Options of `CacheVolume.emptyDir()`. */
export interface EmptyDirCacheOptions {
  /**
   * The most node-local disk the volume may use (`emptyDir.sizeLimit`).
   * @default - 1.25 x the model size, at least 1 GiB
   */
  readonly sizeLimit?: Size;
}

/** Options of `CacheVolume.ephemeral()`. */
export interface EphemeralCacheOptions {
  /**
   * StorageClass of the volume, e.g. a local-NVMe class of the local static provisioner or
   * TopoLVM (`local-nvme`).
   */
  readonly storageClassName: string;
  /** Size of the volume. */
  readonly size: Size;
}

/** Kinds of cache volume. */
export enum CacheVolumeType {
  /** An `emptyDir` on the node's disk. */
  EMPTY_DIR = 'emptyDir',
  /** A generic ephemeral volume (created and deleted with the pod). */
  EPHEMERAL = 'ephemeral',
  /** An existing PersistentVolumeClaim. */
  PERSISTENT_VOLUME_CLAIM = 'persistentVolumeClaim',
}

/**
 * Where a model cache keeps the weights. Never a `hostPath`: every kind is allowed by the Pod
 * Security Standard "restricted".
 */
export class CacheVolume {
  /**
   * An `emptyDir` on the node's local disk, optionally size-limited. Node-local and lost with the pod.
   */
  public static emptyDir(options: EmptyDirCacheOptions = {}): CacheVolume {
    const mib = options.sizeLimit === undefined ? undefined : sizeMiB('cacheVolume.sizeLimit', options.sizeLimit);
    return new CacheVolume(CacheVolumeType.EMPTY_DIR, mib, true);
  }

  /**
   * A generic ephemeral volume (`ephemeral.volumeClaimTemplate`) on a StorageClass, typically a
   * local-NVMe class: provisioned with the pod, on its node, and deleted with it.
   */
  public static ephemeral(options: EphemeralCacheOptions): CacheVolume {
    if (!options || typeof options !== 'object') {
      throw new InferenceWorkloadValidationError(`'cacheVolume' options must be an object with storageClassName and size, got ${String(options)}`);
    }
    checkDnsSubdomain('cacheVolume.storageClassName', options.storageClassName);
    const mib = sizeMiB('cacheVolume.size', options.size);
    return new CacheVolume(CacheVolumeType.EPHEMERAL, mib, true, options.storageClassName);
  }

  /**
   * An existing PersistentVolumeClaim (for example a ReadOnlyMany claim pre-filled with the
   * weights, or a ReadWriteMany claim shared by every replica). Not node-local: the node-local
   * limit does not apply.
   */
  public static persistentVolumeClaim(claimName: string): CacheVolume {
    checkDnsSubdomain('cacheVolume.claimName', claimName);
    return new CacheVolume(CacheVolumeType.PERSISTENT_VOLUME_CLAIM, undefined, false, undefined, claimName);
  }

  /** The kind of volume. */
  public readonly type: CacheVolumeType;
  /** The size in MiB (size limit of an `emptyDir`, size of an ephemeral volume); unknown for a PVC. */
  public readonly sizeMiB?: number;
  /** Whether the volume lives on the pod's node (counts against the node-local limit). */
  public readonly nodeLocal: boolean;
  /** StorageClass of an ephemeral volume. */
  public readonly storageClassName?: string;
  /** Name of an existing PVC. */
  public readonly claimName?: string;

  private constructor(type: CacheVolumeType, sizeMiBValue: number | undefined, nodeLocal: boolean, storageClassName?: string, claimName?: string) {
    this.type = type;
    this.sizeMiB = sizeMiBValue;
    this.nodeLocal = nodeLocal;
    this.storageClassName = storageClassName;
    this.claimName = claimName;
  }
}

/** Options of `CacheSidecar.modelCache()`. */
export interface ModelCacheOptions {
  /**
   * Where the weights are fetched from: `s3://bucket/prefix/` (synced; a key without a trailing
   * `/` is copied), `https://host/path/file` (downloaded) or `oci://registry/repository:tag`
   * (pulled with ORAS).
   * @default - the target's `modelUri`
   */
  readonly uri?: string;

  /**
   * The volume the weights are fetched into.
   * @default CacheVolume.emptyDir() sized 1.25 x the model
   */
  readonly volume?: CacheVolume;

  /**
   * Where the volume is mounted, in the fetch step and (read-only) in the model server.
   * The server gets it as `MODEL_DIR`.
   * @default '/models'
   */
  readonly mountPath?: string;

  /**
   * Image of the fetch step. Pin it by digest (`...@sha256:<64 hex>`) to fetch with exactly the
   * image you reviewed.
   * @default - an AWS CLI image for `s3://`, curl for `https://`, ORAS for `oci://`
   */
  readonly image?: string;

  /**
   * SHA-256 (64 hex digits) of the single file a `https://` URI or an `s3://` key (no trailing
   * `/`) names: the fetch step verifies it and fails on a mismatch. It also keys the cache, so a
   * changed checksum fetches again. For `oci://`, pin the artifact by digest in the URI instead.
   * @default - not verified
   */
  readonly sha256?: string;

  /**
   * A Secret in the namespace that authenticates the fetch: for `https://` (e.g. a gated Hugging
   * Face model) its key `token` is sent as `Authorization: Bearer <token>`; for `oci://` it is a
   * `kubernetes.io/dockerconfigjson` Secret (key `.dockerconfigjson`) passed to ORAS. `s3://` uses
   * the pod's IAM role instead.
   * @default - anonymous fetch
   */
  readonly authSecretName?: string;

  /**
   * CPU of the fetch step, millicores (request and limit).
   * @default 1000
   */
  readonly cpuMillis?: number;

  /**
   * Memory of the fetch step, MiB (request and limit).
   * @default 1024
   */
  readonly memoryMiB?: number;
}

/** Options of `CacheSidecar.redis()`. */
export interface RedisCacheOptions {
  /**
   * Redis image.
   * @default 'public.ecr.aws/docker/library/redis:7.2-alpine'
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

/** Kinds of cache sidecar. */
export enum CacheSidecarType {
  /** An init step that fetches the weights into a shared volume. */
  MODEL_CACHE = 'model-cache',
  /** A key-value store bound to localhost. */
  KEY_VALUE = 'key-value',
}

/** What a cache sidecar renders into. @internal */
export interface CacheRenderContext {
  readonly chart: cdk8s.Chart;
  readonly deployment: kplus.Deployment;
  readonly server: kplus.Container;
  readonly tmpVolume: kplus.Volume;
  readonly user: number;
  readonly serverPort: number;
  readonly modelUri?: string;
  readonly modelSizeGiB: number;
  /** The declared node-local disk limit, MiB. */
  readonly nodeLocalLimitMiB?: number;
  /** Node-local state the decision priced in the pod, MiB (0 when stateless). */
  readonly stateMiB: number;
  /** CPU the decision priced for the state's store, millicores. */
  readonly stateCpuMillis?: number;
  /** Adds node-local disk (MiB) the pod writes to its ephemeral-storage request. */
  readonly addEphemeralStorage: (mib: number) => void;
}

const DEFAULT_IMAGES = {
  s3: 'public.ecr.aws/aws-cli/aws-cli:2.17.0',
  https: 'docker.io/curlimages/curl:8.10.1',
  oci: 'ghcr.io/oras-project/oras:v1.2.0',
  redis: 'public.ecr.aws/docker/library/redis:7.2-alpine',
} as const;

/** Where the key-value cache's unix socket lives, in both containers. */
const KV_SOCKET_DIR = '/var/run/kv-cache';

const URI = /^(s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^\s'"`$\\]*)?|https:\/\/[^\s'"`$\\/]+(\/[^\s'"`$\\]*)?|oci:\/\/[^\s'"`$\\]+)$/;
const IMAGE = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\.[a-z0-9-]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$/;

/**
 * A local cache next to the model server, declared with one API:
 * `CacheSidecar.modelCache()` fetches the weights into a volume the server reads from local
 * disk; `CacheSidecar.redis()` runs a key-value store on 127.0.0.1 for node-local state.
 */
export abstract class CacheSidecar {
  /**
   * An init container that fetches the weights (from S3, HTTP(S) or an OCI registry) into a
   * volume shared with the model server, which mounts it read-only and starts from local disk.
   * A volume that already holds a complete copy (marker file `.complete`) is not fetched again.
   */
  public static modelCache(options: ModelCacheOptions = {}): CacheSidecar {
    if (options.uri !== undefined) {
      checkModelUri('cacheSidecars.modelCache.uri', options.uri);
    }
    const mountPath = checkString('cacheSidecars.modelCache.mountPath', options.mountPath ?? '/models', {
      maxLength: 200,
      pattern: /^\/[A-Za-z0-9._\/-]*$/,
      patternDescription: 'an absolute path',
    });
    if (['/', '/tmp', '/dev', '/dev/shm', '/proc', '/sys'].includes(mountPath.replace(/\/+$/, '') || '/')) {
      throw new InferenceWorkloadValidationError(`'cacheSidecars.modelCache.mountPath' must not be a system path, got ${JSON.stringify(mountPath)}`);
    }
    if (options.image !== undefined) {
      checkImage('cacheSidecars.modelCache.image', options.image);
    }
    if (options.sha256 !== undefined) {
      checkString('cacheSidecars.modelCache.sha256', options.sha256, { pattern: /^[a-f0-9]{64}$/, patternDescription: '64 lowercase hex digits' });
      if (options.uri !== undefined) {
        checkSingleFile('cacheSidecars.modelCache.sha256', options.uri);
      }
    }
    if (options.authSecretName !== undefined) {
      checkDnsSubdomain('cacheSidecars.modelCache.authSecretName', options.authSecretName);
      if (options.uri?.startsWith('s3://')) {
        throw new InferenceWorkloadValidationError(
          `Cannot configure 'cacheSidecars.modelCache.authSecretName' for an s3:// URI (the pod's IAM role reads S3), got ${JSON.stringify(options.authSecretName)}`);
      }
    }
    if (options.volume !== undefined && !(options.volume instanceof CacheVolume)) {
      throw new InferenceWorkloadValidationError(
        `'cacheSidecars.modelCache.volume' must be a CacheVolume (CacheVolume.emptyDir(), ephemeral(...), persistentVolumeClaim(...)), got ${JSON.stringify(options.volume)}`);
    }
    checkOptionalNumber('cacheSidecars.modelCache.cpuMillis', options.cpuMillis, { min: 10, max: 64_000, integer: true });
    checkOptionalNumber('cacheSidecars.modelCache.memoryMiB', options.memoryMiB, { min: 64, max: 262_144, integer: true });
    return new ModelCacheSidecar({ ...options, mountPath });
  }

  /**
   * A Redis sidecar bound to 127.0.0.1 and to a unix socket in a volume it shares with the model
   * server: node-local shared state a request reaches in microseconds, with its own resource
   * limits, no persistence and no Service.
   */
  public static redis(options: RedisCacheOptions = {}): CacheSidecar {
    if (options.image !== undefined) {
      checkImage('cacheSidecars.redis.image', options.image);
    }
    checkOptionalNumber('cacheSidecars.redis.port', options.port, { min: 1024, max: 65535, integer: true });
    checkOptionalNumber('cacheSidecars.redis.maxMemoryMiB', options.maxMemoryMiB, { min: 16, max: 1_048_576, integer: true });
    checkOptionalNumber('cacheSidecars.redis.cpuMillis', options.cpuMillis, { min: 10, max: 64_000, integer: true });
    return new RedisSidecar(options);
  }

  /** The kind of cache. */
  public abstract readonly type: CacheSidecarType;

  /**
   * CPU the cache's long-running container requests next to the server, millicores (0 for an init
   * step), given the CPU the decision priced for the node-local state's store.
   * @internal
   */
  public abstract _cpuMillis(stateCpuMillis?: number): number;

  /** Memory the cache's long-running container requests, MiB (0 for an init step). @internal */
  public abstract _memoryMiB(stateMiB: number): number;

  /** The source URI, when the cache fetches one. @internal */
  public _uri(_targetUri: string | undefined): string | undefined {
    return undefined;
  }

  /**
   * Adds the cache's containers and volumes to the pod.
   * @internal
   */
  public abstract _render(ctx: CacheRenderContext): void;
}

class ModelCacheSidecar extends CacheSidecar {
  public readonly type = CacheSidecarType.MODEL_CACHE;

  constructor(private readonly options: ModelCacheOptions & { mountPath: string }) {
    super();
  }

  public _cpuMillis(): number {
    return 0;
  }

  public _memoryMiB(): number {
    return 0;
  }

  public _uri(targetUri: string | undefined): string | undefined {
    return this.options.uri ?? targetUri;
  }

  /**
   * The directory the weights of this URI (and checksum) live in: a subdirectory of the mount keyed
   * by both, so that a shared or persistent volume never serves another version's weights.
   * @internal
   */
  public _modelDir(targetUri: string | undefined): string {
    const uri = this.requireUri(targetUri);
    if (this.options.sha256 !== undefined) {
      checkSingleFile('cacheSidecars.modelCache.sha256', uri);
    }
    if (this.options.authSecretName !== undefined && uri.startsWith('s3://')) {
      throw new InferenceWorkloadValidationError(
        `Cannot configure 'cacheSidecars.modelCache.authSecretName' for an s3:// URI (the pod's IAM role reads S3), got ${JSON.stringify(this.options.authSecretName)}`);
    }
    const key = createHash('sha256').update(`${uri}\n${this.options.sha256 ?? ''}`).digest('hex').slice(0, 16);
    return `${this.options.mountPath.replace(/\/+$/, '')}/${key}`;
  }

  private requireUri(targetUri: string | undefined): string {
    const uri = this.options.uri ?? targetUri;
    if (uri === undefined) {
      throw new InferenceWorkloadValidationError(
        '\'cacheSidecars.modelCache.uri\' is required when the target has no \'modelUri\', got undefined');
    }
    return uri;
  }

  public _render(ctx: CacheRenderContext): void {
    const uri = this.requireUri(ctx.modelUri);
    const modelDir = this._modelDir(ctx.modelUri);
    const modelMiB = Math.ceil(ctx.modelSizeGiB * 1024);
    const cacheVolume = this.options.volume ?? CacheVolume.emptyDir();
    const sizeMiBValue = cacheVolume.type === CacheVolumeType.EMPTY_DIR && cacheVolume.sizeMiB === undefined
      ? Math.max(1024, Math.ceil(modelMiB * 1.25 / 1024) * 1024)
      : cacheVolume.sizeMiB;
    if (sizeMiBValue !== undefined) {
      if (sizeMiBValue < modelMiB) {
        throw new InferenceWorkloadValidationError(
          `'cacheSidecars.modelCache.volume' must hold the model (${formatMiB(modelMiB)}), got ${formatMiB(sizeMiBValue)}`);
      }
      if (cacheVolume.nodeLocal && ctx.nodeLocalLimitMiB !== undefined && sizeMiBValue > ctx.nodeLocalLimitMiB) {
        throw new InferenceWorkloadValidationError(
          `'cacheSidecars.modelCache.volume' must fit the declared node-local limit 'kubernetes.nodeLocalStorageLimit' (${formatMiB(ctx.nodeLocalLimitMiB)}), `
          + `got ${formatMiB(sizeMiBValue)}${this.options.volume === undefined ? ' (1.25 x the model size)' : ''}`);
      }
    }

    if (cacheVolume.type === CacheVolumeType.EMPTY_DIR && sizeMiBValue !== undefined) {
      ctx.addEphemeralStorage(sizeMiBValue);
    }

    const volume = renderVolume(ctx, cacheVolume, sizeMiBValue);
    const mountPath = this.options.mountPath;
    // the server's FIRST mount: the ephemeral-volume patch below relies on the volume being index 0
    ctx.server.mount(mountPath, volume, { readOnly: true });
    ctx.server.env.addVariable('MODEL_DIR', kplus.EnvValue.fromValue(modelDir));

    const fetch = fetchCommand(uri, this.options.authSecretName !== undefined);
    const cpu = this.options.cpuMillis ?? 1000;
    const memory = this.options.memoryMiB ?? 1024;
    const verify = this.options.sha256 === undefined ? ''
      : ` echo "$MODEL_SHA256  $MODEL_DIR/${fetch.fileName}" | sha256sum -c -;`;
    const env: Record<string, kplus.EnvValue> = {
      MODEL_URI: kplus.EnvValue.fromValue(fetch.source),
      MODEL_DIR: kplus.EnvValue.fromValue(modelDir),
      HOME: kplus.EnvValue.fromValue('/tmp'),
    };
    if (this.options.sha256 !== undefined) {
      env.MODEL_SHA256 = kplus.EnvValue.fromValue(this.options.sha256);
    }
    const mounts: kplus.VolumeMount[] = [
      { path: mountPath, volume },
      { path: '/tmp', volume: ctx.tmpVolume },
    ];
    if (this.options.authSecretName !== undefined) {
      const secret = kplus.Secret.fromSecretName(ctx.chart, 'ModelAuthSecret', this.options.authSecretName);
      if (uri.startsWith('oci://')) {
        mounts.push({ path: REGISTRY_AUTH_DIR, volume: kplus.Volume.fromSecret(ctx.chart, 'ModelAuthVolume', secret, { name: 'model-auth' }), readOnly: true });
      } else {
        env.MODEL_TOKEN = kplus.EnvValue.fromSecretValue({ secret, key: 'token' });
      }
    }
    ctx.deployment.addInitContainer({
      name: 'model-cache',
      image: this.options.image ?? fetch.image,
      command: ['sh', '-c', 'set -eu; if [ -f "$MODEL_DIR/.complete" ]; then echo "model cache is warm"; exit 0; fi; '
        + `mkdir -p "$MODEL_DIR"; ${fetch.script};${verify} touch "$MODEL_DIR/.complete"`],
      envVariables: env,
      resources: {
        cpu: { request: kplus.Cpu.millis(cpu), limit: kplus.Cpu.millis(cpu) },
        memory: { request: cdk8s.Size.mebibytes(memory), limit: cdk8s.Size.mebibytes(memory) },
      },
      securityContext: restrictedContainerSecurity(ctx.user),
      volumeMounts: mounts,
    });

    if (cacheVolume.type === CacheVolumeType.EPHEMERAL) {
      patchEphemeralVolume(ctx.deployment, volume.name, cacheVolume.storageClassName!, sizeMiBValue!);
    }
  }
}

class RedisSidecar extends CacheSidecar {
  public readonly type = CacheSidecarType.KEY_VALUE;

  constructor(private readonly options: RedisCacheOptions) {
    super();
  }

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
    ctx.deployment.addContainer({
      name: 'kv-cache',
      image: this.options.image ?? DEFAULT_IMAGES.redis,
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

function renderVolume(ctx: CacheRenderContext, cacheVolume: CacheVolume, sizeMiBValue: number | undefined): kplus.Volume {
  switch (cacheVolume.type) {
    case CacheVolumeType.PERSISTENT_VOLUME_CLAIM: {
      const claim = kplus.PersistentVolumeClaim.fromClaimName(ctx.chart, 'ModelCacheClaim', cacheVolume.claimName!);
      return kplus.Volume.fromPersistentVolumeClaim(ctx.chart, 'ModelCacheVolume', claim, { name: 'model-cache' });
    }
    case CacheVolumeType.EPHEMERAL:
      // rendered as an emptyDir, then patched into a generic ephemeral volume (cdk8s-plus-28 lacks the type)
      return kplus.Volume.fromEmptyDir(ctx.chart, 'ModelCacheVolume', 'model-cache');
    default:
      return kplus.Volume.fromEmptyDir(ctx.chart, 'ModelCacheVolume', 'model-cache', {
        sizeLimit: sizeMiBValue === undefined ? undefined : cdk8s.Size.mebibytes(sizeMiBValue),
      });
  }
}

/**
 * cdk8s-plus-28 has no generic ephemeral volume: replace the placeholder `emptyDir` of the cache
 * volume (the first volume of the pod, asserted by a JSON-patch `test`) with `ephemeral`.
 */
function patchEphemeralVolume(deployment: kplus.Deployment, name: string, storageClassName: string, sizeMiBValue: number): void {
  cdk8s.ApiObject.of(deployment).addJsonPatch(
    cdk8s.JsonPatch.test('/spec/template/spec/volumes/0/name', name),
    cdk8s.JsonPatch.remove('/spec/template/spec/volumes/0/emptyDir'),
    cdk8s.JsonPatch.add('/spec/template/spec/volumes/0/ephemeral', {
      volumeClaimTemplate: {
        metadata: { labels: { 'app.kubernetes.io/component': 'model-cache' } },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName,
          // a Quantity, not a string: the generated types drop a plain string here
          resources: { requests: { storage: kplus.k8s.Quantity.fromString(`${sizeMiBValue}Mi`) } },
        },
      },
    }),
  );
}

/** Where an OCI registry's docker config Secret is mounted in the fetch step. */
const REGISTRY_AUTH_DIR = '/var/run/registry-auth';

/** Checks a model URI (`s3://`, `https://`, `oci://`; plain `http://` is refused). @internal */
export function checkModelUri(prop: string, uri: string): string {
  if (typeof uri === 'string' && uri.startsWith('http://')) {
    throw new InferenceWorkloadValidationError(
      `'${prop}' must use https:// (weights fetched over plain HTTP can be altered in transit), got ${JSON.stringify(uri)}`);
  }
  return checkString(prop, uri, {
    maxLength: 1024,
    pattern: URI,
    patternDescription: 'an s3://, https:// or oci:// URI without spaces, quotes or \'$\'',
  });
}

/** A checksum names one file: an https:// URI or an s3:// key without a trailing `/`. */
function checkSingleFile(prop: string, uri: string): void {
  if (uri.startsWith('oci://') || uri.endsWith('/')) {
    throw new InferenceWorkloadValidationError(
      `Cannot configure '${prop}' for ${JSON.stringify(uri)}: a checksum verifies one file (an https:// URI or an s3:// key without a trailing '/'); `
      + 'pin an oci:// artifact by digest (oci://registry/repository@sha256:...) instead');
  }
}

function checkImage(prop: string, image: string): string {
  return checkString(prop, image, {
    maxLength: 512,
    pattern: IMAGE,
    patternDescription: 'an image reference with a tag or digest',
  });
}

/** The last path segment of a URI, without its query: the file a single-file fetch writes. */
function fileNameOf(uri: string): string {
  const path = uri.replace(/[?#].*$/, '');
  return path.slice(path.lastIndexOf('/') + 1) || 'model';
}

/**
 * The fetch step for a URI; the URI reaches the shell through an environment variable, never inlined.
 * curl refuses anything but HTTPS, on the first request and on every redirect (`--proto`,
 * `--proto-redir`); the NetworkPolicy blocks the instance metadata address.
 */
function fetchCommand(uri: string, authenticated: boolean): { image: string; script: string; source: string; fileName: string } {
  const fileName = fileNameOf(uri);
  if (uri.startsWith('s3://')) {
    return uri.endsWith('/')
      ? { image: DEFAULT_IMAGES.s3, source: uri, fileName, script: 'aws s3 sync --no-progress "$MODEL_URI" "$MODEL_DIR"' }
      : { image: DEFAULT_IMAGES.s3, source: uri, fileName, script: 'aws s3 cp --no-progress "$MODEL_URI" "$MODEL_DIR/"' };
  }
  if (uri.startsWith('oci://')) {
    const auth = authenticated ? ` --registry-config ${REGISTRY_AUTH_DIR}/.dockerconfigjson` : '';
    return { image: DEFAULT_IMAGES.oci, source: uri.slice('oci://'.length), fileName, script: `oras pull${auth} "$MODEL_URI" --output "$MODEL_DIR"` };
  }
  const auth = authenticated ? ' --header "Authorization: Bearer $MODEL_TOKEN"' : '';
  return {
    image: DEFAULT_IMAGES.https,
    source: uri,
    fileName,
    script: `curl --fail --silent --show-error --location --proto =https --proto-redir =https --max-redirs 5 --retry 5${auth} `
      + `--output "$MODEL_DIR/${fileName}" "$MODEL_URI"`,
  };
}
