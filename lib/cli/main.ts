import * as fs from 'fs';
import * as path from 'path';
import { runDiff } from './diff';
import { CliError, CliIo, EXIT, NODE_IO, runExplain } from './explain';
import { runLock } from './lock';

/**
 * The subcommands: `argv[0]` picks one, which receives the whole argv (its own name first) and
 * returns the exit code. A new subcommand is one more row.
 * @internal
 */
export const COMMANDS: Record<string, (argv: string[], io: CliIo) => number> = {
  explain: runExplain,
  diff: runDiff,
  lock: (argv, io) => runLock(argv.slice(1), { ...io, exists: file => fs.existsSync(file) }),
};

/** @internal */
export const MAIN_USAGE = `Usage: inference-workload <command> [options]

Commands:
  explain <profile.json>          place one workload profile as cdk synth would, and say why
  diff <before.json> <after.json> compare two placement reports (cdk.out/placement-report.json)
  lock [--check]                  record the last synth's placements in the placement lock (inference-workload.lock.json)

Options:
  --version    print the version
  -h, --help   show help (also: inference-workload <command> --help)`;

/** The package's version, from its package.json (lib/cli or build/cli are two levels down). @internal */
export function packageVersion(): string {
  for (const dir of [path.join(__dirname, '..', '..'), path.join(__dirname, '..')]) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf-8'));
      if (pkg.name === 'inference-workload') {
        return String(pkg.version);
      }
    } catch {
      // try the next candidate
    }
  }
  return 'unknown';
}

/**
 * The whole CLI: returns the exit code, writes only through `io`.
 * @internal
 */
export function runCli(argv: string[], io: CliIo): number {
  try {
    const [command] = argv;
    if (command === '--version' || command === '-V') {
      io.stdout(`inference-workload ${packageVersion()}\n`);
      return EXIT.ok;
    }
    if (command === undefined) {
      throw new CliError(`missing command\n\n${MAIN_USAGE}`, EXIT.usage);
    }
    if (command === '-h' || command === '--help' || command === 'help') {
      io.stdout(MAIN_USAGE + '\n');
      return EXIT.ok;
    }
    const run = Object.prototype.hasOwnProperty.call(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!run) {
      throw new CliError(`unknown command ${JSON.stringify(command)}; expected one of ${Object.keys(COMMANDS).join(', ')}\n\n${MAIN_USAGE}`, EXIT.usage);
    }
    return run(argv, io);
  } catch (e) {
    if (e instanceof CliError) {
      io.stderr(`inference-workload: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}

/** Entry point of `bin/inference-workload`. @internal */
export function main(argv: string[] = process.argv.slice(2)): number {
  return runCli(argv, NODE_IO);
}
