import { createHash } from 'crypto';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CacheImplementation, CacheRenderContext, checkImage } from './cache-context';
import { CacheVolume, CacheVolumeType } from './cache-volume';
import { restrictCredentialsTo } from './credentials';
import { patchEphemeralVolume } from './escape-hatches';
import { FetchPlan, fetchPlan } from './fetch-plan';
import { fetchScript } from './fetch-script';
import { DEFAULT_IMAGES, defaultImage, pullPolicy } from './images';
import { checkCidr } from './pod-options';
import { restrictedContainerSecurity } from './security';
import { checkDnsSubdomain, formatMiB } from './validate';
import { InferenceWorkloadValidationError } from '../../errors';
import { checkOptionalNumber, checkString } from '../../private/validate';

/** Options of `CacheSidecar.modelCache()`. */
export interface ModelCacheOptions {
  /**
   * Where the weights are fetched from:
   * - `s3://bucket/prefix/` (synced; a key without a trailing `/` is copied), with the pod's IAM role;
   * - `https://host/path/file` (one file), or `https://host/path/` with `files` (a directory);
   * - `hf://org/model@<40-hex commit>`: every file of that commit of a Hugging Face Hub model
   *   (or only `files`), listed through the Hub API;
   * - `oci://registry/repository:tag` or `@sha256:...` (pulled with ORAS); a private Amazon ECR
   *   repository (`<account>.dkr.ecr.<region>.amazonaws.com`) is read with the pod's IAM role
   *   (`kubernetes.modelCredentials`): a registry token is fetched at every pod start.
   * @default - the target's `modelUri`
   */
  readonly uri?: string;

  /**
   * The files of a directory source, relative paths (e.g. `config.json`,
   * `model-00001-of-00002.safetensors`): required for an `https://` URI ending in `/` (each is
   * fetched from the URI + the path), optional for `hf://` (only these files instead of every file
   * of the commit). Not for `s3://` (a prefix is synced) or `oci://` (the artifact lists its files).
   * @default - every file (hf://); a single file (https://)
   */
  readonly files?: string[];

  /**
   * The destinations the fetch reaches over HTTPS (TCP 443), as CIDR blocks. NetworkPolicy egress
   * applies to the whole pod, so the model server can open connections to them too, for its whole
   * life: give the narrowest list, e.g. the CIDRs of the region's S3 prefix list
   * (`com.amazonaws.<region>.s3`, reached through the VPC's S3 gateway endpoint) plus the VPC CIDR
   * when STS or ECR is reached through interface endpoints.
   * @default - any address but the instance metadata service
   */
  readonly egressCidrs?: string[];

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
   * image you reviewed (it is then pulled only when missing). The registry login step of an Amazon
   * ECR source always uses the default AWS CLI image (under `kubernetes.imageRegistry` when given).
   * @default - an AWS CLI image for `s3://`, curl for `https://` and `hf://`, ORAS for `oci://` (under `kubernetes.imageRegistry` when given)
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
   * A Secret in the namespace that authenticates the fetch: for `https://` and `hf://` (e.g. a
   * gated Hugging Face model) its key `token` is sent as `Authorization: Bearer <token>`; for
   * `oci://` it is a `kubernetes.io/dockerconfigjson` Secret (key `.dockerconfigjson`) passed to
   * ORAS. `s3://` and Amazon ECR use the pod's IAM role instead (an ECR token in a Secret would
   * expire after 12 hours).
   * @default - anonymous fetch
   */
  readonly authSecretName?: string;

  /**
   * CPU of the fetch step, millicores (request and limit). The start-up budget times the fetch at
   * the rate this CPU sustains.
   * @default - enough to fetch at the nodes' disk throughput, or at what the source's parallel
   * streams deliver when that is less (S3: 10 or more ranged requests of 85 MB/s each; ORAS and
   * curl: one stream per file), at 100 MiB/s per vCPU for the AWS CLI and 200 for curl and ORAS;
   * 250 to 4000
   */
  readonly cpuMillis?: number;

  /**
   * Memory of the fetch step, MiB (request and limit).
   * @default - 1024 for the AWS CLI (more with more parallel requests), 256 for curl and ORAS
   */
  readonly memoryMiB?: number;
}

const URI = /^(s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^\s'"`$\\]*)?|https:\/\/[^\s'"`$\\/]+(\/[^\s'"`$\\]*)?|oci:\/\/[^\s'"`$\\]+|hf:\/\/[A-Za-z0-9][A-Za-z0-9._-]{0,95}\/[A-Za-z0-9][A-Za-z0-9._-]{0,95}@[a-f0-9]{40})$/;

/** A relative file path of a directory source: no `..`, no absolute path, no shell metacharacters. */
const FILE = /^(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9_][A-Za-z0-9._\/-]{0,254}$/;

/**
 * An Amazon ECR private registry host (docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html:
 * `aws_account_id.dkr.ecr.region.amazonaws.com`; `.amazonaws.com.cn` in China, `dkr.ecr-fips` for FIPS).
 */
const ECR_HOST = /^(\d{12})\.dkr\.ecr(-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;

/** The fetch containers: the only ones that receive the pod's AWS credentials. @internal */
export const FETCH_CONTAINERS = ['model-registry-login', 'model-cache'] as const;

/** The ECR registry an `oci://` URI names, with its region; undefined for other sources. */
function ecrRegistry(uri: string): { host: string; region: string } | undefined {
  if (!uri.startsWith('oci://')) {
    return undefined;
  }
  const host = uri.slice('oci://'.length).split('/')[0];
  const m = ECR_HOST.exec(host);
  return m ? { host, region: m[3] } : undefined;
}

/** Whether the fetch of a URI needs the pod's AWS credentials (S3, Amazon ECR). @internal */
export function needsAwsCredentials(uri: string): boolean {
  return uri.startsWith('s3://') || ecrRegistry(uri) !== undefined;
}

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
    }
    if (options.authSecretName !== undefined) {
      checkDnsSubdomain('cacheSidecars.modelCache.authSecretName', options.authSecretName);
    }
    if (options.files !== undefined) {
      if (!Array.isArray(options.files) || options.files.length === 0) {
        throw new InferenceWorkloadValidationError(`'cacheSidecars.modelCache.files' must be a non-empty list of relative paths, got ${JSON.stringify(options.files)}`);
      }
      options.files.forEach((f, i) => checkString(`cacheSidecars.modelCache.files[${i}]`, f, {
        pattern: FILE,
        patternDescription: 'a relative path of letters, digits, \'.\', \'_\', \'-\' and \'/\' without \'..\'',
      }));
    }
    if (options.egressCidrs !== undefined) {
      if (!Array.isArray(options.egressCidrs) || options.egressCidrs.length === 0) {
        throw new InferenceWorkloadValidationError(`'cacheSidecars.modelCache.egressCidrs' must be a non-empty list of CIDR blocks, got ${JSON.stringify(options.egressCidrs)}`);
      }
      options.egressCidrs.forEach((c, i) => checkCidr(`cacheSidecars.modelCache.egressCidrs[${i}]`, c));
    }
    if (options.volume !== undefined && !(options.volume instanceof CacheVolume)) {
      throw new InferenceWorkloadValidationError(
        `'cacheSidecars.modelCache.volume' must be a CacheVolume (CacheVolume.emptyDir(), ephemeral(...), persistentVolumeClaim(...)), got ${JSON.stringify(options.volume)}`);
    }
    checkOptionalNumber('cacheSidecars.modelCache.cpuMillis', options.cpuMillis, { min: 10, max: 64_000, integer: true });
    checkOptionalNumber('cacheSidecars.modelCache.memoryMiB', options.memoryMiB, { min: 64, max: 262_144, integer: true });
    const cache = new ModelCache({ ...options, mountPath });
    if (options.uri !== undefined) {
      cache.checkSource(options.uri);
    }
    return cache;
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

  public _fetchPlan(targetUri: string | undefined, modelSizeGiB: number, diskThroughputMiBps: number): FetchPlan {
    return fetchPlan({
      uri: this.requireUri(targetUri), modelSizeGiB, diskThroughputMiBps, cpuMillis: this.options.cpuMillis, memoryMiB: this.options.memoryMiB,
    });
  }

  /**
   * The HTTPS destinations of the fetch, for the NetworkPolicy (empty: anywhere but the instance
   * metadata service).
   * @internal
   */
  public _egressCidrs(): string[] {
    return [...this.options.egressCidrs ?? []];
  }

  /**
   * The directory the weights of this URI (and checksum and file list) live in: a subdirectory of
   * the mount keyed by them, so that a shared or persistent volume never serves another version's weights.
   * @internal
   */
  public _modelDir(targetUri: string | undefined): string {
    const uri = this.requireUri(targetUri);
    this.checkSource(uri);
    // the file list joins the key only when given, so that existing caches keep their directory
    const files = this.options.files === undefined ? '' : `\n${this.options.files.join('\n')}`;
    const key = createHash('sha256').update(`${uri}\n${this.options.sha256 ?? ''}${files}`).digest('hex').slice(0, 16);
    return `${this.options.mountPath.replace(/\/+$/, '')}/${key}`;
  }

  /** The checks that depend on the source URI (the sidecar's, or the target's `modelUri`). */
  private checkSource(uri: string): void {
    const o = this.options;
    if (o.sha256 !== undefined && (uri.startsWith('oci://') || uri.startsWith('hf://') || uri.endsWith('/'))) {
      throw new InferenceWorkloadValidationError(
        `Cannot configure 'cacheSidecars.modelCache.sha256' for ${JSON.stringify(uri)}: a checksum verifies one file (an https:// URI or an s3:// key without a trailing '/'); `
        + 'pin an oci:// artifact by digest (oci://registry/repository@sha256:...) and an hf:// model by commit instead');
    }
    if (o.authSecretName !== undefined && needsAwsCredentials(uri)) {
      throw new InferenceWorkloadValidationError(
        `Cannot configure 'cacheSidecars.modelCache.authSecretName' for ${JSON.stringify(uri)}: the pod's IAM role ('kubernetes.modelCredentials') reads S3 and Amazon ECR `
        + `(an ECR token stored in a Secret expires after 12 hours), got ${JSON.stringify(o.authSecretName)}`);
    }
    const directory = uri.startsWith('https://') && uri.endsWith('/');
    if (directory && o.files === undefined) {
      throw new InferenceWorkloadValidationError(
        `'cacheSidecars.modelCache.files' is required for the https:// directory ${JSON.stringify(uri)} (HTTP has no listing): name the files, `
        + 'or use hf://org/model@<commit> for a Hugging Face Hub model, s3://bucket/prefix/ or oci://; got none');
    }
    if (o.files !== undefined && !directory && !uri.startsWith('hf://')) {
      throw new InferenceWorkloadValidationError(
        `Cannot configure 'cacheSidecars.modelCache.files' for ${JSON.stringify(uri)}: files name the contents of an https:// URI ending in '/' or of an hf:// model, `
        + `got ${JSON.stringify(o.files)}`);
    }
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

    const ecr = ecrRegistry(uri);
    // the plan the start-up budget timed the fetch with, computed once by the renderer
    const plan = ctx.fetchPlan;
    if (plan === undefined) {
      throw new Error('the model cache renders with the fetch plan its start-up budget was timed with');
    }
    const fetch = fetchCommand(uri, this.options, ecr !== undefined, plan.streams);
    const resources = {
      cpu: { request: kplus.Cpu.millis(plan.cpuMillis), limit: kplus.Cpu.millis(plan.cpuMillis) },
      memory: { request: cdk8s.Size.mebibytes(plan.memoryMiB), limit: cdk8s.Size.mebibytes(plan.memoryMiB) },
    };
    const verify = this.options.sha256 === undefined ? ''
      : `\necho "$MODEL_SHA256  $MODEL_DIR/${fetch.fileName}" | sha256sum -c -`;
    const env: Record<string, kplus.EnvValue> = {
      MODEL_URI: kplus.EnvValue.fromValue(fetch.source),
      MODEL_DIR: kplus.EnvValue.fromValue(modelDir),
      HOME: kplus.EnvValue.fromValue('/tmp'),
    };
    if (this.options.sha256 !== undefined) {
      env.MODEL_SHA256 = kplus.EnvValue.fromValue(this.options.sha256);
    }
    if (this.options.files !== undefined) {
      env.MODEL_FILES = kplus.EnvValue.fromValue(this.options.files.join('\n'));
    }
    const mounts: kplus.VolumeMount[] = [
      { path: mountPath, volume },
      { path: '/tmp', volume: ctx.tmpVolume },
    ];
    const image = (fallback: string) => defaultImage(fallback, ctx.imageRegistry);
    if (ecr !== undefined) {
      // a registry token fetched with the pod's role at every start (valid 12 hours,
      // docs.aws.amazon.com/AmazonECR/latest/userguide/registry_auth.html), in a memory volume only
      // the two fetch containers mount
      const auth = kplus.Volume.fromEmptyDir(ctx.chart, 'ModelAuthVolume', 'model-auth', {
        medium: kplus.EmptyDirMedium.MEMORY,
        sizeLimit: cdk8s.Size.mebibytes(1),
      });
      mounts.push({ path: REGISTRY_AUTH_DIR, volume: auth });
      env.REGISTRY = kplus.EnvValue.fromValue(ecr.host);
      const loginImage = image(DEFAULT_IMAGES.awsCli);
      ctx.deployment.addInitContainer({
        name: FETCH_CONTAINERS[0],
        image: loginImage,
        imagePullPolicy: pullPolicy(loginImage, ctx.immutableImageTags),
        command: ['sh', '-c', `set -eu; umask 077; aws ecr get-login-password --region "$ECR_REGION" > ${REGISTRY_AUTH_DIR}/password`],
        envVariables: { ECR_REGION: kplus.EnvValue.fromValue(ecr.region), HOME: kplus.EnvValue.fromValue('/tmp') },
        resources,
        securityContext: restrictedContainerSecurity(ctx.user),
        volumeMounts: [{ path: REGISTRY_AUTH_DIR, volume: auth }, { path: '/tmp', volume: ctx.tmpVolume }],
      });
    } else if (this.options.authSecretName !== undefined) {
      const secret = kplus.Secret.fromSecretName(ctx.chart, 'ModelAuthSecret', this.options.authSecretName);
      if (uri.startsWith('oci://')) {
        mounts.push({ path: REGISTRY_AUTH_DIR, volume: kplus.Volume.fromSecret(ctx.chart, 'ModelAuthVolume', secret, { name: 'model-auth' }), readOnly: true });
      } else {
        env.MODEL_TOKEN = kplus.EnvValue.fromSecretValue({ secret, key: 'token' });
      }
    }
    const fetchImage = this.options.image ?? image(fetch.image);
    ctx.deployment.addInitContainer({
      name: FETCH_CONTAINERS[1],
      image: fetchImage,
      imagePullPolicy: pullPolicy(fetchImage, ctx.immutableImageTags),
      command: ['sh', '-c', fetchScript({ fetch: fetch.script + verify })],
      envVariables: env,
      resources,
      securityContext: restrictedContainerSecurity(ctx.user),
      volumeMounts: mounts,
    });
    if (ctx.restrictCredentials) {
      restrictCredentialsTo(ctx.deployment, FETCH_CONTAINERS);
    }

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

/** Where an OCI registry's credentials (docker config Secret, or the ECR token) are mounted in the fetch step. */
const REGISTRY_AUTH_DIR = '/var/run/registry-auth';

/** Checks a model URI (`s3://`, `https://`, `hf://`, `oci://`; plain `http://` is refused). @internal */
export function checkModelUri(prop: string, uri: string): string {
  if (typeof uri === 'string' && uri.startsWith('http://')) {
    throw new InferenceWorkloadValidationError(
      `'${prop}' must use https:// (weights fetched over plain HTTP can be altered in transit), got ${JSON.stringify(uri)}`);
  }
  if (typeof uri === 'string' && uri.startsWith('hf://') && !/@[a-f0-9]{40}$/.test(uri)) {
    throw new InferenceWorkloadValidationError(
      `'${prop}' must pin a Hugging Face Hub model to a commit (hf://org/model@<40 hex digits>: a branch moves, and the cache is keyed by the URI), got ${JSON.stringify(uri)}`);
  }
  return checkString(prop, uri, {
    maxLength: 1024,
    pattern: URI,
    patternDescription: 'an s3://, https://, hf://org/model@<commit> or oci:// URI without spaces, quotes or \'$\'',
  });
}

/** The last path segment of a URI, without its query: the file a single-file fetch writes. */
function fileNameOf(uri: string): string {
  const path = uri.replace(/[?#].*$/, '');
  return path.slice(path.lastIndexOf('/') + 1) || 'model';
}

/** curl: HTTPS only, on the first request and on every redirect (`--proto`, `--proto-redir`). */
const CURL = 'curl --fail --silent --show-error --location --proto =https --proto-redir =https --max-redirs 5 --retry 5';

/**
 * The Hugging Face Hub: `GET /api/models/<repo>/revision/<commit>` lists the files of a commit
 * (`siblings[].rfilename`), and `/<repo>/resolve/<commit>/<file>` serves each one
 * (huggingface_hub, `HfApi.model_info` in src/huggingface_hub/hf_api.py and `hf_hub_url` in
 * src/huggingface_hub/file_download.py).
 */
const HF_ENDPOINT = 'https://huggingface.co';

/**
 * Fetches each file of `$MODEL_FILES` (one relative path a line) from `$base<file>`; a listed
 * name that is absolute or climbs out with `..` (from a Hub listing) fails the fetch.
 */
function fetchEach(base: string, auth: string): string {
  return [
    'set -f',
    'for f in $MODEL_FILES; do',
    '  case "$f" in /*|..|../*|*/..|*/../*) echo "refusing the file name $f" >&2; exit 1 ;; esac',
    `  ${CURL}${auth} --create-dirs --output "$MODEL_DIR/$f" "${base}$f"`,
    'done',
    'set +f',
  ].join('\n');
}

/**
 * The fetch step for a URI; the URI reaches the shell through an environment variable, never
 * inlined. The NetworkPolicy blocks the instance metadata address.
 */
function fetchCommand(
  uri: string, o: ModelCacheOptions, ecr: boolean, streams: number,
): { image: string; script: string; source: string; fileName: string } {
  const fileName = fileNameOf(uri);
  if (uri.startsWith('s3://')) {
    // the parallel ranged requests the fetch plan counted on (written to $HOME/.aws/config; HOME is /tmp)
    const concurrency = `aws configure set default.s3.max_concurrent_requests ${streams}\n`;
    return uri.endsWith('/')
      ? { image: DEFAULT_IMAGES.awsCli, source: uri, fileName, script: `${concurrency}aws s3 sync --no-progress "$MODEL_URI" "$MODEL_DIR"` }
      : { image: DEFAULT_IMAGES.awsCli, source: uri, fileName, script: `${concurrency}aws s3 cp --no-progress "$MODEL_URI" "$MODEL_DIR/"` };
  }
  if (uri.startsWith('oci://')) {
    const config = `${REGISTRY_AUTH_DIR}/${ecr ? 'config.json' : '.dockerconfigjson'}`;
    const login = ecr ? `oras login --username AWS --password-stdin --registry-config ${config} "$REGISTRY" < ${REGISTRY_AUTH_DIR}/password\n` : '';
    const auth = ecr || o.authSecretName !== undefined ? ` --registry-config ${config}` : '';
    return {
      image: DEFAULT_IMAGES.oras,
      source: uri.slice('oci://'.length),
      fileName,
      script: `${login}oras pull${auth} --concurrency ${streams} "$MODEL_URI" --output "$MODEL_DIR"`,
    };
  }
  const auth = o.authSecretName !== undefined ? ' --header "Authorization: Bearer $MODEL_TOKEN"' : '';
  if (uri.startsWith('hf://')) {
    const [repo, commit] = uri.slice('hf://'.length).split('@');
    const list = o.files !== undefined ? '' : [
      `MODEL_FILES="$(${CURL}${auth} "${HF_ENDPOINT}/api/models/${repo}/revision/${commit}" \\`,
      '  | grep -o \'"rfilename" *: *"[^"]*"\' | sed \'s/^"rfilename" *: *"//; s/"$//\')"',
      '[ -n "$MODEL_FILES" ] || { echo "the Hub lists no file for $MODEL_URI" >&2; exit 1; }',
      '',
    ].join('\n');
    return { image: DEFAULT_IMAGES.curl, source: uri, fileName, script: list + fetchEach(`${HF_ENDPOINT}/${repo}/resolve/${commit}/`, auth) };
  }
  if (uri.endsWith('/')) {
    return { image: DEFAULT_IMAGES.curl, source: uri, fileName, script: fetchEach('$MODEL_URI', auth) };
  }
  return {
    image: DEFAULT_IMAGES.curl,
    source: uri,
    fileName,
    script: `${CURL}${auth} --output "$MODEL_DIR/${fileName}" "$MODEL_URI"`,
  };
}
