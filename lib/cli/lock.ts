import { DEFAULT_LOCK_FILE, formatLock, LOCK_FILE_CONTEXT_KEY, LockEntry, LockFile, parseLock } from '../placement-lock';

/** What `lock` reads and writes (injected, so tests run without touching the disk). @internal */
export interface LockIo {
  readonly stdout: (text: string) => void;
  readonly readFile: (file: string) => string;
  readonly writeFile: (file: string, text: string) => void;
  readonly exists: (file: string) => boolean;
}

export const LOCK_USAGE = `Usage: inference-workload lock [--report <placement-report.json>] [--file <lock file>] [--check]

Records where each workload of the last synth runs (read from the placement report) in the
placement lock, a file the app repository commits. A later synth that would move a locked
workload to another target fails until the move is accepted and recorded here.

Options:
  --report <file>   the placement report (default: placement-report.json in cdk.json's
                    inference-workload:outputDirectory, else in cdk.out)
  --file <file>     the lock file (default: cdk.json's inference-workload:placementLock,
                    else ${DEFAULT_LOCK_FILE})
  --check           change nothing; exit 1 if a workload of the report is not locked where it
                    is placed (or the lock holds one the report does not); costs are not compared
  -h, --help        show this help

Exit codes: 0 recorded (or up to date), 1 lock differs (--check) or unreadable input, 2 usage error.`;

/** Runs `inference-workload lock <args>`; returns the exit code. @internal */
export function runLock(argv: string[], io: LockIo): number {
  const context = cdkJsonContext(io);
  let report = `${typeof context[OUTPUT_DIRECTORY_KEY] === 'string' && context[OUTPUT_DIRECTORY_KEY] ? context[OUTPUT_DIRECTORY_KEY] : 'cdk.out'}/placement-report.json`;
  let file = typeof context[LOCK_FILE_CONTEXT_KEY] === 'string' && context[LOCK_FILE_CONTEXT_KEY] ? context[LOCK_FILE_CONTEXT_KEY] as string : DEFAULT_LOCK_FILE;
  let check = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      io.stdout(LOCK_USAGE + '\n');
      return 0;
    } else if (arg === '--check') {
      check = true;
    } else if ((arg === '--report' || arg === '--file') && argv[i + 1] !== undefined) {
      if (arg === '--report') {
        report = argv[++i];
      } else {
        file = argv[++i];
      }
    } else {
      io.stdout(`inference-workload lock: unknown or incomplete argument ${JSON.stringify(arg)}\n\n${LOCK_USAGE}\n`);
      return 2;
    }
  }
  let workloads: Record<string, LockEntry>;
  try {
    workloads = entriesOfReport(io.readFile(report), report);
  } catch (e) {
    io.stdout(`inference-workload lock: cannot read the placement report ${report}: ${(e as Error).message} (run cdk synth first)\n`);
    return 1;
  }
  let before: LockFile | undefined;
  try {
    before = io.exists(file) ? parseLock(io.readFile(file), file) : undefined;
  } catch (e) {
    io.stdout(`inference-workload lock: ${(e as Error).message}\n`);
    return 1;
  }
  const changes = describeChanges(before?.workloads ?? {}, workloads);
  // a placement change is a workload added, moved or removed; a cost that moved is only refreshed
  const placementChanges = changes.filter(c => !c.startsWith(' '));
  if (check) {
    if (placementChanges.length === 0) {
      io.stdout(`inference-workload lock: ${file} matches ${report} (${Object.keys(workloads).length} workloads)\n`);
      return 0;
    }
    io.stdout(`inference-workload lock: ${file} differs from ${report}:\n${placementChanges.map(c => `  ${c}`).join('\n')}\n`);
    return 1;
  }
  if (changes.length === 0) {
    io.stdout(`inference-workload lock: ${file} is up to date (${Object.keys(workloads).length} workloads)\n`);
    return 0;
  }
  io.writeFile(file, formatLock(workloads));
  io.stdout(`inference-workload lock: wrote ${file}:\n${changes.map(c => `  ${c}`).join('\n')}\n`);
  return 0;
}

function entriesOfReport(text: string, file: string): Record<string, LockEntry> {
  const json = JSON.parse(text);
  if (!json || !Array.isArray(json.workloads)) {
    throw new Error(`${file} has no "workloads" list`);
  }
  const out: Record<string, LockEntry> = {};
  for (const w of json.workloads) {
    if (typeof w?.stack !== 'string' || typeof w?.workloadName !== 'string' || typeof w?.target !== 'string') {
      throw new Error(`${file} has a workload without stack, workloadName and target`);
    }
    out[`${w.stack}/${w.workloadName}`] = typeof w.chosenMonthlyUsd === 'number'
      ? { target: w.target, monthlyUsd: Math.round(w.chosenMonthlyUsd * 100) / 100 }
      : { target: w.target };
  }
  return out;
}

function describeChanges(before: Record<string, LockEntry>, after: Record<string, LockEntry>): string[] {
  const changes: string[] = [];
  for (const key of Object.keys(after).sort()) {
    const was = before[key];
    if (was === undefined) {
      changes.push(`+ ${key}: ${after[key].target}`);
    } else if (was.target !== after[key].target) {
      changes.push(`~ ${key}: ${was.target} -> ${after[key].target}`);
    } else if (was.monthlyUsd !== after[key].monthlyUsd) {
      changes.push(`  ${key}: ${after[key].target}, $${after[key].monthlyUsd}/mo`);
    }
  }
  for (const key of Object.keys(before).filter(k => after[k] === undefined).sort()) {
    changes.push(`- ${key}: ${before[key].target} (no longer in the app)`);
  }
  return changes;
}

const OUTPUT_DIRECTORY_KEY = 'inference-workload:outputDirectory';

/** The context of ./cdk.json, where synth reads the lock file's and the report's locations; {} without one. */
function cdkJsonContext(io: LockIo): Record<string, unknown> {
  try {
    if (io.exists('cdk.json')) {
      const context = JSON.parse(io.readFile('cdk.json'))?.context;
      return context !== null && typeof context === 'object' ? context : {};
    }
  } catch {
    // an unreadable cdk.json leaves the defaults; reading the report says what is missing
  }
  return {};
}
