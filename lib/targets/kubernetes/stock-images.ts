/*
 * What each model server's stock image needs from the pod it runs in, read from the project's own
 * Dockerfile and docs. The ModelServer presets are written from this table, and
 * test/targets/kubernetes/stock-images.test.ts reads each preset's rendered container against it
 * (docs/model-servers.md is the same table for people).
 *
 * The pods run as a non-root UID (1000 by default) with a read-only root filesystem. An image that
 * has no passwd entry for that UID gives a process no user name: PyTorch's
 * `getpass.getuser()` (torch inductor's cache directory) then falls back to `pwd.getpwuid()` and
 * raises `KeyError: 'getpwuid(): uid not found: 1000'` (pytorch/pytorch#140765, vllm-project/vllm#44548).
 * `getpass.getuser()` reads `LOGNAME`, `USER`, `LNAME` and `USERNAME` first
 * (https://docs.python.org/3/library/getpass.html#getpass.getuser), so the pod sets `USER` and
 * `LOGNAME`, as vLLM's own non-root entrypoint does (vllm-project/vllm
 * docker/entrypoints/vllm-nonroot-entrypoint.sh). `HOME` is pointed at a writable volume: without a
 * passwd entry it would be `/`, and every library that caches under `~` (Hugging Face, Triton,
 * torch, vLLM) writes there.
 */

/** Name of a stock image's preset. @internal */
export type StockImageName = 'vllm' | 'tgi' | 'triton' | 'generic';

/** What a stock image needs from its pod. @internal */
export interface StockImageNeeds {
  /** The image as published. */
  readonly image: string;
  /** Where each fact below comes from (repository file or doc URL). */
  readonly sources: readonly string[];
  /** The user the image's Dockerfile leaves, and whether UID 1000 has a passwd entry in it. */
  readonly imageUser: string;
  readonly uid1000HasPasswdEntry: boolean;
  /** HTTP port the server listens on in the pod. */
  readonly port: number;
  /** Port and path of its Prometheus metrics. */
  readonly metricsPort: number;
  readonly metricsPath: string;
  /** Health endpoints (readiness and startup probe; liveness probe). */
  readonly readinessPath: string;
  readonly livenessPath: string;
  /**
   * Directories the server writes at run time, as environment variables naming them (the value
   * the pod gives each must be on a writable volume), plus `/tmp`.
   */
  readonly writableEnv: readonly string[];
  /** Directories that must be writable whatever the environment says. */
  readonly writablePaths: readonly string[];
  /** Size of the writable home (its caches), MiB. */
  readonly homeMiB: number;
  /** Size of `/tmp`, MiB. */
  readonly tmpMiB: number;
}

/** The writable home every preset gets (an `emptyDir`: the root filesystem is read-only). */
export const HOME_DIR = '/home/model-server';

/** The user name the pod gives processes whose UID has no passwd entry (`USER`, `LOGNAME`). */
export const POD_USER_NAME = 'model-server';

/** The stock images' needs, by preset. @internal */
export const STOCK_IMAGES: Readonly<Record<StockImageName, StockImageNeeds>> = {
  vllm: {
    image: 'vllm/vllm-openai',
    sources: [
      // no USER instruction in the final `vllm-openai` stage: root, no passwd entry for UID 1000
      'vllm-project/vllm docker/Dockerfile (target vllm-openai)',
      'vllm-project/vllm docker/entrypoints/vllm-nonroot-entrypoint.sh (exports HOME, USER, LOGNAME for UIDs without a passwd entry)',
      // HF_HOME, VLLM_CACHE_ROOT (~/.cache/vllm), VLLM_CONFIG_ROOT (~/.config/vllm); port 8000, /health, /metrics
      'vllm-project/vllm vllm/envs.py',
      'https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html',
      'https://docs.vllm.ai/en/latest/serving/metrics.html',
    ],
    imageUser: 'root (no USER instruction)',
    uid1000HasPasswdEntry: false,
    port: 8000,
    metricsPort: 8000,
    metricsPath: '/metrics',
    readinessPath: '/health',
    livenessPath: '/health',
    writableEnv: ['HOME', 'HF_HOME', 'VLLM_CACHE_ROOT', 'VLLM_CONFIG_ROOT', 'XDG_CACHE_HOME'],
    writablePaths: ['/tmp'],
    // torch.compile / inductor and Triton kernel caches under HOME: a few hundred MiB per model
    homeMiB: 2048,
    tmpMiB: 1024,
  },
  tgi: {
    image: 'ghcr.io/huggingface/text-generation-inference',
    sources: [
      // final stage: no USER (root), ENV HF_HOME=/data PORT=80, ENTRYPOINT /tgi-entrypoint.sh
      'huggingface/text-generation-inference Dockerfile',
      'huggingface/text-generation-inference tgi-entrypoint.sh',
      // PORT, HOSTNAME, NUM_SHARD, HUGGINGFACE_HUB_CACHE, PROMETHEUS_PORT (9000), SHARD_UDS_PATH (/tmp/text-generation-server)
      'huggingface/text-generation-inference docs/source/reference/launcher.md',
      // GET /health and GET /metrics on the HTTP port
      'huggingface/text-generation-inference router/src/server.rs',
    ],
    imageUser: 'root (no USER instruction)',
    uid1000HasPasswdEntry: false,
    port: 8080,
    metricsPort: 8080,
    metricsPath: '/metrics',
    readinessPath: '/health',
    livenessPath: '/health',
    writableEnv: ['HOME', 'HF_HOME', 'HUGGINGFACE_HUB_CACHE', 'XDG_CACHE_HOME'],
    // the shards' gRPC sockets (SHARD_UDS_PATH)
    writablePaths: ['/tmp'],
    homeMiB: 1024,
    tmpMiB: 1024,
  },
  triton: {
    image: 'nvcr.io/nvidia/tritonserver',
    sources: [
      // `useradd triton-server`, checked to be UID 1000 / GID 1000; ENTRYPOINT /opt/nvidia/nvidia_entrypoint.sh (exec "$@")
      'triton-inference-server/server build.py (create_dockerfile_linux)',
      'triton-inference-server/server docs/customization_guide/deploy.md (non-root user triton-server, UID 1000)',
      // HTTP 8000, gRPC 8001, metrics 8002; /v2/health/ready, /v2/health/live
      'triton-inference-server/server docs/user_guide/metrics.md',
      'triton-inference-server/server docs/getting_started/quickstart.md (curl localhost:8000/v2/health/ready)',
    ],
    imageUser: 'root; triton-server (UID 1000) exists',
    uid1000HasPasswdEntry: true,
    port: 8000,
    metricsPort: 8002,
    metricsPath: '/metrics',
    readinessPath: '/v2/health/ready',
    livenessPath: '/v2/health/live',
    // the passwd home /home/triton-server is not created (useradd without -m) and the root is read-only
    writableEnv: ['HOME', 'XDG_CACHE_HOME'],
    writablePaths: ['/tmp'],
    homeMiB: 512,
    tmpMiB: 512,
  },
  generic: {
    image: '(any)',
    sources: ['the image\'s own documentation'],
    imageUser: 'unknown',
    uid1000HasPasswdEntry: false,
    port: 8080,
    metricsPort: 8080,
    metricsPath: '/metrics',
    readinessPath: '/health',
    livenessPath: '/health',
    writableEnv: ['HOME', 'XDG_CACHE_HOME'],
    writablePaths: ['/tmp'],
    homeMiB: 256,
    tmpMiB: 256,
  },
};
