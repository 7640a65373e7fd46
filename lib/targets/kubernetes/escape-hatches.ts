import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';

/** Pod spec fields cdk8s-plus-28 lacks, patched in ONE place. */
interface PodSpecPatch {
  readonly seccompProfile: { readonly type: string };
  readonly runtimeClassName?: string;
  readonly priorityClassName?: string;
  readonly topologySpreadConstraints?: unknown[];
  readonly imagePullSecrets: string[];
  /** The model server's preStop handler (cdk8s-plus-28's handlers lack `sleep`). */
  readonly preStop: unknown;
  /** The model server's ephemeral-storage request, MiB. */
  readonly ephemeralStorageMiB: number;
}

/** @internal */
export function patchPodSpec(deployment: kplus.Deployment, patch: PodSpecPatch): void {
  const api = cdk8s.ApiObject.of(deployment);
  // the pod-level profile also covers containers a user adds later through the escape hatches
  api.addJsonPatch(cdk8s.JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', patch.seccompProfile));
  if (patch.runtimeClassName !== undefined) {
    api.addJsonPatch(cdk8s.JsonPatch.add('/spec/template/spec/runtimeClassName', patch.runtimeClassName));
  }
  if (patch.priorityClassName !== undefined) {
    api.addJsonPatch(cdk8s.JsonPatch.add('/spec/template/spec/priorityClassName', patch.priorityClassName));
  }
  if (patch.topologySpreadConstraints !== undefined) {
    api.addJsonPatch(cdk8s.JsonPatch.add('/spec/template/spec/topologySpreadConstraints', patch.topologySpreadConstraints));
  }
  if (patch.imagePullSecrets.length > 0) {
    api.addJsonPatch(cdk8s.JsonPatch.add('/spec/template/spec/imagePullSecrets', patch.imagePullSecrets.map(n => ({ name: n }))));
  }
  // no service links: a Service named like a server's variable prefix (e.g. `vllm`) would inject VLLM_PORT=tcp://...
  api.addJsonPatch(cdk8s.JsonPatch.add('/spec/template/spec/enableServiceLinks', false));
  // the model server is container 0 (the first one added). `preStop.sleep` is newer than the
  // Kubernetes 1.28 types cdk8s-plus-28 serializes through (they drop unknown fields, patches included)
  addFieldsBeyondK8s128(api, [cdk8s.JsonPatch.add('/spec/template/spec/containers/0/lifecycle', { preStop: patch.preStop })]);
  // a Quantity, not a string: a plain string renders as null here (cdk8s #2163)
  api.addJsonPatch(cdk8s.JsonPatch.add('/spec/template/spec/containers/0/resources/requests/ephemeral-storage',
    kplus.k8s.Quantity.fromString(`${patch.ephemeralStorageMiB}Mi`)));
}

/** The patches applied after each object's Kubernetes 1.28 serialization (its `toJson` is wrapped once). */
const BEYOND_128 = new WeakMap<cdk8s.ApiObject, cdk8s.JsonPatch[]>();

/**
 * Applies JSON patches AFTER the object's generated Kubernetes 1.28 serialization, which drops
 * fields added in later Kubernetes versions even when they come from `addJsonPatch` (e.g.
 * `lifecycle.preStop.sleep`, 1.29+). Wraps the object's `toJson` once; later calls add patches.
 * @internal
 */
export function addFieldsBeyondK8s128(api: cdk8s.ApiObject, patches: cdk8s.JsonPatch[]): void {
  (BEYOND_128.get(api) ?? wrapToJson(api)).push(...patches);
}

/** Wraps an object's `toJson` to apply, after its own serialization, the patches of the list it returns. */
function wrapToJson(api: cdk8s.ApiObject): cdk8s.JsonPatch[] {
  const all: cdk8s.JsonPatch[] = [];
  BEYOND_128.set(api, all);
  const serialize = api.toJson.bind(api);
  api.toJson = () => cdk8s.JsonPatch.apply(serialize(), ...all);
  return all;
}

/**
 * cdk8s-plus-28 has no generic ephemeral volume: replace the placeholder `emptyDir` of the cache
 * volume (the first volume of the pod, asserted by a JSON-patch `test`) with `ephemeral`.
 */
export function patchEphemeralVolume(deployment: kplus.Deployment, name: string, storageClassName: string, sizeMiBValue: number): void {
  cdk8s.ApiObject.of(deployment).addJsonPatch(
    cdk8s.JsonPatch.test('/spec/template/spec/volumes/0/name', name),
    cdk8s.JsonPatch.remove('/spec/template/spec/volumes/0/emptyDir'),
    cdk8s.JsonPatch.add('/spec/template/spec/volumes/0/ephemeral', {
      volumeClaimTemplate: {
        metadata: { labels: { 'app.kubernetes.io/component': 'model-cache' } },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName,
          // a Quantity, not a string: the generated types drop a plain string here
          resources: { requests: { storage: kplus.k8s.Quantity.fromString(`${sizeMiBValue}Mi`) } },
        },
      },
    }),
  );
}
