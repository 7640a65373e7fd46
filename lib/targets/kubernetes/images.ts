import * as kplus from 'cdk8s-plus-28';
import { checkString } from '../../private/validate';

/**
 * The images the library adds next to the model server, by role. They are pulled by tag: no
 * digest for these tags could be read from a source we can cite, so none is written here (a
 * wrong digest fails every pull). Pin them yourself, per image (`CacheSidecar.modelCache({ image })`,
 * `CacheSidecar.redis({ image })`), or mirror them to a registry of yours with
 * `kubernetes.imageRegistry`.
 * @internal
 */
export const DEFAULT_IMAGES = {
  /** AWS CLI v2, from the AWS CLI's ECR Public repository (docs.aws.amazon.com/cli/latest/userguide/getting-started-docker.html). */
  awsCli: 'public.ecr.aws/aws-cli/aws-cli:2.17.0',
  /** curl, from the curl project's image (hub.docker.com/r/curlimages/curl); BusyBox sh, grep, sed. */
  curl: 'docker.io/curlimages/curl:8.10.1',
  /** ORAS CLI on Alpine (github.com/oras-project/oras, Dockerfile: `FROM alpine`, entrypoint `/bin/oras`). */
  oras: 'ghcr.io/oras-project/oras:v1.2.0',
  /** Redis, Docker Official Image mirrored on ECR Public (gallery.ecr.aws/docker/library/redis). */
  redis: 'public.ecr.aws/docker/library/redis:7.2-alpine',
} as const;

/**
 * A default image, under `registry` when given: the registry host is replaced and the repository
 * path kept (`public.ecr.aws/aws-cli/aws-cli:2.17.0` under `123456789012.dkr.ecr.us-east-1.amazonaws.com/mirror`
 * is `123456789012.dkr.ecr.us-east-1.amazonaws.com/mirror/aws-cli/aws-cli:2.17.0`), the layout of
 * an ECR pull-through cache rule with that prefix.
 * @internal
 */
export function defaultImage(image: string, registry: string | undefined): string {
  return registry === undefined ? image : `${registry}/${image.slice(image.indexOf('/') + 1)}`;
}

/**
 * Digests never move: pull only when missing. Tags do, unless the user says they are immutable.
 * @internal
 */
export function pullPolicy(image: string, immutableTags: boolean): kplus.ImagePullPolicy {
  return isDigest(image) || immutableTags ? kplus.ImagePullPolicy.IF_NOT_PRESENT : kplus.ImagePullPolicy.ALWAYS;
}

/** Whether an image reference is pinned by digest. @internal */
export function isDigest(image: string): boolean {
  return image.includes('@sha256:');
}

/** Checks `kubernetes.imageRegistry`: a registry host with an optional path, no tag. @internal */
export function checkImageRegistry(value: string): string {
  return checkString('kubernetes.imageRegistry', value, {
    maxLength: 255,
    pattern: /^[a-z0-9]+([.-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/,
    patternDescription: 'a registry host with an optional path, e.g. "123456789012.dkr.ecr.us-east-1.amazonaws.com/mirror"',
  });
}
