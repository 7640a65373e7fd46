import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { InferenceWorkloadValidationError } from './errors';
import { checkNumber, checkString } from './private/validate';
import { CachedCloudFormationValidatePlugin } from './validation';
import { InferenceWorkload, InferenceWorkloadProps } from './workload';

/**
 * Props of an `InferencePlatform`.
 */
export interface InferencePlatformProps {
  /**
   * How many workloads each stack holds. Workloads fill stacks in declaration order:
   * workload k goes to stack `floor(k / workloadsPerStack)`, so adding workloads at the end never
   * moves an existing one (moving one would replace its resources).
   *
   * The default keeps a stack of Lambda-placed workloads (about 15 resources each, with alarms)
   * well under CloudFormation's 500-resource limit.
   * @default 25
   */
  readonly workloadsPerStack?: number;

  /**
   * Props for every stack the platform creates (environment, tags, synthesizer...).
   * `stackName` is not allowed: each stack is named `<id>-<n>`.
   * @default - no extra props
   */
  readonly stackProps?: StackProps;
}

/**
 * Many workloads in one app: spreads `InferenceWorkload`s over as many stacks as needed,
 * so no template reaches CloudFormation's 500-resource limit.
 *
 * Stacks are children of the platform with ids `Stack1`, `Stack2`, ... (a contract: they
 * are the stacks' names in the cloud assembly).
 *
 * The platform registers `CachedCloudFormationValidatePlugin` on its app, so each template
 * content is validated once, with the same findings as aws-cdk-lib's built-in validation; the
 * context key `inference-workload:templateValidation` (`cached`, `off`, `built-in`) changes that.
 */
export class InferencePlatform extends Construct {
  /** The stacks created so far, in order. */
  public readonly stacks: Stack[] = [];
  /** The workloads added so far, in order. */
  public readonly workloads: InferenceWorkload[] = [];
  private readonly workloadsPerStack: number;
  private readonly stackProps: StackProps;

  constructor(scope: Construct, id: string, props: InferencePlatformProps = {}) {
    super(scope, id);
    this.workloadsPerStack = checkNumber('workloadsPerStack', props.workloadsPerStack ?? 25, { min: 1, max: 200, integer: true });
    if (props.stackProps?.stackName !== undefined) {
      throw new InferenceWorkloadValidationError(
        `'stackProps.stackName' cannot be set on an InferencePlatform (its stacks are named '${id}-<n>'), got ${JSON.stringify(props.stackProps.stackName)}`);
    }
    this.stackProps = props.stackProps ?? {};
    // validates each template content once (see CachedCloudFormationValidatePlugin.register)
    CachedCloudFormationValidatePlugin.register(this);
  }

  /**
   * Adds a workload to the platform, in the first stack with room for it.
   */
  public addWorkload(id: string, props: InferenceWorkloadProps): InferenceWorkload {
    checkString('id', id, { maxLength: 64, pattern: /^[A-Za-z][A-Za-z0-9-]*$/, patternDescription: 'a construct id of letters, digits and \'-\'' });
    const index = Math.floor(this.workloads.length / this.workloadsPerStack);
    let stack = this.stacks[index];
    if (!stack) {
      stack = new Stack(this, `Stack${index + 1}`, { ...this.stackProps, stackName: `${this.node.id}-${index + 1}` });
      this.stacks.push(stack);
    }
    const workload = new InferenceWorkload(stack, id, props);
    this.workloads.push(workload);
    return workload;
  }
}
