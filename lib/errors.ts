/**
 * The error thrown for invalid input. Its message always names the prop, the
 * constraint and the value: `'<prop>' <constraint>, got <value>`.
 *
 * Exported for TypeScript and JavaScript users (`error instanceof InferenceWorkloadValidationError`).
 * Hidden from jsii, whose types cannot extend `Error`: users of other languages match on the
 * message, which starts with the prop path.
 *
 * @jsii ignore
 */
export class InferenceWorkloadValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InferenceWorkloadValidationError';
    Object.setPrototypeOf(this, new.target.prototype);
  }
}
