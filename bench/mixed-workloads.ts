/**
 * The mixed platform every benchmark app builds: workload i is a spiky CPU classifier
 * (the default policy places it on Lambda) when i is even, and a one-GPU chat model
 * (placed on Kubernetes) when i is odd. Workloads fill stacks of `WORKLOADS_PER_STACK`,
 * as `InferencePlatform` does by default.
 */

/** The image every workload runs (an ECR URI, so that Lambda can pull it). */
export const IMAGE_URI = '123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1.0.0';

/** The platform construct's id (and the prefix of its stack names). */
export const PLATFORM_ID = 'Bench';

/** `InferencePlatform`'s default. */
export const WORKLOADS_PER_STACK = 25;

/** The two kinds of workload in the mix. */
export enum WorkloadKind {
  /** `WorkloadTemplates.spikyClassifier()`: 5% sustained utilization, placed on Lambda. */
  SPIKY_CPU = 'spiky-cpu',
  /** `WorkloadTemplates.llmChat()`: one 24 GiB GPU, placed on Kubernetes. */
  GPU = 'gpu',
}

/** One workload of the mix. */
export interface MixedWorkload {
  /** Construct id, e.g. `Spiky0` or `Gpu1`. */
  readonly id: string;
  /** Workload name (the construct id in kebab case), e.g. `spiky0`. */
  readonly name: string;
  /** Which kind. */
  readonly kind: WorkloadKind;
  /** Index of the workload's stack, 0-based: `Stack${stackIndex + 1}`. */
  readonly stackIndex: number;
}

/** The `n` workloads of the mix, in declaration order. */
export function mixedWorkloads(n: number): MixedWorkload[] {
  const out: MixedWorkload[] = [];
  for (let i = 0; i < n; i++) {
    const kind = i % 2 === 0 ? WorkloadKind.SPIKY_CPU : WorkloadKind.GPU;
    const id = `${kind === WorkloadKind.SPIKY_CPU ? 'Spiky' : 'Gpu'}${i}`;
    out.push({ id, name: id.toLowerCase(), kind, stackIndex: Math.floor(i / WORKLOADS_PER_STACK) });
  }
  return out;
}
