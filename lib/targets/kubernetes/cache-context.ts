import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { FetchPlan } from './fetch-plan';
import { checkString } from '../../private/validate';

/** What a cache sidecar renders into. @internal */
export interface CacheRenderContext {
  readonly chart: cdk8s.Chart;
  readonly deployment: kplus.Deployment;
  readonly server: kplus.Container;
  readonly tmpVolume: kplus.Volume;
  readonly user: number;
  readonly serverPort: number;
  readonly modelUri?: string;
  readonly modelSizeGiB: number;
  /** The declared node-local disk limit, MiB. */
  readonly nodeLocalLimitMiB?: number;
  /** Node-local state the decision priced in the pod, MiB (0 when stateless). */
  readonly stateMiB: number;
  /** CPU the decision priced for the state's store, millicores. */
  readonly stateCpuMillis?: number;
  /** Adds node-local disk (MiB) the pod writes to its ephemeral-storage request. */
  readonly addEphemeralStorage: (mib: number) => void;
  /** The registry the default images are pulled from (`kubernetes.imageRegistry`). */
  readonly imageRegistry?: string;
  /** Whether image tags never move (`kubernetes.immutableImageTags`). */
  readonly immutableImageTags: boolean;
  /** Whether the pod has an IAM role (IRSA or Pod Identity) that only the fetch may receive. */
  readonly restrictCredentials: boolean;
  /** The model cache's fetch step, as the start-up budget timed it. */
  readonly fetchPlan?: FetchPlan;
}

/**
 * What each kind of cache implements; a `CacheSidecar` holds one.
 * @internal
 */
export interface CacheImplementation {
  /**
   * CPU the cache's long-running container requests next to the server, millicores (0 for an init
   * step), given the CPU the decision priced for the node-local state's store.
   */
  _cpuMillis(stateCpuMillis?: number): number;

  /** Memory the cache's long-running container requests, MiB (0 for an init step). */
  _memoryMiB(stateMiB: number): number;

  /** The source URI, when the cache fetches one. */
  _uri?(targetUri: string | undefined): string | undefined;

  /** The directory the server reads the weights from, when the cache fetches them. */
  _modelDir?(targetUri: string | undefined): string | undefined;

  /** The HTTPS destinations of a fetch (empty: anywhere but the instance metadata service). */
  _egressCidrs?(): string[];

  /** The fetch step's size and rate, when the cache fetches the weights (fetch-plan.ts). */
  _fetchPlan?(targetUri: string | undefined, modelSizeGiB: number, diskThroughputMiBps: number): FetchPlan;

  /** Adds the cache's containers and volumes to the pod. */
  _render(ctx: CacheRenderContext): void;
}

const IMAGE = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\.[a-z0-9-]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$/;

/** Checks a cache image reference (a tag or a digest). */
export function checkImage(prop: string, image: string): string {
  return checkString(prop, image, {
    maxLength: 512,
    pattern: IMAGE,
    patternDescription: 'an image reference with a tag or digest',
  });
}
