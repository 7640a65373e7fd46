import { CfnResource, Stack } from 'aws-cdk-lib';
import { Construct, IConstruct, IValidation } from 'constructs';
import { InferenceWorkloadValidationError } from '../errors';

/** CloudFormation's hard limit on resources in one template. */
export const CLOUDFORMATION_RESOURCE_LIMIT = 500;

/**
 * The workloads declared in each guarded stack (a stack is guarded once it is a key), for the
 * guard's message. Kept beside the stack, not on it, and dropped with it.
 */
const WORKLOADS = new WeakMap<Stack, Set<IConstruct>>();

/**
 * Records `workload` in its stack and registers, once per stack, a synth-time check that the
 * stack stays within CloudFormation's resource limit, with a message naming the limit, the count
 * and the fix.
 * @internal
 */
export function guardResourceLimit(workload: Construct): void {
  const stack = Stack.of(workload);
  const known = WORKLOADS.get(stack);
  if (known !== undefined) {
    known.add(workload);
    return;
  }
  const declared = new Set<IConstruct>([workload]);
  WORKLOADS.set(stack, declared);
  const validation: IValidation = {
    validate(): string[] {
      const count = countResources(stack);
      if (count <= CLOUDFORMATION_RESOURCE_LIMIT) {
        return [];
      }
      // a workload that failed left the tree: only those still in it are counted
      const workloads = stack.node.findAll().filter(c => declared.has(c)).length;
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

/**
 * The CloudFormation resources counted so far in each stack a workload added resources to.
 * Kept beside the stack, not on it, and dropped with it.
 */
const RESOURCE_COUNTS = new WeakMap<Stack, number>();

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
    const total = before(stack, count) + count;
    if (total > CLOUDFORMATION_RESOURCE_LIMIT) {
      throw new InferenceWorkloadValidationError(
        `'${workloadName}' would bring stack ${stack.stackName} to ${total} CloudFormation resources (${count} of them its own), over `
        + `CloudFormation's limit of ${CLOUDFORMATION_RESOURCE_LIMIT} per stack; declare the workloads through an InferencePlatform `
        + '(platform.addWorkload(...)), which spreads them over stacks, or put this one in another stack');
    }
  }
  for (const [stack, count] of added) {
    RESOURCE_COUNTS.set(stack, before(stack, count) + count);
  }
}

/** The stack's resources before the workload that added `count` (counted once, on a stack's first workload). */
function before(stack: Stack, count: number): number {
  return RESOURCE_COUNTS.get(stack) ?? countResources(stack) - count;
}
