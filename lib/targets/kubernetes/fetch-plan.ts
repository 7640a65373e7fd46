/*
 * The model cache's fetch step, sized from the model and its source: how many transfers it runs at
 * once, the CPU and memory that takes, and the rate it can then sustain. The start-up budget
 * (startup.ts) times the fetch with this same rate, so the progress deadline and the startup probe
 * fit the resources the fetch step is given.
 */

/**
 * What one transfer stream delivers, MiB/s: Amazon S3 serves 85-90 MB/s per request ("make one
 * concurrent request for each 85–90 MB/s of desired network throughput", with byte-range requests of
 * 8-16 MB, https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance-guidelines.html#optimizing-performance-guidelines-scale);
 * 85 MB/s is 81 MiB/s. Assumed for Amazon ECR blobs and HTTPS downloads (the Hugging Face Hub's CDN)
 * too: neither publishes a per-connection figure.
 */
const STREAM_MIBPS = 81;

/**
 * The AWS CLI's `s3` transfer defaults: `max_concurrent_requests` 10, `multipart_chunksize` 8 MB,
 * `max_queue_size` 1000 (https://docs.aws.amazon.com/cli/latest/topic/s3-config.html). A download is
 * split into ranged GETs of one chunk each, so one object gives at most size / 8 MiB requests.
 */
const AWS_CLI_DEFAULT_REQUESTS = 10;
const AWS_CLI_CHUNK_MIB = 8;
/** `oras pull --concurrency`, default 3 (oras-project/oras cmd/oras/root/pull.go at v1.3.3); one stream per blob. */
const ORAS_DEFAULT_CONCURRENCY = 3;
/** The most transfers planned at once: enough for 2.5 GiB/s, past which the instance's network, not the count, limits. */
const MAX_STREAMS = 32;

/**
 * What a client moves per vCPU, MiB/s: TLS decryption, copying into the page cache, and (for S3)
 * the AWS CLI's Python transfer manager. An assumption, not a measurement: AES-GCM runs at several
 * GB/s per core with AES-NI, so the client's own work dominates; the AWS CLI is taken at 100 MiB/s
 * per vCPU, curl and ORAS (C and Go, one stream each) at 200. Override with
 * `CacheSidecar.modelCache({ cpuMillis })`; the fetch is then timed at the rate that CPU sustains.
 */
const AWS_CLI_MIBPS_PER_VCPU = 100;
const NATIVE_MIBPS_PER_VCPU = 200;

/**
 * Memory of the fetch step, an assumption per client: the AWS CLI process (Python, botocore) 512 MiB
 * plus its transfer buffers, 1000 queued writes of 256 KiB (s3transfer's `max_io_queue_size` and
 * `io_chunksize` defaults, boto/s3transfer s3transfer/manager.py `TransferConfig`) and one 8 MiB
 * part per request in flight; curl and ORAS stream to disk, 256 MiB. The page cache the writes go
 * through is charged to the container but reclaimed, not a reason for more.
 */
const AWS_CLI_BASE_MIB = 512;
const AWS_CLI_IO_QUEUE_MIB = 250;
const NATIVE_BASE_MIB = 256;

/** CPU steps and bounds of the fetch step, millicores. */
const CPU_STEP_MILLIS = 250;
const MIN_CPU_MILLIS = 250;
const MAX_CPU_MILLIS = 4000;
const MEMORY_STEP_MIB = 256;

/** What the fetch plan is derived from. @internal */
export interface FetchPlanInput {
  /** The source (`s3://`, `oci://`, `https://`, `hf://`). */
  readonly uri: string;
  readonly modelSizeGiB: number;
  /** The disk the weights are written to, MiB/s: the fetch need not go faster. */
  readonly diskThroughputMiBps: number;
  /** CPU the user gave the fetch step, millicores. */
  readonly cpuMillis?: number;
  /** Memory the user gave the fetch step, MiB. */
  readonly memoryMiB?: number;
}

/** The fetch step's size and the rate it is timed at. @internal */
export interface FetchPlan {
  /** Transfers at once: the AWS CLI's `max_concurrent_requests`, ORAS's `--concurrency`; 1 for curl. */
  readonly streams: number;
  /** CPU of the fetch step (request and limit), millicores. */
  readonly cpuMillis: number;
  /** Memory of the fetch step (request and limit), MiB. */
  readonly memoryMiB: number;
  /** The rate the fetch is timed at, MiB/s: the slowest of the disk, the streams and the CPU. */
  readonly throughputMiBps: number;
  /** What sets that rate. */
  readonly boundBy: 'disk' | 'network' | 'cpu';
}

/** The fetch plan of a source. @internal */
export function fetchPlan(input: FetchPlanInput): FetchPlan {
  const modelMiB = input.modelSizeGiB * 1024;
  const disk = input.diskThroughputMiBps;
  const s3 = input.uri.startsWith('s3://');
  // streams enough for the disk's rate: S3 and ORAS run them in parallel, curl fetches one file at a time
  const wanted = Math.min(MAX_STREAMS, Math.ceil(disk / STREAM_MIBPS));
  let streams: number;
  let networkStreams: number;
  if (s3) {
    streams = Math.max(AWS_CLI_DEFAULT_REQUESTS, wanted);
    // one object splits into size / chunk ranges; a prefix's objects are fetched in parallel too
    networkStreams = input.uri.endsWith('/') ? streams : Math.min(streams, Math.max(1, Math.ceil(modelMiB / AWS_CLI_CHUNK_MIB)));
  } else if (input.uri.startsWith('oci://')) {
    streams = Math.max(ORAS_DEFAULT_CONCURRENCY, wanted);
    // ORAS fetches each blob in one stream: a model in one layer gets one, whatever the concurrency
    networkStreams = 1;
  } else {
    streams = 1;
    networkStreams = 1;
  }
  const network = networkStreams * STREAM_MIBPS;
  const perVcpu = s3 ? AWS_CLI_MIBPS_PER_VCPU : NATIVE_MIBPS_PER_VCPU;
  const unbounded = Math.min(disk, network);
  const cpuMillis = input.cpuMillis
    ?? clamp(roundUp(unbounded / perVcpu * 1000, CPU_STEP_MILLIS), MIN_CPU_MILLIS, MAX_CPU_MILLIS);
  const cpuRate = cpuMillis / 1000 * perVcpu;
  const throughputMiBps = Math.min(disk, network, cpuRate);
  const memoryMiB = input.memoryMiB
    ?? roundUp(s3 ? AWS_CLI_BASE_MIB + AWS_CLI_IO_QUEUE_MIB + streams * AWS_CLI_CHUNK_MIB : NATIVE_BASE_MIB, MEMORY_STEP_MIB);
  return {
    streams,
    cpuMillis,
    memoryMiB,
    throughputMiBps,
    boundBy: throughputMiBps === disk ? 'disk' : throughputMiBps === network ? 'network' : 'cpu',
  };
}

function roundUp(value: number, step: number): number {
  return Math.ceil(value / step) * step;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
