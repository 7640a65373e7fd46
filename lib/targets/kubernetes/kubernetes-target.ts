import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ModelImage } from '../../image';
import { KubernetesSizing, PlacementDecision } from '../../policy';
import { InferenceWorkloadValidationError } from '../../policy/errors';
import { checkOptionalNumber } from '../../policy/validate';

/**
 * Options for the Kubernetes target. They only apply when the workload is placed on
 * Kubernetes (or on the data plane of a hybrid).
 */
export interface KubernetesTargetOptions {
  /**
   * Namespace of every object.
   * @default 'default'
   */
  readonly namespace?: string;

  /**
   * Port the model server listens on.
   * @default 8080
   */
  readonly containerPort?: number;

  /**
   * Where the model weights are fetched from into the local cache (`s3://`, `https://`).
   * @default - the image carries its weights
   */
  readonly modelUri?: string;
}

/** What the Kubernetes renderer produced. */
export interface KubernetesRendering {
  /** The chart holding every object of the workload. */
  readonly chart: cdk8s.Chart;
  /** The model server Deployment. */
  readonly deployment: kplus.Deployment;
  /** The ClusterIP Service in front of it. */
  readonly service: kplus.Service;
}

/** Inputs of the Kubernetes renderer. @internal */
export interface KubernetesRenderInput {
  readonly workloadName: string;
  readonly image: ModelImage;
  readonly decision: PlacementDecision;
  readonly options: KubernetesTargetOptions;
}

/** The label GPU nodes carry and the taint they are given. */
const GPU_RESOURCE = 'nvidia.com/gpu';
const GFD_PRODUCT_LABEL = 'nvidia.com/gpu.product';

/**
 * Renders a decision into a cdk8s chart in its own cdk8s app (so that many workloads
 * synthesize in linear time). Object names are a contract.
 * @internal
 */
export function renderKubernetes(input: KubernetesRenderInput): KubernetesRendering {
  const sizing = requireSizing(input.decision);
  const port = checkOptionalNumber('kubernetes.containerPort', input.options.containerPort, { min: 1, max: 65535, integer: true }) ?? 8080;
  const name = input.workloadName;
  const app = new cdk8s.App();
  const chart = new cdk8s.Chart(app, name, {
    namespace: input.options.namespace,
    labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/managed-by': 'inference-workload' },
  });

  const cacheVolume = kplus.Volume.fromEmptyDir(chart, 'ModelCacheVolume', 'model-cache');
  const deployment = new kplus.Deployment(chart, 'Deployment', {
    metadata: { name },
    // no `replicas`: the HorizontalPodAutoscaler owns the replica count
    containers: [{
      name: 'model-server',
      image: input.image.kubernetesImageReference(),
      portNumber: port,
      envVariables: { MODEL_DIR: kplus.EnvValue.fromValue('/models') },
      resources: {
        cpu: { request: kplus.Cpu.millis(sizing.cpuMillis), limit: kplus.Cpu.millis(sizing.cpuMillis) },
        memory: { request: cdk8s.Size.mebibytes(sizing.memoryMiB), limit: cdk8s.Size.mebibytes(sizing.memoryMiB) },
      },
      volumeMounts: [{ path: '/models', volume: cacheVolume, readOnly: true }],
    }],
  });
  // local model cache: a sidecar keeps the weights on node-local disk next to the server
  deployment.addContainer({
    name: 'model-cache',
    image: 'public.ecr.aws/aws-cli/aws-cli:2.17.0',
    command: ['sh', '-c', `aws s3 sync "${input.options.modelUri ?? 's3://models/' + name}" /models && sleep infinity`],
    resources: {
      cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
      memory: { request: cdk8s.Size.mebibytes(256), limit: cdk8s.Size.mebibytes(512) },
    },
    volumeMounts: [{ path: '/models', volume: cacheVolume }],
  });

  if (sizing.gpuCount > 0) {
    addGpuLimit(deployment, 0, sizing.gpuCount);
    deployment.scheduling.attract(kplus.Node.labeled(kplus.NodeLabelQuery.in(GFD_PRODUCT_LABEL, [sizing.gpuProduct ?? 'NVIDIA-A10G'])));
    deployment.scheduling.tolerate(kplus.Node.tainted(kplus.NodeTaintQuery.exists(GPU_RESOURCE, { effect: kplus.TaintEffect.NO_SCHEDULE })));
  }

  const service = new kplus.Service(chart, 'Service', {
    metadata: { name },
    type: kplus.ServiceType.CLUSTER_IP,
    selector: deployment,
    ports: [{ name: 'http', port, targetPort: port }],
  });

  new kplus.HorizontalPodAutoscaler(chart, 'Autoscaler', {
    metadata: { name },
    target: deployment,
    minReplicas: sizing.replicasMin,
    maxReplicas: sizing.replicasMax,
    metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70))],
  });

  new kplus.k8s.KubePodDisruptionBudget(chart, 'DisruptionBudget', {
    metadata: { name },
    spec: {
      ...(sizing.replicasMin > 1
        ? { minAvailable: kplus.k8s.IntOrString.fromNumber(sizing.replicasMin - 1) }
        : { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1) }),
      selector: { matchLabels: deployment.matchLabels },
    },
  });

  return { chart, deployment, service };
}

/**
 * cdk8s-plus-28 has no GPU field: this is the one place that sets `nvidia.com/gpu`.
 * The JSON pointer escapes `/` as `~1`, and the value must be a k8s Quantity (a plain
 * string renders as `null`).
 * @internal
 */
export function addGpuLimit(deployment: kplus.Deployment, containerIndex: number, count: number): void {
  cdk8s.ApiObject.of(deployment).addJsonPatch(cdk8s.JsonPatch.add(
    `/spec/template/spec/containers/${containerIndex}/resources/limits/nvidia.com~1gpu`,
    kplus.k8s.Quantity.fromNumber(count),
  ));
}

function requireSizing(decision: PlacementDecision): KubernetesSizing {
  if (!decision.kubernetes) {
    throw new InferenceWorkloadValidationError(`'decision' has no Kubernetes sizing for target ${decision.target}; the policy ${decision.policyName} must size Kubernetes placements`);
  }
  return decision.kubernetes;
}
