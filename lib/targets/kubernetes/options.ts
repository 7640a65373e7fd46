import { Duration, Size } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CacheSidecar } from './cache-sidecar';
import { ClusterFlavor, ResolvedClusterFlavor } from './cluster';
import { GpuNodeLabels, NodeToleration } from './gpu';
import { ModelServer } from './model-server';
import {
  CheckedVolume, EgressDestination, EnvironmentSource, EnvironmentVariable, ExtraVolume, ModelCredentials, NetworkPeer, PreStopAction,
} from './pod-options';
import { ScalingMetric, ZoneSpread } from './scaling';

/**
 * Options for the Kubernetes target. They only apply when the workload is placed on
 * Kubernetes (or on the data plane of a hybrid).
 */
export interface KubernetesTargetOptions {
  /**
   * The cluster the manifests are for: its node provisioner (EKS Auto Mode, Karpenter, managed node
   * groups), DNS, IP family, load-balancer integration, metrics stack and Kubernetes version.
   * @default ClusterFlavor.karpenter() (CoreDNS, IPv4, AWS Load Balancer Controller v2.11+, Prometheus Operator)
   */
  readonly flavor?: ClusterFlavor;

  /**
   * Namespace of every object (a DNS-1123 label). The namespace must exist.
   * @default 'default'
   */
  readonly namespace?: string;

  /**
   * The model server in the image: its port, health endpoints, cache variables (pointed at a
   * writable home on an `emptyDir`), GPU parallelism and the metric of requests in flight.
   * @default ModelServer.generic()
   */
  readonly modelServer?: ModelServer;

  /**
   * Port the model server listens on (the Service port too).
   * @default - the model server's port (8080 for `ModelServer.generic()`)
   */
  readonly containerPort?: number;

  /**
   * Environment variables of the model server, after (and overriding) the model server preset's.
   * @default - none
   */
  readonly env?: EnvironmentVariable[];

  /**
   * Secrets and ConfigMaps whose every key becomes an environment variable of the model server (`envFrom`).
   * @default - none
   */
  readonly envFrom?: EnvironmentSource[];

  /**
   * Arguments of the model server (appended to the image's entrypoint), replacing the preset's.
   * @default - the model server preset's (e.g. `--tensor-parallel-size <GPUs>` for vLLM)
   */
  readonly args?: string[];

  /**
   * Secrets (`kubernetes.io/dockerconfigjson`) the kubelet pulls the images with (`imagePullSecrets`).
   * Not needed for ECR in the cluster's account (the node role pulls).
   * @default - none
   */
  readonly imagePullSecrets?: string[];

  /**
   * Volumes mounted into the model server: Secrets and ConfigMaps (read-only) or writable `emptyDir`s.
   * @default - none
   */
  readonly volumes?: ExtraVolume[];

  /**
   * A registry the library's own images (the model cache's AWS CLI, curl and ORAS, and Redis) are
   * pulled from instead of ECR Public, Docker Hub and GitHub's registry, for clusters without
   * internet access or with pull rate limits: each image keeps its repository path under it
   * (`<imageRegistry>/aws-cli/aws-cli:2.17.0`, `<imageRegistry>/curlimages/curl:8.10.1`,
   * `<imageRegistry>/oras-project/oras:v1.2.0`, `<imageRegistry>/docker/library/redis:7.2-alpine`),
   * as an ECR pull-through cache or a mirror lays them out. An image given per sidecar wins.
   * @default - the images' public registries
   */
  readonly imageRegistry?: string;

  /**
   * Whether the image tags never move (e.g. an ECR repository with immutable tags): the pods then
   * pull only images the node does not have (`imagePullPolicy: IfNotPresent`). Images pinned by
   * digest always do.
   * @default false
   */
  readonly immutableImageTags?: boolean;

  /**
   * Where an `s3://` or Amazon ECR `oci://` model's fetch gets AWS credentials. Such a model without
   * credentials the library wires fails at construction, naming this option. With a model cache, an
   * IRSA or Pod Identity role reaches the fetch containers only (`eks.amazonaws.com/skip-containers`).
   * @default - ModelCredentials.SERVICE_ACCOUNT_ROLE when `serviceAccountRoleArn` or `modelBucket` is given, else none
   */
  readonly modelCredentials?: ModelCredentials;

  /**
   * How a stopping pod waits before the server gets SIGTERM, so that endpoints and load balancers
   * stop sending it requests first.
   * @default PreStopAction.SLEEP (Kubernetes 1.30 or later)
   */
  readonly preStopAction?: PreStopAction;

  /**
   * Sources the pods accept connections from on the service port (NetworkPolicy ingress), e.g. an
   * ingress controller's namespace. A CIDR block of every address (`0.0.0.0/0`) is warned about at synth.
   * @default - the pods of the workload's namespace only (the hybrid's data plane: its load balancer's subnets)
   */
  readonly allowedIngressPeers?: NetworkPeer[];

  /**
   * Where the Prometheus that scrapes the model server's metrics runs: the NetworkPolicy admits it on
   * the metrics port (Triton's 8002, the service port for the others).
   * @default - pods of the namespace `monitoring` ({ namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' } })
   */
  readonly metricsScraper?: NetworkPeer;

  /**
   * Destinations the pods may connect to, in addition to the cluster DNS and, when a model cache
   * fetches weights, HTTPS to its `egressCidrs` (default: anywhere except the instance metadata
   * service) (NetworkPolicy egress).
   * `[{ cidr: '0.0.0.0/0' }]` allows every destination.
   * @default - none
   */
  readonly allowedEgress?: EgressDestination[];

  /**
   * Whether to emit the Namespace, with Pod Security "restricted" enforced
   * (`pod-security.kubernetes.io/enforce: restricted`) and the AWS Load Balancer Controller's pod
   * readiness gate injection (`elbv2.k8s.aws/pod-readiness-gate-inject: enabled`). Not for
   * `default` or a namespace another tool manages.
   * @default false
   */
  readonly createNamespace?: boolean;

  /**
   * Where the model weights are fetched from into the local model cache (`s3://`, `https://`,
   * `oci://`). Giving it adds `CacheSidecar.modelCache()` unless `cacheSidecars` has one.
   * @default - the image carries its weights (no model cache)
   */
  readonly modelUri?: string;

  /**
   * Local caches next to the model server: at most one `CacheSidecar.modelCache()` and any
   * `CacheSidecar.redis()`.
   * @default - a model cache when `modelUri` is given, otherwise none
   */
  readonly cacheSidecars?: CacheSidecar[];

  /**
   * The node labels the GPU node affinity is written with. The default selects the instance types
   * one pod fits on by `node.kubernetes.io/instance-type`, which Karpenter, EKS Auto Mode and the
   * Cluster Autoscaler know before a node exists.
   * @default GpuNodeLabels.instanceTypes()
   */
  readonly gpuNodeLabels?: GpuNodeLabels;

  /**
   * Taints the pods tolerate, in addition to `nvidia.com/gpu:NoSchedule` (added for GPU pods).
   * @default - none
   */
  readonly tolerations?: NodeToleration[];

  /**
   * RuntimeClass of the pods (`runtimeClassName`), e.g. `nvidia` when the NVIDIA container
   * runtime is not the node's default.
   * @default - the node's default runtime
   */
  readonly runtimeClassName?: string;

  /**
   * A MIG profile, e.g. `1g.10gb`: the pod asks for `nvidia.com/mig-<profile>` slices (one per GPU of
   * the decision) instead of whole `nvidia.com/gpu`s (MIG "mixed" strategy). The slice must hold the
   * decision's GPU memory. The product and memory node affinity is not added (the extended resource
   * already selects nodes with such slices).
   * @default - whole GPUs
   */
  readonly migProfile?: string;

  /**
   * PriorityClass of the pods (`priorityClassName`).
   * @default - the cluster's default priority
   */
  readonly priorityClassName?: string;

  /**
   * Size of the memory-backed `/dev/shm` (PyTorch data loaders and NCCL need more than the
   * runtime's 64 MiB). It counts against the model server's memory limit.
   * @default - a quarter of the pod memory, between 1 GiB and 16 GiB
   */
  readonly sharedMemorySize?: Size;

  /**
   * The most node-local disk one cache volume may take (`emptyDir` and local ephemeral volumes),
   * e.g. the free space of the GPU nodes' instance store. A larger cache volume is an error at synth.
   * @default - not checked
   */
  readonly nodeLocalStorageLimit?: Size;

  /**
   * How long the model server may take to start (startup probe: period 10 s, failure threshold
   * = this / 10 s).
   * @default - 2 minutes plus reading the model at `nodeDiskThroughputMiBps` (x 1.5) when a model cache fetched it, else 1 minute per GiB
   */
  readonly startupTimeout?: Duration;

  /**
   * Root volume of the nodes the pods run on (their node class's or launch template's). The pod's
   * node-local disk (model cache, home, `/tmp`, emptyDir volumes) must fit it, with the kubelet's
   * reserve and eviction threshold, or the workload is refused at synth.
   * @default - the flavor's default root volume: 20 GiB (Karpenter, managed node groups), 80 GiB (EKS Auto Mode)
   */
  readonly nodeRootVolumeSize?: Size;

  /**
   * Throughput of the nodes' root volume, MiB/s: the model cache's fetch and the server's read of the
   * weights are derived from it (startup probe, the Deployment's progress deadline).
   * @default 125 (a gp3 volume's baseline)
   */
  readonly nodeDiskThroughputMiBps?: number;

  /**
   * HTTP path of the readiness probe (and of the startup probe).
   * @default - the model server's (`/health`, `/v2/health/ready` for Triton)
   */
  readonly readinessProbePath?: string;

  /**
   * HTTP path of the liveness probe (more lenient than readiness: a busy server is taken out of
   * the endpoints long before it is restarted).
   * @default - the model server's (`/health`, `/v2/health/live` for Triton)
   */
  readonly livenessProbePath?: string;

  /**
   * How pods spread across availability zones.
   * @default ZoneSpread.BEST_EFFORT
   */
  readonly zoneSpread?: ZoneSpread;

  /**
   * What the HorizontalPodAutoscaler scales on (the workload's only scaler).
   * @default - ScalingMetric.requestsInFlight() for GPU pods (through prometheus-adapter), ScalingMetric.cpuUtilization(70) for CPU pods
   */
  readonly scalingMetric?: ScalingMetric;

  /**
   * How long the autoscaler waits before removing pods (`behavior.scaleDown.stabilizationWindowSeconds`,
   * at most 1 hour).
   * @default - the startup timeout, at least 10 minutes for GPU pods and 5 minutes for CPU pods
   */
  readonly scaleDownStabilization?: Duration;

  /**
   * UID (and GID, and `fsGroup`) every container runs as. Must not be 0.
   * @default 1000
   */
  readonly runAsUser?: number;

  /**
   * ARN of an existing IAM role for the pods (IRSA): set as the `eks.amazonaws.com/role-arn`
   * annotation of the ServiceAccount.
   * @default - no IAM role (or the role created for `modelBucket`)
   */
  readonly serviceAccountRoleArn?: string;

  /**
   * A bucket the model cache (or, without one, the model server) reads weights from. Creates an IAM
   * role in CloudFormation, trusted by the cluster's OIDC provider for this workload's
   * ServiceAccount only, and annotates the ServiceAccount with it (IRSA). The role reads the model's
   * prefix (`s3:GetObject`, `s3:ListBucket` under it; the whole bucket without an `s3://` model) and
   * decrypts through S3 with the bucket's KMS key when it has one. Needs `cluster`.
   * @default - no role is created
   */
  readonly modelBucket?: s3.IBucket;

  /**
   * An EKS cluster to deliver the manifests to through CloudFormation (`cluster.addCdk8sChart()`).
   * An imported cluster needs `kubectlRoleArn` and `kubectlLayer`.
   * @default - the manifests are written to `cdk.out/kubernetes/<stack>/<workload>.k8s.yaml` for a GitOps tool
   */
  readonly cluster?: eks.ICluster;
}

/**
 * The Kubernetes options after `check`: validated once, at construction, with their defaults.
 * @internal
 */
export interface CheckedKubernetesOptions {
  /** The cluster, with its defaults. */
  readonly flavor: ResolvedClusterFlavor;
  /** The EKS cluster the chart is delivered to. @default - the manifest is written to the cloud assembly */
  readonly cluster?: eks.ICluster;
  /** The bucket the IRSA role may read. @default - none */
  readonly modelBucket?: s3.IBucket;
  readonly namespace: string;
  /** The container port given; the model server's otherwise. */
  readonly port?: number;
  readonly modelServer: ModelServer;
  readonly env: EnvironmentVariable[];
  readonly envFrom: EnvironmentSource[];
  readonly args?: string[];
  readonly imagePullSecrets: string[];
  readonly volumes: CheckedVolume[];
  readonly immutableImageTags: boolean;
  /** The registry of the library's own images. @default - their public registries */
  readonly imageRegistry?: string;
  readonly modelCredentials?: ModelCredentials;
  readonly preStopAction: PreStopAction;
  /** Sources allowed on the service port; the pods of the namespace when undefined. */
  readonly allowedIngressPeers?: NetworkPeer[];
  /** Where the metrics scraper runs. */
  readonly metricsScraper: NetworkPeer;
  readonly allowedEgress: EgressDestination[];
  readonly createNamespace: boolean;
  readonly modelUri?: string;
  readonly cacheSidecars: CacheSidecar[];
  readonly gpuNodeLabels: GpuNodeLabels;
  readonly tolerations: NodeToleration[];
  readonly runtimeClassName?: string;
  readonly migProfile?: string;
  readonly priorityClassName?: string;
  readonly sharedMemoryMiB?: number;
  readonly nodeLocalLimitMiB?: number;
  readonly startupTimeoutSeconds?: number;
  /** The nodes' root volume declared, GiB; the flavor's default otherwise. */
  readonly nodeRootVolumeGiB?: number;
  readonly nodeDiskThroughputMiBps: number;
  /** The readiness path given; the model server's otherwise. */
  readonly readinessPath?: string;
  /** The liveness path given; the model server's otherwise. */
  readonly livenessPath?: string;
  readonly zoneSpread: ZoneSpread;
  /** The metric given; by GPU or CPU pod otherwise. */
  readonly scalingMetric?: ScalingMetric;
  readonly scaleDownStabilizationSeconds?: number;
  readonly runAsUser: number;
  readonly serviceAccountRoleArn?: string;
}
