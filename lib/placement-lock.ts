import * as fs from 'fs';
import * as path from 'path';
import { Annotations, Stack, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { InferenceWorkloadValidationError } from './errors';
import { IPlacementPolicy, PlacementDecision, PlacementPolicy, PlacementTarget, WorkloadProfile } from './policy';
import { RENDERED_OPTION } from './policy/choice';
import { decidingRule } from './policy/deciding-rule';
import { formatUsd } from './policy/decision';
import { describeValue } from './private/validate';

/**
 * The placement lock: a file the app repository commits (like `cdk.context.json`) that records
 * where each deployed workload runs. A decision that moves a locked workload to another target
 * fails synth, naming the old and new target, the deciding rule and the cost delta, until the user
 * accepts the move; a workload near its break-even does not flap: while the locked target costs
 * at most `HYSTERESIS` more than the new one, it stays where it is.
 *
 * The file is read by the app at synth and written only by `npx inference-workload lock` (from
 * the placement report), so a synth never edits the repository.
 *
 * `InferenceWorkload` applies the lock to its decision; the placement report lists the moves
 * accepted in this synth. This module sits below both and imports only the policy and helpers.
 */

/** CDK context key: path of the lock file (relative to the app's directory), or `false` to ignore it. */
export const LOCK_FILE_CONTEXT_KEY = 'inference-workload:placementLock';
/** CDK context key: workloads (`<stack>/<workloadName>`, or `*`) whose move the user accepts. */
export const ACCEPT_MOVES_CONTEXT_KEY = 'inference-workload:acceptMoves';
/** The lock file's default name, next to cdk.json. */
export const DEFAULT_LOCK_FILE = 'inference-workload.lock.json';
/** A locked workload stays on its target while that costs at most this share more than the new one. */
export const HYSTERESIS = 0.10;
/** Version of the lock file's format. */
export const LOCK_VERSION = 1;

/** One locked workload. */
export interface LockEntry {
  readonly target: PlacementTarget;
  /** Monthly cost when it was locked, USD (for the message; never compared). */
  readonly monthlyUsd?: number;
}

/** The lock file. */
export interface LockFile {
  readonly version: number;
  readonly workloads: Record<string, LockEntry>;
}

/** A move the user accepted that the lock file does not record yet. */
export interface PendingMove {
  readonly key: string;
  readonly from: PlacementTarget;
  readonly to: PlacementTarget;
  readonly rule: string;
  readonly monthlyUsdDelta: number;
}

interface LockState {
  readonly file: string;
  readonly lock?: LockFile;
  readonly accepted: Set<string>;
  readonly pending: PendingMove[];
  readonly unlocked: string[];
}

/**
 * The lock as read for each app (or stage, which reads its own context): read once, on the first
 * workload; `null` when the lock is turned off. Kept beside the app, not on it, and dropped with it.
 */
const STATES = new WeakMap<IConstruct, LockState | null>();

/** The key of a workload in the lock: `<stack name>/<workload name>`. */
export function lockKey(scope: IConstruct, workloadName: string): string {
  return `${Stack.of(scope).stackName}/${workloadName}`;
}

/** Parses a lock file's text; a malformed file is an error naming the file (never silently ignored). */
export function parseLock(text: string, file: string): LockFile {
  let json: any;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InferenceWorkloadValidationError(`'${LOCK_FILE_CONTEXT_KEY}' file ${file} must be JSON, got a parse error (${(e as Error).message})`);
  }
  const targets = Object.values(PlacementTarget) as string[];
  if (json === null || typeof json !== 'object' || json.version !== LOCK_VERSION || json.workloads === null || typeof json.workloads !== 'object') {
    throw new InferenceWorkloadValidationError(
      `'${LOCK_FILE_CONTEXT_KEY}' file ${file} must hold {"version": ${LOCK_VERSION}, "workloads": {...}}, got ${describeValue(json).slice(0, 120)}`);
  }
  for (const [key, entry] of Object.entries(json.workloads as Record<string, any>)) {
    if (entry === null || typeof entry !== 'object' || !targets.includes(entry.target)) {
      throw new InferenceWorkloadValidationError(
        `'${LOCK_FILE_CONTEXT_KEY}' file ${file}: workloads[${JSON.stringify(key)}].target must be one of ${targets.join(', ')}, got ${describeValue(entry?.target)}`);
    }
  }
  return json as LockFile;
}

/** The lock file's text for a set of entries: sorted, one workload per line, stable across runs. */
export function formatLock(workloads: Record<string, LockEntry>): string {
  const keys = Object.keys(workloads).sort();
  const lines = keys.map(k => `    ${JSON.stringify(k)}: ${JSON.stringify(workloads[k])}`);
  return `{\n  "version": ${LOCK_VERSION},\n  "workloads": {\n${lines.join(',\n')}\n  }\n}\n`;
}

function stateOf(scope: IConstruct): LockState | undefined {
  const root = Stage.of(scope) ?? scope.node.root;
  const known = STATES.get(root);
  if (known !== undefined) {
    return known ?? undefined;
  }
  const setting = scope.node.tryGetContext(LOCK_FILE_CONTEXT_KEY);
  if (setting === false || setting === 'false') {
    STATES.set(root, null);
    return undefined;
  }
  if (setting !== undefined && (typeof setting !== 'string' || setting.length === 0)) {
    throw new InferenceWorkloadValidationError(`'${LOCK_FILE_CONTEXT_KEY}' must be a file path or false, got ${describeValue(setting)}`);
  }
  const file = path.resolve(setting ?? DEFAULT_LOCK_FILE);
  const accepted = acceptedMoves(scope.node.tryGetContext(ACCEPT_MOVES_CONTEXT_KEY));
  const lock = fs.existsSync(file) ? parseLock(fs.readFileSync(file, 'utf8'), file) : undefined;
  const state: LockState = { file, lock, accepted, pending: [], unlocked: [] };
  STATES.set(root, state);
  return state;
}

function acceptedMoves(value: unknown): Set<string> {
  if (value === undefined) {
    return new Set();
  }
  // `cdk synth -c key=a,b` passes a string; cdk.json may hold a list
  const list = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(list) || list.some(v => typeof v !== 'string')) {
    throw new InferenceWorkloadValidationError(
      `'${ACCEPT_MOVES_CONTEXT_KEY}' must be a list of "<stack>/<workload>" (or "*"), got ${describeValue(value)}`);
  }
  return new Set(list.map(v => v.trim()).filter(v => v.length > 0));
}

/**
 * Applies the lock to a fresh decision of `policy` for `profile`: returns the decision to render
 * (the same one, or the policy's decision kept on the locked target by the hysteresis band), or
 * throws when the workload would move and the move is not accepted.
 */
export function applyPlacementLock(scope: IConstruct, workloadName: string, policy: IPlacementPolicy, profile: WorkloadProfile,
  decision: PlacementDecision): PlacementDecision {
  const state = stateOf(scope);
  if (state?.lock === undefined) {
    return decision;
  }
  const key = lockKey(scope, workloadName);
  const entry = state.lock.workloads[key];
  if (entry === undefined) {
    state.unlocked.push(key);
    return decision;
  }
  if (entry.target === decision.target) {
    return decision;
  }
  const from = entry.target;
  const to = decision.target;
  const locked = decision.costs.find(c => c.option === RENDERED_OPTION[from]);
  const chosen = decision.chosenCost;
  const delta = locked !== undefined && chosen !== undefined ? chosen.monthlyUsd - locked.monthlyUsd : NaN;
  // near the break-even the workload stays put: the move must save more than the hysteresis band
  if (locked?.feasible && chosen !== undefined && policy instanceof PlacementPolicy && locked.monthlyUsd <= chosen.monthlyUsd * (1 + HYSTERESIS)) {
    const why = `the placement lock (${key} is locked on ${from}; ${to} would save ${formatUsd(Math.abs(delta))}/mo, `
      + `within the ${Math.round(HYSTERESIS * 100)}% hysteresis band)`;
    return policy._keepOn(from, why).decide(profile);
  }
  const rule = decidingRule(decision)?.ruleId ?? 'costs';
  if (state.accepted.has(key) || state.accepted.has('*')) {
    state.pending.push({ key, from, to, rule, monthlyUsdDelta: delta });
    Annotations.of(scope).addWarningV2('inference-workload:placement-move-accepted',
      `${key} moves from ${from} to ${to} (${rule}; ${formatDelta(delta)}), accepted by '${ACCEPT_MOVES_CONTEXT_KEY}': `
      + 'record it with \'npx inference-workload lock\' after this synth, and remove the acceptance');
    return decision;
  }
  throw new InferenceWorkloadValidationError(
    `'${workloadName}' would move from ${from} to ${to} (deciding rule ${rule}; ${formatDelta(delta)}), but the placement lock `
    + `${state.file} keeps ${key} on ${from}: moving it replaces its deployed resources. Accept the move with `
    + `'cdk synth -c ${ACCEPT_MOVES_CONTEXT_KEY}=${key}' (or list it in cdk.json), then record it with 'npx inference-workload lock'`);
}

/** Moves accepted in this synth and not yet recorded in the lock file (for the report). */
export function pendingMoves(scope: IConstruct): PendingMove[] {
  return stateOf(scope)?.pending ?? [];
}

/** The accepted, not yet recorded move of one workload, if any. */
export function pendingMoveOf(scope: IConstruct, workloadName: string): PendingMove | undefined {
  const key = lockKey(scope, workloadName);
  return pendingMoves(scope).find(m => m.key === key);
}


function formatDelta(delta: number): string {
  if (Number.isNaN(delta)) {
    return 'the locked target is not priced any more';
  }
  return delta <= 0 ? `saves ${formatUsd(Math.abs(delta))}/mo` : `costs ${formatUsd(delta)}/mo more`;
}
