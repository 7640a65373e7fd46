/**
 * The example platform: `npx cdk synth` (see cdk.json) places every workload below and
 * writes CloudFormation plus Kubernetes manifests into cdk.out.
 */
import { App, Size, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CacheSidecar, ClusterFlavor, CpuArchitecture, InferenceWorkload, ModelImage, ModelServer } from '../lib';

/** Builds the example app; exported so tests synthesize exactly what `cdk synth` does. */
export function buildExampleApp(app: App = new App()): App {
  // every InferenceWorkload registers the cached template validation on its app (cdk.json: 'inference-workload:templateValidation')
  const stack = new Stack(app, 'InferencePlatform', {
    description: 'Example inference platform placed by inference-workload',
  });

  // spiky, stateless, CPU-sized: stays on Lambda
  new InferenceWorkload(stack, 'TextClassifier', {
    image: ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/text-classifier:1.4.2'),
    profile: {
      memoryMiB: 2048,
      requestDurationP50Ms: 120,
      requestDurationP99Ms: 400,
      averageRequestsPerSecond: 2,
      peakRequestsPerSecond: 40,
      coldStartToleranceMs: 800,
    },
  });

  // one 24 GB GPU: jumps to Kubernetes
  new InferenceWorkload(stack, 'LlmChat', {
    image: ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/llm-chat:2.0.1'),
    profile: {
      memoryMiB: 30_720,
      gpuCount: 1,
      gpuMemoryGiB: 24,
      modelSizeGiB: 15,
      requestDurationP50Ms: 1500,
      requestDurationP99Ms: 6000,
      averageRequestsPerSecond: 3,
      peakRequestsPerSecond: 12,
      // the chat UI queues a burst on the warm replicas while a GPU node starts (the decision
      // estimates a scale-out at 385 s): the floor holds the average load, the autoscaler the peak
      coldStartToleranceMs: 400_000,
      // a prefix cache shared by the requests of one pod, in Redis next to the server
      nodeLocalStateGiB: 1,
      // at 25% utilization, without a team of its own for the cluster this would wait (band.wait: hybrid)
      teamRunsKubernetes: true,
    },
    kubernetes: {
      // a vLLM server: port 8000, tensor parallelism = the pod's GPUs, caches under a writable HOME,
      // and scaled on requests in flight (prometheus-adapter, see README.md, "Kubernetes: cluster prerequisites")
      modelServer: ModelServer.vllm(),
      // weights fetched from S3 to node-local disk before the server starts, read with this IRSA role
      modelUri: 's3://example-models/llm-chat/2.0.1/',
      serviceAccountRoleArn: 'arn:aws:iam::123456789012:role/llm-chat-model-reader',
      cacheSidecars: [CacheSidecar.redis()],
      // the GPU nodes' root volume (their EC2NodeClass's blockDeviceMappings): it holds the 19 GiB
      // model cache, which Karpenter's 20 GiB default does not
      nodeRootVolumeSize: Size.gibibytes(100),
    },
  });

  // The workloads below each show one placement rule firing (see docs/policy.md, "Rules").
  // Only SemanticSearch has `cpuFallbackCapable`, so only it is placed as hybrid.
  const ecr = (repo: string) => ModelImage.fromImageUri(`123456789012.dkr.ecr.us-east-1.amazonaws.com/${repo}`);

  // constraint.memory: a 16 GiB CPU ranking model does not fit Lambda's 10,240 MiB
  new InferenceWorkload(stack, 'FeatureRanker', {
    image: ecr('feature-ranker:3.1.0'),
    profile: {
      memoryMiB: 16_384,
      requestDurationP50Ms: 80,
      requestDurationP99Ms: 250,
      averageRequestsPerSecond: 20,
      peakRequestsPerSecond: 60,
      // 33% utilization: a team that runs Kubernetes (without one, band.wait would place it as hybrid)
      teamRunsKubernetes: true,
    },
  });

  // constraint.duration: a batch scorer whose p99 request takes 20 minutes, past Lambda's 900 s
  new InferenceWorkload(stack, 'BatchScorer', {
    image: ecr('batch-scorer:0.9.4'),
    profile: {
      memoryMiB: 4096,
      requestDurationP50Ms: 300_000,
      requestDurationP99Ms: 1_200_000,
      averageRequestsPerSecond: 0.01,
      peakRequestsPerSecond: 0.05,
      requestPayloadKiB: 512,
    },
  });

  // constraint.node-local-state: a recommender keeping 6 GiB of session state next to the model
  new InferenceWorkload(stack, 'SessionRecommender', {
    image: ecr('session-recommender:5.2.0'),
    profile: {
      memoryMiB: 8192,
      nodeLocalStateGiB: 6,
      requestDurationP50Ms: 25,
      requestDurationP99Ms: 80,
      averageRequestsPerSecond: 30,
      peakRequestsPerSecond: 90,
      // 33% utilization: a team that runs Kubernetes (without one, band.wait would place it as hybrid)
      teamRunsKubernetes: true,
    },
    // the 6 GiB of session state live in a Redis sidecar on localhost, next to the model, sized to the state
    kubernetes: { cacheSidecars: [CacheSidecar.redis()] },
  });

  // constraint.payload: scanned documents of 12 MiB, past Lambda's 6 MiB synchronous payload
  new InferenceWorkload(stack, 'DocumentOcr', {
    image: ecr('document-ocr:2.3.1'),
    profile: {
      memoryMiB: 3072,
      requestPayloadKiB: 12_288,
      requestDurationP50Ms: 900,
      requestDurationP99Ms: 2500,
      averageRequestsPerSecond: 0.5,
      peakRequestsPerSecond: 8,
    },
  });

  // constraint.image-size: a 14 GiB image, past Lambda's 10 GiB container image limit
  new InferenceWorkload(stack, 'VisionSegmenter', {
    image: ecr('vision-segmenter:1.0.0'),
    profile: {
      memoryMiB: 6144,
      imageSizeGiB: 14,
      modelSizeGiB: 5,
      requestDurationP50Ms: 400,
      requestDurationP99Ms: 1200,
      averageRequestsPerSecond: 0.5,
      peakRequestsPerSecond: 10,
    },
  });

  // constraint.jitter: a quote scorer with a 20 µs jitter budget needs dedicated, always-warm capacity
  new InferenceWorkload(stack, 'QuoteScorer', {
    image: ecr('quote-scorer:4.0.2'),
    profile: {
      memoryMiB: 2048,
      jitterBudgetMicros: 20,
      requestDurationP50Ms: 2,
      requestDurationP99Ms: 4,
      averageRequestsPerSecond: 200,
      peakRequestsPerSecond: 400,
      teamRunsKubernetes: true,
    },
    // whole, exclusive cores need nodes whose kubelet runs the static CPU manager: a Karpenter EC2NodeClass that sets it
    // (EKS Auto Mode cannot provide them, and refuses this workload)
    kubernetes: { flavor: ClusterFlavor.karpenter({ staticCpuManagerNodeClassName: 'static-cpu-manager' }) },
  });

  // economics.break-even: steady traffic at 80% utilization, well above the ~23% break-even
  new InferenceWorkload(stack, 'EmbeddingService', {
    image: ecr('embedding-service:1.7.0'),
    profile: {
      memoryMiB: 3072,
      requestDurationP50Ms: 60,
      requestDurationP99Ms: 150,
      averageRequestsPerSecond: 40,
      peakRequestsPerSecond: 50,
      teamRunsKubernetes: true,
    },
  });

  // constraint.cold-start: 100 ms tolerance, so Lambda keeps the whole peak warm (no on-demand spillover);
  // still cheapest on Lambda at 7% utilization
  new InferenceWorkload(stack, 'FraudScorer', {
    image: ecr('fraud-scorer:2.0.0'),
    profile: {
      memoryMiB: 1024,
      requestDurationP50Ms: 40,
      requestDurationP99Ms: 120,
      averageRequestsPerSecond: 1,
      peakRequestsPerSecond: 15,
      coldStartToleranceMs: 100,
    },
  });

  // band.hybrid: a GPU embeddings model that can also run on CPU, 33% utilization, no in-house Kubernetes team:
  // a Lambda control plane in front of a warm GPU floor, with the burst tail overflowing to Lambda. Its image is
  // arm64 (Graviton GPU nodes, g5g): GPU Lambda functions run on x86_64 only, so serverless GPUs are out
  // (constraint.managed-instances-gpu); an x86_64 build would land on GPU Managed Instances (band.serverless-gpu)
  const clusterVpc = ec2.Vpc.fromVpcAttributes(stack, 'ClusterVpc', {
    vpcId: 'vpc-0123456789abcdef0',
    vpcCidrBlock: '10.20.0.0/16',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
    privateSubnetRouteTableIds: ['rtb-0aaaaaaaaaaaaaaaa', 'rtb-0bbbbbbbbbbbbbbbb'],
    // the subnets' CIDR blocks let the data plane admit the load balancer's subnets only
    privateSubnetIpv4CidrBlocks: ['10.20.0.0/19', '10.20.32.0/19'],
  });
  new InferenceWorkload(stack, 'SemanticSearch', {
    image: ecr('semantic-search:3.1.0'),
    profile: {
      memoryMiB: 8192,
      gpuCount: 1,
      gpuMemoryGiB: 16,
      modelSizeGiB: 3,
      architecture: CpuArchitecture.ARM64,
      requestDurationP50Ms: 150,
      requestDurationP99Ms: 400,
      averageRequestsPerSecond: 20,
      peakRequestsPerSecond: 60,
      cpuFallbackCapable: true,
    },
    // the overflow runs the same image on Lambda: it embeds the AWS Lambda Web Adapter
    // (/opt/extensions/lambda-adapter), which forwards each invoke to the server on port 8080
    hybrid: { vpc: clusterVpc, overflowWebAdapter: { port: 8080 } },
  });

  // band.managed-instances: a CPU tagging model serving 2 requests per environment at 40% utilization, no Kubernetes team:
  // Lambda Managed Instances (EC2 price + 15% fee + requests) beat Lambda with provisioned concurrency, hybrid and Kubernetes
  new InferenceWorkload(stack, 'ImageTagger', {
    image: ecr('image-tagger:1.2.0'),
    profile: {
      memoryMiB: 3072,
      requestDurationP50Ms: 80,
      requestDurationP99Ms: 250,
      averageRequestsPerSecond: 60,
      peakRequestsPerSecond: 150,
      concurrencyPerReplica: 2,
    },
    managedInstances: { vpc: clusterVpc },
  });

  // band.serverless-gpu: a reranker that fits one 24 GiB GPU, at a moderate steady load (50% of its peak),
  // no Kubernetes team: a GPU Lambda Managed Instances function (EC2 GPU price + 15% fee + requests,
  // scaled on GPU utilization) within the band cost tolerance of GPU Kubernetes, without a cluster to run
  new InferenceWorkload(stack, 'Reranker', {
    image: ecr('reranker-gpu:1.0.0'),
    profile: {
      memoryMiB: 8192,
      gpuCount: 1,
      gpuMemoryGiB: 24,
      requestDurationP50Ms: 300,
      requestDurationP99Ms: 900,
      averageRequestsPerSecond: 20,
      peakRequestsPerSecond: 40,
      concurrencyPerReplica: 8,
    },
    managedInstances: { vpc: clusterVpc },
  });

  // band.wait (verdict "wait"): a CPU intent router at 50% utilization, 8 requests per server, no Kubernetes team.
  // Plain Kubernetes would be the cheapest option, but needs a team to run the cluster: the cheapest option that
  // needs none wins (Lambda Managed Instances), and the decision says what that costs
  new InferenceWorkload(stack, 'IntentRouter', {
    image: ecr('intent-router:0.4.0'),
    profile: {
      memoryMiB: 1024,
      requestDurationP50Ms: 60,
      requestDurationP99Ms: 150,
      averageRequestsPerSecond: 100,
      peakRequestsPerSecond: 200,
      concurrencyPerReplica: 8,
    },
    managedInstances: { vpc: clusterVpc },
  });

  // constraint.isolation (verdict "avoid"): a card-authorization scorer whose auditors require single-tenant hosts.
  // Lambda is in scope of AWS's PCI DSS and SOC reports; the requirement is this team's own, and it excludes every
  // target on shared serverless hosts (see README.md, "Verdicts")
  new InferenceWorkload(stack, 'CardAuthScorer', {
    image: ecr('card-auth-scorer:1.0.0'),
    profile: {
      memoryMiB: 4096,
      requestDurationP50Ms: 60,
      requestDurationP99Ms: 150,
      averageRequestsPerSecond: 5,
      peakRequestsPerSecond: 10,
      requiresSingleTenantHosts: true,
      teamRunsKubernetes: true,
    },
  });

  return app;
}

if (require.main === module) {
  buildExampleApp().synth();
}
