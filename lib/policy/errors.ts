/**
 * The error thrown for invalid input. Its message always names the prop, the
 * constraint and the value: `'<prop>' <constraint>, got <value>`.
 *
 * Not exported through jsii (jsii types cannot extend `Error`); users match on
 * `error.name === 'InferenceWorkloadValidationError'` or on the message.
 */
export class InferenceWorkloadValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InferenceWorkloadValidationError';
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/** Formats a value for an error message: strings quoted, numbers as written. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    if (looksLikeNumberToken(value)) {
      return 'an unresolved token';
    }
    return String(value);
  }
  if (value === undefined) {
    return 'undefined';
  }
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/**
 * aws-cdk-lib encodes number tokens as doubles around -1.8881545897087626e+289.
 * The policy is pure (no aws-cdk-lib import), so it recognises them by magnitude.
 */
export function looksLikeNumberToken(value: number): boolean {
  return Number.isFinite(value) && Math.abs(value) > 1e280;
}

/** Recognises a stringified CDK or cdk8s token. */
export function looksLikeStringToken(value: string): boolean {
  return value.includes('${Token[') || value.includes('${TOKEN[');
}
