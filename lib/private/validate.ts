/**
 * Input checks shared by the policy, the renderers and the constructs. Pure: no construct
 * library and no I/O, so lib/policy may use it.
 */
import { InferenceWorkloadValidationError } from '../errors';
import { groupIntegerPart } from './numbers';

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
 * aws-cdk-lib encodes a number token as a double whose upper 16 bits are 0xFBFF (about
 * -1.888e+289; `createTokenDouble` in aws-cdk-lib core/lib/private/encoding). The policy is pure
 * (no aws-cdk-lib import), so it recognises them by those bits: 1e300 is a number, not a token.
 */
export function looksLikeNumberToken(value: number): boolean {
  if (!Number.isFinite(value) || value > -1e288) {
    return false; // cheap exit for every ordinary number
  }
  TOKEN_PROBE_DOUBLE[0] = value;
  // the high word's upper 16 bits, without bitwise operators: 0xFBFF marks a token
  return Math.floor(TOKEN_PROBE_WORDS[1] / 0x10000) === 0xFBFF;
}

const TOKEN_PROBE_DOUBLE = new Float64Array(1);
const TOKEN_PROBE_WORDS = new Uint32Array(TOKEN_PROBE_DOUBLE.buffer);

/** Recognises a stringified CDK or cdk8s token. */
export function looksLikeStringToken(value: string): boolean {
  return value.includes('${Token[') || value.includes('${TOKEN[');
}

/** Constraints on a numeric input. */
export interface NumberConstraint {
  /** Smallest allowed value (inclusive). */
  readonly min?: number;
  /** Largest allowed value (inclusive). */
  readonly max?: number;
  /** Whether the value must be an integer. */
  readonly integer?: boolean;
  /** Whether the value must be strictly greater than `min`. */
  readonly exclusiveMin?: boolean;
}

/**
 * Checks one numeric prop and throws `'<prop>' <constraint>, got <value>` when it is
 * NaN, infinite, a token, out of range or (when asked) not an integer.
 * Returns the value so callers can write `const x = checkNumber('x', props.x, {...})`.
 */
export function checkNumber(prop: string, value: number, c: NumberConstraint = {}): number {
  if (numberFits(value, c)) {
    return value;
  }
  if (typeof value !== 'number') {
    throw new InferenceWorkloadValidationError(`'${prop}' must be a number, got ${describeValue(value)}`);
  }
  if (looksLikeNumberToken(value)) {
    throw new InferenceWorkloadValidationError(
      `'${prop}' must be a concrete number at synth time (the placement is decided at synth), got an unresolved token`);
  }
  if (!Number.isFinite(value)) {
    throw new InferenceWorkloadValidationError(`'${prop}' must be a finite number, got ${formatValue(value)}`);
  }
  if (tooLow(value, c) || tooHigh(value, c)) {
    throw new InferenceWorkloadValidationError(`'${prop}' must be ${describeRange(c)}, got ${formatValue(value)}`);
  }
  const range = describeRange(c);
  throw new InferenceWorkloadValidationError(`'${prop}' must be an integer${range ? ` ${range}` : ''}, got ${formatValue(value)}`);
}

/**
 * Whether `checkNumber` accepts `value`: a finite, concrete number within the constraint. The
 * cheap test of the usual case; `checkNumber` writes the message when it fails.
 */
export function numberFits(value: unknown, c: NumberConstraint): value is number {
  return typeof value === 'number' && Number.isFinite(value) && !looksLikeNumberToken(value)
    && !tooLow(value, c) && !tooHigh(value, c) && !(c.integer && !Number.isInteger(value));
}

function tooLow(value: number, c: NumberConstraint): boolean {
  return c.min !== undefined && (c.exclusiveMin ? value <= c.min : value < c.min);
}

function tooHigh(value: number, c: NumberConstraint): boolean {
  return c.max !== undefined && value > c.max;
}

/** Like `checkNumber`, but passes `undefined` through. */
export function checkOptionalNumber(prop: string, value: number | undefined, c: NumberConstraint = {}): number | undefined {
  return value === undefined ? undefined : checkNumber(prop, value, c);
}

function describeRange(c: NumberConstraint): string {
  const min = c.min === undefined ? undefined : formatBound(c.min);
  const max = c.max === undefined ? undefined : formatBound(c.max);
  const lower = min === undefined ? undefined : (c.exclusiveMin ? `greater than ${min}` : `at least ${min}`);
  if (min !== undefined && max !== undefined && !c.exclusiveMin) {
    return `between ${min} and ${max}`;
  }
  if (lower && max !== undefined) {
    return `${lower} and at most ${max}`;
  }
  if (lower) {
    return lower;
  }
  if (max !== undefined) {
    return `at most ${max}`;
  }
  return '';
}

/**
 * A bound of a range in an error message: integers with thousands separators, decimals to at most
 * three places (`2,097,152`, `0.001`, `0.05`). Locale-independent.
 */
export function formatBound(n: number): string {
  const rounded = Math.round(n * 1000) / 1000;
  // a bound below a thousandth (or too large to round) is written in full rather than as 0
  return groupIntegerPart(String(Number.isInteger(n) || rounded === 0 || !Number.isFinite(rounded) ? n : rounded));
}

/**
 * A value the user gave, in an error message: its integer part with thousands separators and its
 * decimals as written (`3,000,000`, `0.95`, `127.9999`, `NaN`, `Infinity`, `1e+300`). The decimals
 * are never rounded: a rounded value could read as the bound it misses (`got 128` for 127.9999).
 * Locale-independent.
 */
export function formatValue(n: number): string {
  return groupIntegerPart(String(n));
}

/** Constraints on a string input. */
export interface StringConstraint {
  /** Smallest allowed length. @default 1 */
  readonly minLength?: number;
  /** Largest allowed length. */
  readonly maxLength?: number;
  /** A pattern the whole string must match, with a human description of it. */
  readonly pattern?: RegExp;
  /** How to describe `pattern` in the error. */
  readonly patternDescription?: string;
}

/** Checks one string prop: concrete, length within bounds, matching a pattern. */
export function checkString(prop: string, value: string, c: StringConstraint = {}): string {
  if (typeof value !== 'string') {
    throw new InferenceWorkloadValidationError(`'${prop}' must be a string, got ${describeValue(value)}`);
  }
  if (looksLikeStringToken(value)) {
    throw new InferenceWorkloadValidationError(
      `'${prop}' must be a concrete string at synth time, got an unresolved token ${JSON.stringify(value)}`);
  }
  const minLength = c.minLength ?? 1;
  if (value.length < minLength) {
    throw new InferenceWorkloadValidationError(`'${prop}' must not be empty, got ${JSON.stringify(value)}`);
  }
  if (c.maxLength !== undefined && value.length > c.maxLength) {
    throw new InferenceWorkloadValidationError(
      `'${prop}' must be at most ${c.maxLength} characters, got ${value.length} characters (${JSON.stringify(value.slice(0, 40))}...)`);
  }
  if (c.pattern && !c.pattern.test(value)) {
    throw new InferenceWorkloadValidationError(
      `'${prop}' must be ${c.patternDescription ?? `a string matching ${c.pattern}`}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Checks one boolean prop: a string "false" would read as true, so anything but `true`, `false` or
 * `undefined` is refused. With a `fallback`, `undefined` becomes the fallback.
 */
export function checkBoolean(prop: string, value: boolean | undefined, fallback: boolean): boolean;
export function checkBoolean(prop: string, value: boolean | undefined): boolean | undefined;
export function checkBoolean(prop: string, value: boolean | undefined, fallback?: boolean): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new InferenceWorkloadValidationError(`'${prop}' must be true or false, got ${describeValue(value)}`);
  }
  return value ?? fallback;
}

/**
 * Checks that a prop is one of `values` (an enum's values): `'<prop>' must be one of a, b<context>,
 * got <value>`. `context` qualifies the list (` for the fixed policy`). Returns the value.
 */
export function checkOneOf<T>(prop: string, value: T, values: readonly T[], context = ''): T {
  if (!values.includes(value)) {
    throw new InferenceWorkloadValidationError(`'${prop}' must be one of ${values.join(', ')}${context}, got ${describeValue(value)}`);
  }
  return value;
}

/** DNS-1123 label: what Kubernetes accepts as an object name for Services and most kinds. */
export const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Checks a Kubernetes object name as a DNS-1123 label (at most 63 characters). */
export function checkDnsLabel(prop: string, value: string, maxLength = 63): string {
  return checkString(prop, value, {
    maxLength,
    pattern: DNS_1123_LABEL,
    patternDescription: 'a DNS-1123 label (lowercase letters, digits and \'-\', starting and ending with a letter or digit)',
  });
}

/**
 * An optional option's value, or `fallback` when it is omitted. Only `undefined` means omitted:
 * `null` (a JSON or JavaScript caller's) is returned as is, so that the option's own check refuses
 * it by name instead of a default hiding it or aws-cdk-lib failing on it.
 */
export function orDefault<T>(value: T | undefined, fallback: T): T {
  return value === undefined ? fallback : value;
}

/**
 * Checks an optional `ec2.SubnetSelection`: omitted (`undefined`) selects the default subnets;
 * anything but an object (null, a string, an array) is refused, since `vpc.selectSubnets()` would
 * fail on it with a TypeError.
 */
export function checkSubnetSelection(prop: string, value: unknown): void {
  if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    throw new InferenceWorkloadValidationError(
      `'${prop}' must be an ec2.SubnetSelection ({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }), or omitted for the default, got ${describeValue(value)}`);
  }
}

/**
 * A target's options: `undefined` means none; anything but a plain object (a string, a number, an
 * array, null) is refused rather than silently ignored.
 */
export function checkOptionsObject<T extends object>(prop: string, value: T | undefined, typeName: string): T {
  if (value === undefined) {
    return {} as T;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InferenceWorkloadValidationError(`'${prop}' must be an object of ${typeName}, got ${describeValue(value)}`);
  }
  return value;
}
