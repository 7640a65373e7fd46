import { Size } from 'aws-cdk-lib';
import { checkDnsSubdomain, sizeMiB } from './validate';
import { InferenceWorkloadValidationError } from '../../errors';

/** Options of `CacheVolume.emptyDir()`. */
export interface EmptyDirCacheOptions {
  /**
   * The most node-local disk the volume may use (`emptyDir.sizeLimit`).
   * @default - 1.25 x the model size, at least 1 GiB
   */
  readonly sizeLimit?: Size;
}

/** Options of `CacheVolume.ephemeral()`. */
export interface EphemeralCacheOptions {
  /**
   * StorageClass of the volume, e.g. a local-NVMe class of the local static provisioner or
   * TopoLVM (`local-nvme`).
   */
  readonly storageClassName: string;
  /** Size of the volume. */
  readonly size: Size;
}

/** Kinds of cache volume. */
export enum CacheVolumeType {
  /** An `emptyDir` on the node's disk. */
  EMPTY_DIR = 'emptyDir',
  /** A generic ephemeral volume (created and deleted with the pod). */
  EPHEMERAL = 'ephemeral',
  /** An existing PersistentVolumeClaim. */
  PERSISTENT_VOLUME_CLAIM = 'persistentVolumeClaim',
}

/**
 * Where a model cache keeps the weights. Never a `hostPath`: every kind is allowed by the Pod
 * Security Standard "restricted".
 */
export class CacheVolume {
  /**
   * An `emptyDir` on the node's local disk, optionally size-limited. Node-local and lost with the pod.
   */
  public static emptyDir(options: EmptyDirCacheOptions = {}): CacheVolume {
    const mib = options.sizeLimit === undefined ? undefined : sizeMiB('cacheVolume.sizeLimit', options.sizeLimit);
    return new CacheVolume(CacheVolumeType.EMPTY_DIR, mib, true);
  }

  /**
   * A generic ephemeral volume (`ephemeral.volumeClaimTemplate`) on a StorageClass, typically a
   * local-NVMe class: provisioned with the pod, on its node, and deleted with it.
   */
  public static ephemeral(options: EphemeralCacheOptions): CacheVolume {
    if (!options || typeof options !== 'object') {
      throw new InferenceWorkloadValidationError(`'cacheVolume' options must be an object with storageClassName and size, got ${String(options)}`);
    }
    checkDnsSubdomain('cacheVolume.storageClassName', options.storageClassName);
    const mib = sizeMiB('cacheVolume.size', options.size);
    return new CacheVolume(CacheVolumeType.EPHEMERAL, mib, true, options.storageClassName);
  }

  /**
   * An existing PersistentVolumeClaim (for example a ReadOnlyMany claim pre-filled with the
   * weights, or a ReadWriteMany claim shared by every replica). Not node-local: the node-local
   * limit does not apply.
   */
  public static persistentVolumeClaim(claimName: string): CacheVolume {
    checkDnsSubdomain('cacheVolume.claimName', claimName);
    return new CacheVolume(CacheVolumeType.PERSISTENT_VOLUME_CLAIM, undefined, false, undefined, claimName);
  }

  /** The kind of volume. */
  public readonly type: CacheVolumeType;
  /** The size in MiB (size limit of an `emptyDir`, size of an ephemeral volume); unknown for a PVC. */
  public readonly sizeMiB?: number;
  /** Whether the volume lives on the pod's node (counts against the node-local limit). */
  public readonly nodeLocal: boolean;
  /** StorageClass of an ephemeral volume. */
  public readonly storageClassName?: string;
  /** Name of an existing PVC. */
  public readonly claimName?: string;

  private constructor(type: CacheVolumeType, sizeMiBValue: number | undefined, nodeLocal: boolean, storageClassName?: string, claimName?: string) {
    this.type = type;
    this.sizeMiB = sizeMiBValue;
    this.nodeLocal = nodeLocal;
    this.storageClassName = storageClassName;
    this.claimName = claimName;
  }
}
