import { Manifest } from './kubernetes';

/** An image reference pinned by digest: `@sha256:` and 64 lowercase hex digits at its end (OCI image spec, descriptor digests). */
const PINNED = /@sha256:[a-f0-9]{64}$/;

/** The references in `images` that are not pinned by digest. */
export function unpinned(images: string[]): string[] {
  return images.filter(i => !PINNED.test(i));
}

/**
 * The images of every container and init container of the pod templates in `manifests` that the
 * user did not name: all but those in `userImages` (the workloads' own images and any image the
 * app overrides).
 */
export function libraryChosenImages(manifests: Manifest[], userImages: string[]): string[] {
  return manifests
    .filter(m => m.spec?.template?.spec !== undefined)
    .flatMap(m => [...m.spec.template.spec.initContainers ?? [], ...m.spec.template.spec.containers ?? []])
    .map((c: any) => c.image as string)
    .filter(i => !userImages.includes(i));
}
