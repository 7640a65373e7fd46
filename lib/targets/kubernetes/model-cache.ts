import { createHash } from 'crypto';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CacheImplementation, CacheRenderContext, checkImage } from './cache-context';
import { CacheVolume, CacheVolumeType } from './cache-volume';
import { patchEphemeralVolume } from './escape-hatches';
import { restrictedContainerSecurity } from './security';
import { checkDnsSubdomain, formatMiB } from './validate';
import { InferenceWorkloadValidationError } from '../../errors';
import { checkOptionalNumber, checkString } from '../../private/validate';

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

/** Images of the fetch step, by URI scheme. */
const DEFAULT_IMAGES = {
  s3: 'public.ecr.aws/aws-cli/aws-cli:2.17.0',
  https: 'docker.io/curlimages/curl:8.10.1',
  oci: 'ghcr.io/oras-project/oras:v1.2.0',
} as const;

const URI = /^(s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^\s'"`$\\]*)?|https:\/\/[^\s'"`$\\/]+(\/[^\s'"`$\\]*)?|oci:\/\/[^\s'"`$\\]+)$/;

/**
 * An init container that fetches the weights into a volume shared with the model server
 * (`CacheSidecar.modelCache()`).
 * @internal
 */
export class ModelCache implements CacheImplementation {
  /** Checks the options of `CacheSidecar.modelCache()`. */
  public static of(options: ModelCacheOptions): ModelCache {
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
    return new ModelCache({ ...options, mountPath });
  }

  private constructor(private readonly options: ModelCacheOptions & { mountPath: string }) {}

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
