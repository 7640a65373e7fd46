import { HOME_DIR, POD_USER_NAME, STOCK_IMAGES, StockImageNeeds } from './stock-images';
import { InferenceWorkloadValidationError } from '../../errors';
import { checkOptionalNumber, checkOptionsObject, checkString } from '../../private/validate';

/**
 * What the autoscaler reads of a model server's Prometheus metrics. Where they are served (port and
 * path) is the stock image table's (`StockImageNeeds.metricsPort`, `metricsPath`). @internal
 */
export interface ModelServerMetrics {
  /** A series the server exports, which the prometheus-adapter rule discovers (`seriesQuery`). */
  readonly series: string;
}

/** Options of `ModelServer.vllm()`. */
export interface VllmModelServerOptions {
  /**
   * The model id the OpenAI-compatible API serves (`--served-model-name`), which clients put in
   * their requests' `model` field. It stays the same across model releases.
   * @default - the workload's name
   */
  readonly servedModelName?: string;
}

/** Options of `ModelServer.generic()`. */
export interface GenericModelServerOptions {
  /**
   * Port the server listens on.
   * @default 8080
   */
  readonly port?: number;
  /**
   * HTTP path that answers 200 when the server can take requests (readiness and startup probes).
   * @default '/health'
   */
  readonly readinessPath?: string;
  /**
   * HTTP path that answers 200 while the process is healthy (liveness probe).
   * @default - the readiness path
   */
  readonly livenessPath?: string;
}

/** What a model server needs from the pod it runs in. @internal */
export interface ModelServerContext {
  /** The workload's name (the default served model name). */
  readonly workloadName: string;
  readonly port: number;
  readonly gpuCount: number;
  /** Where the model cache is mounted, when there is one. */
  readonly modelDir?: string;
}

/**
 * The model server in the image: its port, health endpoints, the cache variables that point its
 * writes at the pod's writable home (the root filesystem is read-only), its GPU parallelism, and
 * the metric of requests in flight the autoscaler scales on (through prometheus-adapter).
 *
 * Each preset runs its stock image as published: its ports, probes, metrics port and writable
 * directories come from the table of what the image needs (`stock-images.ts`, docs/model-servers.md),
 * read from the project's own Dockerfile and docs.
 */
export class ModelServer {
  /**
   * vLLM's OpenAI-compatible server (`vllm/vllm-openai`): port 8000, `GET /health`,
   * `--tensor-parallel-size` = the GPUs of the pod, `--model` = the model cache when there is one,
   * `--served-model-name` = the workload's name (a stable model id for clients).
   * Caches: `HF_HOME` (Hugging Face hub), `VLLM_CACHE_ROOT`, `VLLM_CONFIG_ROOT`
   * (vllm-project/vllm `vllm/envs.py`). Requests in flight: `vllm:num_requests_running` +
   * `vllm:num_requests_waiting` (`vllm/v1/metrics/loggers.py`), at `/metrics` on the API server's
   * own port (`vllm/entrypoints/openai/api_server.py`, `mount_metrics`).
   */
  public static vllm(options: VllmModelServerOptions = {}): ModelServer {
    const o = checkOptionsObject('kubernetes.modelServer', options, 'VllmModelServerOptions');
    const servedModelName = o.servedModelName === undefined ? undefined
      : checkString('kubernetes.modelServer.servedModelName', o.servedModelName, {
        maxLength: 256, pattern: SERVED_MODEL_NAME, patternDescription: 'a model id without spaces, quotes or \'$\'',
      });
    return new ModelServer({
      name: 'vllm',
      needs: STOCK_IMAGES.vllm,
      metricName: 'vllm_requests_in_flight',
      metrics: { series: 'vllm:num_requests_running' },
      metricsQuery: 'sum(vllm:num_requests_running{<<.LabelMatchers>>} + vllm:num_requests_waiting{<<.LabelMatchers>>}) by (<<.GroupBy>>)',
      env: ctx => ({
        HF_HOME: `${HOME_DIR}/.cache/huggingface`,
        VLLM_CACHE_ROOT: `${HOME_DIR}/.cache/vllm`,
        VLLM_CONFIG_ROOT: `${HOME_DIR}/.config/vllm`,
        ...(ctx.modelDir ? { HF_HUB_OFFLINE: '1' } : {}),
      }),
      args: ctx => [
        ...(ctx.modelDir ? ['--model', ctx.modelDir] : []),
        '--served-model-name', servedModelName ?? ctx.workloadName,
        '--port', String(ctx.port),
        ...(ctx.gpuCount > 0 ? ['--tensor-parallel-size', String(ctx.gpuCount)] : []),
      ],
    });
  }

  /**
   * Hugging Face Text Generation Inference: `PORT` and `NUM_SHARD` (= the GPUs of the pod),
   * `MODEL_ID` = the model cache when there is one, `GET /health`; hub cache `HF_HOME` and
   * `HUGGINGFACE_HUB_CACHE` (text-generation-inference `docs/source/reference/launcher.md`).
   * Requests in flight: `tgi_queue_size` + `tgi_batch_current_size` (gauges at `/metrics` on the
   * server's port, `docs/source/reference/metrics.md`).
   */
  public static textGenerationInference(): ModelServer {
    return new ModelServer({
      name: 'tgi',
      needs: STOCK_IMAGES.tgi,
      metricName: 'tgi_requests_in_flight',
      metrics: { series: 'tgi_queue_size' },
      metricsQuery: 'sum(tgi_queue_size{<<.LabelMatchers>>} + tgi_batch_current_size{<<.LabelMatchers>>}) by (<<.GroupBy>>)',
      env: ctx => ({
        PORT: String(ctx.port),
        HOSTNAME: '0.0.0.0',
        HF_HOME: `${HOME_DIR}/.cache/huggingface`,
        HUGGINGFACE_HUB_CACHE: `${HOME_DIR}/.cache/huggingface/hub`,
        ...(ctx.gpuCount > 0 ? { NUM_SHARD: String(ctx.gpuCount) } : {}),
        ...(ctx.modelDir ? { MODEL_ID: ctx.modelDir, HF_HUB_OFFLINE: '1' } : {}),
      }),
      args: () => [],
    });
  }

  /**
   * NVIDIA Triton Inference Server: HTTP on the container port, `GET /v2/health/ready` (readiness)
   * and `/v2/health/live` (liveness), `--model-repository` = the model cache when there is one
   * (triton-inference-server/server docs). Metrics at `/metrics` on their own port, 8002 by default
   * (`--metrics-port`, `docs/user_guide/metrics.md`). Requests in flight by Little's law: the rate of
   * the counter `nv_inference_request_duration_us` (cumulative end-to-end time of the requests, queue
   * included, in microseconds) is the average number of requests in the server over the window.
   * (`nv_inference_pending_request_count` counts only the requests waiting for a backend, which
   * stays near zero until the server is saturated.)
   */
  public static triton(): ModelServer {
    return new ModelServer({
      name: 'triton',
      needs: STOCK_IMAGES.triton,
      metricName: 'triton_requests_in_flight',
      metrics: { series: 'nv_inference_request_duration_us' },
      metricsQuery: 'sum(rate(nv_inference_request_duration_us{<<.LabelMatchers>>}[1m])) by (<<.GroupBy>>) / 1000000',
      env: () => ({}),
      args: ctx => ['tritonserver', `--http-port=${ctx.port}`, `--metrics-port=${STOCK_IMAGES.triton.metricsPort}`,
        ...(ctx.modelDir ? [`--model-repository=${ctx.modelDir}`] : [])],
    });
  }

  /**
   * Any HTTP server. It should export a gauge `inference_requests_in_flight` (requests being
   * served or queued) at `/metrics` on its port for the autoscaler; otherwise choose
   * `ScalingMetric.cpuUtilization()`.
   */
  public static generic(options: GenericModelServerOptions = {}): ModelServer {
    const generic = STOCK_IMAGES.generic;
    const port = checkOptionalNumber('kubernetes.modelServer.port', options.port, { min: 1, max: 65535, integer: true }) ?? generic.port;
    const readinessPath = checkHttpPath('kubernetes.modelServer.readinessPath', options.readinessPath ?? generic.readinessPath);
    const livenessPath = checkHttpPath('kubernetes.modelServer.livenessPath', options.livenessPath ?? readinessPath);
    return new ModelServer({
      name: 'generic',
      needs: { ...generic, port, metricsPort: port, readinessPath, livenessPath },
      metricName: 'inference_requests_in_flight',
      metrics: { series: 'inference_requests_in_flight' },
      metricsQuery: 'sum(inference_requests_in_flight{<<.LabelMatchers>>}) by (<<.GroupBy>>)',
      env: () => ({}),
      args: () => [],
    });
  }

  /** The preset's name: `vllm`, `tgi`, `triton` or `generic`. */
  public readonly name: string;
  /** Port the server listens on by default. */
  public readonly port: number;
  /** HTTP path of the readiness (and startup) probe. */
  public readonly readinessPath: string;
  /** HTTP path of the liveness probe. */
  public readonly livenessPath: string;
  /**
   * Name of the per-pod custom metric of requests in flight, as the documented prometheus-adapter
   * rule exposes it (`custom.metrics.k8s.io`).
   */
  public readonly metricName: string;
  /** The prometheus-adapter `metricsQuery` that computes `metricName` from the server's own metrics. */
  public readonly metricsQuery: string;

  /** What the stock image needs from its pod (ports, probes, writable directories). @internal */
  public readonly _needs: StockImageNeeds;

  private constructor(private readonly spec: {
    name: string;
    needs: StockImageNeeds;
    metricName: string;
    metricsQuery: string;
    metrics: ModelServerMetrics;
    env: (ctx: ModelServerContext) => Record<string, string>;
    args: (ctx: ModelServerContext) => string[];
  }) {
    this.name = spec.name;
    this._needs = spec.needs;
    this.port = spec.needs.port;
    this.readinessPath = spec.needs.readinessPath;
    this.livenessPath = spec.needs.livenessPath;
    this.metricName = spec.metricName;
    this.metricsQuery = spec.metricsQuery;
  }

  /**
   * The server's environment: a user name for a UID the image may have no passwd entry for
   * (`USER`, `LOGNAME`: Python's `getpass.getuser()` reads them before `pwd.getpwuid()`, which
   * raises for such a UID), a writable `HOME` and XDG cache and config directories under it (every
   * server and library that writes under `$HOME` works on a read-only root), then its own.
   * @internal
   */
  public _env(ctx: ModelServerContext): Record<string, string> {
    return {
      USER: POD_USER_NAME,
      LOGNAME: POD_USER_NAME,
      HOME: HOME_DIR,
      XDG_CACHE_HOME: `${HOME_DIR}/.cache`,
      XDG_CONFIG_HOME: `${HOME_DIR}/.config`,
      ...this.spec.env(ctx),
    };
  }

  /**
   * The series of the server's Prometheus metrics that the adapter rule discovers.
   * @internal
   */
  public get _metrics(): ModelServerMetrics {
    return this.spec.metrics;
  }

  /** The server's arguments (appended to the image's entrypoint). @internal */
  public _args(ctx: ModelServerContext): string[] {
    return this.spec.args(ctx);
  }
}

/** An OpenAI model id: printable, no whitespace, quotes or `$`. */
const SERVED_MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:\/@+-]*$/;

const HTTP_PATH = /^\/[A-Za-z0-9._~!&'()*+,;=:@%\/-]*$/;

/** Checks an absolute HTTP path. @internal */
export function checkHttpPath(prop: string, path: string): string {
  return checkString(prop, path, { maxLength: 1024, pattern: HTTP_PATH, patternDescription: 'an absolute HTTP path such as "/health"' });
}

/** Checks a ModelServer value. @internal */
export function checkModelServer(value: unknown): ModelServer {
  if (!(value instanceof ModelServer)) {
    throw new InferenceWorkloadValidationError(
      `'kubernetes.modelServer' must be a ModelServer (ModelServer.vllm(), textGenerationInference(), triton(), generic()), got ${JSON.stringify(value)}`);
  }
  return value;
}
