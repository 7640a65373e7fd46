import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { MANIFEST_DIR } from './assembly';
import { CheckedKubernetesOptions } from './options';
import { readinessGateNamespaceLabels } from './readiness-gate';
import { stringifyManifest } from './yaml';
import { PlacementReport } from '../../report/placement-report';

/*
 * A Namespace that `createNamespace` asks for is rendered once per stack (and cluster), in a manifest
 * of its own: no workload owns it, so two workloads asking for the same namespace do not emit it
 * twice, and removing one of them does not delete the namespace (and the other workload in it).
 * It is deleted only when no workload of the stack asks for it any more.
 */

/**
 * The labels of a namespace the library creates:
 * - Pod Security admission "restricted", enforced
 *   (https://kubernetes.io/docs/concepts/security/pod-security-admission/);
 * - the AWS Load Balancer Controller's pod readiness gate injection, where the cluster has a
 *   load-balancer integration (`readinessGateNamespaceLabels`).
 * @internal
 */
export function namespaceLabels(options: CheckedKubernetesOptions): Record<string, string> {
  return {
    'pod-security.kubernetes.io/enforce': 'restricted',
    'pod-security.kubernetes.io/enforce-version': 'latest',
    ...readinessGateNamespaceLabels(options.flavor),
  };
}

/** The Namespace object, cluster-scoped (no `metadata.namespace`). @internal */
export function namespaceManifest(options: CheckedKubernetesOptions): Record<string, unknown> {
  const chart = new cdk8s.Chart(new cdk8s.App(), `namespace-${options.namespace}`);
  new kplus.Namespace(chart, 'Namespace', { metadata: { name: options.namespace, labels: namespaceLabels(options) } });
  return chart.toJson()[0];
}

/**
 * The path, relative to the output folder, of a namespace's manifest file:
 * `kubernetes/<stack artifact id>/namespace.<name>.k8s.yaml` (a workload's name, a DNS label, has no dot).
 * @internal
 */
export function namespaceManifestPath(scope: Construct, namespace: string): string {
  return path.posix.join(MANIFEST_DIR, Stack.of(scope).artifactId, `namespace.${namespace}.k8s.yaml`);
}

/**
 * Declares the workload's namespace, when it asks for one, once per stack: as its own manifest file
 * for a GitOps tool, or as one `KubernetesManifest` per cluster and namespace that the workloads'
 * manifests depend on (so the namespace exists before them, and is applied before a workload's
 * manifest that used to hold it is updated).
 * @internal
 */
export function declareNamespace(scope: Construct, options: CheckedKubernetesOptions): eks.KubernetesManifest | undefined {
  if (!options.createNamespace) {
    return undefined;
  }
  if (options.cluster === undefined) {
    // the same file for every workload of the stack in this namespace: written once at synth
    const file = namespaceManifestPath(scope, options.namespace);
    PlacementReport.of(scope)._addManifest(scope, file, () => stringifyManifest(namespaceManifest(options)));
    return undefined;
  }
  let byName = CLUSTER_NAMESPACES.get(options.cluster);
  if (byName === undefined) {
    byName = new Map();
    CLUSTER_NAMESPACES.set(options.cluster, byName);
  }
  let manifest = byName.get(options.namespace);
  if (manifest === undefined) {
    manifest = options.cluster.addManifest(`Namespace-${options.namespace}`, namespaceManifest(options));
    byName.set(options.namespace, manifest);
  }
  return manifest;
}

/**
 * The namespace manifests handed to each cluster, by name. A WeakMap, not a lookup in the construct
 * tree: the cluster names its manifests' constructs itself.
 */
const CLUSTER_NAMESPACES = new WeakMap<eks.ICluster, Map<string, eks.KubernetesManifest>>();
