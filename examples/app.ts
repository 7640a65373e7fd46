/**
 * The example platform: `npx cdk synth` (see cdk.json) places every workload below and
 * writes CloudFormation plus Kubernetes manifests into cdk.out.
 */
import { App, Stack } from 'aws-cdk-lib';
import { InferenceWorkload, ModelImage } from '../lib';

/** Builds the example app; exported so tests synthesize exactly what `cdk synth` does. */
export function buildExampleApp(app: App = new App()): App {
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
      coldStartToleranceMs: 200,
    },
    kubernetes: { modelUri: 's3://example-models/llm-chat/2.0.1/' },
  });

  return app;
}

if (require.main === module) {
  buildExampleApp().synth();
}
