import { ModelImage } from '../image';

/** What every renderer knows of the workload besides its decision and checked options. @internal */
export interface WorkloadIdentity {
  /** The workload's name (DNS-1123 label): object names, descriptions, the manifest file name. */
  readonly workloadName: string;
  /** The model server's image. */
  readonly image: ModelImage;
}
