import * as kplus from 'cdk8s-plus-28';
import { checkString } from '../../private/validate';

/**
 * The images the library adds next to the model server, by role, each pinned by digest: a pod runs
 * exactly the image reviewed here on every node and in every plane, as Lambda resolves a tag to its
 * digest at deploy. Each digest is copied from a public source named beside it, never typed from
 * memory, and must be the image's multi-platform index (the pods may land on arm64 nodes): the
 * Redis source lists the index and its platforms; for the others the project publishes several
 * platforms under one tag and the source pins the tag's digest as pulled. The tag in front of the
 * digest only tells a reader which release it is (a runtime pulls by the digest). Override an
 * image per cache (`CacheSidecar.modelCache({ image })`, `CacheSidecar.redis({ image })`), or mirror
 * all of them with `kubernetes.imageRegistry` (the digest is kept).
 * @internal
 */
export const DEFAULT_IMAGES = {
  /**
   * AWS CLI v2 from its ECR Public repository, which AWS recommends over Docker Hub for its rate
   * limits (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-docker.html). Digest of
   * 2.36.49 as pinned in benhook1013/FireMUD docker/backup-verifier.Dockerfile at
   * f38960353be70139d95b2481c486ad6910436836 (the same reference is an init container image in an
   * independent Helm chart).
   */
  awsCli: 'public.ecr.aws/aws-cli/aws-cli:2.36.49@sha256:f42bf088cb1456ba9e179ce71fdeb22cc46ff64ea1e3aeae8251ff81391f5bb1',
  /**
   * curl from the curl project's image (github.com/curl/curl-container: Alpine with BusyBox sh, grep
   * and sed; create_multi.sh builds linux/amd64, linux/arm64, linux/arm/v7, linux/386 and
   * linux/ppc64le into one index). Digest of 8.16.0 as pinned in Amoenus/waycloak
   * examples/curl/deployment.yaml at 7928e14cebd4c99e1b31864e6c795286b396b25d (also pinned by
   * several other public manifests, one naming it the Docker Hub OCI index digest).
   */
  curl: 'docker.io/curlimages/curl:8.16.0@sha256:463eaf6072688fe96ac64fa623fe73e1dbe25d8ad6c34404a669ad3ce1f104b6',
  /**
   * ORAS CLI on Alpine (oras-project/oras Dockerfile at v1.3.3: `FROM alpine`, entrypoint
   * `/bin/oras`; .github/workflows/release-ghcr.yml pushes linux/amd64, linux/arm64, linux/arm/v7,
   * linux/s390x and linux/ppc64le as one index). Digest of v1.3.3 as pinned in
   * hseshadr/portfolio-delivery .dagger/src/portfolio_delivery_dagger/oras.py at
   * 06fcc1fbe2396380272b89b611dc9b47290ae6b9 (the same project's design notes name it v1.3.3).
   */
  oras: 'ghcr.io/oras-project/oras:v1.3.3@sha256:a4c54befd87d0366e0ba3ac3a9536a5288c8a3735acd3b635cdace59a2c559c8',
  /**
   * Redis, the Docker Official Image, from its ECR Public mirror (gallery.ecr.aws/docker/library/redis).
   * Digest of 7.2.16-alpine from docker-library/repo-info repos/redis/remote/7.2.16-alpine.md at
   * 1742085aa3304e996a45e00271d6b8308029b6e3: an OCI image index for linux/amd64, linux/arm64/v8 and
   * six more platforms. The ECR Public mirror serves the Docker Hub index digests unchanged (public
   * manifests pin redis 7-alpine, 858f009f..., and 8.2.3-alpine, 08ad0b1d..., under both names).
   */
  redis: 'public.ecr.aws/docker/library/redis:7.2.16-alpine@sha256:ccd6aa8d45ff3f033d6fa15b8cc1a50579f65c89f38cf9bb607a954c4f2128ed',
} as const;

/**
 * A default image, under `registry` when given: the registry host is replaced and the repository
 * path, tag and digest kept (`public.ecr.aws/aws-cli/aws-cli:2.36.49@sha256:...` under
 * `123456789012.dkr.ecr.us-east-1.amazonaws.com/mirror` is
 * `123456789012.dkr.ecr.us-east-1.amazonaws.com/mirror/aws-cli/aws-cli:2.36.49@sha256:...`), the
 * layout of an ECR pull-through cache rule with that prefix.
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

/** A reference pinned by a SHA-256 digest: `...@sha256:` and 64 lowercase hex digits at the end. */
const DIGEST = /@sha256:[a-f0-9]{64}$/;

/** Whether an image reference is pinned by digest. @internal */
export function isDigest(image: string): boolean {
  return DIGEST.test(image);
}

/** Checks `kubernetes.imageRegistry`: a registry host with an optional path, no tag. @internal */
export function checkImageRegistry(value: string): string {
  return checkString('kubernetes.imageRegistry', value, {
    maxLength: 255,
    pattern: /^[a-z0-9]+([.-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/,
    patternDescription: 'a registry host with an optional path, e.g. "123456789012.dkr.ecr.us-east-1.amazonaws.com/mirror"',
  });
}
