import * as fs from 'fs';
import * as path from 'path';
import { InferenceWorkloadValidationError } from '../errors';
import { IPlacementPolicy, PlacementDecision, PlacementPolicy, PlacementTarget, WorkloadProfile } from '../policy';
import { PROFILE_FIELDS } from '../policy/profile';
import { renderCostChart } from '../report/chart';
import { renderWorkloadMarkdown } from '../report/render';

/** Where the CLI reads and writes; injected so the logic is testable without a process. @internal */
export interface CliIo {
  readFile(file: string): string;
  writeFile(file: string, content: string): void;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Exit codes. @internal */
export const EXIT = { ok: 0, invalidInput: 1, usage: 2 } as const;

/** Output formats of `explain`. @internal */
export const FORMATS = ['table', 'json', 'md'] as const;

/** @internal */
export const USAGE = `Usage: inference-workload explain <profile.json> [--format table|json|md] [--policy default|fixed:<target>] [--chart <out.svg>]

Runs the placement policy on a workload profile (a JSON file holding a WorkloadProfile, or
{"profile": {...}}) and prints the decision: target, rules, costs, break-even and sizing.

Options:
  --format table|json|md   output format (default: table)
  --policy default|fixed:lambda|fixed:kubernetes|fixed:hybrid|fixed:lambda-managed-instances
                           placement policy (default: default)
  --chart <out.svg>        also write the cost chart (monthly cost vs utilization) as SVG
  -h, --help               show this help

Exit codes: 0 placed, 1 unreadable or invalid profile, 2 usage error.`;

/** A usage or input error with its exit code. @internal */
export class CliError extends Error {
  constructor(message: string, public readonly exitCode: number) {
    super(message);
    this.name = 'CliError';
  }
}

/** Parsed `explain` arguments. @internal */
export interface ExplainArgs {
  readonly file: string;
  readonly format: typeof FORMATS[number];
  readonly policy: string;
  readonly chart?: string;
}

/** Parses the command line (without `node` and the script). @internal */
export function parseArgs(argv: string[]): ExplainArgs | 'help' {
  if (argv.length === 0 || argv.includes('-h') || argv.includes('--help')) {
    if (argv.length === 0) {
      throw new CliError(`missing command\n\n${USAGE}`, EXIT.usage);
    }
    return 'help';
  }
  const [command, ...rest] = argv;
  if (command !== 'explain') {
    throw new CliError(`unknown command ${JSON.stringify(command)}; expected "explain"\n\n${USAGE}`, EXIT.usage);
  }
  let file: string | undefined;
  let format: string = 'table';
  let policy = 'default';
  let chart: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? rest[++i];
      if (v === undefined || (inline === undefined && v.startsWith('--'))) {
        throw new CliError(`option ${flag} needs a value\n\n${USAGE}`, EXIT.usage);
      }
      return v;
    };
    if (flag === '--format') {
      format = value();
    } else if (flag === '--policy') {
      policy = value();
    } else if (flag === '--chart') {
      chart = value();
    } else if (flag.startsWith('-')) {
      throw new CliError(`unknown option ${flag}\n\n${USAGE}`, EXIT.usage);
    } else if (file === undefined) {
      file = arg;
    } else {
      throw new CliError(`expected one profile file, got a second one: ${JSON.stringify(arg)}`, EXIT.usage);
    }
  }
  if (file === undefined) {
    throw new CliError(`missing <profile.json>\n\n${USAGE}`, EXIT.usage);
  }
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new CliError(`'--format' must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(format)}`, EXIT.usage);
  }
  return { file, format: format as ExplainArgs['format'], policy, chart };
}

/** The policy named on the command line. @internal */
export function policyFromName(name: string): IPlacementPolicy {
  if (name === 'default') {
    return PlacementPolicy.default();
  }
  const m = /^fixed:(.+)$/.exec(name);
  const targets = Object.values(PlacementTarget) as string[];
  if (m && targets.includes(m[1])) {
    return PlacementPolicy.fixed(m[1] as PlacementTarget);
  }
  throw new CliError(`'--policy' must be default or fixed:<${targets.join('|')}>, got ${JSON.stringify(name)}`, EXIT.usage);
}

/**
 * Parses a profile file's text: a `WorkloadProfile`, or `{"profile": {...}}`. Returns the
 * profile and warnings for fields the profile does not have.
 * @internal
 */
export function parseProfile(text: string, file: string): { profile: WorkloadProfile; warnings: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${file} is not valid JSON: ${describeJsonError(e as Error, text)}`, EXIT.invalidInput);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new CliError(`invalid profile in ${file}: 'profile' must be a JSON object, got ${Array.isArray(json) ? 'an array' : JSON.stringify(json)}`, EXIT.invalidInput);
  }
  const prefix = 'profile.';
  let profile = json as Record<string, unknown>;
  if ('profile' in profile && !('memoryMiB' in profile)) {
    const inner = profile.profile;
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) {
      throw new CliError(`invalid profile in ${file}: 'profile' must be a JSON object, got ${JSON.stringify(inner)}`, EXIT.invalidInput);
    }
    profile = inner as Record<string, unknown>;
  }
  // the profile's own field table: a field the policy reads is never reported as ignored
  const known = Object.keys(PROFILE_FIELDS);
  const warnings = Object.keys(profile)
    .filter(k => !known.includes(k))
    .sort()
    .map(k => {
      const near = closest(k, known);
      return `'${prefix}${k}' is not a WorkloadProfile field${near ? ` (did you mean '${near}'?)` : ''}; it is ignored`;
    });
  return { profile: profile as unknown as WorkloadProfile, warnings };
}

/** Decides the placement of a parsed profile, turning validation errors into CLI errors. @internal */
export function decide(profile: WorkloadProfile, policy: IPlacementPolicy, file: string): PlacementDecision {
  try {
    return policy.decide(profile);
  } catch (e) {
    if (e instanceof InferenceWorkloadValidationError || (e as Error)?.name === 'InferenceWorkloadValidationError') {
      throw new CliError(`invalid profile in ${file}: ${(e as Error).message}`, EXIT.invalidInput);
    }
    throw e;
  }
}

/** Renders a decision in one of the formats. @internal */
export function formatDecision(decision: PlacementDecision, format: ExplainArgs['format'], file: string): string {
  const name = path.basename(file).replace(/\.json$/i, '') || 'workload';
  switch (format) {
    case 'json':
      return JSON.stringify({ profileFile: file, decision: decision.toJson() }, undefined, 2) + '\n';
    case 'md':
      return renderWorkloadMarkdown({ constructPath: file, stack: '', workloadName: name, decision }, { headingLevel: 1 }) + '\n';
    case 'table':
    default: {
      const lines = [`Profile: ${file}`, decision.explain()];
      const sizing: Array<[string, object | undefined]> = [['lambda', decision.lambda], ['kubernetes', decision.kubernetes], ['hybrid', decision.hybrid], ['managed instances', decision.managedInstances]];
      for (const [platform, s] of sizing) {
        if (s) {
          lines.push('', `Sizing (${platform}):`);
          for (const [k, v] of Object.entries(s)) {
            lines.push(`  ${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
          }
        }
      }
      return lines.join('\n') + '\n';
    }
  }
}

/**
 * The whole CLI: returns the exit code, writes only through `io`.
 * @internal
 */
export function runCli(argv: string[], io: CliIo): number {
  try {
    const args = parseArgs(argv);
    if (args === 'help') {
      io.stdout(USAGE + '\n');
      return EXIT.ok;
    }
    const policy = policyFromName(args.policy);
    let text: string;
    try {
      text = io.readFile(args.file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
      throw new CliError(`cannot read profile file ${args.file}: ${why}`, EXIT.invalidInput);
    }
    const { profile, warnings } = parseProfile(text, args.file);
    warnings.forEach(w => io.stderr(`inference-workload: warning: ${w}\n`));
    const decision = decide(profile, policy, args.file);
    io.stdout(formatDecision(decision, args.format, args.file));
    if (args.chart) {
      const name = path.basename(args.file).replace(/\.json$/i, '') || 'workload';
      io.writeFile(args.chart, renderCostChart({ workloadName: name, constructPath: args.file, decision }));
      io.stderr(`inference-workload: wrote chart ${args.chart}\n`);
    }
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CliError) {
      io.stderr(`inference-workload: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}

/** The process's real files and streams. @internal */
export const NODE_IO: CliIo = {
  readFile: file => fs.readFileSync(file, 'utf-8'),
  writeFile: (file, content) => fs.writeFileSync(file, content),
  stdout: text => process.stdout.write(text),
  stderr: text => process.stderr.write(text),
};

/** Entry point of `bin/inference-workload`. @internal */
export function main(argv: string[] = process.argv.slice(2)): number {
  return runCli(argv, NODE_IO);
}

function describeJsonError(e: Error, text: string): string {
  const m = /position (\d+)/.exec(e.message);
  if (!m) {
    return e.message;
  }
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `${e.message.replace(/ at position \d+.*$/, '')} at line ${line}, column ${column}`;
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
