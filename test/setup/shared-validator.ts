/**
 * What test/setup/environment.ts (outside the test files' sandboxes) hands the test files
 * (test/setup/validation.ts) to share one CloudFormation validator engine per jest process.
 */

/** Key of the test files' global that holds the `SharedValidator`. */
export const SHARED_VALIDATOR = Symbol.for('inference-workload.test.shared-cfn-validate');

/** The validator module of the jest process, as the test files see it. */
export interface SharedValidator {
  /** Absolute path of aws-cdk-lib's `@aws/cloudformation-validate` (the module id the test files mock). */
  readonly modulePath: string;
  /** The process's validator module, whose `CompositeEngine` returns one engine per rule configuration. */
  load(): unknown;
  /**
   * How many engines aws-cdk-lib asked for in this jest process, and the rule configuration (as
   * JSON) of each engine built.
   */
  engines(): { readonly requested: number; readonly configurations: string[] };
}
