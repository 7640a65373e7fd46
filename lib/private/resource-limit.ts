import { CfnResource, Stack } from 'aws-cdk-lib';
import { Construct, IValidation } from 'constructs';
import { InferenceWorkloadValidationError } from '../errors';

/** CloudFormation's hard limit on resources in one template. */
export const CLOUDFORMATION_RESOURCE_LIMIT = 500;

/** Set to true on every InferenceWorkload, so private helpers can count them without an import cycle. */
export const WORKLOAD_MARKER = Symbol.for('inference-workload.workload');

const GUARDED = Symbol.for('inference-workload.resource-limit-guard');

/**
 * Registers, once per stack, a synth-time check that the stack stays within
 * CloudFormation's resource limit, with a message naming the limit, the count and the fix.
 * @internal
 */
export function guardResourceLimit(scope: Construct): void {
  const stack = Stack.of(scope) as Stack & { [GUARDED]?: boolean };
  if (stack[GUARDED]) {
    return;
  }
  stack[GUARDED] = true;
  const validation: IValidation = {
    validate(): string[] {
      const count = countResources(stack);
      if (count <= CLOUDFORMATION_RESOURCE_LIMIT) {
        return [];
      }
      const workloads = stack.node.findAll().filter(c => (c as any)[WORKLOAD_MARKER] === true).length;
      return [
        `'${stack.stackName}' has ${count} CloudFormation resources (${workloads} inference workloads), over CloudFormation's limit of `
        + `${CLOUDFORMATION_RESOURCE_LIMIT} per stack; declare the workloads through an InferencePlatform (platform.addWorkload(...)), `
        + 'which spreads them over stacks, or split them over stacks yourself',
      ];
    },
  };
  stack.node.addValidation(validation);
}

function countResources(stack: Stack): number {
  let n = 0;
  for (const c of stack.node.findAll()) {
    if (CfnResource.isCfnResource(c) && Stack.of(c) === stack) {
      n++;
    }
  }
  return n;
}

const RUNNING_COUNT = Symbol.for('inference-workload.resource-count');

/**
 * Counts, at construction, the resources a workload just added to each stack (plus what the
 * stack held before its first workload), and throws as soon as a stack would pass CloudFormation's
 * limit: the workload that crosses it is named, and it leaves the tree (nothing half-built). The
 * synth-time guard above still catches resources added later by other constructs.
 * @internal
 */
export function checkResourceLimitNow(workload: Construct, workloadName: string): void {
  const added = new Map<Stack, number>();
  for (const c of workload.node.findAll()) {
    if (CfnResource.isCfnResource(c)) {
      const stack = Stack.of(c);
      added.set(stack, (added.get(stack) ?? 0) + 1);
    }
  }
  for (const [stack, count] of added) {
    const s = stack as Stack & { [RUNNING_COUNT]?: number };
    const before = s[RUNNING_COUNT] ?? countResources(stack) - count;
    const total = before + count;
    if (total > CLOUDFORMATION_RESOURCE_LIMIT) {
      throw new InferenceWorkloadValidationError(
        `'${workloadName}' would bring stack ${stack.stackName} to ${total} CloudFormation resources (${count} of them its own), over `
        + `CloudFormation's limit of ${CLOUDFORMATION_RESOURCE_LIMIT} per stack; declare the workloads through an InferencePlatform `
        + '(platform.addWorkload(...)), which spreads them over stacks, or put this one in another stack');
    }
  }
  for (const [stack, count] of added) {
    const s = stack as Stack & { [RUNNING_COUNT]?: number };
    s[RUNNING_COUNT] = (s[RUNNING_COUNT] ?? countResources(stack) - count) + count;
  }
}
