/**
 * The mixed platform built with this library, through its public API:
 * `InferencePlatform.addWorkload()` with the `spikyClassifier` and `llmChat` templates.
 */
import { App } from 'aws-cdk-lib';
import { InferencePlatform, ModelImage, PlacementTarget, WorkloadTemplates } from '../../lib';
import { IMAGE_URI, mixedWorkloads, PLATFORM_ID, WorkloadKind, WORKLOADS_PER_STACK } from '../mixed-workloads';

/** What the library placed where. */
export interface LibraryPlacements {
  readonly lambda: number;
  readonly kubernetes: number;
  readonly hybrid: number;
}

/**
 * Builds the app with `n` mixed workloads and checks that the default policy placed every
 * spiky workload on Lambda and every GPU workload on Kubernetes (else the comparison with the
 * hand-written app would be meaningless).
 */
export function buildLibraryApp(outdir: string, n: number, context: Record<string, unknown> = {}): { app: App; placements: LibraryPlacements } {
  const app = new App({ outdir, context });
  const platform = new InferencePlatform(app, PLATFORM_ID, { workloadsPerStack: WORKLOADS_PER_STACK });
  const image = ModelImage.fromImageUri(IMAGE_URI);
  const count = { lambda: 0, kubernetes: 0, hybrid: 0 };
  for (const w of mixedWorkloads(n)) {
    const props = w.kind === WorkloadKind.SPIKY_CPU
      ? WorkloadTemplates.spikyClassifier({ image })
      : WorkloadTemplates.llmChat({ image });
    const workload = platform.addWorkload(w.id, props);
    const expected = w.kind === WorkloadKind.SPIKY_CPU ? PlacementTarget.LAMBDA : PlacementTarget.KUBERNETES;
    if (workload.decision.target !== expected) {
      throw new Error(`${w.id}: expected the default policy to place it on ${expected}, got ${workload.decision.target}`);
    }
    count[workload.decision.target]++;
  }
  return { app, placements: count };
}
