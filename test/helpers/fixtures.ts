/**
 * Fixtures shared by several test files: a CPU and a GPU profile, the hybrid workload and the
 * cluster VPC it needs, and a file walker for cloud assemblies.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { CpuArchitecture, WorkloadProfile } from '../../lib';

/** Spiky, stateless, small CPU model: the default policy places it on Lambda with provisioned concurrency. */
export const CPU_PROFILE: WorkloadProfile = {
  memoryMiB: 2048,
  requestDurationP50Ms: 100,
  requestDurationP99Ms: 300,
  averageRequestsPerSecond: 2,
  peakRequestsPerSecond: 40,
};

/** A model on one 24 GiB GPU with 30 GiB of host memory: Lambda is excluded (GPU, memory), the default policy places it on Kubernetes. */
export const GPU_PROFILE: WorkloadProfile = {
  memoryMiB: 30_720,
  gpuCount: 1,
  gpuMemoryGiB: 24,
  requestDurationP50Ms: 1500,
  averageRequestsPerSecond: 3,
  peakRequestsPerSecond: 12,
  // 25% utilization: without a team that runs Kubernetes, band.wait places it as hybrid
  teamRunsKubernetes: true,
};

/**
 * The example app's ImageTagger: a CPU model serving 2 requests per environment at 40%
 * utilization, no Kubernetes team: the default policy places it on Lambda Managed Instances.
 */
export const MANAGED_INSTANCES_PROFILE: WorkloadProfile = {
  memoryMiB: 3072,
  requestDurationP50Ms: 80,
  requestDurationP99Ms: 250,
  averageRequestsPerSecond: 60,
  peakRequestsPerSecond: 150,
  concurrencyPerReplica: 2,
};

/** One 24 GiB GPU, a steady 50% of a moderate peak, no Kubernetes team: the default policy places it on GPU Lambda Managed Instances. */
export const SERVERLESS_GPU_PROFILE: WorkloadProfile = {
  memoryMiB: 8192,
  gpuCount: 1,
  gpuMemoryGiB: 24,
  requestDurationP50Ms: 300,
  requestDurationP99Ms: 900,
  averageRequestsPerSecond: 20,
  peakRequestsPerSecond: 40,
  concurrencyPerReplica: 8,
};

/** A GPU model that can also run on CPU, in the middle band, run by a team without Kubernetes: the default policy places it as hybrid. */
export const HYBRID_PROFILE: WorkloadProfile = {
  memoryMiB: 8192,
  gpuCount: 1,
  gpuMemoryGiB: 16,
  modelSizeGiB: 3,
  // an arm64 build (Graviton GPU nodes), as the example's SemanticSearch: GPU Lambda functions run on
  // x86_64 only, so serverless GPUs do not compete (an x86_64 build lands on them: band.serverless-gpu)
  architecture: CpuArchitecture.ARM64,
  requestDurationP50Ms: 150,
  requestDurationP99Ms: 400,
  averageRequestsPerSecond: 20,
  peakRequestsPerSecond: 60,
  cpuFallbackCapable: true,
};

/**
 * The cluster's VPC, imported with concrete ids and CIDR (what the hybrid target needs; no lookup,
 * no network), with its two private subnets' CIDR blocks when given.
 */
export function importedVpc(scope: Construct, cidr: string = '10.20.0.0/16', id: string = 'ClusterVpc', subnetCidrs?: string[]): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(scope, id, {
    vpcId: 'vpc-0123456789abcdef0',
    vpcCidrBlock: cidr,
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'],
    privateSubnetRouteTableIds: ['rtb-0aaaaaaaaaaaaaaaa', 'rtb-0bbbbbbbbbbbbbbbb'],
    ...(subnetCidrs ? { privateSubnetIpv4CidrBlocks: subnetCidrs } : {}),
  });
}

/** Every file under `dir`, as paths relative to it, sorted; `[]` when `dir` is absent. */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) {
    return [];
  }
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        walk(p);
      } else {
        out.push(path.relative(dir, p));
      }
    }
  };
  walk(dir);
  return out.sort();
}
