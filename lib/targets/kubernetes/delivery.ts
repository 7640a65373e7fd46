import { Annotations, Aspects, CfnJson, CfnResource, Stack, Token } from 'aws-cdk-lib';
import { CfnWaitConditionHandle } from 'aws-cdk-lib/aws-cloudformation';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cdk8s from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { manifestRelativePath, writeChartOnSynth } from './assembly';
import { warnEgressExposure } from './egress-exposure';
import { warnOpenIngress } from './ingress';
import { grantModelRead, modelSourceUri } from './model-access';
import { declareNamespace } from './namespace';
import { CheckedKubernetesOptions } from './options';
import { podIdentityPrincipal } from './pod-identity-trust';
import { ModelCredentials } from './pod-options';
import { warnPrerequisites } from './prerequisites';
import { KubernetesRendering } from './render';
import { InferenceWorkloadValidationError } from '../../errors';

/** The kubectl handler is invoked with at most this many bytes (Lambda's asynchronous payload limit). */
export const KUBECTL_PAYLOAD_LIMIT_BYTES = 262_144;
/** Room left in the payload for the request envelope (ids, ARNs, cluster name, role). */
const PAYLOAD_ENVELOPE_BYTES = 4_096;
/**
 * One manifest may take at most this many bytes: an update event carries the old and the new
 * manifest in one payload.
 */
export const MAX_MANIFEST_BYTES = Math.floor((KUBECTL_PAYLOAD_LIMIT_BYTES - PAYLOAD_ENVELOPE_BYTES) / 2);
/** CloudFormation's limit on a template uploaded through S3 (1 MB). */
export const TEMPLATE_LIMIT_BYTES = 1_048_576;
/** The manifests in one stack may take at most this much of the template; the rest is for other resources. */
export const MAX_TEMPLATE_MANIFEST_BYTES = TEMPLATE_LIMIT_BYTES - 131_072;

/** What delivery keeps per stack. */
interface StackDeliveryState {
  /** Bytes (escaped) of the manifests handed to EKS clusters of the stack so far. */
  manifestBytes: number;
  /** Whether the check for a stack holding only manifests written to cdk.out is registered. */
  emptyStackCheck: boolean;
}

/**
 * Per-stack state in a WeakMap, not in a construct: a construct added to the stack would change
 * the app's construct tree (tree.json) for state that only lives during synthesis.
 */
const STACK_STATE = new WeakMap<Stack, StackDeliveryState>();

function stateOf(stack: Stack): StackDeliveryState {
  let state = STACK_STATE.get(stack);
  if (state === undefined) {
    state = { manifestBytes: 0, emptyStackCheck: false };
    STACK_STATE.set(stack, state);
  }
  return state;
}

/** Where the rendered chart went. @internal */
export interface KubernetesDelivery {
  /** Path of the manifest file inside the cloud assembly (no cluster given). */
  readonly manifestPath?: string;
  /** The manifest custom resource (cluster given). */
  readonly manifest?: eks.KubernetesManifest;
  /** The IRSA role created for the model bucket. */
  readonly serviceAccountRole?: iam.Role;
}

/**
 * Delivers a rendered chart: into the EKS cluster of `options.cluster` through CloudFormation
 * (`cluster.addCdk8sChart()`), or as a YAML file in the cloud assembly. Creates the IRSA role for
 * `options.modelBucket` first. Call it after every change to the chart that must be delivered
 * (the hybrid target adds its load balancer Service before).
 * @internal
 */
export function deliverKubernetes(
  scope: Construct, workloadName: string, rendering: KubernetesRendering, options: CheckedKubernetesOptions,
): KubernetesDelivery {
  const namespace = options.namespace;
  let serviceAccountRole: iam.Role | undefined;
  let association: eks.CfnPodIdentityAssociation | undefined;
  if (options.modelBucket && options.cluster && options.modelCredentials === ModelCredentials.POD_IDENTITY) {
    ({ role: serviceAccountRole, association } = createPodIdentityRole(scope, options.cluster, namespace, rendering.serviceAccount.name));
    grantModelRead(serviceAccountRole, options.modelBucket, modelSourceUri(options));
  } else if (options.modelBucket && options.cluster) {
    serviceAccountRole = createModelReaderRole(scope, options.cluster, namespace, rendering.serviceAccount.name);
    grantModelRead(serviceAccountRole, options.modelBucket, modelSourceUri(options));
    rendering.serviceAccount.metadata.addAnnotation('eks.amazonaws.com/role-arn', serviceAccountRole.roleArn);
  }
  warnPrerequisites(scope, workloadName, rendering.prerequisites);
  warnOpenIngress(scope, workloadName, rendering.networkPolicy);
  warnEgressExposure(scope, workloadName, rendering.networkPolicy, rendering.deployment, options.modelCredentials);
  rendering._warnings.forEach(w => Annotations.of(scope).addWarningV2(w.id, w.message));
  // the Namespace, when asked for, is the stack's, not this workload's
  const namespaceManifest = declareNamespace(scope, options);
  if (options.cluster) {
    const manifest = addChartToCluster(scope, options.cluster, rendering.chart, `${namespace}-${workloadName}`, workloadName);
    if (namespaceManifest !== undefined) {
      manifest.node.addDependency(namespaceManifest);
    }
    // pods admitted before their credentials exist never get them (the webhook mutates a pod once, at
    // admission): the role, its policy and the Pod Identity association come first
    if (serviceAccountRole !== undefined) {
      manifest.node.addDependency(serviceAccountRole);
    }
    if (association !== undefined) {
      manifest.node.addDependency(association);
    }
    return { manifest, serviceAccountRole };
  }
  const manifestPath = manifestRelativePath(scope, workloadName);
  writeChartOnSynth(scope, rendering.chart, manifestPath);
  warnIfStackIsEmpty(scope);
  return { manifestPath, serviceAccountRole };
}

/**
 * Hands a chart to an EKS cluster, after checking that the kubectl handler and the template can
 * carry it. `addCdk8sChart` reads the chart once, now: a change made to the chart afterwards would
 * be lost, so it is reported as a synth error.
 * @internal
 */
export function addChartToCluster(
  scope: Construct, cluster: eks.ICluster, chart: cdk8s.Chart, id: string, workloadName: string,
): eks.KubernetesManifest {
  const json = chart.toJson();
  const snapshot = JSON.stringify(json);
  // the manifest sits in the template and in the handler's event as a JSON string: count it escaped
  const bytes = Buffer.byteLength(JSON.stringify(snapshot), 'utf8');
  if (bytes > MAX_MANIFEST_BYTES) {
    throw new InferenceWorkloadValidationError(
      `'kubernetes.cluster' can carry a manifest of at most ${fmt(MAX_MANIFEST_BYTES)} bytes (an update sends the old and the new manifest `
      + `to the kubectl handler in one ${fmt(KUBECTL_PAYLOAD_LIMIT_BYTES)}-byte payload), got ${fmt(bytes)} bytes for ${workloadName}; `
      + 'omit \'kubernetes.cluster\' to write the manifest to cdk.out for a GitOps tool');
  }
  const stack = Stack.of(cluster);
  const state = stateOf(stack);
  const total = state.manifestBytes + bytes;
  if (total > MAX_TEMPLATE_MANIFEST_BYTES) {
    throw new InferenceWorkloadValidationError(
      `'kubernetes.cluster' manifests in stack ${stack.stackName} must total at most ${fmt(MAX_TEMPLATE_MANIFEST_BYTES)} bytes `
      + `(CloudFormation templates are limited to ${fmt(TEMPLATE_LIMIT_BYTES)} bytes), got ${fmt(total)} bytes with ${workloadName}; `
      + 'split the workloads across stacks');
  }
  state.manifestBytes = total;

  const manifest = cluster.addCdk8sChart(id, chart);
  scope.node.addValidation({
    validate: () => JSON.stringify(chart.toJson()) === snapshot ? [] : [
      `The chart of ${workloadName} changed after it was handed to the EKS cluster (addCdk8sChart reads a chart once, at construction): `
      + 'the change would not be deployed. Make the change before, or omit \'kubernetes.cluster\' and call cluster.addCdk8sChart(id, workload.chart) yourself.',
    ],
  });
  return manifest;
}

/**
 * An IAM role for the workload's ServiceAccount only (IRSA): trusted by the cluster's OIDC
 * provider for `system:serviceaccount:<namespace>:<name>` with audience `sts.amazonaws.com`.
 */
function createModelReaderRole(scope: Construct, cluster: eks.ICluster, namespace: string, serviceAccountName: string): iam.Role {
  let provider: iam.IOpenIdConnectProvider;
  try {
    provider = cluster.openIdConnectProvider;
  } catch (e) {
    throw new InferenceWorkloadValidationError(
      `'kubernetes.modelBucket' needs the cluster's OIDC provider for IRSA (import the cluster with 'openIdConnectProvider'), got: ${(e as Error).message}`);
  }
  const issuer = provider.openIdConnectProviderIssuer;
  const value = {
    [`${issuer}:aud`]: 'sts.amazonaws.com',
    [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccountName}`,
  };
  // condition keys cannot hold tokens: a cluster created in the app needs CfnJson (a custom resource), an imported one does not
  const conditions = Token.isUnresolved(issuer) ? new CfnJson(scope, 'ModelReaderRoleConditions', { value }) : value;
  return new iam.Role(scope, 'ModelReaderRole', {
    assumedBy: new iam.OpenIdConnectPrincipal(provider, { StringEquals: conditions }),
    description: `Reads model weights for the ServiceAccount ${namespace}/${serviceAccountName} (IRSA)`,
  });
}

/**
 * An IAM role for EKS Pod Identity, trusted by `pods.eks.amazonaws.com` (`sts:AssumeRole` and
 * `sts:TagSession`) for this cluster, namespace and ServiceAccount only (pod-identity-trust.ts), and its association with the workload's ServiceAccount
 * (`AWS::EKS::PodIdentityAssociation`). The cluster needs the EKS Pod Identity Agent add-on.
 */
function createPodIdentityRole(
  scope: Construct, cluster: eks.ICluster, namespace: string, serviceAccountName: string,
): { role: iam.Role; association: eks.CfnPodIdentityAssociation } {
  const role = new iam.Role(scope, 'ModelReaderPodIdentityRole', {
    assumedBy: podIdentityPrincipal(cluster, namespace, serviceAccountName),
    description: `Reads model weights for the ServiceAccount ${namespace}/${serviceAccountName} (EKS Pod Identity)`,
  });
  const association = new eks.CfnPodIdentityAssociation(scope, 'ModelReaderPodIdentity', {
    clusterName: cluster.clusterName,
    namespace,
    serviceAccount: serviceAccountName,
    roleArn: role.roleArn,
  });
  return { role, association };
}

/**
 * A stack that holds only manifests written to cdk.out has an empty template, which CloudFormation
 * rejects: warn once per stack at synth, when every workload has been added.
 */
function warnIfStackIsEmpty(scope: IConstruct): void {
  const stack = Stack.of(scope);
  const state = stateOf(stack);
  if (state.emptyStackCheck) {
    return;
  }
  state.emptyStackCheck = true;
  // Aspects run first in synthesis, once every workload of the stack exists: a stack whose only
  // workloads are manifests written for a GitOps tool would have an empty template, which
  // CloudFormation rejects at deploy and aws-cdk-lib's template validation rejects at synth
  // ("Resources section must exist and be non-empty"). A no-op wait condition handle (no
  // properties, no cost) keeps the template deployable.
  Aspects.of(stack).add({
    visit: (node: IConstruct) => {
      if (node !== stack || hasResources(stack)) {
        return;
      }
      new CfnWaitConditionHandle(stack, 'KubernetesOnlyPlaceholder');
      Annotations.of(stack).addWarningV2('inference-workload:kubernetes-only-stack',
        `Stack ${stack.stackName} holds only Kubernetes workloads written to cdk.out/kubernetes/ for a GitOps tool: `
        + '`cdk deploy` deploys a placeholder resource and nothing else. Apply the manifests with your GitOps tool, '
        + 'or give \'kubernetes.cluster\' to deliver them through CloudFormation.');
    },
  });
}

function hasResources(stack: Stack): boolean {
  return stack.node.findAll().some(c => CfnResource.isCfnResource(c) && c.cfnResourceType !== 'AWS::CDK::Metadata');
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}
