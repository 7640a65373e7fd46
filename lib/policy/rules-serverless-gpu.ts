import { acceleratorMemoryFor, gpuScalesToZero } from './cost';
import { formatPercent, formatUsd, PlacementTarget, RuleKind, RuleVerdict } from './decision';
import { ARTICLE_THRESHOLDS, MANAGED_INSTANCES_GPU_LIMITS as GPU } from './limits';
import { CpuArchitecture, ResolvedProfile } from './profile';
import { ChoiceRule, ConstraintRule, EngineMode } from './rule-types';

/*
 * Serverless GPUs: when a GPU model may run as a Lambda Managed Instances GPU function, and when it
 * is placed there. The seed article's "jump to bare metal for GPU serving" is a priced decision here:
 * the constraint keeps out what a GPU function cannot run (several devices, more than 48 GiB per
 * device, arm64 only); the other GPU-relevant limits are rows of the main table (jitter and node-local
 * state exclude Managed Instances, traffic that more than doubles within 5 minutes sets the warm
 * floor); the band then compares the GPU function's price with GPU Kubernetes and the hybrid.
 */

const K = PlacementTarget.KUBERNETES;
const H = PlacementTarget.HYBRID;
const M = PlacementTarget.LAMBDA_MANAGED_INSTANCES;
const MAX_DEVICE_GIB = GPU.acceleratorMemorySizesGiB[GPU.acceleratorMemorySizesGiB.length - 1];
const ACCELERATOR_DOCS = 'AcceleratorMemorySize 3, 6, 12, 16, 24 or 48 GiB per device, Image package type and x86_64 only '
  + '(docs.aws.amazon.com/lambda/latest/api/API_AcceleratorConfig.html; docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-acceleratorconfig.html; '
  + 'aws-cdk-lib 2.278 aws-lambda FunctionOptions.acceleratorConfig)';

/** Why a GPU model cannot run as a Managed Instances GPU function, or undefined when it can. */
function gpuFunctionMisfit(p: ResolvedProfile): string | undefined {
  if (p.gpuCount > GPU.devicesPerEnvironment) {
    return `needs ${p.gpuCount} GPUs per model server (tensor parallelism across devices); a Lambda Managed Instances GPU function `
      + `gets ${GPU.devicesPerEnvironment} accelerator device per execution environment here, so the model runs on Kubernetes`;
  }
  if (acceleratorMemoryFor(p) === undefined) {
    return `needs ${p.gpuMemoryGiB} GiB per GPU; a GPU function's device is at most ${MAX_DEVICE_GIB} GiB (AcceleratorMemorySize)`;
  }
  if (p.architecture === CpuArchitecture.ARM64) {
    return 'the image is arm64 only; GPU functions run on x86_64 only';
  }
  return undefined;
}

/** The constraint rows: where a GPU function cannot run the model. Ids are a contract. */
export const SERVERLESS_GPU_CONSTRAINTS: readonly ConstraintRule[] = [
  {
    id: 'constraint.managed-instances-gpu',
    kind: RuleKind.CONSTRAINT,
    excludes: [M],
    blocksLambdaOverflow: false,
    condition: `gpuCount > ${GPU.devicesPerEnvironment}, or gpuMemoryGiB > ${MAX_DEVICE_GIB}, or an arm64-only image (GPU models)`,
    threshold: `${GPU.devicesPerEnvironment} device of at most ${MAX_DEVICE_GIB} GiB per execution environment; x86_64`,
    source: ACCELERATOR_DOCS,
    evaluate: ({ p }) => {
      if (p.gpuCount === 0) {
        return { fired: false, reason: 'CPU only (0 GPUs)' };
      }
      const misfit = gpuFunctionMisfit(p);
      return misfit !== undefined
        ? { fired: true, reason: misfit }
        : { fired: false, reason: () => `${p.gpuCount} GPU with ${p.gpuMemoryGiB} GiB fits a GPU function's ${acceleratorMemoryFor(p)} GiB device (x86_64, container image)` };
    },
  },
];

/** The band row: a GPU model placed on serverless GPUs when they are priced so. Ids are a contract. */
export const SERVERLESS_GPU_CHOICES: readonly ChoiceRule[] = [
  {
    id: 'band.serverless-gpu',
    kind: RuleKind.BAND,
    modes: [EngineMode.RULES],
    skippedReason: 'the cost-optimized policy does not apply the utilization bands',
    condition: 'a GPU model that fits one GPU function device, and Lambda Managed Instances cheaper than the current choice '
      + '(without a Kubernetes team: at most the band cost tolerance above it)',
    threshold: 'band cost tolerance (without a Kubernetes team); the break-evens with Kubernetes and the hybrid',
    source: 'Lambda Managed Instances pricing (EC2 on-demand + 15% management fee + $0.20 per million requests, aws.amazon.com/lambda/pricing); '
      + 'GPU functions scale on GPU utilization, 40% by default, and "requests might fail if GPU capacity isn\'t available" '
      + '(docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-gpu-scaling.html); article: "20-60% utilization, don\'t have dedicated DevOps team"',
    evaluate: ({ p, o, current, cost, feasible, usd, managedBreakEven }) => {
      if (p.gpuCount === 0) {
        return { verdict: RuleVerdict.SKIPPED, reason: 'CPU model (band.managed-instances compares Lambda Managed Instances)' };
      }
      const misfit = gpuFunctionMisfit(p);
      if (misfit !== undefined) {
        return { verdict: RuleVerdict.SKIPPED, reason: `excluded by constraint.managed-instances-gpu: ${misfit}` };
      }
      if (!feasible(M)) {
        return {
          verdict: RuleVerdict.SKIPPED,
          reason: () => cost(M) === undefined
            ? 'no GPU instance type in the price table holds one GPU function execution environment'
            : `Lambda Managed Instances are excluded by ${cost(M)!.excludedBy!.join(', ')}`,
        };
      }
      if (current === undefined) {
        return { verdict: RuleVerdict.FIRED, favours: M, choose: M, reason: () => `GPU Lambda Managed Instances are the only feasible target (${formatUsd(usd(M))}/mo)` };
      }
      const tolerance = p.teamRunsKubernetes ? 0 : o.bandCostTolerance;
      const u = p.sustainedUtilization;
      const others = () => [K, H].filter(t => t !== current && feasible(t)).map(t => `${t} ${formatUsd(usd(t))}/mo`).join(', ');
      const breakEvens = () => {
        const b = managedBreakEven();
        const at = (x: number | undefined) => (x === undefined ? 'n/a' : formatPercent(x));
        return `break-even with Kubernetes ${at(b?.versusKubernetes)}, with hybrid ${at(b?.versusHybrid)}`;
      };
      const risk = () => gpuScalesToZero(p)
        ? `scales to zero: the profile allows it and tolerates ${p.coldStartToleranceMs / 1000} s, and a start from zero may fail while no GPU capacity is available`
        : 'keeps a warm floor (no scale from zero); above it, new GPU instances may be unavailable when traffic grows';
      const compared = () => `GPU Lambda Managed Instances ${formatUsd(usd(M))}/mo vs ${current} ${formatUsd(usd(current))}/mo`
        + `${others() ? ` (${others()})` : ''} at ${formatPercent(u)} sustained utilization; ${breakEvens()}`;
      if (usd(M) <= usd(current) * (1 + tolerance)) {
        const why = p.teamRunsKubernetes
          ? 'the team runs Kubernetes and serverless GPUs are cheaper'
          : usd(M) <= usd(current)
            ? 'no Kubernetes team, and serverless GPUs are cheaper'
            : `no Kubernetes team, and serverless GPUs are within ${Math.round(tolerance * 100)}% of ${current}`;
        return {
          verdict: RuleVerdict.FIRED,
          favours: M,
          choose: M,
          threshold: () => `${Math.round(tolerance * 100)}% band cost tolerance`,
          reason: () => `one GPU with ${p.gpuMemoryGiB} GiB fits a GPU function: ${why}: ${compared()}; capacity risk: ${risk()}`,
        };
      }
      return {
        verdict: RuleVerdict.PASSED,
        threshold: () => `${Math.round(tolerance * 100)}% band cost tolerance`,
        reason: () => `serverless GPUs cost more than ${current}${tolerance > 0 ? ` by over ${Math.round(tolerance * 100)}%` : ''}: ${compared()}`
          + (u > ARTICLE_THRESHOLDS.hybridBandMax ? `; at over ${formatPercent(ARTICLE_THRESHOLDS.hybridBandMax)} sustained the GPUs are busy enough for dedicated nodes` : ''),
      };
    },
  },
];
