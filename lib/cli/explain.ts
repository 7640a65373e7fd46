import * as fs from 'fs';
import * as path from 'path';
import { InferenceWorkloadValidationError } from '../errors';
import { IPlacementPolicy, PlacementDecision, PlacementPolicy, PlacementTarget, WorkloadProfile } from '../policy';
import { joinProblems, PROFILE_FIELDS, profileProblems } from '../policy/profile';
import { renderCostChart } from '../report/chart';
import { decidingRule, formatNumber } from '../report/format';
import { assumedDefaults, renderWorkloadMarkdown } from '../report/render';

/** Where the CLI reads and writes; injected so the logic is testable without a process. @internal */
export interface CliIo {
  /** The directory whose cdk.json is read; without it, no cdk.json is read. */
  readonly cwd?: string;
  readFile(file: string): string;
  writeFile(file: string, content: string): void;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Exit codes. @internal */
export const EXIT = { ok: 0, invalidInput: 1, usage: 2, noPlacement: 3 } as const;

/** Output formats of `explain`. @internal */
export const FORMATS = ['table', 'json', 'md'] as const;

/** @internal */
export const USAGE = `Usage: inference-workload explain <profile.json> [options]

Runs the placement policy on a workload profile (a JSON file holding a WorkloadProfile, or
{"profile": {...}}) and prints the decision: target, rules, costs, break-even and sizing.

It answers what \`cdk synth\` would: the policy and price table come from the context keys
inference-workload:policy and inference-workload:priceTable of ./cdk.json and
./cdk.context.json, as at synth. (A policy passed in code, as the 'policy' prop, is not seen.)

Options:
  --format table|json|md   output format (default: table)
  --json                   same as --format json
  --policy <policy>        default | cost-optimized | fixed:<target> (lambda, kubernetes, hybrid,
                           lambda-managed-instances)
                           (default: cdk.json's inference-workload:policy, else default)
  --cdk-json <file>        read the context from this cdk.json instead of ./cdk.json
  --no-cdk-json            ignore cdk.json: built-in policy and price table
  --chart <out.svg>        also write the cost chart (monthly cost vs utilization) as SVG
  -h, --help               show this help

Exit codes: 0 placed, 1 unreadable or invalid profile or cdk.json, 2 usage error,
3 no placement (the policy cannot place this profile).`;

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
  /** The policy given on the command line; undefined: cdk.json's, else default. */
  readonly policy?: string;
  readonly chart?: string;
  /** cdk.json to read; undefined: ./cdk.json; false: none. */
  readonly cdkJson?: string | false;
}

/** Parses the command line (without `node` and the script). @internal */
export function parseArgs(argv: string[]): ExplainArgs | 'help' {
  if (argv.length === 0) {
    throw new CliError(`missing command\n\n${USAGE}`, EXIT.usage);
  }
  if (argv.includes('-h') || argv.includes('--help')) {
    return 'help';
  }
  const [command, ...rest] = argv;
  if (command !== 'explain') {
    throw new CliError(`unknown command ${JSON.stringify(command)}; expected "explain"\n\n${USAGE}`, EXIT.usage);
  }
  let file: string | undefined;
  let format: string = 'table';
  let policy: string | undefined;
  let chart: string | undefined;
  let cdkJson: string | false | undefined;
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
    } else if (flag === '--json') {
      format = 'json';
    } else if (flag === '--cdk-json') {
      cdkJson = value();
    } else if (flag === '--no-cdk-json') {
      cdkJson = false;
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
  return { file, format: format as ExplainArgs['format'], policy, chart, cdkJson };
}

/**
 * The policy named on the command line, with the price table synth would use: every kind
 * `PlacementPolicy.fromConfig` accepts (`default`, `cost-optimized`, `fixed:<target>`).
 * @internal
 */
export function policyFromName(name: string, priceTable?: unknown): IPlacementPolicy {
  const targets = Object.values(PlacementTarget) as string[];
  const kinds = ['default', 'cost-optimized', ...targets.map(t => `fixed:${t}`)];
  if (!kinds.includes(name)) {
    throw new CliError(`'--policy' must be one of ${kinds.join(', ')}, got ${JSON.stringify(name)}`, EXIT.usage);
  }
  try {
    return PlacementPolicy.fromConfig(name, priceTable);
  } catch (e) {
    throw asCliError(e, `invalid '${PlacementPolicy.CONTEXT_KEY_PRICE_TABLE}'`);
  }
}

/**
 * The policy synth would use: `--policy` if given, else the context of cdk.json (and
 * cdk.context.json next to it), else the default. Returns where it came from, for the table.
 * @internal
 */
export function resolvePolicy(args: ExplainArgs, io: CliIo): { policy: IPlacementPolicy; source: string } {
  const context = readCdkContext(args.cdkJson, io);
  const priceTable = context.values[PlacementPolicy.CONTEXT_KEY_PRICE_TABLE];
  if (args.policy !== undefined) {
    return { policy: policyFromName(args.policy, priceTable), source: '--policy' + (priceTable !== undefined ? `, price table from ${context.file}` : '') };
  }
  const configured = context.values[PlacementPolicy.CONTEXT_KEY_POLICY];
  try {
    const policy = PlacementPolicy.fromConfig(configured, priceTable);
    const from = configured !== undefined || priceTable !== undefined ? context.file : undefined;
    return { policy, source: from ? `context of ${from}` : 'built-in default' };
  } catch (e) {
    throw asCliError(e, `invalid context in ${context.file}`);
  }
}

/** The context `cdk synth` would read from the project directory. @internal */
export function readCdkContext(cdkJson: string | false | undefined, io: CliIo): { file?: string; values: Record<string, unknown> } {
  if (cdkJson === false || (cdkJson === undefined && io.cwd === undefined)) {
    return { values: {} };
  }
  const file = cdkJson ?? path.join(io.cwd!, 'cdk.json');
  const read = (f: string, required: boolean): Record<string, unknown> => {
    let text: string;
    try {
      text = io.readFile(f);
    } catch (e) {
      if (required) {
        throw new CliError(`cannot read ${f}: ${describeReadError(e)}`, EXIT.invalidInput);
      }
      return {};
    }
    let json: any;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new CliError(`${f} is not valid JSON: ${describeJsonError(e as Error, text)}`, EXIT.invalidInput);
    }
    const ctx = f.endsWith('cdk.context.json') ? json : json?.context;
    return ctx !== null && typeof ctx === 'object' && !Array.isArray(ctx) ? ctx : {};
  };
  // cdk.context.json holds cached lookups; cdk.json's context is what the user wrote
  const values = { ...read(path.join(path.dirname(file), 'cdk.context.json'), false), ...read(file, cdkJson !== undefined) };
  return { file, values };
}

function asCliError(e: unknown, what: string): unknown {
  if (e instanceof InferenceWorkloadValidationError || (e as Error)?.name === 'InferenceWorkloadValidationError') {
    return new CliError(`${what}: ${(e as Error).message}`, EXIT.invalidInput);
  }
  return e;
}

function describeReadError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
}

/**
 * Parses a profile file's text: a `WorkloadProfile`, or `{"profile": {...}}`. A field the profile
 * does not have is refused when the profile is checked, as the construct refuses it.
 * @internal
 */
export function parseProfile(text: string, file: string): { profile: WorkloadProfile } {
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
  const missing = Object.entries(PROFILE_FIELDS)
    .filter(([k, spec]) => (spec as { required?: boolean }).required && profile[k] === undefined)
    .map(([k]) => `'${prefix}${k}'`);
  if (missing.length > 0) {
    // the missing fields together, then the profile's other problems, as the construct reports them
    const others = profileProblems(profile as unknown as WorkloadProfile, prefix).filter(m => !missing.some(k => m.startsWith(`${k} `)));
    const required = `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} required, got no value`;
    throw new CliError(`invalid profile in ${file}: ${joinProblems([required, ...others])}`, EXIT.invalidInput);
  }
  return { profile: profile as unknown as WorkloadProfile };
}

/** Decides the placement of a parsed profile, turning validation errors into CLI errors. @internal */
export function decide(profile: WorkloadProfile, policy: IPlacementPolicy, file: string): PlacementDecision {
  try {
    return policy.decide(profile);
  } catch (e) {
    if (e instanceof InferenceWorkloadValidationError || (e as Error)?.name === 'InferenceWorkloadValidationError') {
      const message = (e as Error).message;
      // a profile field is wrong, or the profile is valid and the policy cannot place it
      if (/^(Cannot configure )?'profile[.']/.test(message) && !/^'profile' must fit/.test(message)) {
        throw new CliError(`invalid profile in ${file}: ${message}`, EXIT.invalidInput);
      }
      throw new CliError(`cannot place ${file} with policy ${policy.name}: ${message}`, EXIT.noPlacement);
    }
    throw e;
  }
}

/** Renders a decision in one of the formats. @internal */
export function formatDecision(
  decision: PlacementDecision, format: ExplainArgs['format'], file: string,
  context: { policySource?: string } = {},
): string {
  const name = path.basename(file).replace(/\.json$/i, '') || 'workload';
  switch (format) {
    case 'json':
      return JSON.stringify({
        profileFile: file,
        policySource: context.policySource,
        decidingRule: decidingRule(decision)?.ruleId ?? null,
        assumedDefaults: assumedDefaults(decision),
        decision: decision.toJson(),
      }, undefined, 2) + '\n';
    case 'md':
      return renderWorkloadMarkdown({ constructPath: file, stack: '', workloadName: name, decision }, { headingLevel: 1 }) + '\n';
    case 'table':
    default: {
      const lines = [`Profile: ${file}`];
      if (context.policySource) {
        lines.push(`Policy from: ${context.policySource}`);
      }
      lines.push(`Deciding rule: ${decidingRule(decision)?.ruleId ?? 'none fired'}`, decision.explain());
      const assumed = assumedDefaults(decision);
      if (Object.keys(assumed).length > 0) {
        lines.push('', `Assumed (not in the profile): ${Object.entries(assumed).map(([k, v]) => `${k} ${typeof v === 'number' ? formatNumber(v, 3) : String(v)}`).join(', ')}`);
      }
      const sizing: Array<[string, object | undefined]> = [['lambda', decision.lambda], ['kubernetes', decision.kubernetes], ['hybrid', decision.hybrid], ['managed instances', decision.managedInstances]];
      for (const [platform, s] of sizing) {
        if (s) {
          lines.push('', `Sizing (${platform}):`);
          for (const [k, v] of Object.entries(s)) {
            lines.push(`  ${k}: ${typeof v === 'object' ? JSON.stringify(v) : typeof v === 'number' ? formatNumber(v, 3) : String(v)}`);
          }
        }
      }
      return lines.join('\n') + '\n';
    }
  }
}

/**
 * `inference-workload explain`: returns the exit code, writes only through `io`.
 * @internal
 */
export function runExplain(argv: string[], io: CliIo): number {
  const args = parseArgs(argv);
  if (args === 'help') {
    io.stdout(USAGE + '\n');
    return EXIT.ok;
  }
  const { policy, source } = resolvePolicy(args, io);
  let text: string;
  try {
    text = io.readFile(args.file);
  } catch (e) {
    throw new CliError(`cannot read profile file ${args.file}: ${describeReadError(e)}`, EXIT.invalidInput);
  }
  const { profile } = parseProfile(text, args.file);
  const decision = decide(profile, policy, args.file);
  io.stdout(formatDecision(decision, args.format, args.file, { policySource: source }));
  if (args.chart) {
    const name = path.basename(args.file).replace(/\.json$/i, '') || 'workload';
    io.writeFile(args.chart, renderCostChart({ workloadName: name, constructPath: args.file, decision }));
    io.stderr(`inference-workload: wrote chart ${args.chart}\n`);
  }
  return EXIT.ok;
}

/** The process's real files and streams. @internal */
export const NODE_IO: CliIo = {
  readFile: file => fs.readFileSync(file, 'utf-8'),
  writeFile: (file, content) => fs.writeFileSync(file, content),
  stdout: text => process.stdout.write(text),
  stderr: text => process.stderr.write(text),
  get cwd() {
    return process.cwd();
  },
};

/** @internal */
export function describeJsonError(e: Error, text: string): string {
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
