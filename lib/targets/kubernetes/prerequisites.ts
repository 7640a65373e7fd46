import { Annotations, Aspects, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { CheckedKubernetesOptions } from './options';
import { ModelCredentials, PreStopAction } from './pod-options';

/** What the cluster must provide that synth cannot check, for this workload. */
export function clusterPrerequisites(name: string, o: CheckedKubernetesOptions, fetches: boolean): string[] {
  // the nodes' prerequisites (GPU nodes, static CPU manager, IMDS hop limit) depend on the cluster flavor: node-placement.ts
  const out: string[] = [];
  if (o.preStopAction !== PreStopAction.EXEC_SLEEP) {
    out.push(`${name}: Kubernetes 1.30 or later (lifecycle.preStop.sleep).`);
  }
  if (fetches && o.modelCredentials === ModelCredentials.POD_IDENTITY && !(o.modelBucket && o.cluster)) {
    out.push(`${name}: an EKS Pod Identity association for ServiceAccount ${o.namespace}/${name} with a role that reads the model, and the Pod Identity Agent add-on.`);
  }
  if (!o.createNamespace) {
    // the readiness-gate label, where a load balancer targets the pods: readiness-gate.ts
    out.push(`${name}: namespace ${o.namespace} exists.`);
  }
  return out;
}

/**
 * Each stack's prerequisites by workload, until the stack's warning is written. A WeakMap, not a
 * construct: a construct added to the stack would change the app's construct tree (tree.json).
 */
const PREREQUISITES = new WeakMap<Stack, Map<string, string[]>>();

/**
 * What the cluster must provide and synth cannot check: one warning per stack, listing every
 * workload's prerequisites, added once every workload of the stack has rendered.
 */
export function warnPrerequisites(scope: IConstruct, workloadName: string, prerequisites: string[]): void {
  const stack = Stack.of(scope);
  const all = PREREQUISITES.get(stack) ?? registerPrerequisitesWarning(stack);
  all.set(workloadName, [...prerequisites]);
}

/** Registers the stack's warning, written at synth from the map it returns. */
function registerPrerequisitesWarning(stack: Stack): Map<string, string[]> {
  const all = new Map<string, string[]>();
  PREREQUISITES.set(stack, all);
  let warned = false;
  Aspects.of(stack).add({
    visit: (node: IConstruct) => {
      if (node !== stack || warned) {
        return;
      }
      warned = true;
      // one line per prerequisite, naming the workloads that need it (most are shared by all)
      const byText = new Map<string, string[]>();
      for (const [name, items] of all) {
        for (const item of items) {
          const text = item.startsWith(`${name}: `) ? item.slice(name.length + 2) : item;
          byText.set(text, [...(byText.get(text) ?? []), name]);
        }
      }
      const lines = [...byText].map(([text, names]) =>
        `${text} (${names.length === all.size && all.size > 1 ? `every workload of the stack: ${names.length}` : names.join(', ')})`);
      if (lines.length > 0) {
        Annotations.of(stack).addWarningV2('inference-workload:kubernetes-prerequisites',
          `The Kubernetes manifests of stack ${stack.stackName} need what synth cannot check (see README, "Kubernetes: cluster prerequisites"):\n- `
          + lines.join('\n- '));
      }
    },
  });
  return all;
}
